//! A small WKT (WKT1 ESRI/OGC and WKT2) reader, enough to recognise the three CRS of
//! [`Crs`] in `.prj` files. See [`super::detect_prj`] for the rules.

use super::Crs;
use super::transform::{LAMBERT_72_PARAMS, LAMBERT_2008_PARAMS, LccParams};

/// Nesting deeper than this is refused (real CRS WKT nests about 6 levels).
const MAX_DEPTH: usize = 32;
/// Tolerance on projection angles, degrees (1e-6 degree is about 0.1 m on the ground).
const ANGLE_TOLERANCE_DEG: f64 = 1e-6;
/// Tolerance on false easting and northing, metres.
const LENGTH_TOLERANCE_M: f64 = 0.01;
/// Tolerance on unit conversion factors (relative).
const FACTOR_TOLERANCE: f64 = 1e-9;

/// The recognised CRS of a WKT string (see [`super::detect_prj`]).
pub(super) fn detect(wkt: &str) -> Option<Crs> {
    let root = Parser::new(wkt.trim_start_matches('\u{feff}')).node(0)?;
    detect_node(&root, 0)
}

/// A value inside a WKT node.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    /// A nested node, `KEYWORD[...]`.
    Node(Node),
    /// A quoted string.
    Text(String),
    /// A number.
    Number(f64),
    /// A bare word (an enumeration value such as `EAST` or `ellipsoidal`).
    Word(String),
}

/// A WKT node, `KEYWORD[value, ...]`.
#[derive(Debug, Clone, PartialEq)]
struct Node {
    /// The keyword, in upper case.
    keyword: String,
    values: Vec<Value>,
}

impl Node {
    /// The name: the first value when it is a quoted string.
    fn name(&self) -> Option<&str> {
        match self.values.first() {
            Some(Value::Text(text)) => Some(text),
            _ => None,
        }
    }

    /// The `i`-th numeric value (counting only numbers).
    fn number(&self, i: usize) -> Option<f64> {
        self.values
            .iter()
            .filter_map(|v| match v {
                Value::Number(x) => Some(*x),
                _ => None,
            })
            .nth(i)
    }

    /// The nested nodes.
    fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.values.iter().filter_map(|v| match v {
            Value::Node(node) => Some(node),
            _ => None,
        })
    }

    /// The nested nodes whose keyword is one of `keywords`.
    fn children<'a>(&'a self, keywords: &'a [&'a str]) -> impl Iterator<Item = &'a Node> + 'a {
        self.nodes()
            .filter(move |node| keywords.contains(&node.keyword.as_str()))
    }

    /// The first nested node whose keyword is one of `keywords`.
    fn child(&self, keywords: &[&str]) -> Option<&Node> {
        self.nodes()
            .find(|node| keywords.contains(&node.keyword.as_str()))
    }

    /// The authority and code of this node's own `AUTHORITY[...]` or `ID[...]`, upper-cased.
    fn authority(&self) -> Option<(String, String)> {
        let id = self.child(&["AUTHORITY", "ID"])?;
        let authority = id.name()?.trim().to_ascii_uppercase();
        let code = match id.values.get(1)? {
            Value::Text(text) => text.trim().to_ascii_uppercase(),
            Value::Number(x) => format!("{x}"),
            Value::Word(word) => word.to_ascii_uppercase(),
            Value::Node(_) => return None,
        };
        Some((authority, code))
    }
}

