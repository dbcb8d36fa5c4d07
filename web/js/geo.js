// Small geometry helpers in WGS84 (enough for picking, not for measuring: the engine measures).

/** Great-circle distance in km. */
export function haversineKm(lon1, lat1, lon2, lat2) {
  const R = 6371.0088;
  const rad = Math.PI / 180;
  const dLat = (lat2 - lat1) * rad;
  const dLon = (lon2 - lon1) * rad;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * R * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Ray casting on one ring. */
function inRing(x, y, ring) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i, i += 1) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

/** Whether [lon, lat] lies in a Polygon or MultiPolygon geometry (holes respected). */
export function pointInGeometry(lon, lat, geometry) {
  if (!geometry) return false;
  const polys = geometry.type === 'Polygon' ? [geometry.coordinates] : geometry.type === 'MultiPolygon' ? geometry.coordinates : [];
  for (const poly of polys) {
    if (!poly.length || !inRing(lon, lat, poly[0])) continue;
    let hole = false;
    for (let k = 1; k < poly.length; k += 1) if (inRing(lon, lat, poly[k])) hole = true;
    if (!hole) return true;
  }
  return false;
}

/** The feature of `fc` containing the point, or null. */
export function featureAt(fc, lon, lat) {
  for (const f of fc?.features || []) if (pointInGeometry(lon, lat, f.geometry)) return f;
  return null;
}

/** The point feature of `fc` nearest to the point (and its distance in km), or null. */
export function nearestPoint(fc, lon, lat, filter = () => true) {
  let best = null;
  let bestKm = Infinity;
  for (const f of fc?.features || []) {
    if (!filter(f)) continue;
    const [x, y] = f.geometry.coordinates;
    const d = haversineKm(lon, lat, x, y);
    if (d < bestKm) {
      bestKm = d;
      best = f;
    }
  }
  return best ? { feature: best, km: bestKm } : null;
}
