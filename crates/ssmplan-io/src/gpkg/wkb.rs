//! `GeoPackage` geometry blobs (`GeoPackageBinary`, spec clause 2.1.3): the `GP` header (version,
//! flags, SRS id, optional envelope) followed by ISO WKB.
//!
//! Written here rather than taken from a crate: georust `wkb` brings `num_enum` (a proc-macro
//! with `proc-macro-crate` and `toml_edit`) and a second major version of `thiserror`, and
//! `geozero` a much larger tree; the subset needed is small: 2D geometries written in little
//! endian, and reading of both byte orders, ISO and EWKB Z/M variants (the extra ordinates are
//! dropped). Tested below on hand-made bytes and, end to end, against GDAL's `ogrinfo`.

use geo::{
    BoundingRect, Coord, Geometry, GeometryCollection, LineString, MultiLineString, MultiPoint,
    MultiPolygon, Point, Polygon,
};

/// Why a geometry blob could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BlobError {
    /// The blob does not start with `GP`.
    #[error("not a GeoPackage geometry (starts with {found}, expected the bytes `GP`)")]
    Magic {
        /// The first bytes, in hex.
        found: String,
    },
    /// A header version other than 0 (`GeoPackage` 1.x).
    #[error("unsupported GeoPackage geometry header version {version}")]
    Version {
        /// The version byte.
        version: u8,
    },
    /// A flags byte with an envelope code above 4.
    #[error("invalid envelope code {code} in the GeoPackage geometry header")]
    Envelope {
        /// The code (bits 1-3 of the flags).
        code: u8,
    },
    /// The extended geometry types (flag X) are not read.
    #[error("extended GeoPackage geometry types are not supported")]
    Extended,
    /// The bytes end before the geometry does.
    #[error("geometry truncated: {needed} more byte(s) needed at byte {at} of {len}")]
    Truncated {
        /// Offset where reading stopped.
        at: usize,
        /// Bytes missing.
        needed: usize,
        /// Length of the blob.
        len: usize,
    },
    /// A WKB byte-order byte other than 0 or 1.
    #[error("invalid WKB byte order {found} at byte {at}")]
    ByteOrder {
        /// The byte.
        found: u8,
        /// Its offset.
        at: usize,
    },
    /// A WKB geometry type that is not one of the seven simple features.
    #[error("unsupported WKB geometry type {code} at byte {at}")]
    GeometryType {
        /// The type code.
        code: u32,
        /// Its offset.
        at: usize,
    },
    /// Geometry collections nested deeper than [`MAX_DEPTH`].
    #[error("geometry collections nested more than {MAX_DEPTH} levels deep")]
    TooDeep,
}

/// Deepest nesting of geometry collections read.
pub const MAX_DEPTH: usize = 32;

/// A decoded blob.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The SRS id of the header (`gpkg_spatial_ref_sys.srs_id`).
    pub srs_id: i32,
    /// The header's empty flag.
    pub empty: bool,
    /// The geometry (2D).
    pub geometry: Geometry<f64>,
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], BlobError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len());
        let Some(end) = end else {
            return Err(BlobError::Truncated {
                at: self.at,
                needed: self.at + n - self.bytes.len(),
                len: self.bytes.len(),
            });
        };
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }

    fn u8(&mut self) -> Result<u8, BlobError> {
        Ok(self.take(1)?[0])
    }

    fn u32(&mut self, little: bool) -> Result<u32, BlobError> {
        let b: [u8; 4] = self.take(4)?.try_into().unwrap_or_default();
        Ok(if little {
            u32::from_le_bytes(b)
        } else {
            u32::from_be_bytes(b)
        })
    }

    fn f64(&mut self, little: bool) -> Result<f64, BlobError> {
        let b: [u8; 8] = self.take(8)?.try_into().unwrap_or_default();
        Ok(if little {
            f64::from_le_bytes(b)
        } else {
            f64::from_be_bytes(b)
        })
    }

    /// A count of items of at least `min_size` bytes each, checked against what is left so
    /// that a corrupt count cannot reserve gigabytes.
    fn count(&mut self, little: bool, min_size: usize) -> Result<usize, BlobError> {
        let at = self.at;
        let n = self.u32(little)? as usize;
        let left = self.bytes.len() - self.at;
        if n.saturating_mul(min_size) > left {
            return Err(BlobError::Truncated {
                at,
                needed: n.saturating_mul(min_size) - left,
                len: self.bytes.len(),
            });
        }
        Ok(n)
    }
}

