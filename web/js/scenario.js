// Planning tab "Scénario": add sites by clicking the map, remove sites by clicking their marker,
// POST /api/scenario after each change and show the headline figures before → after
// (#scenario-figures), with the difference coloured better / worse.

import * as api from './api.js';
import { el, table } from './dom.js';
import { num, signed } from './format.js';
import { SCENARIO_METRICS, SCENARIO_METRICS_EXTRA, zoneFr, kindLabel, caveatFr } from './i18n.js';
import { featureAt, nearestPoint } from './geo.js';

let app = null;
let mode = null; // 'add' | 'remove' | null
let controller = null;
let scenario = { add: [], remove: [] };

const $ = (id) => document.getElementById(id);

export function initScenario(appCtx) {
  app = appCtx;
  $('scenario-add').addEventListener('click', () => setMode(mode === 'add' ? null : 'add'));
  $('scenario-remove').addEventListener('click', () => setMode(mode === 'remove' ? null : 'remove'));
  $('scenario-reset').addEventListener('click', () => {
    scenario = { add: [], remove: [] };
    changed();
  });
  $('map-mode-cancel').addEventListener('click', () => setMode(null));
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && mode) setMode(null);
  });
}

/** Current pick mode of the map ('add', 'remove' or null). */
export function pickMode() {
  return mode;
}

export function setMode(next) {
  mode = next;
  $('scenario-add').setAttribute('aria-pressed', String(mode === 'add'));
  $('scenario-remove').setAttribute('aria-pressed', String(mode === 'remove'));
  const banner = $('map-mode');
  banner.hidden = !mode;
  $('map-mode-text').textContent = mode === 'add'
    ? `Cliquez sur la carte pour placer un ${$('scenario-kind').value === 'antenne' ? 'antenne' : 'siège'} (Échap pour annuler).`
    : mode === 'remove' ? 'Cliquez sur un site SSM pour le retirer du scénario (Échap pour annuler).' : '';
  document.documentElement.classList.toggle('is-picking', Boolean(mode));
}

/** Replaces the scenario (from the URL state) and posts it if not empty. */
export function load(s) {
  scenario = { add: (s?.add || []).map((a) => ({ ...a })), remove: [...(s?.remove || [])] };
  // An antenne read from a URL without its parent gets the nearest existing SSM, as on a click.
  for (const a of scenario.add) if (a.kind === 'antenne' && !a.ssm_id) a.ssm_id = parentOf(a);
  changed({ record: false });
}

function parentOf(entry) {
  const near = nearestPoint(app.sitesData(), entry.lon, entry.lat, (f) => !scenario.remove.includes(String(f.properties.site_id)));
  return near ? near.feature.properties.ssm_id : null;
}

export function current() {
  return scenario;
}

/** Map click while in 'add' mode. */
export function addAt(lngLat) {
  const kind = $('scenario-kind').value || 'siege';
  const entry = { lat: lngLat.lat, lon: lngLat.lng, kind, ssm_id: null };
  // An antenne belongs to a service: the SSM of the nearest existing site (not removed).
  if (kind === 'antenne') entry.ssm_id = parentOf(entry);
  scenario.add.push(entry);
  setMode(null);
  changed();
}

/** Map click on an existing site while in 'remove' mode (or the panel's button). */
export function removeSite(siteId) {
  const id = String(siteId);
  if (!scenario.remove.includes(id)) scenario.remove.push(id);
  setMode(null);
  changed();
}

export function isRemoved(siteId) {
  return scenario.remove.includes(String(siteId));
}

/** The added sites with their scenario ids (NEW-1, NEW-2, … in order of addition). */
export function addedSites() {
  return scenario.add.map((a, i) => {
    const id = `NEW-${i + 1}`;
    const ssm = a.kind === 'antenne' && a.ssm_id ? a.ssm_id : id;
    return { ...a, id, ssm_id: ssm, ssm_name: app.ssmNames().get(ssm) || null };
  });
}

function body() {
  return {
    name: 'Scénario composé sur la page web',
    add_sites: addedSites().map((a) => ({ id: a.id, ssm_id: a.ssm_id, ssm_name: a.kind === 'antenne' ? undefined : `Nouveau SSM ${a.id}`, kind: a.kind, lat: Number(a.lat.toFixed(6)), lon: Number(a.lon.toFixed(6)) })),
    remove_sites: [...scenario.remove],
    etp_changes: [],
  };
}

function changed({ record = true } = {}) {
  if (record) app.setState({ scenario: { add: scenario.add.map((a) => ({ ...a })), remove: [...scenario.remove] } });
  app.showScenarioOnMap(addedSites(), scenario.remove);
  renderList();
  post();
}

