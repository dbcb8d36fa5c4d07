//! Eurostat's routed accessibility figures (GISCO geographic accessibility, healthcare: share
//! of the population beyond 5 / 20 / 45 minutes of the nearest hospital, `N1`, and of the
//! average of the 3 nearest, `AN3`) and the table of the Walloon NUTS 3 districts they are
//! given for: the targets of the drive-time calibration (`ssmplan calibrate`).
//!
//! District table (`nuts3`, `arrondissement_nis`, `name`): the 21 Walloon NUTS 3 codes of
//! NUTS 2024, each checked against its arrondissement ([`ssmplan_core::WALLOON_NUTS3`]).
//!
//! Figures (`nuts`, `age`, `deg_urb`, `indicator`, `threshold`, `unit`, `v2020`): the all-ages
//! rows (`age` = `T`) of the districts of the table, for every degree of urbanisation
//! (`TOTAL`, `DEG1`, `DEG2`, `DEG3`); percentages (`PC`) per threshold, and the population
//! (`NONE`, `NR`). Other rows (other ages, aggregates above NUTS 3, counts per threshold) are
//! not figures to fit and are passed over.

use std::collections::BTreeMap;
use std::path::Path;

use ssmplan_core::drivetime::{Indicator, THRESHOLDS_MIN, Target};
use ssmplan_core::{AreaClass, WALLOON_NUTS3};

use crate::table::{CsvError, Table, read_bytes};

/// A Walloon NUTS 3 district as read from the district table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct District {
    /// NUTS 2024 code (`BE310`).
    pub code: String,
    /// Name.
    pub name: String,
}

/// Parses the district table: every Walloon NUTS 3 district once, on its arrondissement.
///
/// # Errors
/// A missing column, a code that is not a Walloon district, an arrondissement that is not the
/// district's, a duplicate, a district missing, an empty table.
pub fn parse_districts(path: &Path, bytes: &[u8]) -> Result<Vec<District>, CsvError> {
    let table = Table::parse(path, bytes)?;
    for column in ["nuts3", "arrondissement_nis", "name"] {
        table.require(&[column])?;
    }
    table.non_empty()?;
    let mut out: Vec<District> = Vec::new();
    let mut last_line = 0;
    for row in table.rows() {
        last_line = row.line;
        let code = row.req(&["nuts3"])?;
        let known = WALLOON_NUTS3
            .iter()
            .find(|(k, _, _)| *k == code)
            .ok_or_else(|| row.bad("nuts3", code, "not a Walloon NUTS 3 code (NUTS 2024)"))?;
        let arrondissement = row.req(&["arrondissement_nis"])?;
        if known.2 != arrondissement {
            return Err(row.bad(
                "arrondissement_nis",
                arrondissement,
                &format!("NUTS 2024 puts {code} in arrondissement {}", known.2),
            ));
        }
        if out.iter().any(|d| d.code == code) {
            return Err(row.bad("nuts3", code, "duplicate district"));
        }
        out.push(District {
            code: code.to_owned(),
            name: row.opt(&["name"]).unwrap_or_default().to_owned(),
        });
    }
    if out.len() != WALLOON_NUTS3.len() {
        return Err(CsvError::BadValue {
            path: path.to_path_buf(),
            line: last_line,
            field: "nuts3".to_owned(),
            found: out.len().to_string(),
            problem: format!("expected the {} Walloon districts", WALLOON_NUTS3.len()),
        });
    }
    Ok(out)
}

/// Reads the district table.
///
/// # Errors
/// As [`parse_districts`], plus an unreadable file.
pub fn read_districts(path: &Path) -> Result<Vec<District>, CsvError> {
    parse_districts(path, &read_bytes(path)?)
}

/// The all-ages figures of the districts: the shares to fit and Eurostat's population.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AccessFigures {
    /// Observed shares, sorted by district, degree of urbanisation (`TOTAL` first), indicator
    /// and threshold.
    pub targets: Vec<Target>,
    /// Eurostat's population per district (index in the district table) and degree of
    /// urbanisation (`None`: `TOTAL`).
    pub population: BTreeMap<(usize, Option<AreaClass>), f64>,
}

/// Eurostat's code of threshold `t` (index in [`THRESHOLDS_MIN`]).
#[must_use]
pub fn threshold_key(t: usize) -> &'static str {
    ["GT_5_MIN", "GT_20_MIN", "GT_45_MIN"][t.min(THRESHOLDS_MIN.len() - 1)]
}

