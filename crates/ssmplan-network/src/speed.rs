//! Which OpenStreetMap ways a car may use, in which direction, and at what speed: the Belgian
//! default speeds by road class, in one table ([`DEFAULT_SPEEDS`]), and the parsing of the
//! tags that override them.
//!
//! Sources: the Belgian highway code (Code de la route, art. 11: 120 km/h on motorways, 120 on
//! a "route pour automobiles" with a central reservation and 90 without, 50 in a built-up area,
//! 20 in a residential zone, 30 in a zone 30; since the Sixth State Reform the regions set the
//! default outside built-up areas: 90 in Wallonia and Brussels, 70 in Flanders) and the
//! OpenStreetMap wiki pages `Key:zone:traffic` and `Default speed limits` (Belgium), which
//! document the zone codes `BE-WAL:rural`, `BE-VLG:urban`, … used in `maxspeed`,
//! `maxspeed:type`, `source:maxspeed` and `zone:traffic`.
//!
//! The speeds are legal limits (free flow, no junction delay, no congestion): network times are
//! therefore a lower bound of real driving times.

/// The default speed of each car-usable `highway=*` class, for Wallonia.
///
/// Reasoning, class by class (km/h):
/// - `motorway` 120: the legal limit on an `autoroute` (F5 sign).
/// - `trunk` 90, or 120 when the way is one way: a `trunk` in Belgium is a `route pour
///   automobiles` (F9 sign), 120 with a central reservation (mapped as two one-way carriageways)
///   and 90 with only a painted line (mapped as one two-way way). See [`class_speed_kmh`].
/// - `primary`, `secondary` 90: the Walloon default outside a built-up area (`BE-WAL:rural`);
///   stretches through towns are 50 only when tagged so (`maxspeed`, `zone:traffic`).
/// - `tertiary` 70, `unclassified` 60: narrow rural roads that cross villages; the legal 90 is
///   seldom reached, the built-up 50 applies in the villages, a compromise kept fixed.
/// - `residential` 50 and `road` (unknown class) 50: the built-up-area default (30 when the
///   way is tagged as a zone 30 or lies in Brussels, see [`zone_speed_kmh`]).
/// - `living_street` 20: the residential zone (`zone résidentielle`, F12a).
/// - `service` 20: car parks, alleys and drives; 20 is the residential-zone limit, a walking
///   pace for a car.
/// - links 60 (`motorway_link`, `trunk_link`) and 50 (`primary_link`, `secondary_link`,
///   `tertiary_link`): ramps with bends, a yield or a stop at their end.
///
/// `track`, `path`, `footway`, `cycleway`, `bridleway`, `steps`, `pedestrian`, `bus_guideway`,
/// `raceway`, `construction`, `proposed` and anything else are not used by cars here.
pub const DEFAULT_SPEEDS: [(&str, f64); 15] = [
    ("motorway", 120.0),
    ("motorway_link", 60.0),
    ("trunk", 90.0),
    ("trunk_link", 60.0),
    ("primary", 90.0),
    ("primary_link", 50.0),
    ("secondary", 90.0),
    ("secondary_link", 50.0),
    ("tertiary", 70.0),
    ("tertiary_link", 50.0),
    ("unclassified", 60.0),
    ("residential", 50.0),
    ("road", 50.0),
    ("living_street", 20.0),
    ("service", 20.0),
];

/// The speed of a `trunk` mapped as a one-way carriageway of a road with a central reservation.
///
/// # Units
/// km/h.
pub const TRUNK_DIVIDED_KMH: f64 = 120.0;

/// The default speed of a `highway=*` class, `None` for a class cars do not use.
///
/// `oneway` says whether the way is one way (a `trunk` then gets [`TRUNK_DIVIDED_KMH`]).
///
/// # Units
/// km/h.
#[must_use]
pub fn class_speed_kmh(highway: &str, oneway: bool) -> Option<f64> {
    if highway == "trunk" && oneway {
        return Some(TRUNK_DIVIDED_KMH);
    }
    DEFAULT_SPEEDS
        .iter()
        .find(|(class, _)| *class == highway)
        .map(|&(_, kmh)| kmh)
}