/// Reads a `GeoPackage` geometry blob.
///
/// # Errors
/// [`BlobError`] for a blob that is not a `GeoPackage` geometry or is cut short.
pub fn decode(blob: &[u8]) -> Result<Decoded, BlobError> {
    let mut r = Reader { bytes: blob, at: 0 };
    let magic = r
        .take(2)
        .map_err(|_| BlobError::Magic { found: hex(blob) })?;
    if magic != b"GP" {
        return Err(BlobError::Magic { found: hex(blob) });
    }
    let version = r.u8()?;
    if version != 0 {
        return Err(BlobError::Version { version });
    }
    let flags = r.u8()?;
    if flags & 0b0010_0000 != 0 {
        return Err(BlobError::Extended);
    }
    let empty = flags & 0b0001_0000 != 0;
    let code = (flags >> 1) & 0b111;
    let doubles = match code {
        0 => 0,
        1 => 4,
        2 | 3 => 6,
        4 => 8,
        _ => return Err(BlobError::Envelope { code }),
    };
    let little = flags & 1 == 1;
    let srs_id = i32::from_ne_bytes(r.u32(little)?.to_ne_bytes());
    r.take(doubles * 8)?;
    let geometry = read_wkb(&mut r, 0)?;
    Ok(Decoded {
        srs_id,
        empty,
        geometry,
    })
}

