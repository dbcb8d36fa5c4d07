//! Population grids on a 1 km equal-area lattice, as the degree of urbanisation needs them
//! (`ssmplan_core::classify_grid`).
//!
//! The method is defined on cells of 1 km × 1 km in an equal-area projection, so a cell's
//! residents are its density per km². A row gives the **centre** of its cell in one of:
//! - `x_mollweide`, `y_mollweide`: World Mollweide (ESRI:54009), the GHS-POP grid;
//! - `x_laea`, `y_laea`: ETRS89-LAEA (EPSG:3035), Eurostat's GEOSTAT grid.
//!
//! Centres must lie on the lattice (`(k + 0.5) × 1000` m, within 1 m): a grid in another CRS,
//! in another cell size, or given only in longitude/latitude or Lambert 2008 (both not
//! equal-area lattices: Lambert 2008 is conformal, and reprojected 1 km cells are not squares)
//! is refused rather than resampled, because resampling would change the densities the
//! thresholds apply to. Other columns: residents (`pop_ghs_2020`, `population` or `pop`);
//! optionally the commune (`nis_2025` or `nis`) and the centre in Lambert 2008
//! (`x_lambert2008`, `y_lambert2008`).

use std::path::{Path, PathBuf};

use geo::Coord;
use ssmplan_core::{DEGURBA_CELL_M, GridCell, Nis};

use crate::crosswalk::NisResolver;
use crate::table::{CsvError, Table, read_bytes};

/// The equal-area CRS of a lattice grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum LatticeCrs {
    /// World Mollweide (ESRI:54009), GHS-POP.
    #[serde(rename = "ESRI:54009")]
    Mollweide,
    /// ETRS89-LAEA (EPSG:3035), GEOSTAT.
    #[serde(rename = "EPSG:3035")]
    Laea,
}

impl LatticeCrs {
    /// The CRS code.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::Mollweide => "ESRI:54009",
            Self::Laea => "EPSG:3035",
        }
    }
}

/// One cell of a lattice grid.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LatticeCell {
    /// Position and residents.
    pub cell: GridCell,
    /// Commune index (in the communes given to the resolver), when the file names one.
    pub commune: Option<usize>,
    /// The commune code as written in the file (`nis_2025` or `nis`), when it has the column.
    pub nis: Option<Nis>,
    /// Centre in Lambert 2008 (EPSG:3812), when the file gives it.
    pub location: Option<Coord<f64>>,
}

/// A lattice grid read from a file.
#[derive(Clone, Debug)]
pub struct LatticeGrid {
    /// The file.
    pub path: PathBuf,
    /// Its CRS.
    pub crs: LatticeCrs,
    /// Cells, in file order.
    pub cells: Vec<LatticeCell>,
}

const POPULATION: &[&str] = &["pop_ghs_2020", "population", "pop"];
const NIS: &[&str] = &["nis_2025", "nis"];

/// The lattice index of a cell centre coordinate, or `None` when it is not a centre.
fn lattice_index(v: f64) -> Option<i64> {
    let k = (v / DEGURBA_CELL_M - 0.5).round();
    ((k + 0.5).mul_add(DEGURBA_CELL_M, -v).abs() <= 1.0).then_some(k as i64)
}

/// Parses a lattice grid. With `resolver`, the commune column (`nis_2025` or `nis`) is required
/// and matched to its communes.
///
/// # Errors
/// Missing columns (naming the equal-area coordinate columns expected), a centre off the 1 km
/// lattice, a negative or non-numeric population, an unknown NIS code, an empty table: each
/// naming the file, the line and the field.
pub fn parse_lattice_grid(
    path: &Path,
    bytes: &[u8],
    resolver: Option<&NisResolver<'_>>,
) -> Result<LatticeGrid, CsvError> {
    let table = Table::parse(path, bytes)?;
    table
        .require(&["x_mollweide", "x_laea"])
        .map_err(|e| match e {
            CsvError::MissingColumn {
                path,
                column,
                header,
            } => CsvError::MissingColumn {
                path,
                column: format!(
                    "{column} (cell centres of a 1 km equal-area lattice, ESRI:54009 or EPSG:3035; lon/lat or Lambert 2008 grids are not accepted)"
                ),
                header,
            },
            other => other,
        })?;
    let (crs, [xs, ys]) = if table.has("x_mollweide") {
        (LatticeCrs::Mollweide, ["x_mollweide", "y_mollweide"])
    } else {
        (LatticeCrs::Laea, ["x_laea", "y_laea"])
    };
    table.require(&[ys])?;
    table.require(POPULATION)?;
    if resolver.is_some() {
        table.require(NIS)?;
    }
    table.non_empty()?;
    let lambert = table.has("x_lambert2008") && table.has("y_lambert2008");
    let mut cells = Vec::new();
    for row in table.rows() {
        let mut at = [0_i64; 2];
        for (slot, field) in at.iter_mut().zip([xs, ys]) {
            let v = row.number(&[field])?;
            *slot = lattice_index(v).ok_or_else(|| {
                row.bad(
                    field,
                    &v.to_string(),
                    "not the centre of a 1 km cell of the lattice ((k + 0.5) x 1000 m)",
                )
            })?;
        }
        let population = row.number(POPULATION)?;
        if population < 0.0 {
            return Err(row.bad(
                row.field(POPULATION),
                &population.to_string(),
                "population must be zero or positive",
            ));
        }
        let commune = resolver
            .map(|r| r.resolve_row(&row, NIS).map(|m| m.1))
            .transpose()?;
        let nis = if NIS.iter().any(|c| table.has(c)) {
            Some(row.nis(NIS)?)
        } else {
            None
        };
        let location = if lambert {
            Some(Coord {
                x: row.number(&["x_lambert2008"])?,
                y: row.number(&["y_lambert2008"])?,
            })
        } else {
            None
        };
        cells.push(LatticeCell {
            cell: GridCell {
                col: at[0],
                row: at[1],
                population,
            },
            commune,
            nis,
            location,
        });
    }
    Ok(LatticeGrid {
        path: path.to_path_buf(),
        crs,
        cells,
    })
}