/// The default limit of a Belgian zone code (`BE-WAL:rural`, `BE:urban`, `BE:zone30`, …), as
/// documented on the OpenStreetMap wiki (`Key:zone:traffic`, `Default speed limits`);
/// `None` for another value.
///
/// # Units
/// km/h.
#[must_use]
pub fn zone_speed_kmh(code: &str) -> Option<f64> {
    let (region, zone) = code.split_once(':')?;
    let kmh = match (region, zone) {
        ("BE" | "BE-WAL" | "BE-VLG" | "BE-BRU", "motorway") => 120.0,
        // Brussels has been a 30 km/h city since 2021; elsewhere the built-up default is 50.
        ("BE-BRU", "urban") | ("BE" | "BE-WAL" | "BE-VLG" | "BE-BRU", "zone30" | "cyclestreet") => {
            30.0
        }
        ("BE" | "BE-WAL" | "BE-VLG", "urban") => 50.0,
        // Before the regionalisation (2017-2019) the national rural default was 90.
        ("BE" | "BE-WAL" | "BE-BRU", "rural") => 90.0,
        ("BE-VLG", "rural") => 70.0,
        ("BE" | "BE-WAL" | "BE-VLG" | "BE-BRU", "living_street") => 20.0,
        _ => return None,
    };
    Some(kmh)
}

/// A `maxspeed=*` value: a number (`"70"`, `"70 km/h"`), miles per hour (`"30 mph"`), or a
/// Belgian zone code ([`zone_speed_kmh`]). `None` for anything else (`"none"`, `"signals"`,
/// `"walk"`, several values, a zero): the default of the class then applies.
///
/// # Units
/// km/h.
#[must_use]
pub fn parse_maxspeed(value: &str) -> Option<f64> {
    let value = value.trim();
    if let Some(kmh) = zone_speed_kmh(value) {
        return Some(kmh);
    }
    let (number, factor) = if let Some(n) = value.strip_suffix("mph") {
        (n.trim(), 1.609_344)
    } else if let Some(n) = value.strip_suffix("km/h") {
        (n.trim(), 1.0)
    } else {
        (value, 1.0)
    };
    let n: f64 = number.parse().ok()?;
    (n.is_finite() && n > 0.0).then_some(n * factor)
}

/// In which directions a car may drive a way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Both ways.
    Both,
    /// Along the order of the way's nodes only (`oneway=yes`, a roundabout, a motorway).
    Forward,
    /// Against the order of the way's nodes only (`oneway=-1`).
    Backward,
}

/// What a car may do on a way: its direction and speed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CarWay {
    /// The directions open to cars.
    pub direction: Direction,
    /// The speed used for its travel time.
    ///
    /// # Units
    /// km/h.
    pub speed_kmh: f64,
}

/// Access values that close a way to private cars.
const CLOSED: [&str; 7] = [
    "no",
    "private",
    "agricultural",
    "forestry",
    "emergency",
    "military",
    "delivery",
];

/// Whether and how a car may use a way with these tags; `None` when it may not.
///
/// Rules: a car-usable `highway` class ([`DEFAULT_SPEEDS`]); not `area=yes`; the most specific
/// of `motorcar`, `motor_vehicle`, `vehicle`, `access` that is present is not one of `no`,
/// `private`, `agricultural`, `forestry`, `emergency`, `military`, `delivery`; not
/// `oneway=reversible`. One way when `oneway=yes|true|1` (forward) or `-1` (backward), and by
/// implication on `junction=roundabout|circular` and `highway=motorway` unless `oneway=no`.
/// Speed: `maxspeed` when [`parse_maxspeed`] reads it, else a zone code in `maxspeed:type`,
/// `source:maxspeed` or `zone:traffic`, else the class default ([`class_speed_kmh`]). Direction-
/// specific limits (`maxspeed:forward`) are not read.
#[must_use]
pub fn car_way<'a>(tags: impl IntoIterator<Item = (&'a str, &'a str)>) -> Option<CarWay> {
    let mut highway = None;
    let mut area = false;
    let mut access = [None::<&str>; 4];
    let mut oneway = None;
    let mut junction = None;
    let mut maxspeed = None;
    let mut zone = [None::<&str>; 3];
    for (k, v) in tags {
        match k {
            "highway" => highway = Some(v),
            "area" => area = v == "yes",
            "motorcar" => access[0] = Some(v),
            "motor_vehicle" => access[1] = Some(v),
            "vehicle" => access[2] = Some(v),
            "access" => access[3] = Some(v),
            "oneway" => oneway = Some(v),
            "junction" => junction = Some(v),
            "maxspeed" => maxspeed = Some(v),
            "maxspeed:type" => zone[0] = Some(v),
            "source:maxspeed" => zone[1] = Some(v),
            "zone:traffic" => zone[2] = Some(v),
            _ => {}
        }
    }
    let highway = highway?;
    if area
        || access
            .iter()
            .flatten()
            .next()
            .is_some_and(|v| CLOSED.contains(v))
    {
        return None;
    }
    let implied = matches!(junction, Some("roundabout" | "circular")) || highway == "motorway";
    let direction = match oneway {
        Some("yes" | "true" | "1") => Direction::Forward,
        Some("-1") => Direction::Backward,
        Some("reversible" | "alternating") => return None,
        Some("no" | "false" | "0") => Direction::Both,
        _ if implied => Direction::Forward,
        _ => Direction::Both,
    };
    let default = class_speed_kmh(highway, direction != Direction::Both)?;
    let speed_kmh = maxspeed
        .and_then(parse_maxspeed)
        .or_else(|| zone.iter().flatten().find_map(|z| zone_speed_kmh(z)))
        .unwrap_or(default);
    Some(CarWay {
        direction,
        speed_kmh,
    })
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "speeds are copied from the table or small integers: exact in binary"
)]
mod tests {
    use super::*;

