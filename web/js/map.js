// The MapLibre map: a style with only a background layer, the page's GeoJSON sources and layers,
// and the mechanics of hovering, clicking, highlighting and numbered markers. What the tooltips say
// and what a click does is decided by the caller (main.js) through callbacks.

import * as styles from './styles.js';

/** Approximate bounds of Wallonia, [west, south, east, north] in WGS84. */
export const WALLONIA_BOUNDS = [2.8, 49.45, 6.45, 50.85];

const EMPTY = { type: 'FeatureCollection', features: [] };
const SITE_LAYERS = ['sites-siege', 'sites-antenne', 'sites-unknown', 'scenario-added'];

export const ATTRIBUTION_DEFAULT =
  'Limites : Statbel/IGN (2025) · Population : Statbel 2025, GHS-POP 2020 (JRC) · Sites SSM : liste partielle compilée';

/**
 * Creates the map in `container`. callbacks: { onClick(hit), onHover(hit|null), leftInset() (px
 * covered by an overlay on the left) } where hit is { lngLat, point, site, added, commune,
 * catchment, cell } (features or null).
 */
export function createMap(container, callbacks = {}) {
  const maplibregl = window.maplibregl;
  if (!maplibregl) throw new Error('La bibliothèque cartographique (MapLibre) n’a pas pu être chargée.');
  const map = new maplibregl.Map({
    container,
    style: {
      version: 8,
      // No glyphs, no sprite, no tiles: the page works offline. No text layers are used.
      sources: {},
      layers: [{ id: 'background', type: 'background', paint: { 'background-color': styles.BACKGROUND } }],
    },
    bounds: WALLONIA_BOUNDS,
    fitBoundsOptions: { padding: framePadding(callbacks) },
    maxBounds: [[0.8, 48.6], [8.6, 51.7]],
    minZoom: 6,
    maxZoom: 14,
    dragRotate: false,
    pitchWithRotate: false,
    touchPitch: false,
    attributionControl: false,
    // Keeps the drawn image so that the print view (window.print) includes the map.
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
    locale: MAP_UI_FR,
  });
  map.touchZoomRotate.disableRotation();
  map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new maplibregl.ScaleControl({ unit: 'metric', maxWidth: 120 }), 'bottom-right');
  const ctx = { map, attribution: null, markers: [], callbacks, hoverId: null };
  setAttribution(ctx, ATTRIBUTION_DEFAULT);

  map.on('load', () => {
    addSourcesAndLayers(map);
  });
  map.on('mousemove', (e) => {
    const hit = hitTest(ctx, e.point, e.lngLat);
    map.getCanvas().style.cursor = hit.site || hit.commune || hit.catchment ? 'pointer' : '';
    const id = hit.commune ? hit.commune.id : null;
    if (id !== ctx.hoverId) {
      ctx.hoverId = id;
      if (map.getLayer('commune-hover-line')) map.setFilter('commune-hover-line', ['==', ['id'], id === null ? -1 : id]);
    }
    if (callbacks.onHover) callbacks.onHover(hit.site || hit.commune || hit.catchment || hit.cell ? hit : null, e.point);
  });
  map.on('mouseout', () => {
    ctx.hoverId = null;
    if (map.getLayer('commune-hover-line')) map.setFilter('commune-hover-line', ['==', ['id'], -1]);
    if (callbacks.onHover) callbacks.onHover(null);
  });
  map.on('click', (e) => {
    if (callbacks.onClick) callbacks.onClick(hitTest(ctx, e.point, e.lngLat));
  });
  return ctx;
}

// French strings of MapLibre's own controls.
const MAP_UI_FR = {
  'NavigationControl.ZoomIn': 'Zoom avant',
  'NavigationControl.ZoomOut': 'Zoom arrière',
  'NavigationControl.ResetBearing': 'Réorienter vers le nord',
  'AttributionControl.ToggleAttribution': 'Afficher ou masquer les sources',
  'AttributionControl.MapFeedback': 'Signaler une erreur',
  'ScaleControl.Meters': 'm',
  'ScaleControl.Kilometers': 'km',
  'Map.Title': 'Carte',
  'Marker.Title': 'Repère',
  'Popup.Close': 'Fermer',
};