/// A recursive-descent WKT parser over bytes (all WKT syntax is ASCII; quoted text is copied
/// as UTF-8).
struct Parser<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Self {
        Self { text, pos: 0 }
    }

    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(|b| b.is_ascii_whitespace()) {
            self.pos += 1;
        }
    }

    /// Consumes a run of bytes satisfying `keep` and returns it.
    fn take_while(&mut self, keep: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&keep) {
            self.pos += 1;
        }
        &self.text[start..self.pos]
    }

    /// `KEYWORD[value, ...]` or `KEYWORD(value, ...)`.
    fn node(&mut self, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        self.skip_blanks();
        let keyword = self.take_while(|b| b.is_ascii_alphanumeric() || b == b'_');
        if keyword.is_empty() {
            return None;
        }
        let keyword = keyword.to_ascii_uppercase();
        self.skip_blanks();
        let close = match self.peek()? {
            b'[' => b']',
            b'(' => b')',
            _ => return None,
        };
        self.pos += 1;
        let mut values = Vec::new();
        self.skip_blanks();
        if self.peek()? == close {
            self.pos += 1;
            return Some(Node { keyword, values });
        }
        loop {
            values.push(self.value(depth)?);
            self.skip_blanks();
            match self.peek()? {
                b',' => self.pos += 1,
                b if b == close => {
                    self.pos += 1;
                    return Some(Node { keyword, values });
                }
                _ => return None,
            }
        }
    }

    fn value(&mut self, depth: usize) -> Option<Value> {
        self.skip_blanks();
        match self.peek()? {
            b'"' => self.quoted().map(Value::Text),
            b if b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.') => {
                let number = self.take_while(|b| {
                    b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E')
                });
                number.parse().ok().map(Value::Number)
            }
            b if b.is_ascii_alphabetic() => {
                let start = self.pos;
                let word = self.take_while(|b| b.is_ascii_alphanumeric() || b == b'_');
                self.skip_blanks();
                if matches!(self.peek(), Some(b'[' | b'(')) {
                    self.pos = start;
                    self.node(depth + 1).map(Value::Node)
                } else {
                    Some(Value::Word(word.to_owned()))
                }
            }
            _ => None,
        }
    }

    /// A double-quoted string in which `""` stands for one quote.
    fn quoted(&mut self) -> Option<String> {
        self.pos += 1; // the opening quote
        let mut text = String::new();
        loop {
            let rest = &self.text[self.pos..];
            let end = rest.find('"')?;
            text.push_str(&rest[..end]);
            self.pos += end + 1;
            if self.peek() == Some(b'"') {
                text.push('"');
                self.pos += 1;
            } else {
                return Some(text);
            }
        }
    }
}

/// Lower-case ASCII letters and digits of `text`, e.g. `belgelambert2008` for
/// `"Belge_Lambert_2008"`.
fn compact(text: &str) -> String {
    text.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn close(a: f64, b: f64, tolerance: f64) -> bool {
    (a - b).abs() <= tolerance
}

const PROJECTED: &[&str] = &["PROJCS", "PROJCRS", "PROJECTEDCRS"];
const GEOGRAPHIC: &[&str] = &[
    "GEOGCS",
    "GEOGCRS",
    "GEOGRAPHICCRS",
    "GEODCRS",
    "GEODETICCRS",
];
const BASE_GEOGRAPHIC: &[&str] = &["GEOGCS", "BASEGEOGCRS", "BASEGEODCRS", "GEOGCRS", "GEODCRS"];
const UNITS: &[&str] = &["UNIT", "ANGLEUNIT", "LENGTHUNIT", "SCALEUNIT"];

fn detect_node(node: &Node, depth: usize) -> Option<Crs> {
    if depth > 2 {
        return None;
    }
    let keyword = node.keyword.as_str();
    if PROJECTED.contains(&keyword) {
        projected(node)
    } else if GEOGRAPHIC.contains(&keyword) {
        geographic(node)
    } else if keyword == "BOUNDCRS" {
        let source = node.child(&["SOURCECRS"])?;
        detect_node(source.nodes().next()?, depth + 1)
    } else if matches!(keyword, "COMPD_CS" | "COMPOUNDCRS") {
        let horizontal = node.nodes().find(|child| {
            PROJECTED.contains(&child.keyword.as_str())
                || GEOGRAPHIC.contains(&child.keyword.as_str())
        })?;
        detect_node(horizontal, depth + 1)
    } else {
        None
    }
}

/// What the authority code of a CRS node says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Authority {
    /// One of our CRS.
    Ours(Crs),
    /// Some other CRS: decisively not ours.
    Other,
}

/// The verdict of this node's own `AUTHORITY`/`ID`, or `None` when it has no EPSG (or
/// `OGC:CRS84`) code.
fn by_authority(node: &Node) -> Option<Authority> {
    let (authority, code) = node.authority()?;
    let ours = match authority.as_str() {
        "EPSG" => code.parse().ok().and_then(Crs::from_epsg),
        "OGC" if code == "CRS84" => Some(Crs::Wgs84),
        _ => return None,
    };
    Some(ours.map_or(Authority::Other, Authority::Ours))
}

