//! `.prj` WKT to a CRS. `proj4wkt` reads the WKT (WKT1 of ESRI and GDAL, WKT2 2015 and 2019)
//! and writes its PROJ string; this module adds what `.prj` files need on top of it: the CRS's
//! own `AUTHORITY`/`ID` (which `proj4wkt` does not keep), `BOUNDCRS` (WKT2 with a datum shift),
//! lower-case keywords and round brackets, a nesting limit, and the datum shift of the common
//! datums that ESRI `.prj` files name without a `TOWGS84` clause.

use std::cell::RefCell;

use proj4wkt::builder::{Builder, Node};
use proj4wkt::parser::{Attribute, Processor};

use super::{Crs, CrsError, Id, transform};

/// Deeper WKT is refused before parsing (the parser recurses once per level; real CRS
/// definitions nest at most about 8 levels).
const MAX_DEPTH: usize = 32;

/// Characters of the WKT quoted in errors.
const QUOTED_CHARS: usize = 80;

/// Reads the CRS of a `.prj` file; see [`super::detect_prj`] for the rules.
pub(super) fn detect(wkt: &str) -> Result<Crs, CrsError> {
    let error = |reason: String| CrsError::Wkt {
        found: super::truncate(wkt.trim_start_matches('\u{feff}').trim(), QUOTED_CHARS),
        reason,
    };
    let text = normalise(wkt).map_err(error)?;
    let reader = Reader::default();
    let node = proj4wkt::parser::parse(&text, &reader).map_err(|e| error(e.to_string()))?;
    let Reader {
        authority, shift, ..
    } = reader;
    let geographic = match &node {
        Node::PROJCRS(_) => false,
        Node::GEOGCRS(_) => true,
        Node::GEOCCRS(_) => return Err(error("a geocentric CRS is not a map CRS".to_owned())),
        _ => return Err(error("no horizontal CRS found".to_owned())),
    };
    if let Some(crs) = authority
        .into_inner()
        .and_then(|(name, code)| by_authority(name, code))
        .filter(|crs| transform::definition(*crs).geographic == geographic)
    {
        return Ok(crs);
    }
    // The datum shift written by the BOUNDCRS, or else the one of a common datum.
    let shift = shift.into_inner().transpose().map_err(error)?;
    let shift_strings: Vec<String> = shift.iter().flatten().map(f64::to_string).collect();
    let mut node = node;
    let datum = match &mut node {
        Node::PROJCRS(projcs) => &mut projcs.geogcs.datum,
        Node::GEOGCRS(geogcs) => &mut geogcs.datum,
        _ => return Err(error("no horizontal CRS found".to_owned())),
    };
    if !shift_strings.is_empty() {
        datum.to_wgs84 = shift_strings.iter().map(String::as_str).collect();
    }
    if datum.to_wgs84.is_empty() && !wgs84_like(datum.ellipsoid.a, datum.ellipsoid.rf) {
        datum.to_wgs84 = common_datum_shift(datum.name).ok_or_else(|| CrsError::NoDatumShift {
            found: super::truncate(wkt.trim(), QUOTED_CHARS),
            datum: datum.name.to_owned(),
        })?;
    }
    let mut buf = Vec::new();
    proj4wkt::Formatter::new(&mut buf)
        .format(&node)
        .map_err(|e| error(e.to_string()))?;
    let proj_string = String::from_utf8_lossy(&buf);
    transform::from_proj_string(&proj_string).map_err(|reason| CrsError::Unusable {
        found: proj_string.into_owned(),
        reason,
    })
}

/// The CRS of an `AUTHORITY`/`ID` pair when the table knows it.
fn by_authority(name: &str, code: &str) -> Option<Crs> {
    let code = code.trim_matches('"');
    if name.eq_ignore_ascii_case("OGC") && code.eq_ignore_ascii_case("CRS84") {
        return Some(Crs::Wgs84);
    }
    let code: u32 = code.parse().ok()?;
    if name.eq_ignore_ascii_case("EPSG") {
        Crs::from_epsg(code).ok()
    } else if name.eq_ignore_ascii_case("ESRI") {
        Crs::from_esri(code).ok()
    } else {
        None
    }
}

/// WKT keywords in upper case and with square brackets (WKT allows either case and round
/// brackets, `proj4wkt` reads upper case and square brackets), quoted text untouched, a byte
/// order mark and surrounding blanks removed.
fn normalise(wkt: &str) -> Result<String, String> {
    let text = wkt.trim_start_matches('\u{feff}').trim();
    let mut out = String::with_capacity(text.len());
    let (mut quoted, mut depth) = (false, 0_usize);
    for c in text.chars() {
        match c {
            '"' => {
                quoted = !quoted;
                out.push(c);
            }
            _ if quoted => out.push(c),
            '[' | '(' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(format!("nested more than {MAX_DEPTH} levels deep"));
                }
                out.push('[');
            }
            ']' | ')' => {
                depth = depth.saturating_sub(1);
                out.push(']');
            }
            _ => out.push(c.to_ascii_uppercase()),
        }
    }
    Ok(out)
}