/** Padding that keeps Wallonia clear of the layer card drawn over the map's left side. */
function framePadding(callbacks) {
  const left = callbacks.leftInset ? callbacks.leftInset() : 0;
  return { top: 16, bottom: 28, right: 16, left: 16 + left };
}

/** Replaces the attribution text (shown bottom-left, also printed). */
export function setAttribution(ctx, text) {
  const maplibregl = window.maplibregl;
  if (ctx.attribution) ctx.map.removeControl(ctx.attribution);
  ctx.attribution = new maplibregl.AttributionControl({ compact: false, customAttribution: text });
  ctx.map.addControl(ctx.attribution, 'bottom-left');
}

function addSourcesAndLayers(map) {
  map.addSource('communes', { type: 'geojson', data: EMPTY });
  map.addSource('catchments', { type: 'geojson', data: EMPTY });
  map.addSource('grid', { type: 'geojson', data: EMPTY });
  map.addSource('sites', { type: 'geojson', data: EMPTY });
  map.addSource('scenario-added', { type: 'geojson', data: EMPTY });

  const none = { visibility: 'none' };
  map.addLayer({ id: 'communes-fill', type: 'fill', source: 'communes', paint: { 'fill-color': styles.NEUTRAL_FILL, 'fill-opacity': 1 } });
  map.addLayer({ id: 'catchments-fill', type: 'fill', source: 'catchments', layout: none, paint: { 'fill-color': styles.RAMPS.catchments[0], 'fill-opacity': 0.75 } });
  map.addLayer({ id: 'catchment-highlight-fill', type: 'fill', source: 'catchments', filter: ['==', ['get', 'site_id'], ''], paint: { 'fill-color': styles.CATCHMENT_HIGHLIGHT, 'fill-opacity': 0.12 } });
  map.addLayer({ id: 'communes-line', type: 'line', source: 'communes', paint: { 'line-color': styles.COMMUNE_OUTLINE, 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.4, 11, 1.2] } });
  map.addLayer({ id: 'catchments-line', type: 'line', source: 'catchments', layout: none, paint: { 'line-color': '#4d4d4d', 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.8, 11, 2] } });
  map.addLayer({ id: 'grid-circles', type: 'circle', source: 'grid', layout: none, paint: styles.gridCirclePaint() });
  map.addLayer({ id: 'commune-hover-line', type: 'line', source: 'communes', filter: ['==', ['id'], -1], paint: { 'line-color': styles.HOVER_OUTLINE, 'line-width': 1.5 } });
  map.addLayer({ id: 'commune-selected-line', type: 'line', source: 'communes', filter: ['==', ['get', 'nis'], ''], paint: { 'line-color': styles.SELECTED_OUTLINE, 'line-width': 3 } });
  map.addLayer({ id: 'catchment-highlight-line', type: 'line', source: 'catchments', filter: ['==', ['get', 'site_id'], ''], paint: { 'line-color': styles.CATCHMENT_HIGHLIGHT, 'line-width': 3, 'line-dasharray': [2, 1] } });

  // Sites: siège = filled circle, antenne = hollow circle, unknown kind = grey square (an icon
  // drawn here on a canvas, so no sprite file is needed).
  map.addImage('site-square', squareIcon(styles.SITE_STYLE.unknown.fill, '#ffffff'), { pixelRatio: 2 });
  map.addLayer({ id: 'sites-siege', type: 'circle', source: 'sites', filter: ['==', ['get', 'kind'], 'siege'], paint: styles.siteCirclePaint('siege') });
  map.addLayer({ id: 'sites-antenne', type: 'circle', source: 'sites', filter: ['==', ['get', 'kind'], 'antenne'], paint: styles.siteCirclePaint('antenne') });
  map.addLayer({
    id: 'sites-unknown',
    type: 'symbol',
    source: 'sites',
    filter: ['!', ['in', ['get', 'kind'], ['literal', ['siege', 'antenne']]]],
    layout: { 'icon-image': 'site-square', 'icon-allow-overlap': true, 'icon-ignore-placement': true, 'icon-size': ['interpolate', ['linear'], ['zoom'], 7, 0.8, 12, 1.3] },
    paint: { 'icon-opacity': ['case', ['boolean', ['feature-state', 'removed'], false], 0.35, 1] },
  });
  map.addLayer({ id: 'scenario-added', type: 'circle', source: 'scenario-added', paint: styles.siteCirclePaint('added') });
}