/// Semi-major axis (metres) and inverse flattening of the ellipsoid of a (base) geographic CRS.
fn ellipsoid(geog: &Node) -> Option<(f64, f64)> {
    let datum = geog.child(&["DATUM", "GEODETICDATUM", "TRF", "ENSEMBLE"]);
    let ellipsoid = datum
        .and_then(|d| d.child(&["SPHEROID", "ELLIPSOID"]))
        .or_else(|| geog.child(&["SPHEROID", "ELLIPSOID"]))?;
    let a = ellipsoid.number(0)?;
    let inverse_flattening = ellipsoid.number(1)?;
    // A LENGTHUNIT on the ellipsoid (WKT2) scales the axis.
    let factor = ellipsoid
        .child(&["LENGTHUNIT", "UNIT"])
        .and_then(|u| u.number(0))
        .unwrap_or(1.0);
    Some((a * factor, inverse_flattening))
}

/// False when a prime meridian other than Greenwich is declared.
fn greenwich(geog: &Node) -> bool {
    geog.child(&["PRIMEM", "PRIMEMERIDIAN"])
        .and_then(|pm| pm.number(0))
        .is_none_or(|longitude| longitude == 0.0)
}

/// Conversion factor of the angular unit of a geographic CRS to radians (degree when absent).
/// `None` when its axes disagree.
fn angular_unit(geog: &Node) -> Option<f64> {
    // WKT1: `UNIT` of the GEOGCS; WKT2: `ANGLEUNIT` of the CRS or of each `AXIS`.
    let axis_units = geog
        .children(&["AXIS"])
        .flat_map(|axis| axis.children(&["UNIT", "ANGLEUNIT"]));
    let mut factor = None;
    for unit in geog.children(&["UNIT", "ANGLEUNIT"]).chain(axis_units) {
        let f = unit.number(0)?;
        match factor {
            Some(g) if !close(f, g, g * FACTOR_TOLERANCE) => return None,
            _ => factor = Some(f),
        }
    }
    Some(factor.unwrap_or(std::f64::consts::PI / 180.0))
}

fn is_degree(factor: f64) -> bool {
    let degree = std::f64::consts::PI / 180.0;
    close(factor, degree, degree * FACTOR_TOLERANCE)
}

/// A geographic CRS: WGS 84 in degrees, or nothing.
fn geographic(node: &Node) -> Option<Crs> {
    if let Some(verdict) = by_authority(node) {
        return match verdict {
            Authority::Ours(crs) if crs.is_geographic() => Some(crs),
            Authority::Ours(_) | Authority::Other => None,
        };
    }
    if let Some(cs) = node.child(&["CS"]) {
        // WKT2: must be ellipsoidal (not a geocentric cartesian CRS).
        match cs.values.first() {
            Some(Value::Word(kind)) if kind.eq_ignore_ascii_case("ellipsoidal") => {}
            _ => return None,
        }
    }
    if !greenwich(node) || !is_degree(angular_unit(node)?) {
        return None;
    }
    let datum = node.child(&["DATUM", "GEODETICDATUM", "TRF", "ENSEMBLE"]);
    if let Some((a, inverse_flattening)) = ellipsoid(node) {
        // WGS 84: 6378137 m, 1/f = 298.257223563 (GRS 1980, of ETRS89, has 298.257222101).
        return (close(a, 6_378_137.0, LENGTH_TOLERANCE_M)
            && close(inverse_flattening, 298.257_223_563, 1e-7))
        .then_some(Crs::Wgs84);
    }
    let names = [datum.and_then(Node::name), node.name()];
    names
        .into_iter()
        .flatten()
        .map(compact)
        .any(|name| {
            matches!(
                name.as_str(),
                "wgs84" | "wgs1984" | "dwgs1984" | "gcswgs1984" | "worldgeodeticsystem1984"
            )
        })
        .then_some(Crs::Wgs84)
}

/// Parameters of a Lambert Conic Conformal (2SP) projection, as found (degrees and metres).
#[derive(Debug, Default, Clone, Copy)]
struct LccFound {
    lat_origin: Option<f64>,
    lon_origin: Option<f64>,
    parallel_1: Option<f64>,
    parallel_2: Option<f64>,
    false_easting: Option<f64>,
    false_northing: Option<f64>,
}

/// One of our projected CRS, to compare a WKT definition with.
struct Template {
    crs: Crs,
    params: &'static LccParams,
    /// Tolerance on the inverse flattening.
    inverse_flattening_tolerance: f64,
}

const TEMPLATES: [Template; 2] = [
    Template {
        crs: Crs::Lambert2008,
        params: &LAMBERT_2008_PARAMS,
        // GRS 1980 (298.257222101) or WGS 84 (298.257223563): 0.1 mm apart on the ground.
        inverse_flattening_tolerance: 1e-5,
    },
    Template {
        crs: Crs::Lambert72,
        params: &LAMBERT_72_PARAMS,
        inverse_flattening_tolerance: 1e-6,
    },
];