fn hex(bytes: &[u8]) -> String {
    if bytes.is_empty() {
        return "nothing (an empty blob)".to_owned();
    }
    bytes
        .iter()
        .take(4)
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[expect(
    clippy::many_single_char_names,
    reason = "r(eader), n(umber), z and m read as in the WKB specification"
)]
#[expect(
    clippy::too_many_lines,
    reason = "one arm per WKB geometry type, as the specification lists them"
)]
fn read_wkb(r: &mut Reader<'_>, depth: usize) -> Result<Geometry<f64>, BlobError> {
    if depth > MAX_DEPTH {
        return Err(BlobError::TooDeep);
    }
    let at = r.at;
    let little = match r.u8()? {
        0 => false,
        1 => true,
        found => return Err(BlobError::ByteOrder { found, at }),
    };
    let type_at = r.at;
    let raw = r.u32(little)?;
    // EWKB flags (PostGIS), then ISO codes (1000 Z, 2000 M, 3000 ZM).
    let (mut z, mut m) = (raw & 0x8000_0000 != 0, raw & 0x4000_0000 != 0);
    if raw & 0x2000_0000 != 0 {
        r.take(4)?; // EWKB SRID
    }
    let code = raw & 0x0FFF_FFFF;
    let base = code % 1000;
    match code / 1000 {
        0 => {}
        1 => z = true,
        2 => m = true,
        3 => (z, m) = (true, true),
        _ => {
            return Err(BlobError::GeometryType {
                code: raw,
                at: type_at,
            });
        }
    }
    let dims = 2 + usize::from(z) + usize::from(m);
    let coord = |r: &mut Reader<'_>| -> Result<Coord<f64>, BlobError> {
        let x = r.f64(little)?;
        let y = r.f64(little)?;
        for _ in 2..dims {
            r.f64(little)?;
        }
        Ok(Coord { x, y })
    };
    let line = |r: &mut Reader<'_>| -> Result<LineString<f64>, BlobError> {
        let n = r.count(little, dims * 8)?;
        (0..n)
            .map(|_| coord(r))
            .collect::<Result<Vec<_>, _>>()
            .map(LineString)
    };
    let polygon = |r: &mut Reader<'_>| -> Result<Polygon<f64>, BlobError> {
        let n = r.count(little, 4)?;
        let mut rings = (0..n).map(|_| line(r)).collect::<Result<Vec<_>, _>>()?;
        if rings.is_empty() {
            return Ok(Polygon::new(LineString(vec![]), vec![]));
        }
        let exterior = rings.remove(0);
        Ok(Polygon::new(exterior, rings))
    };
    let n_parts = |r: &mut Reader<'_>| r.count(little, 9);
    Ok(match base {
        1 => Geometry::Point(Point(coord(r)?)),
        2 => Geometry::LineString(line(r)?),
        3 => Geometry::Polygon(polygon(r)?),
        4 => {
            let n = n_parts(r)?;
            let mut points = Vec::with_capacity(n);
            for _ in 0..n {
                match read_wkb(r, depth + 1)? {
                    Geometry::Point(p) => points.push(p),
                    other => return Err(wrong_part(&other, type_at)),
                }
            }
            Geometry::MultiPoint(MultiPoint(points))
        }
        5 => {
            let n = n_parts(r)?;
            let mut lines = Vec::with_capacity(n);
            for _ in 0..n {
                match read_wkb(r, depth + 1)? {
                    Geometry::LineString(l) => lines.push(l),
                    other => return Err(wrong_part(&other, type_at)),
                }
            }
            Geometry::MultiLineString(MultiLineString(lines))
        }
        6 => {
            let n = n_parts(r)?;
            let mut polygons = Vec::with_capacity(n);
            for _ in 0..n {
                match read_wkb(r, depth + 1)? {
                    Geometry::Polygon(p) => polygons.push(p),
                    other => return Err(wrong_part(&other, type_at)),
                }
            }
            Geometry::MultiPolygon(MultiPolygon(polygons))
        }
        7 => {
            let n = n_parts(r)?;
            let parts = (0..n)
                .map(|_| read_wkb(r, depth + 1))
                .collect::<Result<Vec<_>, _>>()?;
            Geometry::GeometryCollection(GeometryCollection(parts))
        }
        _ => {
            return Err(BlobError::GeometryType {
                code: raw,
                at: type_at,
            });
        }
    })
}

/// A part of a multi-geometry of the wrong type, reported as an unsupported type at the
/// multi-geometry.
fn wrong_part(part: &Geometry<f64>, at: usize) -> BlobError {
    BlobError::GeometryType {
        code: wkb_code(part),
        at,
    }
}

/// The WKB type code of a 2D geometry.
fn wkb_code(g: &Geometry<f64>) -> u32 {
    match g {
        Geometry::Point(_) => 1,
        Geometry::Line(_) | Geometry::LineString(_) => 2,
        Geometry::Polygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => 3,
        Geometry::MultiPoint(_) => 4,
        Geometry::MultiLineString(_) => 5,
        Geometry::MultiPolygon(_) => 6,
        Geometry::GeometryCollection(_) => 7,
    }
}

/// The `geometry_type_name` of `gpkg_geometry_columns` for a geometry.
#[must_use]
pub fn type_name(g: &Geometry<f64>) -> &'static str {
    match wkb_code(g) {
        1 => "POINT",
        2 => "LINESTRING",
        3 => "POLYGON",
        4 => "MULTIPOINT",
        5 => "MULTILINESTRING",
        6 => "MULTIPOLYGON",
        _ => "GEOMETRYCOLLECTION",
    }
}

