// Number formatting in the Belgian French convention (`1 234,5`), through Intl.NumberFormat('fr-BE').
// Every figure shown on the page goes through this module; a missing value is shown as "—".

const LOCALE = 'fr-BE';
const cache = new Map();

function formatter(min, max) {
  const key = `${min}:${max}`;
  let f = cache.get(key);
  if (!f) {
    f = new Intl.NumberFormat(LOCALE, { minimumFractionDigits: min, maximumFractionDigits: max });
    cache.set(key, f);
  }
  return f;
}

/** Text shown for a value the server did not give (null, undefined, NaN). */
export const MISSING = '—';

const missing = (v) => v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) || v === '';

/** `num(1234.5, 1)` -> "1 234,5"; fixed number of decimals. */
export function num(value, decimals = 0) {
  if (missing(value)) return MISSING;
  return formatter(decimals, decimals).format(Number(value));
}

/** Whole number: `int(3625453)` -> "3 625 453". */
export function int(value) {
  if (missing(value)) return MISSING;
  return formatter(0, 0).format(Math.round(Number(value)));
}

/** Up to `max` decimals, trailing zeros dropped: `flex(72.5)` -> "72,5", `flex(72)` -> "72". */
export function flex(value, max = 2) {
  if (missing(value)) return MISSING;
  return formatter(0, max).format(Number(value));
}

/** Kilometres: `km(12.345)` -> "12,3 km". */
export function km(value, decimals = 1) {
  if (missing(value)) return MISSING;
  return `${num(value, decimals)} km`;
}

/** Minutes: `minutes(8.64)` -> "8,6 min". */
export function minutes(value, decimals = 1) {
  if (missing(value)) return MISSING;
  return `${num(value, decimals)} min`;
}

/** Inhabitants: `hab(1234)` -> "1 234 hab.". */
export function hab(value) {
  if (missing(value)) return MISSING;
  return `${int(value)} hab.`;
}

/** Share in [0, 1] as a percentage: `pct(0.1234)` -> "12,3 %". */
export function pct(share, decimals = 1) {
  if (missing(share)) return MISSING;
  return `${num(Number(share) * 100, decimals)} %`;
}

/** Euros, whole: `eur(5064633)` -> "5 064 633 EUR". */
export function eur(value) {
  if (missing(value)) return MISSING;
  return `${int(value)} EUR`;
}

/** Signed difference with a true minus sign: `signed(-1.25, 2)` -> "−1,25", `signed(3)` -> "+3". */
export function signed(value, decimals = 0) {
  if (missing(value)) return MISSING;
  const v = Number(value);
  const text = num(Math.abs(v), decimals);
  if (text === num(0, decimals)) return text;
  return `${v < 0 ? '\u2212' : '+'}${text}`;
}

/**
 * Number of decimals that shows `value` with about `digits` significant digits
 * (used for data-driven class breaks, whose magnitude is not known in advance).
 */
export function decimalsFor(value, digits = 2) {
  const v = Math.abs(Number(value));
  if (!Number.isFinite(v) || v === 0) return 0;
  const magnitude = Math.floor(Math.log10(v));
  return Math.max(0, Math.min(6, digits - 1 - magnitude));
}

/**
 * Rewrites the plain numbers of an English server sentence in the Belgian format:
 * "2871234.5 inhabitants (1.034 %)" -> "2 871 234,5 inhabitants (1,034 %)".
 * Only whole tokens are rewritten (a number between spaces, brackets or before % , ;), so
 * "P90", "EPSG:3812", "2019-2024" or "0.1.0" stay as they are.
 */
export function numbersInText(text) {
  return String(text).replace(/(^|[\s(])(-?\d+)(?:\.(\d+))?(?=$|[\s),;%])/g, (m, lead, whole, frac) => {
    const decimals = frac ? frac.length : 0;
    return lead + num(Number(`${whole}${frac ? `.${frac}` : ''}`), decimals);
  });
}
