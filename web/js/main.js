// Start-up and wiring of the page: loads the summary, communes and sites, builds the map, the
// layer switcher and the panels, keeps the URL state, and exposes the test hook window.ssmplan.
//
// Test hook (read by the WebDriver tests):
//   window.ssmplan = { ready, communesDrawn, sites, map, lastError, busy, dataset, layer }
//   `ready` becomes true (and <html data-ready="true">) once the communes source is loaded and the
//   map has fired `idle` with the communes layer rendered; it goes back to false while a new
//   dataset loads.

import * as api from './api.js';
import * as mapm from './map.js';
import * as st from './state.js';
import { LAYERS, DEFAULT_LAYER, accessBreaks, typologyLabel } from './styles.js';
import { renderLegend, renderSitesLegend } from './legend.js';
import { renderCaveats, renderHeadline, attributionFrom } from './summary.js';
import * as panel from './panel.js';
import * as reco from './reco.js';
import * as scenario from './scenario.js';
import * as expansion from './expansion.js';
import * as coordinators from './coordinators.js';
import * as upload from './upload.js';
import { initTabs, showTab, activeTab } from './tabs.js';
import { el, download } from './dom.js';
import { km, minutes, num, flex, hab } from './format.js';
import { kindLabel } from './i18n.js';
import { toCsv, toGeoJson, columnsOf, fileName } from './export.js';

const hook = {
  ready: false,
  communesDrawn: 0,
  sites: 0,
  map: null,
  lastError: null,
  busy: 0,
  dataset: null,
  layer: null,
};
window.ssmplan = hook;

const data = { summary: null, communes: null, sites: null, catchments: null, grid: null, arrondissements: null };
let pending = {};
let generation = 0; // bumped when the dataset changes: late answers for the old one are dropped
let layer = DEFAULT_LAYER;
let selection = null; // { type: 'commune', nis } | { type: 'site', id } | { type: 'added', index }
let breaksCache = [];
let mapCtx = null;
let mapLoaded = null;
let readyListener = null;

const $ = (id) => document.getElementById(id);

// ---------------------------------------------------------------------------------------------
// The app object handed to the panels.

const app = {
  summary: () => data.summary,
  communesData: () => data.communes,
  sitesData: () => data.sites,
  siteById: (id) => (data.sites?.features || []).find((f) => String(f.properties.site_id) === String(id)) || null,
  ssmNames: () => {
    const m = new Map();
    for (const f of data.sites?.features || []) if (f.properties.ssm_name) m.set(f.properties.ssm_id, f.properties.ssm_name);
    return m;
  },
  setState: (changes) => st.update(changes),
  showTab: (name) => showTab(name),
  setRecoMarkers: (rows, onMarker) => mapm.setRecommendationMarkers(mapCtx, rows, onMarker),
  flyTo: (r) => mapCtx.map.flyTo({ center: [Number(r.lon), Number(r.lat)], zoom: Math.max(mapCtx.map.getZoom(), 10) }),
  showScenarioOnMap: (added, removed) => {
    if (!mapCtx.map.getSource('scenario-added')) return;
    mapm.setAddedSites(mapCtx, added);
    mapm.markRemoved(mapCtx, removed);
  },
  setDataset: (id) => setDataset(id),
};

// ---------------------------------------------------------------------------------------------
// Start-up

