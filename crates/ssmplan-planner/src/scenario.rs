//! Scenarios: what-if changes to the offer (sites added or removed, ETP changes) and to the
//! policy parameters, evaluated before and after on every coverage metric. The same JSON
//! structure is what the HTTP service accepts.
//!
//! ```json
//! {
//!   "name": "A new SSM in Arlon, an antenne in Bastogne",
//!   "description": "free text",
//!   "add_sites": [
//!     { "id": "NEW-ARLON", "ssm_id": "NEW-LUX", "kind": "siege", "lat": 49.683, "lon": 5.816, "etp": 6 },
//!     { "id": "NEW-BASTOGNE", "ssm_id": "NEW-LUX", "kind": "antenne", "lat": 50.0, "lon": 5.716 }
//!   ],
//!   "remove_sites": ["WAL-NAM-PROV-COUVIN#1"],
//!   "etp_changes": [ { "ssm_id": "WAL-HAI-PROV-CHARLEROI", "etp_delta": 2.0 } ],
//!   "radius_km": 20,
//!   "weights": { "high_risk": 1.5, "vulnerable": 1.25, "intermediate": 1.0, "favourable": 0.8 }
//! }
//! ```
//! Every field but `name` is optional. Coordinates are WGS84 `lat`/`lon` or EPSG:3812 `x`/`y`.

use std::collections::BTreeSet;

use geo::Coord;
use ssmplan_core::{Sector, Site, SiteId, SiteKind, SsmId};

use crate::NeedWeights;

/// A scenario file.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    /// Short name, shown in outputs.
    pub name: String,
    /// Free text.
    #[serde(default)]
    pub description: String,
    /// Sites to open.
    #[serde(default)]
    pub add_sites: Vec<NewSite>,
    /// Site ids (or SSM ids: all their sites) to close.
    #[serde(default)]
    pub remove_sites: Vec<String>,
    /// Framework changes.
    #[serde(default)]
    pub etp_changes: Vec<EtpChange>,
    /// Radius of the floating-catchment accessibility (km; default 20).
    #[serde(default)]
    pub radius_km: Option<f64>,
    /// Need weights (default: [`NeedWeights::default`]).
    #[serde(default)]
    pub weights: Option<NeedWeights>,
    /// Scope (`aviq` or `wallonia`), overriding the command line.
    #[serde(default)]
    pub scope: Option<String>,
    /// Demand model (as `--demand`), overriding the command line.
    #[serde(default)]
    pub demand: Option<String>,
}

/// A site to open.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    /// Site id (must not exist yet).
    pub id: String,
    /// Its SSM (an existing one for an antenne of an existing service, or a new id).
    pub ssm_id: String,
    /// Name of the service (new SSM).
    #[serde(default)]
    pub ssm_name: Option<String>,
    /// `siege` or `antenne`.
    pub kind: String,
    /// WGS84 latitude.
    #[serde(default)]
    pub lat: Option<f64>,
    /// WGS84 longitude.
    #[serde(default)]
    pub lon: Option<f64>,
    /// EPSG:3812 x.
    #[serde(default)]
    pub x: Option<f64>,
    /// EPSG:3812 y.
    #[serde(default)]
    pub y: Option<f64>,
    /// Framework of a new SSM (ETP).
    #[serde(default)]
    pub etp: Option<f64>,
}

/// A change of framework.
#[derive(Clone, Debug, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct EtpChange {
    /// The SSM.
    pub ssm_id: String,
    /// ETP added (negative: removed).
    pub etp_delta: f64,
}

/// The largest total ETP change of one SSM that a scenario may make (either way): beyond it
/// the figure is a typo, not a plan.
pub const MAX_ETP_CHANGE: f64 = 10_000.0;

/// A scenario that cannot be read or applied.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// Not valid JSON or TOML, or not the expected structure.
    #[error("scenario: line {line}, column {column}: {message}")]
    Parse {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A field has a bad value.
    #[error("scenario: {field}: {problem}")]
    Invalid {
        /// Path of the field, e.g. `add_sites[1].kind`.
        field: String,
        /// What is wrong.
        problem: String,
    },
}