/// Writes a `GeoPackage` geometry blob: little endian, with an XY envelope except for points (as
/// the specification recommends), the empty flag for a geometry without coordinates.
#[must_use]
pub fn encode(geometry: &Geometry<f64>, srs_id: i32) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"GP");
    out.push(0);
    let envelope = match geometry {
        Geometry::Point(_) => None,
        other => other.bounding_rect(),
    };
    let empty = match geometry {
        Geometry::Point(p) => p.x().is_nan() && p.y().is_nan(),
        other => other.bounding_rect().is_none(),
    };
    let flags = 1 | if envelope.is_some() { 1 << 1 } else { 0 } | if empty { 1 << 4 } else { 0 };
    out.push(flags);
    out.extend_from_slice(&srs_id.to_le_bytes());
    if let Some(e) = envelope {
        for v in [e.min().x, e.max().x, e.min().y, e.max().y] {
            out.extend_from_slice(&v.to_le_bytes());
        }
    }
    write_wkb(&mut out, geometry);
    out
}

fn write_wkb(out: &mut Vec<u8>, g: &Geometry<f64>) {
    fn header(out: &mut Vec<u8>, code: u32) {
        out.push(1);
        out.extend_from_slice(&code.to_le_bytes());
    }
    fn count(out: &mut Vec<u8>, n: usize) {
        out.extend_from_slice(&(n as u32).to_le_bytes());
    }
    fn coord(out: &mut Vec<u8>, c: Coord<f64>) {
        out.extend_from_slice(&c.x.to_le_bytes());
        out.extend_from_slice(&c.y.to_le_bytes());
    }
    fn line(out: &mut Vec<u8>, l: &LineString<f64>) {
        count(out, l.0.len());
        for c in &l.0 {
            coord(out, *c);
        }
    }
    fn polygon(out: &mut Vec<u8>, p: &Polygon<f64>) {
        if p.exterior().0.is_empty() && p.interiors().is_empty() {
            count(out, 0);
            return;
        }
        count(out, 1 + p.interiors().len());
        line(out, p.exterior());
        for ring in p.interiors() {
            line(out, ring);
        }
    }
    header(out, wkb_code(g));
    match g {
        Geometry::Point(p) => coord(out, p.0),
        Geometry::Line(l) => line(out, &LineString(vec![l.start, l.end])),
        Geometry::LineString(l) => line(out, l),
        Geometry::Polygon(p) => polygon(out, p),
        Geometry::Rect(r) => polygon(out, &r.to_polygon()),
        Geometry::Triangle(t) => polygon(out, &t.to_polygon()),
        Geometry::MultiPoint(m) => {
            count(out, m.0.len());
            for p in &m.0 {
                write_wkb(out, &Geometry::Point(*p));
            }
        }
        Geometry::MultiLineString(m) => {
            count(out, m.0.len());
            for l in &m.0 {
                header(out, 2);
                line(out, l);
            }
        }
        Geometry::MultiPolygon(m) => {
            count(out, m.0.len());
            for p in &m.0 {
                header(out, 3);
                polygon(out, p);
            }
        }
        Geometry::GeometryCollection(c) => {
            count(out, c.0.len());
            for part in &c.0 {
                write_wkb(out, part);
            }
        }
    }
}

