//! Pieces every operation shares: the parameters recorded in every output, WGS84 geometries
//! for map layers, units.

use geo::{Coord, MultiPolygon};
use serde_json::{Value, json};
use ssmplan_io::Dataset;
use ssmplan_io::crs::lambert2008_to_wgs84;

use crate::report::Cell;

/// Parameters recorded in every output.
pub(crate) fn base_parameters(dataset: &Dataset) -> Vec<(&'static str, Value)> {
    let mut out = vec![
        ("data", json!(dataset.data_dir.display().to_string())),
        ("scope", json!(dataset.scope)),
        ("provinces", json!(dataset.provinces)),
        ("population_year", json!(dataset.year)),
        ("communes_in_scope", json!(dataset.communes.len())),
        ("population_in_scope", json!(dataset.population_total())),
    ];
    if let Some(f) = &dataset.facilities {
        out.extend([
            (
                "facilities",
                json!(dataset.site_table.path.display().to_string()),
            ),
            ("facility_points", json!(dataset.sites.len())),
            (
                "facility_points_beyond_scope",
                json!(dataset.sites.iter().filter(|s| s.commune.is_none()).count()),
            ),
            ("capacity_column", json!(f.capacity_column)),
            ("norm", json!("not applicable (facility layer)")),
        ]);
    } else {
        out.extend([
            ("ssm_in_scope", json!(dataset.ssm_count())),
            ("sites_in_scope", json!(dataset.sites.len())),
            ("norm", json!("1 SSM per 50,000 inhabitants")),
        ]);
    }
    out
}

/// The commune NIS code and name of a site, empty for a facility beyond the communes in scope.
pub(crate) fn site_commune(dataset: &Dataset, site: &ssmplan_core::Site) -> (Cell, Cell) {
    site.commune
        .and_then(|c| dataset.communes.get(c))
        .map_or((Cell::Empty, Cell::Empty), |c| {
            (c.nis.to_string().into(), c.name.clone().into())
        })
}

/// The caveat of services sharing a location, when some do.
pub(crate) fn colocation_caveat(dataset: &Dataset, c: &ssmplan_core::Colocation) -> Option<String> {
    let shared = c.shared_locations();
    (shared > 0).then(|| {
        if dataset.facilities.is_some() {
            format!(
                "{shared} location(s) hold several facilities: the residents nearest to such a point are shared among them, by capacity when every facility there has one, else equally"
            )
        } else {
            format!(
                "{shared} location(s) hold several services (locality-level geocoding): the residents nearest to such a point are shared among its services, by ETP when every service there has one, else equally"
            )
        }
    })
}

/// WGS84 `GeoJSON` geometry of a Lambert 2008 multipolygon, coordinates rounded to 1e-6 degree.
#[must_use]
pub fn geojson_multipolygon(shape: &MultiPolygon<f64>) -> Value {
    let ring = |ls: &geo::LineString<f64>| -> Vec<[f64; 2]> {
        ls.coords().map(|c| wgs84_rounded(*c)).collect()
    };
    let polygons: Vec<Vec<Vec<[f64; 2]>>> = shape
        .0
        .iter()
        .map(|p| {
            std::iter::once(ring(p.exterior()))
                .chain(p.interiors().iter().map(ring))
                .collect()
        })
        .collect();
    json!({ "type": "MultiPolygon", "coordinates": polygons })
}

/// WGS84 `GeoJSON` point of a Lambert 2008 coordinate, rounded to 1e-6 degree.
#[must_use]
pub fn geojson_point(c: Coord<f64>) -> Value {
    json!({"type": "Point", "coordinates": wgs84_rounded(c)})
}

/// Longitude and latitude of a Lambert 2008 coordinate, rounded to 1e-6 degree (about 0.1 m).
#[must_use]
pub fn wgs84_rounded(c: Coord<f64>) -> [f64; 2] {
    wgs84_at(c, 1e6)
}

/// Longitude and latitude of a Lambert 2008 coordinate, rounded to `1 / scale` degree.
pub(crate) fn wgs84_at(c: Coord<f64>, scale: f64) -> [f64; 2] {
    let (lon, lat) = lambert2008_to_wgs84(c.x, c.y);
    [(lon * scale).round() / scale, (lat * scale).round() / scale]
}

/// Metres to kilometres.
#[must_use]
pub fn km(m: Option<f64>) -> Option<f64> {
    m.map(|v| v / 1000.0)
}