function start() {
  api.onBusyChange((n) => {
    hook.busy = n;
  });
  $('error-close').addEventListener('click', api.clearError);
  const s = st.loadFromLocation();
  layer = LAYERS.some((l) => l.key === s.layer) ? s.layer : DEFAULT_LAYER;
  buildLayerSwitcher();
  renderSitesLegend($('legend-sites'));
  panel.renderEmpty();
  initTabs((name, user) => {
    st.update({ tab: name });
    updateExportTitles();
    if (user && name !== 'scenario' && scenario.pickMode()) scenario.setMode(null);
  });
  reco.initReco(app);
  scenario.initScenario(app);
  expansion.initExpansion(app);
  coordinators.initCoordinators(app);
  upload.initUpload(app);
  wireHeader();

  try {
    mapCtx = mapm.createMap($('map'), {
      onClick,
      onHover,
      // The layer card covers the map's left side: frame Wallonia in the rest (narrow maps excepted).
      leftInset: () => ($('map').clientWidth > 700 ? $('layers-card').offsetWidth + 10 : 0),
    });
  } catch (e) {
    api.showError(e.message);
    return;
  }
  hook.map = mapCtx.map;
  mapLoaded = new Promise((resolve) => mapCtx.map.on('load', () => {
    performance.mark('ssmplan:map-load');
    resolve();
  }));
  mapCtx.map.on('moveend', (e) => {
    // Only moves made by the user (they carry the DOM event) are kept in the URL.
    if (!e.originalEvent) return;
    const c = mapCtx.map.getCenter();
    st.update({ view: { zoom: mapCtx.map.getZoom(), lat: c.lat, lon: c.lng } });
  });
  mapCtx.map.on('error', (e) => {
    // MapLibre reports style/source problems here; show them rather than leave a blank map.
    const msg = e && e.error && e.error.message ? e.error.message : 'erreur inconnue';
    if (!/aborted|AbortError/i.test(msg)) api.showError(`Erreur de la carte : ${msg}`);
  });

  api.setDataset(s.dataset);
  hook.dataset = s.dataset;
  upload.showDataset(s.dataset);
  if (s.tab) showTab(s.tab);
  else showTab('selection');
  if (s.view) mapLoaded.then(() => mapCtx.map.jumpTo({ center: [s.view.lon, s.view.lat], zoom: s.view.zoom }));

  loadCore().then((ok) => {
    if (!ok) return;
    // Lazy layers asked for by the URL are fetched now.
    if (layer === 'catchments' || layer === 'grid' || layer === 'norm') setLayer(layer);
    restoreFromState(st.state());
  });

  window.addEventListener('hashchange', () => {
    // A state hash typed or pasted by the user (not written by this page): rebuild the view
    // from it. Plain anchors ("#side") are not state.
    if (st.hashChangedOutside() && window.location.hash.includes('=')) window.location.reload();
  });
}

/** Loads summary, communes and sites for the current dataset and draws them. */
async function loadCore() {
  const gen = generation;
  setReady(false);
  let summary;
  let communes;
  let sites;
  try {
    [summary, communes, sites] = await Promise.all([
      api.get('/api/summary', {}, { label: 'résumé', showErrors: false }),
      api.get('/api/communes', {}, { label: 'communes', showErrors: false }),
      api.get('/api/sites', {}, { label: 'sites', showErrors: false }),
    ]);
  } catch (e) {
    if (gen !== generation) return false;
    if (e instanceof api.ApiError && e.parameter === 'dataset' && api.currentDataset()) {
      api.showError(`Le jeu de données « ${api.currentDataset()} » n’existe plus sur le serveur (redémarré ?) : retour aux données par défaut.`);
      await setDataset(null, { keepError: true });
      return false;
    }
    api.showError(`Les données de la carte n’ont pas pu être chargées. ${api.describeError(e)}`);
    return false;
  }
  if (gen !== generation) return false;
  performance.mark('ssmplan:data');
  data.summary = summary;
  data.communes = communes;
  data.sites = sites;
  renderCaveats(summary);
  renderHeadline(summary);
  if (!selection) panel.renderEmpty(summary);
  fillCommuneSearch(communes);
  breaksCache = accessBreaks(communes.features || []);
  await mapLoaded;
  if (gen !== generation) return false;
  mapm.setAttribution(mapCtx, attributionFrom(summary, mapm.ATTRIBUTION_DEFAULT));
  mapm.setCommunes(mapCtx, communes);
  mapm.setSites(mapCtx, sites);
  performance.mark('ssmplan:sources-set');
  hook.sites = (sites.features || []).length;
  applyLayer();
  waitUntilDrawn();
  return true;
}

function setReady(on) {
  hook.ready = on;
  if (on) {
    performance.mark('ssmplan:ready');
    document.documentElement.dataset.ready = 'true';
  }
  else delete document.documentElement.dataset.ready;
}