#[cfg(test)]
#[expect(clippy::unwrap_used, reason = "tests: a panic is the failure report")]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};

    fn square(x0: f64) -> Polygon<f64> {
        polygon![(x: x0, y: 0.0), (x: x0 + 1.0, y: 0.0), (x: x0 + 1.0, y: 1.0), (x: x0, y: 0.0)]
    }

    #[test]
    fn point_bytes_match_the_specification() {
        let blob = encode(&Geometry::Point(point!(x: 4.5, y: 50.25)), 4326);
        let mut expected = vec![b'G', b'P', 0, 0b0000_0001];
        expected.extend_from_slice(&4326_i32.to_le_bytes());
        expected.push(1);
        expected.extend_from_slice(&1_u32.to_le_bytes());
        expected.extend_from_slice(&4.5_f64.to_le_bytes());
        expected.extend_from_slice(&50.25_f64.to_le_bytes());
        assert_eq!(blob, expected);
    }

    #[test]
    fn polygon_has_an_envelope_minx_maxx_miny_maxy() {
        let blob = encode(&Geometry::Polygon(square(2.0)), 3812);
        assert_eq!(blob[3], 0b0000_0011);
        let env: Vec<f64> = (0..4)
            .map(|i| f64::from_le_bytes(blob[8 + i * 8..16 + i * 8].try_into().unwrap()))
            .collect();
        assert_eq!(env, vec![2.0, 3.0, 0.0, 1.0]);
    }

    #[test]
    fn round_trips() {
        let cases = vec![
            Geometry::Point(point!(x: 1.0, y: 2.0)),
            Geometry::LineString(line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 1.0)]),
            Geometry::Polygon(Polygon::new(
                square(0.0).exterior().clone(),
                vec![square(0.2).exterior().clone()],
            )),
            Geometry::MultiPoint(MultiPoint(vec![point!(x: 1.0, y: 2.0)])),
            Geometry::MultiPolygon(MultiPolygon(vec![square(0.0), square(5.0)])),
            Geometry::MultiPolygon(MultiPolygon(vec![])),
            Geometry::GeometryCollection(GeometryCollection(vec![Geometry::Point(
                point!(x: 1.0, y: 2.0),
            )])),
        ];
        for g in cases {
            let d = decode(&encode(&g, 4326)).unwrap();
            assert_eq!(d.geometry, g);
            assert_eq!(d.srs_id, 4326);
        }
        assert!(
            decode(&encode(&Geometry::MultiPolygon(MultiPolygon(vec![])), 0))
                .unwrap()
                .empty
        );
    }

    #[test]
    fn reads_big_endian_and_iso_z() {
        // Big-endian header without envelope, big-endian ISO Point Z (1001).
        let mut blob = vec![b'G', b'P', 0, 0];
        blob.extend_from_slice(&31370_i32.to_be_bytes());
        blob.push(0);
        blob.extend_from_slice(&1001_u32.to_be_bytes());
        for v in [150_000.0_f64, 170_000.0, 99.0] {
            blob.extend_from_slice(&v.to_be_bytes());
        }
        let d = decode(&blob).unwrap();
        assert_eq!(d.srs_id, 31370);
        assert_eq!(
            d.geometry,
            Geometry::Point(point!(x: 150_000.0, y: 170_000.0))
        );
    }

    #[test]
    fn malformed_blobs_are_errors() {
        let good = encode(
            &Geometry::MultiPolygon(MultiPolygon(vec![square(0.0)])),
            4326,
        );
        assert!(matches!(decode(b""), Err(BlobError::Magic { .. })));
        assert!(matches!(decode(b"XX\0\x01"), Err(BlobError::Magic { .. })));
        let mut v = good.clone();
        v[2] = 7;
        assert_eq!(decode(&v), Err(BlobError::Version { version: 7 }));
        let mut e = good.clone();
        e[3] = 0b0000_1111;
        assert_eq!(decode(&e), Err(BlobError::Envelope { code: 7 }));
        for cut in 0..good.len() {
            assert!(decode(&good[..cut]).is_err(), "cut at {cut}");
        }
        // A huge ring count must not allocate.
        let mut huge = good.clone();
        let ring_count_at = 8 + 32 + 5 + 4 + 5;
        huge[ring_count_at..ring_count_at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(decode(&huge), Err(BlobError::Truncated { .. })));
        let mut kind = good;
        kind[8 + 32 + 1..8 + 32 + 5].copy_from_slice(&17_u32.to_le_bytes());
        assert!(matches!(
            decode(&kind),
            Err(BlobError::GeometryType { code: 17, .. })
        ));
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut g = Geometry::Point(point!(x: 0.0, y: 0.0));
        for _ in 0..=MAX_DEPTH + 1 {
            g = Geometry::GeometryCollection(GeometryCollection(vec![g]));
        }
        assert_eq!(decode(&encode(&g, 0)), Err(BlobError::TooDeep));
    }
}
