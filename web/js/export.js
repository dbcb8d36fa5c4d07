// Client-side exports of what is shown: CSV (UTF-8 with BOM so that spreadsheets detect the
// encoding; comma separator and dot decimals, like the CLI's --format csv) and GeoJSON (WGS84).

/** One CSV field, quoted when needed (RFC 4180). */
export function csvField(value) {
  if (value === null || value === undefined) return '';
  const s = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV text of `rows` (objects) with the given column names (default: keys of the first row). */
export function toCsv(rows, columns = null) {
  const cols = columns || (rows.length ? Object.keys(rows[0]) : []);
  const lines = [cols.map(csvField).join(',')];
  for (const r of rows) lines.push(cols.map((c) => csvField(r[c])).join(','));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

/** Columns present in any row, first-seen order. */
export function columnsOf(rows) {
  const seen = new Set();
  for (const r of rows) for (const k of Object.keys(r)) seen.add(k);
  return [...seen];
}

/** A FeatureCollection with a `metadata` member recording what was exported. */
export function toGeoJson(features, metadata = {}) {
  return `${JSON.stringify({ type: 'FeatureCollection', metadata, features }, null, 0)}\n`;
}

/** Point features from table rows with lon/lat columns (e.g. the recommendation list). */
export function pointsFromRows(rows) {
  return rows
    .filter((r) => Number.isFinite(Number(r.lon)) && Number.isFinite(Number(r.lat)) && r.lon !== null && r.lat !== null)
    .map((r) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: [Number(r.lon), Number(r.lat)] }, properties: { ...r } }));
}

/** A file name safe on every system: "ssmplan-communes-distance-2025.csv". */
export function fileName(...parts) {
  return parts
    .filter(Boolean)
    .join('-')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '_');
}