/** ready = communes source loaded + `idle` fired + the communes layer rendered. */
function waitUntilDrawn() {
  const { map } = mapCtx;
  if (readyListener) map.off('idle', readyListener);
  readyListener = () => {
    if (!map.getSource('communes') || !map.isSourceLoaded('communes')) return;
    const { drawn, rendered } = mapm.countCommunes(mapCtx);
    hook.communesDrawn = drawn;
    if (rendered > 0) {
      map.off('idle', readyListener);
      readyListener = null;
      setReady(true);
    }
  };
  map.on('idle', readyListener);
  map.triggerRepaint();
}

/** Re-applies what the URL state asks for: selection, recommendation, scenario, budgets. */
function restoreFromState(s) {
  if (s.commune) selectCommune(s.commune, { tab: !s.tab || s.tab === 'selection' });
  else if (s.site) selectSite(s.site, { tab: !s.tab || s.tab === 'selection' });
  if (s.reco) reco.run(s.reco);
  if (s.scenario.add.length || s.scenario.remove.length) {
    const known = new Set((data.sites?.features || []).map((f) => String(f.properties.site_id)));
    scenario.load({ add: s.scenario.add, remove: s.scenario.remove.filter((id) => known.has(id)) });
  }
  if (s.expansion) expansion.run(s.expansion);
  if (s.coordinators) coordinators.run(s.coordinators);
}

/** Switches to a user dataset (or back to the default with null) and reloads every layer. */
async function setDataset(id, { keepError = false } = {}) {
  generation += 1;
  if (!keepError) api.clearError();
  api.setDataset(id);
  hook.dataset = id || null;
  st.update({ dataset: id || null });
  upload.showDataset(id || null);
  for (const k of Object.keys(data)) data[k] = null;
  pending = {};
  mapm.clearSource(mapCtx, 'catchments');
  mapm.clearSource(mapCtx, 'grid');
  mapm.highlightCatchment(mapCtx, null);
  const ok = await loadCore();
  if (!ok) return;
  if (layer === 'catchments' || layer === 'grid' || layer === 'norm') setLayer(layer);
  // Selection and computations are re-run on the new data.
  const s = st.state();
  if (selection?.type === 'commune') selectCommune(selection.nis, { tab: false });
  else if (selection?.type === 'site' && app.siteById(selection.id)) selectSite(selection.id, { tab: false });
  else clearSelection();
  if (s.reco) reco.run(s.reco);
  const known = new Set((data.sites?.features || []).map((f) => String(f.properties.site_id)));
  const sc = scenario.current();
  scenario.load({ add: sc.add, remove: sc.remove.filter((x) => known.has(x)) });
  st.update({ scenario: { add: sc.add, remove: sc.remove.filter((x) => known.has(x)) } });
  if (s.expansion) expansion.run(s.expansion);
}

// ---------------------------------------------------------------------------------------------
// Lazy layers

function ensure(name, path, label, after) {
  if (data[name]) return Promise.resolve(data[name]);
  if (!pending[name]) {
    const gen = generation;
    pending[name] = api
      .get(path, {}, { label })
      .then((d) => {
        if (gen !== generation) return null;
        data[name] = d;
        if (after) after(d);
        return d;
      })
      .catch(() => null)
      .finally(() => {
        if (gen === generation) delete pending[name];
      });
  }
  return pending[name];
}

const ensureCatchments = () => ensure('catchments', '/api/catchments', 'aires de desserte', (d) => mapm.setCatchments(mapCtx, d));
const ensureGrid = () => ensure('grid', '/api/grid', 'grille de population', (d) => mapm.setGrid(mapCtx, d));
const ensureArrondissements = () => ensure('arrondissements', '/api/arrondissements', 'arrondissements');

function arrondissementOf(name) {
  return (data.arrondissements?.arrondissements || []).find((a) => a.name === name) || null;
}

// ---------------------------------------------------------------------------------------------
// Layer switcher and legend

