// Planning tab "Recommandations": GET /api/recommendations, ranked list (#reco-list), numbered
// markers on the map, the solver's summary in French, CSV/GeoJSON export of the list.

import * as api from './api.js';
import { el, figures, download } from './dom.js';
import { flex, hab, km, int } from './format.js';
import { MODELS, decisionFr, reasonFr, summaryKeyFr, summaryValueFr, caveatFr } from './i18n.js';
import { typologyLabel } from './styles.js';
import { RECO_DEFAULTS } from './state.js';
import { toCsv, toGeoJson, pointsFromRows, columnsOf, fileName } from './export.js';

let app = null;
let controller = null;
let lastReport = null;

const $ = (id) => document.getElementById(id);

/** Wires the form. `appCtx` is main.js's app object. */
export function initReco(appCtx) {
  app = appCtx;
  const form = $('reco-form');
  const select = $('reco-model');
  select.replaceChildren(...Object.entries(MODELS).map(([k, m]) => el('option', { value: k }, m.label)));
  select.addEventListener('change', syncModel);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    run(readForm());
  });
  $('reco-export-csv').addEventListener('click', exportCsv);
  $('reco-export-geojson').addEventListener('click', exportGeoJson);
  $('reco-clear').addEventListener('click', clear);
  writeForm(RECO_DEFAULTS);
}

function syncModel() {
  const model = $('reco-model').value;
  $('reco-model-help').textContent = MODELS[model]?.help || '';
  $('reco-radius').disabled = model === 'pmedian';
  $('reco-p').disabled = model === 'lscp';
  $('reco-target-row').hidden = model !== 'lscp';
}

/** Form values as API parameters (share as a fraction). */
export function readForm() {
  return {
    model: $('reco-model').value,
    p: Number($('reco-p').value),
    radius_km: Number($('reco-radius').value),
    target_share: Number($('reco-target').value) / 100,
    candidates: $('reco-candidates').value,
  };
}

export function writeForm(params) {
  $('reco-model').value = params.model in MODELS ? params.model : RECO_DEFAULTS.model;
  $('reco-p').value = params.p;
  $('reco-radius').value = params.radius_km;
  $('reco-target').value = Math.round(params.target_share * 1000) / 10;
  const cand = $('reco-candidates');
  if (![...cand.options].some((o) => o.value === params.candidates)) {
    cand.appendChild(el('option', { value: params.candidates }, params.candidates));
  }
  cand.value = params.candidates;
  syncModel();
}

function queryOf(params) {
  const q = { model: params.model, candidates: params.candidates };
  if (params.model !== 'lscp') q.p = params.p;
  if (params.model !== 'pmedian') q.radius_km = params.radius_km;
  if (params.model === 'lscp') q.target_share = params.target_share;
  return q;
}

/** Runs a recommendation with `params` and shows it; records it in the URL state. */
export async function run(params) {
  api.clearError();
  writeForm(params);
  if (controller) controller.abort();
  controller = new AbortController();
  const status = $('reco-status');
  status.textContent = 'Calcul des recommandations…';
  let report;
  try {
    report = await api.get('/api/recommendations', queryOf(params), {
      signal: controller.signal,
      label: 'recommandations',
    });
  } catch (e) {
    if (e.name === 'AbortError') return;
    status.textContent = 'Le calcul a échoué : voir le message en haut de la page.';
    return;
  }
  lastReport = report;
  app.setState({ reco: params });
  render(report, params);
  status.textContent = '';
}

function clear() {
  if (controller) controller.abort();
  lastReport = null;
  $('reco-summary').replaceChildren();
  $('reco-list').replaceChildren();
  $('reco-caveats').replaceChildren();
  $('reco-results').hidden = true;
  app.setRecoMarkers([]);
  app.setState({ reco: null });
}