    #[test]
    fn maxspeed_values() {
        let cases: [(&str, Option<f64>); 11] = [
            ("70", Some(70.0)),
            (" 50 ", Some(50.0)),
            ("70 km/h", Some(70.0)),
            ("30 mph", Some(30.0 * 1.609_344)),
            ("BE-WAL:rural", Some(90.0)),
            ("BE-VLG:rural", Some(70.0)),
            ("BE:urban", Some(50.0)),
            ("BE-BRU:urban", Some(30.0)),
            ("none", None),
            ("50;70", None),
            ("0", None),
        ];
        for (value, expected) in cases {
            assert_eq!(parse_maxspeed(value), expected, "{value}");
        }
    }

    fn way(tags: &[(&'static str, &'static str)]) -> Option<CarWay> {
        car_way(tags.iter().copied())
    }

    #[test]
    fn access_and_class() {
        assert!(way(&[("highway", "footway")]).is_none());
        assert!(way(&[("highway", "track")]).is_none());
        assert!(way(&[("name", "x")]).is_none());
        assert!(way(&[("highway", "residential"), ("access", "private")]).is_none());
        assert!(way(&[("highway", "residential"), ("motor_vehicle", "no")]).is_none());
        assert!(way(&[("highway", "service"), ("area", "yes")]).is_none());
        // The most specific tag wins: cars allowed on a way closed to other traffic.
        let open = way(&[
            ("highway", "service"),
            ("access", "no"),
            ("motorcar", "yes"),
        ]);
        assert_eq!(open.map(|w| w.speed_kmh), Some(20.0));
    }

    #[test]
    fn direction_and_speed() {
        let w = way(&[("highway", "primary")]).expect("car way");
        assert_eq!((w.direction, w.speed_kmh), (Direction::Both, 90.0));
        let w = way(&[("highway", "tertiary"), ("junction", "roundabout")]).expect("car way");
        assert_eq!((w.direction, w.speed_kmh), (Direction::Forward, 70.0));
        let w = way(&[("highway", "motorway")]).expect("car way");
        assert_eq!((w.direction, w.speed_kmh), (Direction::Forward, 120.0));
        let w = way(&[("highway", "trunk"), ("oneway", "yes")]).expect("car way");
        assert_eq!(w.speed_kmh, TRUNK_DIVIDED_KMH);
        let w = way(&[("highway", "trunk")]).expect("car way");
        assert_eq!(w.speed_kmh, 90.0);
        let w = way(&[("highway", "residential"), ("oneway", "-1")]).expect("car way");
        assert_eq!(w.direction, Direction::Backward);
        let w = way(&[("highway", "primary"), ("zone:traffic", "BE-WAL:urban")]).expect("car");
        assert_eq!(w.speed_kmh, 50.0);
        let w = way(&[
            ("highway", "primary"),
            ("maxspeed", "70"),
            ("zone:traffic", "BE:urban"),
        ])
        .expect("car way");
        assert_eq!(w.speed_kmh, 70.0, "a signed limit beats the zone");
        assert!(way(&[("highway", "primary"), ("oneway", "reversible")]).is_none());
    }
}