function buildLayerSwitcher() {
  const box = $('layer-options');
  box.replaceChildren(
    ...LAYERS.map((l) => el('div', { class: 'radio-row' }, [
      el('input', { type: 'radio', name: 'layer', id: `layer-${l.key}`, value: l.key, checked: l.key === layer || null, onchange: () => setLayer(l.key) }),
      el('label', { for: `layer-${l.key}` }, l.label),
    ])),
  );
  $('legend-toggle').addEventListener('click', () => {
    const body = $('layers-body');
    const open = body.hidden;
    body.hidden = !open;
    $('legend-toggle').setAttribute('aria-expanded', String(open));
    $('legend-toggle').textContent = open ? 'Réduire' : 'Afficher';
  });
}

function typologySource() {
  const f = (data.communes?.features || []).find((x) => x.properties.typology_source);
  return f ? f.properties.typology_source : data.summary?.typology?.source || null;
}

function styleCtx() {
  return {
    accessBreaks: breaksCache,
    arrondissements: data.arrondissements?.arrondissements || null,
    typologySource: typologySource(),
    catchmentCount: data.catchments?.features?.length || 0,
    driveTime: data.summary?.drive_time || null,
  };
}

function setLayer(key) {
  layer = key;
  hook.layer = key;
  const radio = $(`layer-${key}`);
  if (radio && !radio.checked) radio.checked = true;
  st.update({ layer: key });
  applyLayer();
  const after = () => {
    if (layer === key) applyLayer();
  };
  if (key === 'catchments') ensureCatchments().then(after);
  if (key === 'grid') ensureGrid().then(after);
  if (key === 'norm') ensureArrondissements().then(after);
  updateExportTitles();
}

function applyLayer() {
  hook.layer = layer;
  const radio = $(`layer-${layer}`);
  if (radio) radio.checked = true;
  if (mapCtx && mapCtx.map.getLayer('communes-fill')) mapm.showLayer(mapCtx, layer, styleCtx());
  renderLegend($('legend'), layer, styleCtx());
  const loading = (layer === 'catchments' && !data.catchments) || (layer === 'grid' && !data.grid) || (layer === 'norm' && !data.arrondissements);
  $('legend-loading').hidden = !loading;
}

// ---------------------------------------------------------------------------------------------
// Tooltip and clicks

function onHover(hit, point) {
  const tip = $('tooltip');
  if (!hit) {
    tip.hidden = true;
    return;
  }
  const lines = tooltipLines(hit);
  if (!lines.length) {
    tip.hidden = true;
    return;
  }
  tip.replaceChildren(...lines.map((l, i) => el(i === 0 ? 'strong' : 'span', {}, l)));
  tip.hidden = false;
  const wrap = $('map').getBoundingClientRect();
  const x = Math.min(point.x + 14, wrap.width - tip.offsetWidth - 8);
  const y = point.y + 14 + tip.offsetHeight > wrap.height ? point.y - tip.offsetHeight - 10 : point.y + 14;
  tip.style.transform = `translate(${Math.max(4, x)}px, ${Math.max(4, y)}px)`;
}