/// WGS 84 or GRS 1980, which need no datum shift (as `proj4wkt` and PROJ take them).
fn wgs84_like(a: &str, rf: &str) -> bool {
    let (Ok(a), Ok(rf)) = (a.parse::<f64>(), rf.parse::<f64>()) else {
        return false;
    };
    (a - 6_378_137.0).abs() < 1e-3
        && [298.257_223_563, 298.257_222_101]
            .iter()
            .any(|r| (rf - r).abs() < 1e-6)
}

/// The `TOWGS84` parameters of a common datum of Belgium and its neighbours, named as ESRI,
/// GDAL or WKT2 name it, from the EPSG table's definition of its geographic CRS (PROJ finds
/// them in its database; `proj4wkt` has none). `D_Belge_1972` is the one that matters: the
/// ESRI `.prj` of Belgian Lambert 72 has no `TOWGS84`.
fn common_datum_shift(datum: &str) -> Option<Vec<&'static str>> {
    let name = datum.strip_prefix("D_").unwrap_or(datum);
    let key: String = name
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    let code = match key.as_str() {
        "belge1972" | "reseaunationalbelge1972" | "bd72" => 4313,
        "european1950" | "europeandatum1950" | "ed50" => 4230,
        "amersfoort" => 4289,
        "ntf" | "nouvelletriangulationfrancaise" | "nouvelletriangulationfrancaiseparis" => 4275,
        "luxembourg1930" => 4181,
        _ => return None,
    };
    let definition = transform::proj_string_of(Id::Epsg(code))?;
    let towgs84 = definition
        .split_whitespace()
        .find_map(|token| token.strip_prefix("+towgs84="))?;
    Some(towgs84.split(',').collect())
}

/// `proj4wkt`'s syntax tree builder, plus what it leaves out.
#[derive(Default)]
struct Reader<'a> {
    builder: Builder,
    /// Keywords of the nodes being read, outermost first.
    stack: RefCell<Vec<&'a str>>,
    /// `AUTHORITY`/`ID` of the outermost horizontal CRS.
    authority: RefCell<Option<(&'a str, &'a str)>>,
    /// The datum shift of a `BOUNDCRS`: `TOWGS84` parameters (position vector, arc-seconds,
    /// ppm), or why it cannot be used.
    shift: RefCell<Option<Result<Vec<f64>, String>>>,
}

/// Keywords of a horizontal CRS whose `AUTHORITY`/`ID` identifies the CRS of the file.
fn is_horizontal_crs(key: &str) -> bool {
    matches!(
        key,
        "PROJCS"
            | "PROJCRS"
            | "PROJECTEDCRS"
            | "GEOGCS"
            | "GEOGCRS"
            | "GEOGRAPHICCRS"
            | "GEODCRS"
            | "GEODETICCRS"
    )
}

impl<'a> Processor<'a> for Reader<'a> {
    type Err = <Builder as Processor<'a>>::Err;
    type Output = Node<'a>;

    fn process<I>(&self, key: &'a str, depth: usize, attrs: I) -> Result<Node<'a>, Self::Err>
    where
        I: Iterator<Item = Attribute<'a, Node<'a>>>,
    {
        let outermost = !self
            .stack
            .borrow()
            .iter()
            .any(|k| is_horizontal_crs(k) || *k == "TARGETCRS");
        self.stack.borrow_mut().push(key);
        let mut own_authority = None;
        let attrs = attrs.inspect(|a| {
            if let Attribute::Keyword(_, Node::AUTHORITY(auth)) = a {
                own_authority = Some((auth.name, auth.code));
            }
        });
        let result = match key {
            // The source CRS of a BOUNDCRS (its datum shift comes from the transformation),
            // the CRS of a SOURCECRS, the horizontal CRS of a compound CRS.
            "BOUNDCRS" => Ok(keep_child(attrs, |k, _| k == "SOURCECRS")),
            "SOURCECRS" | "COMPD_CS" | "COMPOUNDCRS" => Ok(keep_child(attrs, |_, node| {
                matches!(node, Node::PROJCRS(_) | Node::GEOGCRS(_) | Node::GEOCCRS(_))
            })),
            // Same shape as a CONVERSION: a name, a METHOD and PARAMETERs.
            "ABRIDGEDTRANSFORMATION" => {
                self.builder
                    .process("CONVERSION", depth, attrs)
                    .map(|node| {
                        if let Node::PROJECTION(p) = &node {
                            let params: Vec<(&str, Option<f64>)> = p
                                .parameters
                                .iter()
                                .map(|q| (q.value, q.unit.as_ref().map(|u| u.factor)))
                                .collect();
                            *self.shift.borrow_mut() = Some(towgs84_of(p.method.name, &params));
                        }
                        Node::OTHER(key)
                    })
            }
            _ => self.builder.process(key, depth, attrs),
        };
        self.stack.borrow_mut().pop();
        if outermost && is_horizontal_crs(key) && self.authority.borrow().is_none() {
            *self.authority.borrow_mut() = own_authority;
        }
        result
    }
}