/** A square marker image: 24 px at pixelRatio 2 (12 css px). */
function squareIcon(fill, stroke) {
  const size = 24;
  const canvas = document.createElement('canvas');
  canvas.width = size;
  canvas.height = size;
  const g = canvas.getContext('2d');
  g.fillStyle = stroke;
  g.fillRect(0, 0, size, size);
  g.fillStyle = fill;
  g.fillRect(3, 3, size - 6, size - 6);
  return g.getImageData(0, 0, size, size);
}

/** What is under `point`: the topmost site (with a few pixels of tolerance), cell, catchment, commune. */
function hitTest(ctx, point, lngLat) {
  const { map } = ctx;
  const hit = { lngLat, point, site: null, added: null, commune: null, catchment: null, cell: null };
  if (!map.getLayer('communes-fill')) return hit;
  const r = 6;
  const box = [[point.x - r, point.y - r], [point.x + r, point.y + r]];
  const sites = map.queryRenderedFeatures(box, { layers: SITE_LAYERS.filter((l) => map.getLayer(l)) });
  for (const f of sites) {
    if (f.layer.id === 'scenario-added') {
      if (!hit.added) hit.added = f;
    } else if (!hit.site) hit.site = f;
  }
  if (isVisible(map, 'grid-circles')) {
    const cells = map.queryRenderedFeatures(box, { layers: ['grid-circles'] });
    if (cells.length) hit.cell = cells[0];
  }
  if (isVisible(map, 'catchments-fill')) {
    const c = map.queryRenderedFeatures(point, { layers: ['catchments-fill'] });
    if (c.length) hit.catchment = c[0];
  }
  const communes = map.queryRenderedFeatures(point, { layers: ['communes-fill'] });
  if (communes.length) hit.commune = communes[0];
  return hit;
}

function isVisible(map, layer) {
  return map.getLayer(layer) && map.getLayoutProperty(layer, 'visibility') !== 'none';
}

// ---------------------------------------------------------------------------------------------
// Data

/** Gives each feature a numeric `id` (its index) when it has none, for feature-state. */
function withIds(fc) {
  (fc.features || []).forEach((f, i) => {
    if (typeof f.id !== 'number') f.id = i;
  });
  return fc;
}

export function setCommunes(ctx, fc) {
  ctx.map.getSource('communes').setData(withIds(fc));
}

/** Sets the sites; keeps a site_id -> feature id map for feature-state. */
export function setSites(ctx, fc) {
  // Ids are assigned here (index) whatever the server sent, so feature-state keys are known.
  ctx.siteIds = new Map();
  (fc.features || []).forEach((f, i) => {
    f.id = i;
    ctx.siteIds.set(String(f.properties.site_id), i);
  });
  ctx.map.getSource('sites').setData(fc);
}

export function setCatchments(ctx, fc) {
  withIds(fc);
  ctx.map.getSource('catchments').setData(fc);
  ctx.map.setPaintProperty('catchments-fill', 'fill-color', styles.catchmentColourExpression(fc.features || []));
}

export function setGrid(ctx, fc) {
  ctx.map.getSource('grid').setData(fc);
}

export function clearSource(ctx, name) {
  const s = ctx.map.getSource(name);
  if (s) s.setData(EMPTY);
}

/** Switches the thematic layer: commune fill paint, visibility of catchments and grid. */
export function showLayer(ctx, layer, styleCtx) {
  const { map } = ctx;
  const paint = styles.communeFill(layer, styleCtx);
  map.setPaintProperty('communes-fill', 'fill-color', paint['fill-color']);
  map.setPaintProperty('communes-fill', 'fill-opacity', paint['fill-opacity']);
  map.setPaintProperty('communes-line', 'line-color', styles.communeOutline(layer));
  const vis = (id, on) => map.setLayoutProperty(id, 'visibility', on ? 'visible' : 'none');
  vis('catchments-fill', layer === 'catchments');
  vis('catchments-line', layer === 'catchments');
  vis('grid-circles', layer === 'grid');
}