function tooltipLines(hit) {
  if (hit.added) {
    const a = scenario.addedSites()[hit.added.properties.index];
    return a ? [`Site ajouté ${a.id} (scénario)`, kindLabel(a.kind), 'Cliquez pour le détail'] : [];
  }
  if (hit.site) {
    const p = hit.site.properties;
    const removed = scenario.isRemoved(p.site_id);
    return [p.site_name || p.site_id, `${p.ssm_name || p.ssm_id} — ${kindLabel(p.kind)}`, `${hab(p.population_served)} au plus près de ce site`, removed ? 'Retiré dans le scénario' : scenario.pickMode() === 'remove' ? 'Cliquez pour le retirer' : 'Cliquez pour son aire de desserte'];
  }
  if (hit.cell && layer === 'grid') {
    const p = hit.cell.properties;
    const c = (data.communes?.features || []).find((f) => f.properties.nis === p.nis);
    return [`Cellule de 1 km² : ${hab(p.population)}`, `à ${km(p.distance_km)} du site le plus proche`, c ? c.properties.name : p.nis];
  }
  if (hit.catchment && layer === 'catchments') {
    const p = hit.catchment.properties;
    return [`Aire de ${p.site_name || p.site_id}`, p.ssm_name || p.ssm_id, `${hab(p.population)} (${flex(p.norm_share_ssm, 2)} × la norme)`, `Distance moyenne ${km(p.mean_distance_km)}, P90 ${km(p.p90_distance_km)}`];
  }
  if (hit.commune) {
    const p = hit.commune.properties;
    const head = `${p.name} (${p.nis})`;
    switch (layer) {
      case 'typology':
        return [head, `Typologie : ${p.typology_label || typologyLabel(p.typology)}${p.typology_source === 'reconstructed' ? ' (reconstruite)' : ''}`, hab(p.population)];
      case 'distance':
        return [head, `Distance moyenne : ${km(p.mean_distance_km)}`, `P90 : ${km(p.p90_distance_km)} ; à plus de 20 km : ${hab(p.pop_beyond_20km)}`];
      case 'minutes':
        return [head, `Temps de trajet modélisé moyen : ${minutes(p.mean_time_min)}`, `P90 : ${minutes(p.p90_time_min)} ; à plus de 20 min : ${typeof p.share_beyond_20_min_pct === 'number' ? `${num(p.share_beyond_20_min_pct, 1)} %` : '—'}`, 'modélisé, pas un itinéraire routier calculé'];
      case 'access':
        return [head, `E2SFCA : ${num(p.e2sfca_per_100k, 2)} pour 100 000 hab.`, hab(p.population)];
      case 'norm': {
        const a = arrondissementOf(p.arrondissement);
        if (!a) return [head, `Arrondissement de ${p.arrondissement}`];
        return [head, `Arrondissement de ${a.name}`, a.inhabitants_per_ssm === null || a.inhabitants_per_ssm === undefined ? 'aucun SSM connu' : `${hab(a.inhabitants_per_ssm)} par SSM`, `Déficit de la norme : ${flex(a.norm_deficit_ssm, 1)} SSM`];
      }
      default:
        return [head, hab(p.population)];
    }
  }
  return [];
}

function onClick(hit) {
  const mode = scenario.pickMode();
  if (mode === 'add') {
    if (!hit.commune) {
      api.showError('Placez le site à l’intérieur d’une commune wallonne.');
      return;
    }
    scenario.addAt(hit.lngLat);
    return;
  }
  if (mode === 'remove') {
    if (hit.site) scenario.removeSite(hit.site.properties.site_id);
    else $('map-mode-text').textContent = 'Aucun site ici : cliquez sur un site SSM (Échap pour annuler).';
    return;
  }
  if (hit.added) selectAdded(hit.added.properties.index);
  else if (hit.site) selectSite(hit.site.properties.site_id);
  else if (hit.commune) selectCommune(hit.commune.properties.nis);
  else clearSelection();
}

// ---------------------------------------------------------------------------------------------
// Selection

function clearSelection() {
  selection = null;
  mapm.highlightCommune(mapCtx, null);
  mapm.highlightCatchment(mapCtx, null);
  mapm.selectSite(mapCtx, null);
  panel.renderEmpty(data.summary);
  st.update({ commune: null, site: null });
}

function selectCommune(nis, { tab = true, zoom = false } = {}) {
  const f = (data.communes?.features || []).find((x) => x.properties.nis === String(nis));
  if (!f) {
    api.showError(`Commune ${nis} introuvable dans ce jeu de données.`);
    return;
  }
  selection = { type: 'commune', nis: f.properties.nis };
  mapm.highlightCommune(mapCtx, f.properties.nis);
  mapm.highlightCatchment(mapCtx, null);
  mapm.selectSite(mapCtx, null);
  const draw = () => {
    if (selection?.type !== 'commune' || selection.nis !== f.properties.nis) return;
    panel.renderCommune(f.properties, arrondissementOf(f.properties.arrondissement), {
      zoom: () => mapm.fitBounds(mapCtx, mapm.geometryBounds(f.geometry)),
      selectSite: (id) => selectSite(id),
    });
  };
  draw();
  ensureArrondissements().then(draw);
  if (tab) showTab('selection');
  if (zoom) mapm.fitBounds(mapCtx, mapm.geometryBounds(f.geometry));
  st.update({ commune: f.properties.nis, site: null });
}