impl Scenario {
    /// Parses a scenario from JSON.
    ///
    /// # Errors
    /// [`ScenarioError::Parse`] with the line and column.
    pub fn from_json(bytes: &[u8]) -> Result<Self, ScenarioError> {
        serde_json::from_slice(bytes).map_err(|e| {
            // serde_json's message ends with the place, which `Parse` already states.
            let text = e.to_string();
            let place = format!(" at line {} column {}", e.line(), e.column());
            ScenarioError::Parse {
                line: e.line(),
                column: e.column(),
                message: text.strip_suffix(&place).unwrap_or(&text).to_owned(),
            }
        })
    }

    /// Parses a scenario from TOML (the same structure as JSON: `name = "..."`,
    /// `[[add_sites]]` tables, `remove_sites = [...]`, `[[etp_changes]]`...).
    ///
    /// # Errors
    /// [`ScenarioError::Parse`] with the line, the column, the line's text and what is wrong
    /// (a missing or unknown field is named).
    pub fn from_toml(bytes: &[u8]) -> Result<Self, ScenarioError> {
        let text = std::str::from_utf8(bytes).map_err(|e| ScenarioError::Parse {
            line: bytes[..e.valid_up_to()].split(|&b| b == b'\n').count(),
            column: 1,
            message: format!("not UTF-8 text: {e}"),
        })?;
        toml::from_str(text).map_err(|e| {
            let offset = e.span().map_or(0, |s| s.start).min(text.len());
            let before = &text[..offset];
            let line = 1 + before.matches('\n').count();
            let column = 1 + before.rsplit('\n').next().map_or(0, |l| l.chars().count());
            let source = text.lines().nth(line - 1).unwrap_or("").trim();
            ScenarioError::Parse {
                line,
                column,
                message: if source.is_empty() {
                    e.message().to_owned()
                } else {
                    format!("`{source}`: {}", e.message())
                },
            }
        })
    }

    /// The sites after the scenario: removals, additions, ETP changes. `project` turns WGS84
    /// (lon, lat) into EPSG:3812; `locate` finds the commune of a point.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] naming the field: unknown site to remove, duplicate id, unknown
    /// kind, missing or out-of-range coordinates, a site outside every commune, an antenne of an
    /// unknown SSM, an ETP change of an unknown SSM or one that makes a framework negative.
    pub fn apply(
        &self,
        sites: &[Site],
        project: impl Fn(f64, f64) -> Coord<f64>,
        locate: impl Fn(Coord<f64>) -> Option<usize>,
    ) -> Result<Vec<Site>, ScenarioError> {
        let invalid = |field: String, problem: String| ScenarioError::Invalid { field, problem };
        let mut out: Vec<Site> = sites.to_vec();
        for (i, id) in self.remove_sites.iter().enumerate() {
            let before = out.len();
            out.retain(|s| s.id.0 != *id && s.ssm.0 != *id);
            if out.len() == before {
                return Err(invalid(
                    format!("remove_sites[{i}]"),
                    format!("`{id}` is neither a site id nor an SSM id"),
                ));
            }
        }
        for (i, n) in self.add_sites.iter().enumerate() {
            let field = |f: &str| format!("add_sites[{i}].{f}");
            if sites.iter().chain(&out).any(|s| s.id.0 == n.id) {
                return Err(invalid(
                    field("id"),
                    format!("site id `{}` already exists", n.id),
                ));
            }
            let kind = SiteKind::try_from(n.kind.as_str())
                .map_err(|e| invalid(field("kind"), e.to_string()))?;
            if kind == SiteKind::Antenne && !out.iter().any(|s| s.ssm.0 == n.ssm_id) {
                return Err(invalid(
                    field("ssm_id"),
                    format!(
                        "an antenne needs an existing SSM; `{}` has no site",
                        n.ssm_id
                    ),
                ));
            }
            let location = match (n.lat, n.lon, n.x, n.y) {
                (Some(lat), Some(lon), None, None) => {
                    if !((-90.0..=90.0).contains(&lat) && (-180.0..=180.0).contains(&lon)) {
                        return Err(invalid(
                            field("lat"),
                            "latitude/longitude out of range".into(),
                        ));
                    }
                    project(lon, lat)
                }
                (None, None, Some(x), Some(y)) if x.is_finite() && y.is_finite() => Coord { x, y },
                _ => {
                    return Err(invalid(
                        field("lat"),
                        "give either lat and lon (WGS84) or x and y (EPSG:3812)".into(),
                    ));
                }
            };
            let commune = locate(location).ok_or_else(|| {
                invalid(
                    field("lat"),
                    "the site lies outside every commune in scope".into(),
                )
            })?;
            if let Some(e) = n.etp
                && !(e.is_finite() && e >= 0.0)
            {
                return Err(invalid(
                    field("etp"),
                    format!("ETP must be >= 0, found {e}"),
                ));
            }
            let ssm_name = n
                .ssm_name
                .clone()
                .or_else(|| {
                    out.iter()
                        .find(|s| s.ssm.0 == n.ssm_id)
                        .map(|s| s.ssm_name.clone())
                })
                .unwrap_or_else(|| n.ssm_id.clone());
            out.push(Site {
                id: SiteId(n.id.clone()),
                ssm: SsmId(n.ssm_id.clone()),
                ssm_name,
                name: n.id.clone(),
                kind,
                location,
                commune: Some(commune),
                etp: n.etp,
                sector: Sector::Unknown,
            });
        }
        let ssm: BTreeSet<String> = out.iter().map(|s| s.ssm.0.clone()).collect();
        for (i, c) in self.etp_changes.iter().enumerate() {
            if !ssm.contains(&c.ssm_id) {
                return Err(invalid(
                    format!("etp_changes[{i}].ssm_id"),
                    format!("unknown SSM `{}`", c.ssm_id),
                ));
            }
            if !c.etp_delta.is_finite() {
                return Err(invalid(
                    format!("etp_changes[{i}].etp_delta"),
                    "not a number".into(),
                ));
            }
        }
        Ok(out)
    }