impl Template {
    /// True when no value that is present contradicts this template.
    fn agrees(&self, found: &LccFound, ellipsoid: Option<(f64, f64)>) -> bool {
        let p = self.params;
        let angle = |value: Option<f64>, expected: f64| {
            value.is_none_or(|v| close(v, expected, ANGLE_TOLERANCE_DEG))
        };
        let length = |value: Option<f64>, expected: f64| {
            value.is_none_or(|v| close(v, expected, LENGTH_TOLERANCE_M))
        };
        let [p1, p2] = p.parallels_deg;
        let expected = [p1.min(p2), p1.max(p2)];
        let parallels = match (found.parallel_1, found.parallel_2) {
            (Some(f1), Some(f2)) => {
                close(f1.min(f2), expected[0], ANGLE_TOLERANCE_DEG)
                    && close(f1.max(f2), expected[1], ANGLE_TOLERANCE_DEG)
            }
            (Some(f), None) | (None, Some(f)) => {
                expected.iter().any(|&e| close(f, e, ANGLE_TOLERANCE_DEG))
            }
            (None, None) => true,
        };
        let ellipsoid_ok = ellipsoid.is_none_or(|(a, inverse_flattening)| {
            close(a, p.ellipsoid.a, LENGTH_TOLERANCE_M)
                && close(
                    inverse_flattening,
                    p.ellipsoid.inverse_flattening,
                    self.inverse_flattening_tolerance,
                )
        });
        angle(found.lat_origin, p.lat_origin_deg)
            && angle(found.lon_origin, p.lon_origin_deg)
            && parallels
            && length(found.false_easting, p.false_origin_m[0])
            && length(found.false_northing, p.false_origin_m[1])
            && ellipsoid_ok
    }
}

impl LccFound {
    fn complete(&self) -> bool {
        [
            self.lat_origin,
            self.lon_origin,
            self.parallel_1,
            self.parallel_2,
            self.false_easting,
            self.false_northing,
        ]
        .iter()
        .all(Option::is_some)
    }
}

/// Whether a projection method (name and EPSG code, if any) is Lambert Conic Conformal (2SP).
fn is_lcc_2sp(method: &Node) -> bool {
    if let Some((authority, code)) = method.authority()
        && authority == "EPSG"
    {
        return code == "9802";
    }
    let name = compact(method.name().unwrap_or_default());
    name.contains("lambert")
        && (name.contains("conformal") || name.contains("conic"))
        && !name.contains("belgium")
        && !name.contains("1sp")
        && !name.contains("west")
}

/// Reads the parameters of a Lambert Conic Conformal projection; `None` when a parameter is
/// unknown or a scale factor other than 1 is given.
///
/// `angle_factor` and `length_factor` convert values without their own unit (WKT1) to
/// radians and metres.
fn lcc_parameters<'a>(
    parameters: impl Iterator<Item = &'a Node>,
    angle_factor: f64,
    length_factor: f64,
) -> Option<LccFound> {
    #[derive(Clone, Copy)]
    enum Kind {
        LatOrigin,
        LonOrigin,
        Parallel1,
        Parallel2,
        FalseEasting,
        FalseNorthing,
        Scale,
    }
    let mut found = LccFound::default();
    for parameter in parameters {
        let by_code = parameter
            .authority()
            .filter(|(authority, _)| authority == "EPSG")
            .and_then(|(_, code)| match code.as_str() {
                "8821" | "8801" => Some(Kind::LatOrigin),
                "8822" | "8802" => Some(Kind::LonOrigin),
                "8823" => Some(Kind::Parallel1),
                "8824" => Some(Kind::Parallel2),
                "8826" | "8806" => Some(Kind::FalseEasting),
                "8827" | "8807" => Some(Kind::FalseNorthing),
                "8805" => Some(Kind::Scale),
                _ => None,
            });
        let kind = match by_code {
            Some(kind) => kind,
            None => match compact(parameter.name()?).as_str() {
                "latitudeoforigin"
                | "latitudeoffalseorigin"
                | "latitudeofnaturalorigin"
                | "latitudeofcenter"
                | "latitudeofcentre" => Kind::LatOrigin,
                "centralmeridian"
                | "longitudeoffalseorigin"
                | "longitudeoforigin"
                | "longitudeofnaturalorigin"
                | "longitudeofcenter"
                | "longitudeofcentre" => Kind::LonOrigin,
                "standardparallel1" | "latitudeof1ststandardparallel" => Kind::Parallel1,
                "standardparallel2" | "latitudeof2ndstandardparallel" => Kind::Parallel2,
                "falseeasting" | "eastingatfalseorigin" => Kind::FalseEasting,
                "falsenorthing" | "northingatfalseorigin" => Kind::FalseNorthing,
                "scalefactor" | "scalefactoratnaturalorigin" => Kind::Scale,
                _ => return None,
            },
        };
        let value = parameter.number(0)?;
        let own_factor = parameter.child(UNITS).and_then(|unit| unit.number(0));
        let angle = || (value * own_factor.unwrap_or(angle_factor)).to_degrees();
        let length = || value * own_factor.unwrap_or(length_factor);
        match kind {
            Kind::LatOrigin => found.lat_origin = Some(angle()),
            Kind::LonOrigin => found.lon_origin = Some(angle()),
            Kind::Parallel1 => found.parallel_1 = Some(angle()),
            Kind::Parallel2 => found.parallel_2 = Some(angle()),
            Kind::FalseEasting => found.false_easting = Some(length()),
            Kind::FalseNorthing => found.false_northing = Some(length()),
            Kind::Scale => {
                if !close(value * own_factor.unwrap_or(1.0), 1.0, 1e-12) {
                    return None;
                }
            }
        }
    }
    Some(found)
}