function selectSite(siteId, { tab = true } = {}) {
  const f = app.siteById(siteId);
  if (!f) {
    api.showError(`Site ${siteId} introuvable dans ce jeu de données.`);
    return;
  }
  const id = String(f.properties.site_id);
  selection = { type: 'site', id };
  mapm.highlightCommune(mapCtx, null);
  mapm.selectSite(mapCtx, id);
  const draw = (catchment) => {
    if (selection?.type !== 'site' || selection.id !== id) return;
    panel.renderSite(f.properties, catchment, {
      selectCommune: (nis) => selectCommune(nis),
      removeFromScenario: () => {
        scenario.removeSite(id);
        draw(catchment);
      },
      removed: scenario.isRemoved(id),
    });
  };
  draw(null);
  ensureCatchments().then((c) => {
    if (selection?.type !== 'site' || selection.id !== id) return;
    const feature = (c?.features || []).find((x) => String(x.properties.site_id) === id);
    mapm.highlightCatchment(mapCtx, feature ? id : null);
    draw(feature ? feature.properties : undefined);
  });
  if (tab) showTab('selection');
  st.update({ site: id, commune: null });
}

function selectAdded(index) {
  const a = scenario.addedSites()[index];
  if (!a) return;
  selection = { type: 'added', index };
  mapm.highlightCommune(mapCtx, null);
  mapm.highlightCatchment(mapCtx, null);
  mapm.selectSite(mapCtx, null);
  panel.renderAddedSite(a, {
    remove: () => {
      const s = scenario.current();
      s.add.splice(index, 1);
      scenario.load(s);
      st.update({ scenario: { add: s.add, remove: s.remove } });
      selection = null;
      panel.renderEmpty(data.summary);
    },
  });
  showTab('selection');
}

function fillCommuneSearch(fc) {
  const list = $('commune-names');
  const names = (fc.features || []).map((f) => f.properties).sort((a, b) => String(a.name).localeCompare(String(b.name), 'fr'));
  list.replaceChildren(...names.map((p) => el('option', { value: p.name }, `${p.nis} — ${p.province}`)));
}

function searchCommune(text) {
  const q = String(text || '').trim().toLocaleLowerCase('fr');
  if (!q) return;
  const fs = data.communes?.features || [];
  const norm = (s) => String(s).normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLocaleLowerCase('fr');
  const f = fs.find((x) => x.properties.nis === q)
    || fs.find((x) => norm(x.properties.name) === norm(q))
    || fs.find((x) => norm(x.properties.name).startsWith(norm(q)));
  if (f) selectCommune(f.properties.nis, { zoom: true });
  else api.showError(`Aucune commune ne correspond à « ${text} ».`);
}

// ---------------------------------------------------------------------------------------------
// Header: export, print, commune search

function wireHeader() {
  // The skip link moves the focus without touching the hash (which holds the page state).
  document.querySelector('.skip-link').addEventListener('click', (e) => {
    e.preventDefault();
    $('side').focus();
  });
  $('export-csv').addEventListener('click', () => exportCurrent('csv'));
  $('export-geojson').addEventListener('click', () => exportCurrent('geojson'));
  $('print-view').addEventListener('click', () => {
    preparePrint();
    window.print();
  });
  $('commune-search-form').addEventListener('submit', (e) => {
    e.preventDefault();
    searchCommune($('commune-search').value);
  });
  window.addEventListener('beforeprint', preparePrint);
  window.addEventListener('afterprint', restoreAfterPrint);
}

let viewBeforePrint = null;

/**
 * Before printing: give the map its paper size (html.printing), frame the same area and redraw
 * synchronously (map.redraw), so that the printed canvas is not a stretched screen image.
 */