/// The first child node that `wanted` accepts (by keyword and node), all children consumed;
/// `OTHER` when there is none (the formatter then refuses it).
fn keep_child<'a>(
    attrs: impl Iterator<Item = Attribute<'a, Node<'a>>>,
    wanted: impl Fn(&str, &Node<'a>) -> bool,
) -> Node<'a> {
    let mut kept = None;
    for attr in attrs {
        if let Attribute::Keyword(k, node) = attr
            && kept.is_none()
            && wanted(k, &node)
        {
            kept = Some(node);
        }
    }
    kept.unwrap_or(Node::OTHER("no CRS"))
}

/// Arc-seconds in radians.
const ARCSEC: f64 = std::f64::consts::PI / 648_000.0;

/// The `TOWGS84` parameters (position vector convention: metres, arc-seconds, ppm) of an
/// abridged transformation: `(value, unit factor)` of its parameters in the EPSG order
/// (translations, rotations, scale difference), as PROJ writes them.
fn towgs84_of(method: &str, params: &[(&str, Option<f64>)]) -> Result<Vec<f64>, String> {
    let method_lower = method.to_ascii_lowercase();
    let frame = if method_lower.contains("position vector") {
        1.0
    } else if method_lower.contains("coordinate frame") {
        -1.0
    } else if method_lower.contains("geocentric translation") {
        0.0
    } else {
        return Err(format!(
            "unsupported datum transformation method `{method}`"
        ));
    };
    let values = params
        .iter()
        .map(|(v, unit)| v.parse::<f64>().map(|v| (v, *unit)))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("bad transformation parameter: {e}"))?;
    let expected = if frame == 0.0 { 3 } else { 7 };
    if values.len() != expected {
        return Err(format!(
            "`{method}` with {} parameters (expected {expected})",
            values.len()
        ));
    }
    let mut towgs84: Vec<f64> = values[..3].iter().map(|(v, _)| *v).collect();
    if frame != 0.0 {
        for &(v, unit) in &values[3..6] {
            let arcsec = match unit {
                Some(factor) if (factor - ARCSEC).abs() > 1e-15 => v * factor / ARCSEC,
                _ => v,
            };
            towgs84.push(frame * arcsec);
        }
        let (v, unit) = values[6];
        // A unitless scale is a multiplier (1 + ds) in an abridged transformation.
        let ppm = match unit {
            Some(factor) if (factor - 1e-6).abs() < 1e-12 => v,
            _ => (v - 1.0) * 1e6,
        };
        towgs84.push(ppm);
    }
    Ok(towgs84)
}

#[cfg(test)]
mod unit_tests {
    use super::*;

    #[test]
    fn normalise_upper_cases_outside_quotes_and_limits_depth() {
        assert_eq!(
            normalise("\u{feff} geogcs(\"wgs (84)\",x)\n").as_deref(),
            Ok("GEOGCS[\"wgs (84)\",X]")
        );
        assert!(normalise(&"A[".repeat(MAX_DEPTH + 1)).is_err());
        assert!(normalise(&"A[".repeat(MAX_DEPTH)).is_ok());
    }

    #[test]
    fn abridged_transformations() {
        let pv = [
            ("-106.8686", None),
            ("52.2978", None),
            ("-103.7239", None),
            ("0.3366", None),
            ("-0.457", None),
            ("1.8422", None),
            ("0.9999987253", None),
        ];
        let t = towgs84_of("Position Vector transformation (geog2D domain)", &pv).expect("ok");
        assert_eq!(
            t[..6],
            [-106.8686, 52.2978, -103.7239, 0.3366, -0.457, 1.8422]
        );
        assert!((t[6] + 1.2747).abs() < 1e-6, "{t:?}");
        let cf = towgs84_of("Coordinate Frame rotation", &pv).expect("ok");
        assert_eq!(cf[3..6], [-0.3366, 0.457, -1.8422]);
        let ppm = [
            ("0", None),
            ("0", None),
            ("0", None),
            ("0", None),
            ("0", None),
            ("0", None),
            ("-1.2747", Some(1e-6)),
        ];
        assert!((towgs84_of("Position Vector", &ppm).expect("ok")[6] + 1.2747).abs() < 1e-12);
        assert_eq!(
            towgs84_of("Geocentric translations", &pv[..3]).expect("ok"),
            vec![-106.8686, 52.2978, -103.7239]
        );
        assert!(towgs84_of("Molodensky", &pv).is_err());
        assert!(towgs84_of("Position Vector", &pv[..3]).is_err());
    }
}