function render(report, params) {
  const rows = report.tables?.recommendations || [];
  const names = app.ssmNames();
  // Summary of the solver, in French.
  const summary = Object.entries(report.summary || {}).map(([k, v]) => [summaryKeyFr(k), summaryValueFr(v), `${k}: ${v}`]);
  $('reco-summary').replaceChildren(el('p', { class: 'hint' }, parametersText(params)), figures(summary, 'figures compact'));
  // Caveats specific to this report (those of the dataset are already in the banner).
  const known = new Set(app.summary()?.caveats || []);
  const own = (report.caveats || []).filter((c) => !known.has(c)).map((c) => caveatFr(c, app.summary()));
  $('reco-caveats').replaceChildren(...own.map((c) => el('p', { class: `note note-${c.level}` }, c.text)));

  const list = $('reco-list');
  list.replaceChildren(
    ...rows.map((r) => {
      const decision = decisionFr(r, names);
      const reason = reasonFr(r.reason);
      const newly = r.newly_covered_population;
      const radius = params.model === 'pmedian' ? null : params.radius_km;
      return el('li', { class: 'reco-item', id: `reco-item-${r.rank}`, dataset: { rank: String(r.rank) } }, [
        el('div', { class: 'reco-head' }, [
          el('span', { class: 'reco-rank', 'aria-hidden': 'true' }, String(r.rank)),
          el('span', { class: 'reco-commune' }, [el('strong', {}, r.commune || r.candidate), r.province ? ` (${r.province})` : '']),
        ]),
        el('p', { class: `reco-decision ${String(r.decision).toLowerCase() === 'new ssm' ? 'is-new' : 'is-antenne'}` }, `Décision : ${decision}`),
        figures([
          ['Rang', `${int(r.rank)}`],
          ['Typologie', r.typology ? typologyLabel(r.typology) : 'non classée'],
          ['Habitants nouvellement couverts', newly === null || newly === undefined
            ? 'non calculé pour ce modèle'
            : `${hab(newly)}${radius ? ` (à moins de ${flex(radius, 1)} km)` : ''}`],
          ['Distance moyenne avant → après', `${km(r.mean_distance_km_before, 2)} → ${km(r.mean_distance_km_after, 2)}`],
          ['Distance P90 avant → après', `${km(r.p90_distance_km_before, 1)} → ${km(r.p90_distance_km_after, 1)}`],
          ['Aire de desserte', `${hab(r.catchment_population)} (${flex(r.norm_share_ssm, 2)} × la norme)`],
        ], 'figures compact'),
        el('p', { class: 'reco-reason', title: r.reason && reason !== r.reason ? `Texte du moteur : ${r.reason}` : null }, reason),
        el('button', { type: 'button', class: 'link-button', onclick: () => app.flyTo(r) }, 'Voir sur la carte'),
      ]);
    }),
  );
  if (rows.length === 0) list.appendChild(el('li', { class: 'hint' }, 'Aucun nouveau site proposé avec ces paramètres.'));
  $('reco-results').hidden = false;
  app.setRecoMarkers(rows, (r) => {
    app.showTab('reco');
    const item = document.getElementById(`reco-item-${r.rank}`);
    if (item) {
      item.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
      item.classList.add('flash');
      setTimeout(() => item.classList.remove('flash'), 1200);
    }
  });
}

/** "Paramètres : MCLP, 5 sites, rayon 10 km, candidats : communes" (also printed). */
function parametersText(p) {
  const parts = [MODELS[p.model]?.label.split(' — ')[0] || p.model];
  if (p.model !== 'lscp') parts.push(`${int(p.p)} site${p.p > 1 ? 's' : ''}`);
  if (p.model !== 'pmedian') parts.push(`rayon ${flex(p.radius_km, 1)} km`);
  if (p.model === 'lscp') parts.push(`part visée ${flex(p.target_share * 100, 1)} %`);
  parts.push(`candidats : ${p.candidates === 'communes' ? 'communes' : p.candidates.replace(/^grid:(\d+)$/, (m, metres) => `grille de ${flex(Number(metres) / 1000, 1)} km`)}`);
  return `Paramètres : ${parts.join(', ')}.`;
}

function rowsOrWarn() {
  const rows = lastReport?.tables?.recommendations || [];
  if (!rows.length) api.showError('Aucune recommandation à exporter : lancez d’abord un calcul.');
  return rows;
}

function exportCsv() {
  const rows = rowsOrWarn();
  if (!rows.length) return;
  download(fileName('ssmplan', 'recommandations', lastReport.parameters?.model, `${rows.length}sites`) + '.csv', toCsv(rows, columnsOf(rows)), 'text/csv;charset=utf-8');
}

function exportGeoJson() {
  const rows = rowsOrWarn();
  if (!rows.length) return;
  const meta = { tool: lastReport.tool, command: lastReport.command, parameters: lastReport.parameters, caveats: lastReport.caveats, summary: lastReport.summary };
  download(fileName('ssmplan', 'recommandations', lastReport.parameters?.model) + '.geojson', toGeoJson(pointsFromRows(rows), meta), 'application/geo+json');
}

/** The last report (for the header export buttons). */
export function lastRecommendations() {
  return lastReport;
}