function preparePrint() {
  if (!mapCtx || document.documentElement.classList.contains('printing')) return;
  const { map } = mapCtx;
  viewBeforePrint = map.getBounds();
  document.documentElement.classList.add('printing');
  map.resize();
  // The whole of Wallonia unless the user had zoomed in (then the area they were looking at).
  const target = st.state().view ? viewBeforePrint : mapm.WALLONIA_BOUNDS;
  map.fitBounds(target, { animate: false, padding: 6 });
  map.redraw();
}

function restoreAfterPrint() {
  if (!mapCtx || !document.documentElement.classList.contains('printing')) return;
  document.documentElement.classList.remove('printing');
  mapCtx.map.resize();
  if (viewBeforePrint) mapCtx.map.fitBounds(viewBeforePrint, { animate: false, padding: 0 });
  viewBeforePrint = null;
}


function updateExportTitles() {
  const recoShown = activeTab() === 'reco' && reco.lastRecommendations();
  const what = recoShown ? 'la liste des recommandations' : `la couche « ${LAYERS.find((l) => l.key === layer)?.label} »`;
  $('export-csv').title = `Exporter ${what} en CSV`;
  $('export-geojson').title = `Exporter ${what} en GeoJSON`;
}

function metadata(extra = {}) {
  return {
    tool: 'ssmplan (page web)',
    dataset: data.summary?.dataset ?? null,
    layer,
    inputs: data.summary?.inputs || [],
    caveats: data.summary?.caveats || [],
    ...extra,
  };
}

/** Exports what is shown: the recommendation list in its tab, else the active map layer. */
async function exportCurrent(format) {
  api.clearError();
  const recoReport = activeTab() === 'reco' ? reco.lastRecommendations() : null;
  if (recoReport) {
    document.getElementById(format === 'csv' ? 'reco-export-csv' : 'reco-export-geojson').click();
    return;
  }
  let features;
  let name;
  if (layer === 'catchments') {
    features = (await ensureCatchments())?.features;
    name = 'aires-de-desserte';
  } else if (layer === 'grid') {
    features = (await ensureGrid())?.features;
    name = 'grille-population';
  } else {
    if (layer === 'norm') await ensureArrondissements();
    // Communes with all their figures (and their arrondissement's norm figures on that layer).
    features = (data.communes?.features || []).map((f) => {
      const props = { ...f.properties };
      if (layer === 'norm') {
        const a = arrondissementOf(props.arrondissement);
        props.arrondissement_inhabitants_per_ssm = a?.inhabitants_per_ssm ?? null;
        props.arrondissement_norm_deficit_ssm = a?.norm_deficit_ssm ?? null;
        props.arrondissement_ssm = a?.ssm ?? null;
      }
      return { type: 'Feature', id: f.id, geometry: f.geometry, properties: props };
    });
    name = `communes-${layer}`;
  }
  if (!features || !features.length) {
    api.showError('Rien à exporter : la couche n’est pas chargée.');
    return;
  }
  const base = fileName('ssmplan', name, data.summary?.dataset && data.summary.dataset !== 'default' ? data.summary.dataset : null);
  if (format === 'csv') {
    const rows = features.map((f) => {
      const r = { ...f.properties };
      if (f.geometry?.type === 'Point') {
        r.lon = f.geometry.coordinates[0];
        r.lat = f.geometry.coordinates[1];
      }
      return r;
    });
    download(`${base}.csv`, toCsv(rows, columnsOf(rows)), 'text/csv;charset=utf-8');
  } else {
    download(`${base}.geojson`, toGeoJson(features, metadata()), 'application/geo+json');
  }
}

// Exposed for debugging from the console and for tests that want to drive the page directly.
hook.selectCommune = (nis) => selectCommune(nis);
hook.selectSite = (id) => selectSite(id);
hook.setLayer = (key) => setLayer(key);
// A PDF printer (headless checks) does not fire beforeprint: these let a test lay out the print view.
hook.preparePrint = () => preparePrint();
hook.restoreAfterPrint = () => restoreAfterPrint();

start();