/// Parses Eurostat's accessibility table, keeping the all-ages rows of `districts`.
///
/// # Errors
/// A missing column, an unknown indicator, threshold or degree of urbanisation, a value that
/// is not a number or a percentage out of 0..100, a duplicate row, an empty table.
pub fn parse_access_figures(
    path: &Path,
    bytes: &[u8],
    districts: &[District],
) -> Result<AccessFigures, CsvError> {
    let table = Table::parse(path, bytes)?;
    for column in [
        "nuts",
        "age",
        "deg_urb",
        "indicator",
        "threshold",
        "unit",
        "v2020",
    ] {
        table.require(&[column])?;
    }
    table.non_empty()?;
    let mut out = AccessFigures::default();
    for row in table.rows() {
        let text = |c: &str| row.opt(&[c]).unwrap_or_default();
        let Some(zone) = districts.iter().position(|d| d.code == text("nuts")) else {
            continue;
        };
        if text("age") != "T" {
            continue;
        }
        let class =
            match text("deg_urb") {
                "TOTAL" => None,
                other => Some(AreaClass::parse(other).ok_or_else(|| {
                    row.bad("deg_urb", other, "expected TOTAL, DEG1, DEG2 or DEG3")
                })?),
            };
        let indicator = match text("indicator") {
            "N1" => Indicator::N1,
            "AN3" => Indicator::AN3,
            other => return Err(row.bad("indicator", other, "expected N1 or AN3")),
        };
        let value = row.number(&["v2020"])?;
        match (text("threshold"), text("unit")) {
            ("NONE", "NR") if indicator == Indicator::N1 => {
                out.population.insert((zone, class), value);
            }
            (threshold, "PC") => {
                let Some(t) = (0..THRESHOLDS_MIN.len()).find(|t| threshold_key(*t) == threshold)
                else {
                    return Err(row.bad(
                        "threshold",
                        threshold,
                        "expected GT_5_MIN, GT_20_MIN or GT_45_MIN",
                    ));
                };
                if !(0.0..=100.0).contains(&value) {
                    return Err(row.bad("v2020", &value.to_string(), "not a percentage"));
                }
                if out.targets.iter().any(|x| {
                    x.zone == zone
                        && x.class == class
                        && x.indicator == indicator
                        && x.threshold == t
                }) {
                    return Err(row.bad("nuts", text("nuts"), "duplicate row"));
                }
                out.targets.push(Target {
                    zone,
                    class,
                    indicator,
                    threshold: t,
                    observed_pct: value,
                });
            }
            _ => {}
        }
    }
    out.targets
        .sort_by_key(|t| (t.zone, t.class, t.indicator, t.threshold));
    Ok(out)
}

/// Reads Eurostat's accessibility table.
///
/// # Errors
/// As [`parse_access_figures`], plus an unreadable file.
pub fn read_access_figures(path: &Path, districts: &[District]) -> Result<AccessFigures, CsvError> {
    parse_access_figures(path, &read_bytes(path)?, districts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn districts() -> Vec<District> {
        let text = std::fs::read(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../geodata/accessibility/nuts3_2024_wallonia.csv"),
        )
        .expect("district table");
        parse_districts(Path::new("nuts3.csv"), &text).expect("valid")
    }

    #[test]
    fn district_table_is_checked() {
        let d = districts();
        assert_eq!(d.len(), 21);
        assert_eq!(d[0].code, "BE310");
        let path = Path::new("nuts3.csv");
        let e = parse_districts(path, b"nuts3,arrondissement_nis,name\nBE310,25000,x\n")
            .expect_err("one district")
            .to_string();
        assert!(e.contains("expected the 21"), "{e}");
        let e = parse_districts(path, b"nuts3,arrondissement_nis,name\nBE310,26000,x\n")
            .expect_err("wrong arrondissement")
            .to_string();
        assert!(e.contains("line 2, field `arrondissement_nis`"), "{e}");
        assert!(matches!(
            parse_districts(path, b"nuts3,arrondissement_nis,name\n"),
            Err(CsvError::Empty { .. })
        ));
    }

    #[test]
    fn figures_by_degree_of_urbanisation() {
        let d = districts();
        let text = "nuts,age,deg_urb,indicator,threshold,unit,v2020,v2023\n\
            BE310,T,TOTAL,N1,GT_5_MIN,PC,84.93,1\n\
            BE310,T,DEG3,N1,GT_5_MIN,PC,98.15,1\n\
            BE310,T,DEG3,N1,NONE,NR,91388,1\n\
            BE310,Y_GE65,DEG3,N1,GT_5_MIN,PC,50,1\n\
            BE31,T,TOTAL,N1,GT_5_MIN,PC,50,1\n\
            BE352,T,DEG1,AN3,GT_20_MIN,PC,0.5,1\n\
            BE352,T,DEG1,AN3,GT_20_MIN,NR,300,1\n";
        let f = parse_access_figures(Path::new("e.csv"), text.as_bytes(), &d).expect("valid");
        let got: Vec<_> = f
            .targets
            .iter()
            .map(|t| (t.zone, t.class, t.indicator, t.threshold, t.observed_pct))
            .collect();
        let namur = d.iter().position(|x| x.code == "BE352").expect("Namur");
        assert_eq!(
            got,
            vec![
                (0, None, Indicator::N1, 0, 84.93),
                (0, Some(AreaClass::Rural), Indicator::N1, 0, 98.15),
                (namur, Some(AreaClass::City), Indicator::AN3, 1, 0.5),
            ]
        );
        assert_eq!(
            f.population.get(&(0, Some(AreaClass::Rural))),
            Some(&91388.0)
        );
        let bad = |row: &str| {
            let text = format!("nuts,age,deg_urb,indicator,threshold,unit,v2020\n{row}\n");
            parse_access_figures(Path::new("e.csv"), text.as_bytes(), &d)
                .expect_err("bad")
                .to_string()
        };
        assert!(bad("BE310,T,DEG4,N1,GT_5_MIN,PC,1").contains("field `deg_urb`"));
        assert!(bad("BE310,T,TOTAL,N2,GT_5_MIN,PC,1").contains("field `indicator`"));
        assert!(bad("BE310,T,TOTAL,N1,GT_9_MIN,PC,1").contains("field `threshold`"));
        assert!(bad("BE310,T,TOTAL,N1,GT_5_MIN,PC,101").contains("not a percentage"));
        assert!(bad("BE310,T,TOTAL,N1,GT_5_MIN,PC,x").contains("field `v2020`"));
        let e = bad("BE310,T,TOTAL,N1,GT_5_MIN,PC,1\nBE310,T,TOTAL,N1,GT_5_MIN,PC,2");
        assert!(e.contains("line 3") && e.contains("duplicate"), "{e}");
    }
}