/// Reads a lattice grid.
///
/// # Errors
/// As [`parse_lattice_grid`], plus an unreadable file.
pub fn read_lattice_grid(
    path: &Path,
    resolver: Option<&NisResolver<'_>>,
) -> Result<LatticeGrid, CsvError> {
    parse_lattice_grid(path, &read_bytes(path)?, resolver)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crosswalk::Crosswalk;
    use geo::{LineString, MultiPolygon, Polygon};
    use ssmplan_core::Commune;

    fn communes() -> Vec<Commune> {
        let square = MultiPolygon(vec![Polygon::new(
            LineString::from(vec![(0.0, 0.0), (1.0, 0.0), (1.0, 1.0), (0.0, 1.0)]),
            vec![],
        )]);
        vec![Commune {
            nis: Nis::try_from("62063").expect("valid"),
            name: "Liège".into(),
            arrondissement_nis: Nis::try_from("62000").expect("valid"),
            arrondissement: String::new(),
            province: String::new(),
            geometry: square,
            population: 1,
            typology: None,
        }]
    }

    #[test]
    fn reads_mollweide_and_laea_lattices() {
        let text = "row,col,x_mollweide,y_mollweide,pop_ghs_2020\n0,0,252500.0,6034500.0,1.5\n1,-3,-2500,-500.0,0\n";
        let g = parse_lattice_grid(Path::new("g.csv"), text.as_bytes(), None).expect("valid");
        assert_eq!(g.crs, LatticeCrs::Mollweide);
        assert_eq!(
            g.cells.iter().map(|c| c.cell).collect::<Vec<_>>(),
            vec![
                GridCell {
                    col: 252,
                    row: 6034,
                    population: 1.5
                },
                GridCell {
                    col: -3,
                    row: -1,
                    population: 0.0
                }
            ]
        );
        let text = "x_laea,y_laea,population,nis_2025,x_lambert2008,y_lambert2008\n3900500,3100500,7,62063,1,2\n";
        let communes = communes();
        let crosswalk = Crosswalk::default();
        let resolver = NisResolver::new(&communes, &crosswalk);
        let g = parse_lattice_grid(Path::new("g.csv"), text.as_bytes(), Some(&resolver))
            .expect("valid");
        assert_eq!(g.crs, LatticeCrs::Laea);
        assert_eq!(g.cells[0].commune, Some(0));
        assert_eq!(g.cells[0].location, Some(Coord { x: 1.0, y: 2.0 }));
    }

    #[test]
    fn refuses_grids_that_are_not_an_equal_area_lattice() {
        let err = |text: &str| {
            parse_lattice_grid(Path::new("g.csv"), text.as_bytes(), None)
                .expect_err("invalid")
                .to_string()
        };
        let e = err("lon,lat,pop\n5.5,50.6,3\n");
        assert!(
            e.contains("x_mollweide|x_laea") && e.contains("g.csv"),
            "{e}"
        );
        let e = err("x_mollweide,y_mollweide,pop\n252000,6034500,3\n");
        assert!(
            e.contains("line 2") && e.contains("x_mollweide") && e.contains("lattice"),
            "{e}"
        );
        let e = err("x_mollweide,y_mollweide,pop\n252500,6034500,-3\n");
        assert!(e.contains("line 2") && e.contains("`pop`"), "{e}");
        let communes = communes();
        let crosswalk = Crosswalk::default();
        let resolver = NisResolver::new(&communes, &crosswalk);
        let e = parse_lattice_grid(
            Path::new("g.csv"),
            b"x_mollweide,y_mollweide,pop,nis_2025\n252500,6034500,3,99999\n",
            Some(&resolver),
        )
        .expect_err("unknown")
        .to_string();
        assert!(e.contains("99999") && e.contains("nis_2025"), "{e}");
        let e = parse_lattice_grid(
            Path::new("g.csv"),
            b"x_mollweide,y_mollweide,pop\n252500,6034500,3\n",
            Some(&resolver),
        )
        .expect_err("no commune column")
        .to_string();
        assert!(e.contains("nis_2025|nis"), "{e}");
    }
}
