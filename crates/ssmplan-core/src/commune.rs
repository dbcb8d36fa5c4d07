//! Communes: boundaries (EPSG:3812), administrative parents, population, typology group.

use geo::{
    Area, BoundingRect, Centroid, Contains, Coord, InteriorPoint, MultiPolygon, Point, Rect,
};

use crate::{Nis, TypologyGroup};

/// A commune with its boundary in Belgian Lambert 2008 (metres) and the attributes the planner
/// aggregates on.
#[derive(Clone, Debug)]
pub struct Commune {
    /// 2025 NIS code.
    pub nis: Nis,
    /// French name (as given by the boundary layer).
    pub name: String,
    /// NIS code of the arrondissement.
    pub arrondissement_nis: Nis,
    /// Name of the arrondissement (empty when the layer has none).
    pub arrondissement: String,
    /// Province name (French).
    pub province: String,
    /// Boundary in EPSG:3812, metres.
    pub geometry: MultiPolygon<f64>,
    /// Residents on the reference date of the loaded population table.
    pub population: u64,
    /// Typology group, when a typology (official or reconstructed) is loaded.
    pub typology: Option<TypologyGroup>,
}

impl Commune {
    /// Planar area of the boundary.
    ///
    /// # Units
    /// Square kilometres.
    #[must_use]
    pub fn area_km2(&self) -> f64 {
        self.geometry.unsigned_area() / 1.0e6
    }

    /// Bounding rectangle of the boundary (metres), `None` for an empty geometry.
    #[must_use]
    pub fn bbox(&self) -> Option<Rect<f64>> {
        self.geometry.bounding_rect()
    }

    /// A point guaranteed inside the commune: the centroid when it falls inside the polygon,
    /// otherwise the interior point (point on surface). `None` for an empty geometry.
    #[must_use]
    pub fn representative_point(&self) -> Option<Coord<f64>> {
        if let Some(centroid) = self.geometry.centroid()
            && self.geometry.contains(&centroid)
        {
            return Some(centroid.0);
        }
        self.geometry.interior_point().map(Point::into)
    }
}

/// Province of a 2025 Walloon NIS code, from its prefix; `None` outside Wallonia.
#[must_use]
pub fn walloon_province_of(nis: Nis) -> Option<&'static str> {
    let s = nis.as_str();
    match &s[..1] {
        "2" if s.starts_with("25") => Some("Brabant wallon"),
        "5" => Some("Hainaut"),
        "6" => Some("Liège"),
        "8" => Some("Luxembourg"),
        "9" => Some("Namur"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{LineString, Polygon, polygon};

    fn commune(geometry: MultiPolygon<f64>) -> Commune {
        Commune {
            nis: Nis::try_from("99999").expect("valid"),
            name: "Test".into(),
            arrondissement_nis: Nis::try_from("99000").expect("valid"),
            arrondissement: String::new(),
            province: "Namur".into(),
            geometry,
            population: 0,
            typology: None,
        }
    }

    #[test]
    fn representative_point_of_a_u_shape_is_inside() {
        // A U: its centroid lies in the notch, outside the polygon.
        let u = polygon![
            (x: 0.0, y: 0.0), (x: 30.0, y: 0.0), (x: 30.0, y: 30.0), (x: 20.0, y: 30.0),
            (x: 20.0, y: 10.0), (x: 10.0, y: 10.0), (x: 10.0, y: 30.0), (x: 0.0, y: 30.0),
        ];
        let c = commune(MultiPolygon(vec![u]));
        let centroid = c.geometry.centroid().expect("non-empty");
        assert!(!c.geometry.contains(&centroid));
        let p = c.representative_point().expect("non-empty");
        assert!(c.geometry.contains(&Point::from(p)));
        assert!((c.area_km2() - 700.0 / 1.0e6).abs() < 1e-12);
    }

    #[test]
    fn representative_point_of_a_square_is_its_centroid() {
        let square = Polygon::new(
            LineString::from(vec![(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]),
            vec![],
        );
        let c = commune(MultiPolygon(vec![square]));
        assert_eq!(c.representative_point(), Some(Coord { x: 5.0, y: 5.0 }));
        assert_eq!(commune(MultiPolygon(vec![])).representative_point(), None);
    }

    #[test]
    fn provinces_from_prefix() {
        let p = |s: &str| walloon_province_of(Nis::try_from(s).expect("valid"));
        assert_eq!(p("25005"), Some("Brabant wallon"));
        assert_eq!(p("58001"), Some("Hainaut"));
        assert_eq!(p("63001"), Some("Liège"));
        assert_eq!(p("82039"), Some("Luxembourg"));
        assert_eq!(p("92094"), Some("Namur"));
        assert_eq!(p("21004"), None);
        assert_eq!(p("24062"), None);
    }
}