// ---------------------------------------------------------------------------------------------
// Highlights

export function highlightCommune(ctx, nis) {
  ctx.map.setFilter('commune-selected-line', ['==', ['get', 'nis'], nis || '']);
}

export function highlightCatchment(ctx, siteId) {
  const f = ['==', ['to-string', ['get', 'site_id']], siteId ? String(siteId) : '\u0000'];
  ctx.map.setFilter('catchment-highlight-line', f);
  ctx.map.setFilter('catchment-highlight-fill', f);
}

export function selectSite(ctx, siteId) {
  if (ctx.selectedSite !== undefined && ctx.selectedSite !== null) {
    ctx.map.setFeatureState({ source: 'sites', id: ctx.selectedSite }, { selected: false });
  }
  const id = siteId && ctx.siteIds ? ctx.siteIds.get(String(siteId)) : undefined;
  ctx.selectedSite = id ?? null;
  if (id !== undefined) ctx.map.setFeatureState({ source: 'sites', id }, { selected: true });
}

/** Marks the sites removed by the scenario (dimmed, red outline). */
export function markRemoved(ctx, siteIds) {
  if (!ctx.siteIds) return;
  const removed = new Set(siteIds.map(String));
  for (const [sid, id] of ctx.siteIds) ctx.map.setFeatureState({ source: 'sites', id }, { removed: removed.has(sid) });
}

/** Sites added by the scenario: [{ id, lat, lon, kind, ssm_id }]. */
export function setAddedSites(ctx, added) {
  ctx.map.getSource('scenario-added').setData({
    type: 'FeatureCollection',
    features: added.map((a, i) => ({
      type: 'Feature',
      id: i,
      geometry: { type: 'Point', coordinates: [a.lon, a.lat] },
      properties: { site_id: a.id, ssm_id: a.ssm_id, kind: a.kind, index: i },
    })),
  });
}

/** Numbered markers of the recommended sites (HTML markers: no glyphs are needed). */
export function setRecommendationMarkers(ctx, rows, onClick) {
  for (const m of ctx.markers) m.remove();
  ctx.markers = [];
  const maplibregl = window.maplibregl;
  for (const r of rows) {
    const lon = Number(r.lon);
    const lat = Number(r.lat);
    if (!Number.isFinite(lon) || !Number.isFinite(lat) || r.lon === null || r.lat === null) continue;
    const element = document.createElement('button');
    element.type = 'button';
    element.className = 'reco-marker';
    element.textContent = String(r.rank);
    element.title = `Site recommandé n° ${r.rank} : ${r.commune || r.candidate}`;
    element.setAttribute('aria-label', element.title);
    element.addEventListener('click', (e) => {
      e.stopPropagation();
      if (onClick) onClick(r);
    });
    ctx.markers.push(new maplibregl.Marker({ element, anchor: 'center' }).setLngLat([lon, lat]).addTo(ctx.map));
  }
}

export function fitBounds(ctx, bounds, maxZoom = 11) {
  ctx.map.fitBounds(bounds, { padding: 40, maxZoom, duration: 600 });
}

export function fitWallonia(ctx) {
  ctx.map.fitBounds(WALLONIA_BOUNDS, { padding: framePadding(ctx.callbacks), duration: 600 });
}

/** Bounds [[w, s], [e, n]] of a GeoJSON geometry. */
export function geometryBounds(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  walk(geometry.coordinates);
  return [[b[0], b[1]], [b[2], b[3]]];
}

/** Number of distinct commune features in the rendered source (the test hook's count). */
export function countCommunes(ctx) {
  const { map } = ctx;
  if (!map.getSource('communes')) return { drawn: 0, rendered: 0 };
  const ids = new Set(map.querySourceFeatures('communes').map((f) => f.id ?? f.properties.nis));
  const rendered = new Set(map.queryRenderedFeatures({ layers: ['communes-fill'] }).map((f) => f.id ?? f.properties.nis));
  return { drawn: ids.size, rendered: rendered.size };
}
