// The page state kept in the URL hash, so that a copied or reloaded URL reproduces the view:
//   #layer=distance&commune=92003&tab=reco&dataset=3fa2…&reco=1&model=mclp&p=5&radius_km=10
//    &add=50.1234,5.2345,siege&add=49.9,5.7,antenne,WAL-LIE-X&remove=WAL-NAM-PROV-CINEY%231
//    &budget_eur=500000&bands=2,45,18&view=9.5/50.4100/4.4400
// `reco=1` (and `budget_eur`, `bands`) mean "this computation was shown": it is re-run on load.
// `add` and `remove` are the scenario; when present the scenario is re-posted on load.
// Pure functions (parse/serialise) plus a writer that uses history.replaceState, so that
// writing the state does not add history entries or fire `hashchange`.

export const RECO_DEFAULTS = Object.freeze({
  model: 'mclp',
  p: 5,
  radius_km: 10,
  target_share: 0.95,
  candidates: 'communes',
});

/** A fresh, empty state. */
export function emptyState() {
  return {
    layer: null,
    commune: null,
    site: null,
    tab: null,
    dataset: null,
    reco: null, // { model, p, radius_km, target_share, candidates } when a recommendation is shown
    scenario: { add: [], remove: [] }, // add: [{ lat, lon, kind, ssm_id|null }], remove: [site_id]
    expansion: null, // { budget_eur } when shown
    coordinators: null, // { bands: "2,45,18" } when shown
    view: null, // { zoom, lat, lon } of the map when the user moved it
  };
}

const finite = (x) => typeof x === 'number' && Number.isFinite(x);

/** Parses a hash ("#a=b&…" or "a=b&…"); unknown or malformed entries are ignored. */
export function parseHash(hash) {
  const s = emptyState();
  const text = String(hash || '').replace(/^#/, '');
  if (!text) return s;
  const q = new URLSearchParams(text);
  const str = (k) => {
    const v = q.get(k);
    return v === null || v === '' ? null : v;
  };
  s.layer = str('layer');
  s.commune = str('commune');
  s.site = str('site');
  s.tab = str('tab');
  s.dataset = str('dataset');
  if (q.get('reco') === '1') {
    const numOr = (k, d) => {
      const v = Number(q.get(k));
      return q.has(k) && Number.isFinite(v) ? v : d;
    };
    s.reco = {
      model: str('model') || RECO_DEFAULTS.model,
      p: numOr('p', RECO_DEFAULTS.p),
      radius_km: numOr('radius_km', RECO_DEFAULTS.radius_km),
      target_share: numOr('target_share', RECO_DEFAULTS.target_share),
      candidates: str('candidates') || RECO_DEFAULTS.candidates,
    };
  }
  for (const a of q.getAll('add')) {
    const [lat, lon, kind, ssm] = a.split(',');
    const la = Number(lat);
    const lo = Number(lon);
    if (!finite(la) || !finite(lo) || lat === '' || lon === '') continue;
    s.scenario.add.push({
      lat: la,
      lon: lo,
      kind: ['siege', 'antenne', 'unknown'].includes(kind) ? kind : 'siege',
      ssm_id: ssm || null,
    });
  }
  s.scenario.remove = q.getAll('remove').filter((x) => x !== '');
  const budget = Number(q.get('budget_eur'));
  if (q.has('budget_eur') && Number.isFinite(budget)) s.expansion = { budget_eur: budget };
  if (str('bands')) s.coordinators = { bands: str('bands') };
  const view = (str('view') || '').split('/').map(Number);
  if (view.length === 3 && view.every(Number.isFinite)) s.view = { zoom: view[0], lat: view[1], lon: view[2] };
  return s;
}

/** Serialises a state to a hash (with the leading "#", or "" when empty). */
export function serialiseHash(s) {
  const q = new URLSearchParams();
  const put = (k, v) => {
    if (v !== null && v !== undefined && v !== '') q.append(k, String(v));
  };
  put('layer', s.layer);
  put('commune', s.commune);
  put('site', s.site);
  put('tab', s.tab);
  put('dataset', s.dataset);
  if (s.reco) {
    put('reco', 1);
    put('model', s.reco.model);
    put('p', s.reco.p);
    if (s.reco.model !== 'pmedian') put('radius_km', s.reco.radius_km);
    if (s.reco.model === 'lscp') put('target_share', s.reco.target_share);
    put('candidates', s.reco.candidates);
  }
  for (const a of s.scenario?.add || []) {
    // 5 decimals of a degree is about 1 m: enough for a site placed by a click.
    const parts = [a.lat.toFixed(5), a.lon.toFixed(5), a.kind || 'siege'];
    if (a.ssm_id) parts.push(a.ssm_id);
    q.append('add', parts.join(','));
  }
  for (const r of s.scenario?.remove || []) q.append('remove', r);
  if (s.expansion) put('budget_eur', s.expansion.budget_eur);
  if (s.coordinators) put('bands', s.coordinators.bands);
  if (s.view) put('view', `${s.view.zoom.toFixed(2)}/${s.view.lat.toFixed(4)}/${s.view.lon.toFixed(4)}`);
  // ",", "/" and ":" are legal in a fragment: keep them readable.
  const text = q.toString().replace(/%2C/gi, ',').replace(/%2F/gi, '/').replace(/%3A/gi, ':');
  return text ? `#${text}` : '';
}

// ---------------------------------------------------------------------------------------------
// Browser side

let current = emptyState();
let lastWritten = null;

/** Reads the state from location.hash (call once at start-up). */
export function loadFromLocation() {
  current = parseHash(window.location.hash);
  lastWritten = window.location.hash;
  return current;
}

/** The live state object (mutate through `update`). */
export function state() {
  return current;
}

/** Applies `changes` (shallow) and writes the hash without adding a history entry. */
export function update(changes) {
  Object.assign(current, changes);
  const hash = serialiseHash(current);
  if (hash !== window.location.hash) {
    const url = `${window.location.pathname}${window.location.search}${hash}`;
    window.history.replaceState(null, '', url);
  }
  lastWritten = window.location.hash;
}

/** True when the current hash was not written by this page (a user edit or a pasted URL). */
export function hashChangedOutside() {
  return window.location.hash !== lastWritten;
}