function renderList() {
  const list = $('scenario-list');
  const items = [];
  addedSites().forEach((a, i) => {
    const commune = featureAt(app.communesData(), a.lon, a.lat);
    const where = commune ? commune.properties.name : `${num(a.lat, 4)} N, ${num(a.lon, 4)} E`;
    const what = a.kind === 'antenne' ? `antenne de ${a.ssm_name || a.ssm_id || 'SSM le plus proche'}` : `${kindLabel(a.kind)} d’un nouveau SSM`;
    items.push(el('li', { class: 'scenario-item is-added' }, [
      el('span', {}, [el('strong', {}, `Ajout ${a.id}`), ` : ${what}, à ${where}`]),
      el('button', { type: 'button', class: 'icon-button', 'aria-label': `Supprimer l’ajout ${a.id}`, title: 'Supprimer', onclick: () => { scenario.add.splice(i, 1); changed(); } }, '×'),
    ]));
  });
  scenario.remove.forEach((id, i) => {
    const f = app.siteById(id);
    const label = f ? `${f.properties.site_name || id} (${f.properties.ssm_name || f.properties.ssm_id})` : `${id} (absent de ce jeu de données)`;
    items.push(el('li', { class: 'scenario-item is-removed' }, [
      el('span', {}, [el('strong', {}, 'Retrait'), ` : ${label}`]),
      el('button', { type: 'button', class: 'icon-button', 'aria-label': `Annuler le retrait de ${id}`, title: 'Annuler le retrait', onclick: () => { scenario.remove.splice(i, 1); changed(); } }, '×'),
    ]));
  });
  list.replaceChildren(...items);
  $('scenario-empty').hidden = items.length > 0;
  $('scenario-reset').disabled = items.length === 0;
}

async function post() {
  const results = $('scenario-results');
  if (controller) controller.abort();
  if (scenario.add.length === 0 && scenario.remove.length === 0) {
    results.replaceChildren();
    return;
  }
  api.clearError();
  controller = new AbortController();
  let report;
  try {
    report = await api.postJson('/api/scenario', body(), {}, { signal: controller.signal, label: 'scénario' });
  } catch (e) {
    if (e.name === 'AbortError') return;
    results.replaceChildren(el('p', { class: 'note note-warning' }, 'Le scénario n’a pas pu être évalué : voir le message en haut de la page.'));
    return;
  }
  render(report);
}

function deltaCell(m, delta) {
  if (typeof delta !== 'number' || !Number.isFinite(delta)) return el('span', {}, '—');
  const eps = 10 ** -(m.decimals + 1);
  let cls = 'delta-same';
  let word = 'inchangé';
  if (Math.abs(delta) > eps) {
    const better = m.lowerIsBetter ? delta < 0 : delta > 0;
    cls = better ? 'delta-better' : 'delta-worse';
    word = better ? 'mieux' : 'moins bien';
  }
  const arrow = cls === 'delta-same' ? '' : delta < 0 ? '▼ ' : '▲ ';
  return el('span', { class: `delta ${cls}`, title: word }, [arrow, signed(delta, m.decimals), el('span', { class: 'visually-hidden' }, ` (${word})`)]);
}

function render(report) {
  const rows = report.tables?.deltas || [];
  const get = (metric, zone) => rows.find((r) => r.metric === metric && r.zone === zone);
  const headline = SCENARIO_METRICS.map((m) => ({ m, r: get(m.metric, 'all') })).filter((x) => x.r);
  const beforeAfter = (m, r) => el('span', { class: 'before-after' }, [`${num(r.before, m.decimals)} → `, el('strong', {}, num(r.after, m.decimals)), ` ${m.unit}`]);
  const t = table(
    [
      { label: 'Indicateur', value: (x) => el('span', { title: x.m.title || null }, x.m.label), rowHeader: true },
      { label: 'Avant → après', value: (x) => beforeAfter(x.m, x.r), num: true, wrap: true },
      { label: 'Écart', value: (x) => deltaCell(x.m, x.r.delta), num: true },
    ],
    headline,
    { id: 'scenario-figures', caption: 'Chiffres clés avant → après (ensemble du périmètre)' },
  );
  const parts = [t];
  // Other zones (provinces, typology groups) for the main metrics, folded.
  const metrics = [...SCENARIO_METRICS, ...SCENARIO_METRICS_EXTRA];
  const zoneRows = rows.filter((r) => r.zone !== 'all' && ['mean_distance_km', 'pop_beyond_20km', 'norm_deficit_ssm'].includes(r.metric));
  if (zoneRows.length) {
    const mOf = (r) => metrics.find((m) => m.metric === r.metric) || { label: r.metric, unit: '', decimals: 2, lowerIsBetter: true };
    parts.push(el('details', { class: 'zone-details' }, [
      el('summary', {}, 'Par province et par groupe de typologie'),
      table(
        [
          { label: 'Zone', value: (r) => zoneFr(r.zone), rowHeader: true },
          { label: 'Indicateur', value: (r) => mOf(r).label },
          { label: 'Avant → après', value: (r) => beforeAfter(mOf(r), r), num: true, wrap: true },
          { label: 'Écart', value: (r) => deltaCell(mOf(r), r.delta), num: true },
        ],
        zoneRows,
      ),
    ]));
  }
  const known = new Set(app.summary()?.caveats || []);
  for (const c of (report.caveats || []).filter((x) => !known.has(x))) {
    const fr = caveatFr(c, app.summary());
    parts.push(el('p', { class: `note note-${fr.level}` }, fr.text));
  }
  $('scenario-results').replaceChildren(...parts);
}