/// The CRS that the names of a projected CRS point to, if exactly one.
fn by_names(names: &[&str]) -> Option<Crs> {
    let names: Vec<String> = names.iter().map(|name| compact(name)).collect();
    let says = |keys: &[&str]| names.iter().any(|n| keys.iter().any(|k| n.contains(k)));
    match (says(&["lambert2008"]), says(&["lambert72", "lambert1972"])) {
        (true, false) => Some(Crs::Lambert2008),
        (false, true) => Some(Crs::Lambert72),
        _ => None,
    }
}

/// A projected CRS: Belgian Lambert 2008 or 72 in metres, or nothing.
fn projected(node: &Node) -> Option<Crs> {
    if let Some(verdict) = by_authority(node) {
        return match verdict {
            Authority::Ours(crs) if !crs.is_geographic() => Some(crs),
            Authority::Ours(_) | Authority::Other => None,
        };
    }
    let geog = node.child(BASE_GEOGRAPHIC);
    if geog.is_some_and(|g| !greenwich(g)) {
        return None;
    }
    let angle_factor = match geog {
        Some(g) => angular_unit(g)?,
        None => std::f64::consts::PI / 180.0,
    };
    // The unit of the coordinates: WKT1 `UNIT` of the PROJCS, WKT2 `LENGTHUNIT` of the CRS or
    // of its axes. They must all be the metre.
    let cs_units = node
        .children(&["AXIS"])
        .flat_map(|axis| axis.children(&["UNIT", "LENGTHUNIT"]));
    let length_factor = node
        .child(&["UNIT", "LENGTHUNIT"])
        .and_then(|u| u.number(0));
    for factor in length_factor
        .into_iter()
        .chain(cs_units.filter_map(|u| u.number(0)))
    {
        if !close(factor, 1.0, FACTOR_TOLERANCE) {
            return None;
        }
    }
    // WKT1: PROJECTION and PARAMETER in the PROJCS; WKT2: METHOD and PARAMETER in CONVERSION.
    let conversion = node.child(&["CONVERSION", "DERIVINGCONVERSION"]);
    let holder = conversion.unwrap_or(node);
    let method = holder.child(&["PROJECTION", "METHOD", "PROJECTIONMETHOD"]);
    if method.is_some_and(|m| !is_lcc_2sp(m)) {
        return None;
    }
    let found = lcc_parameters(holder.children(&["PARAMETER"]), angle_factor, 1.0)?;
    let ellipsoid = geog.and_then(ellipsoid);
    if method.is_some() && found.complete() {
        // Complete parameters decide, whatever the names say.
        return TEMPLATES
            .iter()
            .find(|t| t.agrees(&found, ellipsoid))
            .map(|t| t.crs);
    }
    let names: Vec<&str> = [node.name(), conversion.and_then(Node::name)]
        .into_iter()
        .flatten()
        .collect();
    let crs = by_names(&names)?;
    TEMPLATES
        .iter()
        .find(|t| t.crs == crs)
        .is_some_and(|t| t.agrees(&found, ellipsoid))
        .then_some(crs)
}