    /// Framework of an SSM after the scenario's ETP changes.
    ///
    /// # Errors
    /// [`ScenarioError::Invalid`] naming `etp_changes` when the result is negative, not a
    /// finite number, or when the changes add up to more than [`MAX_ETP_CHANGE`] ETP either way.
    pub fn framework_after(&self, ssm: &str, before: f64) -> Result<f64, ScenarioError> {
        let delta = self
            .etp_changes
            .iter()
            .filter(|c| c.ssm_id == ssm)
            .map(|c| c.etp_delta)
            .sum::<f64>();
        let after = before + delta;
        if !(delta.is_finite() && after.is_finite()) || delta.abs() > MAX_ETP_CHANGE {
            return Err(ScenarioError::Invalid {
                field: "etp_changes".into(),
                problem: format!(
                    "the changes of {ssm} add up to {delta} ETP (at most {MAX_ETP_CHANGE} either way)"
                ),
            });
        }
        if after < 0.0 {
            return Err(ScenarioError::Invalid {
                field: "etp_changes".into(),
                problem: format!("the framework of {ssm} would become negative ({after})"),
            });
        }
        Ok(after)
    }
}

#[cfg(test)]
#[expect(
    clippy::float_cmp,
    reason = "hand-computed values are exact in binary floating point"
)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_json_examples_are_the_same_scenario() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../geodata/scenarios");
        let json = std::fs::read(root.join("example_luxembourg.json")).expect("json example");
        let toml = std::fs::read(root.join("example_luxembourg.toml")).expect("toml example");
        let a = Scenario::from_json(&json).expect("json");
        let b = Scenario::from_toml(&toml).expect("toml");
        assert_eq!(a, b);
    }

    #[test]
    fn toml_errors_name_the_line_and_the_field() {
        let text = "name = \"t\"\n\n[[add_sites]]\nid = \"X\"\nssm_id = \"X\"\nkind = \"siege\"\nlat = \"north\"\n";
        let e = Scenario::from_toml(text.as_bytes()).expect_err("bad lat");
        let ScenarioError::Parse { line, message, .. } = &e else {
            panic!("{e}");
        };
        assert_eq!(*line, 7, "{e}");
        assert!(message.contains("lat"), "{e}");
        let e = Scenario::from_toml(b"name = \"t\"\ncolour = \"red\"\n").expect_err("unknown");
        assert!(e.to_string().contains("colour"), "{e}");
        let e = Scenario::from_toml(b"description = \"no name\"\n").expect_err("missing");
        assert!(e.to_string().contains("name"), "{e}");
        let e = Scenario::from_toml(&[b'n', 0xff, b'=']).expect_err("latin-1");
        assert!(e.to_string().contains("UTF-8"), "{e}");
    }

    fn site(id: &str, ssm: &str) -> Site {
        Site {
            id: SiteId(id.into()),
            ssm: SsmId(ssm.into()),
            ssm_name: format!("SSM {ssm}"),
            name: id.into(),
            kind: SiteKind::Siege,
            location: Coord { x: 0.0, y: 0.0 },
            commune: Some(0),
            etp: None,
            sector: Sector::Public,
        }
    }

    fn apply(json: &str) -> Result<Vec<Site>, ScenarioError> {
        let s = Scenario::from_json(json.as_bytes())?;
        s.apply(
            &[site("A1", "A"), site("A2", "A"), site("B1", "B")],
            |lon, lat| Coord { x: lon, y: lat },
            |c| (c.x >= 0.0).then_some(3),
        )
    }

    #[test]
    fn additions_removals_and_changes() {
        let sites = apply(r#"{"name":"t","remove_sites":["B"],"add_sites":[{"id":"N1","ssm_id":"A","kind":"antenne","x":5,"y":6},{"id":"N2","ssm_id":"C","kind":"siège","lat":50,"lon":5,"etp":3}],"etp_changes":[{"ssm_id":"A","etp_delta":1.5}]}"#)
            .expect("valid");
        let ids: Vec<&str> = sites.iter().map(|s| s.id.0.as_str()).collect();
        assert_eq!(ids, ["A1", "A2", "N1", "N2"]);
        assert_eq!(sites[2].ssm_name, "SSM A");
        assert_eq!(sites[3].location, Coord { x: 5.0, y: 50.0 });
        assert_eq!(sites[3].commune, Some(3));
        let s =
            Scenario::from_json(br#"{"name":"t","etp_changes":[{"ssm_id":"A","etp_delta":-2}]}"#)
                .expect("valid");
        assert_eq!(s.framework_after("A", 5.0).expect("ok"), 3.0);
        assert!(s.framework_after("A", 1.0).is_err());
    }

    #[test]
    fn errors_name_the_field() {
        for (json, expected) in [
            (r#"{"name":"t","remove_sites":["Z"]}"#, "remove_sites[0]"),
            (
                r#"{"name":"t","add_sites":[{"id":"A1","ssm_id":"A","kind":"siege","x":1,"y":1}]}"#,
                "add_sites[0].id",
            ),
            (
                r#"{"name":"t","add_sites":[{"id":"N","ssm_id":"A","kind":"hub","x":1,"y":1}]}"#,
                "add_sites[0].kind",
            ),
            (
                r#"{"name":"t","add_sites":[{"id":"N","ssm_id":"Z","kind":"antenne","x":1,"y":1}]}"#,
                "add_sites[0].ssm_id",
            ),
            (
                r#"{"name":"t","add_sites":[{"id":"N","ssm_id":"A","kind":"siege","x":-1,"y":1}]}"#,
                "outside every commune",
            ),
            (
                r#"{"name":"t","add_sites":[{"id":"N","ssm_id":"A","kind":"siege","lat":1}]}"#,
                "give either lat and lon",
            ),
            (
                r#"{"name":"t","etp_changes":[{"ssm_id":"Q","etp_delta":1}]}"#,
                "etp_changes[0].ssm_id",
            ),
            (r#"{"name":"t","colour":"red"}"#, "unknown field `colour`"),
            ("{\n\"name\": 3}", "line 2"),
        ] {
            let m = apply(json).expect_err(expected).to_string();
            assert!(m.contains(expected), "{expected}: {m}");
        }
    }
}
