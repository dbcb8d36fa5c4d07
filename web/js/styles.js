// All map styling in one place: colour ramps, class breaks, MapLibre paint expressions and the
// legend definitions drawn from them (legend.js only renders what this module describes).
//
// Ramps are typed in as hex arrays from colour-blind-safe schemes:
// - ColorBrewer 2.0 (Cynthia Brewer, Mark Harrower, Penn State; colorbrewer2.org, Apache-2.0
//   licensed palettes): RdYlBu, YlOrRd, YlGnBu, RdBu, RdPu;
// - Paul Tol's "light" qualitative scheme (personal.sron.nl/~pault/, SRON technical note
//   SRON/EPS/TN/09-002), designed for colour-blind readers.
// Sequential ColorBrewer schemes are all readable by colour-blind people; the diverging and
// qualitative ones used here are those ColorBrewer marks as such.

import { num, flex, decimalsFor } from './format.js';

/** Colour of the map background (outside the communes: neighbouring countries and regions). */
export const BACKGROUND = '#dfe5ea';
/** Commune fill when the active layer draws something else on top (catchments, grid). */
export const NEUTRAL_FILL = '#f5f3ee';
/** Communes without a value. */
export const NO_DATA = '#bdbdbd';
/** Commune outlines. */
export const COMMUNE_OUTLINE = '#ffffff';
export const COMMUNE_OUTLINE_ON_NEUTRAL = '#c9c5bb';
/** Outline of the selected commune, hovered commune, highlighted catchment. */
export const SELECTED_OUTLINE = '#111111';
export const HOVER_OUTLINE = '#444444';
export const CATCHMENT_HIGHLIGHT = '#111111';

/** Layers of the switcher, in order, with their French names (ids `#layer-<key>`). */
export const LAYERS = [
  { key: 'typology', label: 'Typologie des communes' },
  { key: 'distance', label: 'Distance au SSM le plus proche' },
  { key: 'minutes', label: 'Temps de trajet modélisé (minutes)' },
  { key: 'access', label: 'Accessibilité E2SFCA' },
  { key: 'norm', label: 'Norme par arrondissement' },
  { key: 'catchments', label: 'Aires de desserte' },
  { key: 'grid', label: 'Grille de population (1 km)' },
];
export const DEFAULT_LAYER = 'distance';

export const RAMPS = {
  // ColorBrewer RdYlBu, 4 classes: risque élevé (red) to favorables (blue).
  typology: ['#d7191c', '#fdae61', '#abd9e9', '#2c7bb6'],
  // ColorBrewer YlOrRd, 6 classes: near (light) to far (dark red).
  distance: ['#ffffb2', '#fed976', '#feb24c', '#fd8d3c', '#f03b20', '#bd0026'],
  // ColorBrewer YlGnBu, 5 classes: low accessibility (light) to high (dark blue).
  access: ['#ffffcc', '#a1dab4', '#41b6c4', '#2c7fb8', '#253494'],
  // ColorBrewer RdBu, 6 classes, ordered surplus (blue) to deficit (red).
  norm: ['#2166ac', '#67a9cf', '#d1e5f0', '#fddbc7', '#ef8a62', '#b2182b'],
  // Paul Tol "light", 9 colours, for catchments (no order).
  catchments: ['#77aadd', '#99ddff', '#44bb99', '#bbcc33', '#aaaa00', '#eedd88', '#ee8866', '#ffaabb', '#dddddd'],
  // ColorBrewer RdPu, 6 classes without the palest (which vanishes on the light background):
  // few inhabitants (pink) to many (dark purple).
  grid: ['#fcc5c0', '#fa9fb5', '#f768a1', '#c51b8a', '#7a0177'],
};

/** Accessibility 0 (no capacity within the radius): a class of its own, outside the ramp. */
export const ACCESS_ZERO = '#e7e1ef';

// ---------------------------------------------------------------------------------------------
// Typology

export const TYPOLOGY_GROUPS = [
  { key: 'high_risk', label: 'risque élevé', colour: RAMPS.typology[0] },
  { key: 'vulnerable', label: 'vulnérables', colour: RAMPS.typology[1] },
  { key: 'intermediate', label: 'médians', colour: RAMPS.typology[2] },
  { key: 'favourable', label: 'favorables', colour: RAMPS.typology[3] },
];

export function typologyLabel(key) {
  const g = TYPOLOGY_GROUPS.find((x) => x.key === key);
  return g ? g.label : 'non classée';
}

// ---------------------------------------------------------------------------------------------
// Class breaks

/** Fixed distance breaks, km (population-weighted mean distance of the commune). */
export const DISTANCE_BREAKS = [5, 10, 15, 20, 30];

/** Fixed time breaks, minutes (population-weighted mean modelled drive time of the commune). */
export const MINUTES_BREAKS = [5, 10, 15, 20, 30];

/** Deficit of the norm by arrondissement, in SSM (population / 50,000 − SSM known). */
export const NORM_BREAKS = [-1, 0, 1, 2, 4];

/** Population of a 1 km cell (inhabitants per km²). */
export const GRID_BREAKS = [50, 250, 1000, 2500];

/** Index of the class of `value` for ascending `breaks`: class i is [breaks[i-1], breaks[i]). */
export function classOf(value, breaks) {
  let i = 0;
  while (i < breaks.length && value >= breaks[i]) i += 1;
  return i;
}

/** Rounds to `digits` significant digits (for readable data-driven breaks). */
export function roundSignificant(value, digits = 2) {
  if (!Number.isFinite(value) || value === 0) return 0;
  const scale = 10 ** (Math.floor(Math.log10(Math.abs(value))) - digits + 1);
  return Math.round(value / scale) * scale;
}

/**
 * Quantile class breaks of `values` (nulls and non-finite values ignored): `classes` − 1 breaks,
 * rounded to 2 significant digits (3 when rounding would merge two breaks), strictly increasing.
 * With few distinct values there can be fewer breaks than asked for.
 */
export function quantileBreaks(values, classes = 5) {
  const v = values.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length < 2) return [];
  const raw = [];
  for (let k = 1; k < classes; k += 1) {
    // Nearest-rank quantile on the sorted values.
    const idx = Math.min(v.length - 1, Math.max(0, Math.ceil((k / classes) * v.length) - 1));
    raw.push(v[idx]);
  }
  for (const digits of [2, 3, 4]) {
    const rounded = raw.map((x) => roundSignificant(x, digits));
    const unique = [...new Set(rounded)].filter((x) => x > v[0] && x <= v[v.length - 1]);
    if (unique.length === new Set(raw).size || digits === 4) return unique.sort((a, b) => a - b);
  }
  return [];
}

/** Breaks of the accessibility layer from the communes' `e2sfca_per_100k` (values > 0). */
export function accessBreaks(features) {
  const values = features.map((f) => f.properties.e2sfca_per_100k).filter((x) => typeof x === 'number' && x > 0);
  return quantileBreaks(values, RAMPS.access.length);
}

// ---------------------------------------------------------------------------------------------
// MapLibre expressions

/** `['step', input, c0, b1, c1, ...]` with a null guard: communes without a value are grey. */
function stepOn(prop, breaks, colours) {
  const step = ['step', ['to-number', ['get', prop]], colours[0]];
  breaks.forEach((b, i) => step.push(b, colours[i + 1]));
  return ['case', ['==', ['typeof', ['get', prop]], 'number'], step, NO_DATA];
}

/** Colour of an arrondissement's norm deficit class. */
export function normColour(deficit) {
  if (typeof deficit !== 'number' || !Number.isFinite(deficit)) return NO_DATA;
  return RAMPS.norm[classOf(deficit, NORM_BREAKS)];
}

/**
 * Paint of the commune fill layer for the active layer.
 * ctx: { accessBreaks: number[], arrondissements: [{name, norm_deficit_ssm}] | null }
 * Returns { 'fill-color': expression, 'fill-opacity': number }.
 */
export function communeFill(layer, ctx = {}) {
  switch (layer) {
    case 'typology': {
      const m = ['match', ['coalesce', ['get', 'typology'], '']];
      for (const g of TYPOLOGY_GROUPS) m.push(g.key, g.colour);
      m.push(NO_DATA);
      return { 'fill-color': m, 'fill-opacity': 0.9 };
    }
    case 'distance':
      return { 'fill-color': stepOn('mean_distance_km', DISTANCE_BREAKS, RAMPS.distance), 'fill-opacity': 0.9 };
    case 'minutes':
      return { 'fill-color': stepOn('mean_time_min', MINUTES_BREAKS, RAMPS.distance), 'fill-opacity': 0.9 };
    case 'access': {
      const breaks = ctx.accessBreaks || [];
      const colours = RAMPS.access.slice(0, breaks.length + 1);
      const prop = 'e2sfca_per_100k';
      return {
        'fill-color': [
          'case',
          ['!=', ['typeof', ['get', prop]], 'number'], NO_DATA,
          ['<=', ['get', prop], 0], ACCESS_ZERO,
          stepOn(prop, breaks, colours),
        ],
        'fill-opacity': 0.9,
      };
    }
    case 'norm': {
      const arr = ctx.arrondissements;
      if (!arr || arr.length === 0) return { 'fill-color': NEUTRAL_FILL, 'fill-opacity': 1 };
      const m = ['match', ['coalesce', ['get', 'arrondissement'], '']];
      const seen = new Set();
      for (const a of arr) {
        if (seen.has(a.name)) continue;
        seen.add(a.name);
        m.push(a.name, normColour(a.norm_deficit_ssm));
      }
      m.push(NO_DATA);
      return { 'fill-color': m, 'fill-opacity': 0.9 };
    }
    default:
      return { 'fill-color': NEUTRAL_FILL, 'fill-opacity': 1 };
  }
}

/** Outline colour of the communes for the active layer (lighter lines on neutral backgrounds). */
export function communeOutline(layer) {
  return layer === 'catchments' || layer === 'grid' ? COMMUNE_OUTLINE_ON_NEUTRAL : COMMUNE_OUTLINE;
}

/**
 * Colours of the catchments: a greedy colouring in which two catchments whose bounding boxes
 * overlap get different colours when the 9-colour palette allows it (neighbours are then
 * distinguishable; colours carry no order or meaning). Returns a `match` expression on site_id.
 */
export function catchmentColourExpression(features) {
  const palette = RAMPS.catchments;
  const boxes = features.map((f) => bbox(f.geometry));
  const colourIndex = new Array(features.length).fill(-1);
  for (let i = 0; i < features.length; i += 1) {
    const used = new Map();
    for (let j = 0; j < i; j += 1) {
      if (overlap(boxes[i], boxes[j])) used.set(colourIndex[j], (used.get(colourIndex[j]) || 0) + 1);
    }
    let best = 0;
    let bestCount = Infinity;
    for (let c = 0; c < palette.length; c += 1) {
      const n = used.get(c) || 0;
      if (n < bestCount) {
        best = c;
        bestCount = n;
      }
      if (n === 0) break;
    }
    colourIndex[i] = best;
  }
  const m = ['match', ['to-string', ['get', 'site_id']]];
  const seen = new Set();
  features.forEach((f, i) => {
    const id = String(f.properties.site_id);
    if (seen.has(id)) return;
    seen.add(id);
    m.push(id, palette[colourIndex[i]]);
  });
  if (m.length === 2) return palette[0];
  m.push(palette[palette.length - 1]);
  return m;
}

function bbox(geometry) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  const walk = (c) => {
    if (typeof c[0] === 'number') {
      b[0] = Math.min(b[0], c[0]);
      b[1] = Math.min(b[1], c[1]);
      b[2] = Math.max(b[2], c[0]);
      b[3] = Math.max(b[3], c[1]);
    } else c.forEach(walk);
  };
  if (geometry && geometry.coordinates) walk(geometry.coordinates);
  return b;
}

function overlap(a, b) {
  return a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];
}

/** Grid cells: circle paint (colour by population class, area proportional to population). */
export function gridCirclePaint() {
  const colour = ['step', ['get', 'population'], RAMPS.grid[0]];
  GRID_BREAKS.forEach((b, i) => colour.push(b, RAMPS.grid[i + 1]));
  // Radius ∝ sqrt(population) so that the circle's area is proportional to the population
  // (capped at 6,400 inhabitants). 1 km is about 2.5 px at zoom 7.5 over Wallonia: at the
  // overview zoom the densest cells overlap a little, from zoom 10 each stays in its square.
  const size = ['min', 1, ['/', ['sqrt', ['max', 0, ['get', 'population']]], 80]];
  return {
    'circle-color': colour,
    'circle-radius': [
      'interpolate', ['exponential', 2], ['zoom'],
      7, ['+', 0.7, ['*', 2.6, size]],
      10, ['+', 1, ['*', 9, size]],
      14, ['+', 2, ['*', 110, size]],
    ],
    'circle-opacity': 0.85,
    'circle-stroke-width': 0,
  };
}

// ---------------------------------------------------------------------------------------------
// Sites

/** Marker styles of the SSM sites (also drawn in the sites legend). */
export const SITE_STYLE = {
  siege: { fill: '#1b3a5c', stroke: '#ffffff', label: 'siège' },
  antenne: { fill: '#ffffff', stroke: '#1b3a5c', label: 'antenne' },
  unknown: { fill: '#8a8a8a', stroke: '#ffffff', label: 'type inconnu' },
  added: { fill: '#e66101', stroke: '#ffffff', label: 'ajouté (scénario)' },
  removed: { fill: '#ffffff', stroke: '#b2182b', label: 'retiré (scénario)' },
  recommended: { fill: '#5e3c99', stroke: '#ffffff', label: 'recommandé (rang)' },
};

/** Paint of the circle layers of the sites; `removed` feature-state dims a site. */
export function siteCirclePaint(kind) {
  const s = SITE_STYLE[kind];
  const removed = ['boolean', ['feature-state', 'removed'], false];
  const selected = ['boolean', ['feature-state', 'selected'], false];
  return {
    'circle-radius': ['interpolate', ['linear'], ['zoom'], 7, kind === 'antenne' ? 4.5 : 5, 12, 9],
    'circle-color': ['case', removed, SITE_STYLE.removed.fill, s.fill],
    'circle-stroke-color': ['case', removed, SITE_STYLE.removed.stroke, selected, '#fdb863', s.stroke],
    'circle-stroke-width': ['case', selected, 3.5, kind === 'antenne' ? 2.5 : 1.5],
    'circle-opacity': ['case', removed, 0.6, 1],
  };
}

// ---------------------------------------------------------------------------------------------
// Legends: { title, unit, items: [{ colour, label, shape }], notes: [] }; shape 'fill' | 'circle'.

const range = (a, b, d) => `${num(a, d)} – ${num(b, d)}`;

function classItems(breaks, colours, unit, decimals, { lowLabel, highLabel } = {}) {
  const items = [];
  for (let i = 0; i <= breaks.length; i += 1) {
    let label;
    if (i === 0) label = lowLabel || `< ${num(breaks[0], decimals)}`;
    else if (i === breaks.length) label = highLabel || `≥ ${num(breaks[i - 1], decimals)}`;
    else label = range(breaks[i - 1], breaks[i], decimals);
    items.push({ colour: colours[i], label: `${label}${unit ? ` ${unit}` : ''}`, shape: 'fill' });
  }
  return items;
}

/**
 * The words every use of the drive-time model carries, in French, from the summary's
 * `drive_time` (its leave-one-out error and whether the calibration missed its goal).
 */
export function driveNotes(drive) {
  if (!drive || drive.unavailable) {
    return [`Temps de trajet modélisé indisponible${drive?.unavailable ? ` : ${drive.unavailable}` : ''}.`];
  }
  const err = drive.loo_mae_pts_n1_20_min;
  const notes = [
    `Temps de trajet modélisé à partir de la distance à vol d’oiseau, calibré sur l’accès routier aux hôpitaux d’Eurostat (2020), erreur moyenne ${typeof err === 'number' ? num(err, 1) : '?'} points (part des habitants à plus de 20 min de l’hôpital le plus proche, validation en laissant un arrondissement de côté) ; pas un itinéraire routier calculé.`,
  ];
  if (drive.goal_missed) {
    notes.push(`La calibration n’atteint pas son objectif de précision (au plus 1 point à 20 min, 3 points à 5 min ; obtenu : ${num(err, 1)} et ${num(drive.loo_mae_pts_n1_5_min, 1)} points) : lisez ces minutes comme des ordres de grandeur.`);
  }
  return notes;
}

/**
 * Legend of a layer. ctx: { typologySource: 'official'|'reconstructed'|'none'|null,
 * accessBreaks, accessUnit, arrondissements, catchmentCount }.
 */
export function legendFor(layer, ctx = {}) {
  switch (layer) {
    case 'typology': {
      const src = ctx.typologySource;
      const title = src === 'official'
        ? 'Typologie IWEPS (officielle)'
        : src === 'reconstructed'
          ? 'Typologie RECONSTRUITE (pas la table IWEPS)'
          : 'Typologie (aucune chargée)';
      const notes = [];
      if (src === 'reconstructed') {
        notes.push('Reconstruite par ssmplan à partir d’indicateurs (ACP, k-moyennes k = 4) : une approximation, pas le classement de l’IWEPS.');
      } else if (src !== 'official') {
        notes.push('Aucune typologie dans ce jeu de données : chargez la table IWEPS dans « Vos données ».');
      }
      return {
        title,
        unit: 'groupe de communes (besoins × offre de soins)',
        items: [
          ...TYPOLOGY_GROUPS.map((g) => ({ colour: g.colour, label: g.label, shape: 'fill' })),
          { colour: NO_DATA, label: 'non classée', shape: 'fill' },
        ],
        notes,
      };
    }
    case 'distance':
      return {
        title: 'Distance au site SSM le plus proche',
        unit: 'km, moyenne pondérée par la population (vol d’oiseau)',
        items: [
          ...classItems(DISTANCE_BREAKS, RAMPS.distance, 'km', 0, { lowLabel: `0 – ${num(DISTANCE_BREAKS[0])}`, highLabel: `> ${num(DISTANCE_BREAKS.at(-1))}` }),
          { colour: NO_DATA, label: 'pas de donnée', shape: 'fill' },
        ],
        notes: ['Avec une liste de sites partielle, les grandes distances sont des majorants.'],
      };
    case 'minutes':
      return {
        title: 'Temps de trajet modélisé vers le site SSM le plus proche',
        unit: 'minutes, moyenne pondérée par la population (temps de trajet modélisé, pas un itinéraire routier calculé)',
        items: [
          ...classItems(MINUTES_BREAKS, RAMPS.distance, 'min', 0, { lowLabel: `0 – ${num(MINUTES_BREAKS[0])}`, highLabel: `> ${num(MINUTES_BREAKS.at(-1))}` }),
          { colour: NO_DATA, label: 'pas de donnée', shape: 'fill' },
        ],
        notes: driveNotes(ctx.driveTime),
      };
    case 'access': {
      const breaks = ctx.accessBreaks || [];
      const d = Math.max(...breaks.map((b) => decimalsFor(b, 2)), 0);
      const items = [{ colour: ACCESS_ZERO, label: '0 (aucune capacité à moins de 20 km)', shape: 'fill' }];
      if (breaks.length === 0) {
        items.push({ colour: RAMPS.access[2], label: '> 0', shape: 'fill' });
      } else {
        items.push(...classItems(breaks, RAMPS.access.slice(0, breaks.length + 1), '', d, {
          lowLabel: `> 0 – ${num(breaks[0], d)}`,
          highLabel: `≥ ${num(breaks.at(-1), d)}`,
        }));
      }
      items.push({ colour: NO_DATA, label: 'pas de donnée', shape: 'fill' });
      return {
        title: 'Accessibilité E2SFCA (rayon 20 km)',
        unit: ctx.accessUnit || 'capacité (ETP, ou SSM si l’ETP est inconnu) pour 100 000 hab.',
        items,
        notes: [`Classes par quantiles (${breaks.length + 1} classes d’effectifs égaux) des communes dont la valeur est > 0, calculées sur les données affichées.`],
      };
    }
    case 'norm':
      return {
        title: 'Norme 1 SSM / 50 000 hab., par arrondissement',
        unit: 'SSM manquants (population / 50 000 − SSM connus)',
        items: [
          { colour: RAMPS.norm[0], label: `excédent de plus de 1 SSM (< ${num(-1)})`, shape: 'fill' },
          { colour: RAMPS.norm[1], label: `${num(-1)} à 0 : norme atteinte`, shape: 'fill' },
          { colour: RAMPS.norm[2], label: '0 à 1 SSM manquant', shape: 'fill' },
          { colour: RAMPS.norm[3], label: '1 à 2 SSM manquants', shape: 'fill' },
          { colour: RAMPS.norm[4], label: '2 à 4 SSM manquants', shape: 'fill' },
          { colour: RAMPS.norm[5], label: '4 SSM manquants ou plus', shape: 'fill' },
          { colour: NO_DATA, label: 'pas de donnée', shape: 'fill' },
        ],
        notes: ['Chaque commune prend la couleur de son arrondissement. Habitants par SSM : dans l’info-bulle et le panneau.'],
      };
    case 'catchments':
      return {
        title: 'Aires de desserte des sites',
        unit: 'habitants dont le site est le plus proche (hab.)',
        items: [
          { colours: RAMPS.catchments.slice(0, 6), label: 'une couleur par aire (sans ordre)', shape: 'fill' },
          { colour: 'transparent', stroke: CATCHMENT_HIGHLIGHT, label: 'aire du site sélectionné', shape: 'fill' },
        ],
        notes: [`${ctx.catchmentCount ? `${flex(ctx.catchmentCount)} aires. ` : ''}Population et distances de chaque aire : survol ou clic.`],
      };
    case 'grid': {
      const items = [];
      for (let i = 0; i <= GRID_BREAKS.length; i += 1) {
        const label = i === 0
          ? `1 – ${num(GRID_BREAKS[0])}`
          : i === GRID_BREAKS.length ? `≥ ${num(GRID_BREAKS.at(-1))}` : range(GRID_BREAKS[i - 1], GRID_BREAKS[i], 0);
        items.push({ colour: RAMPS.grid[i], label: `${label} hab.`, shape: 'circle', size: 3 + i * 1.25 });
      }
      return {
        title: 'Grille de population 1 km',
        unit: 'habitants par cellule de 1 km² (GHS-POP 2020 recalé sur Statbel)',
        items,
        notes: ['Surface du cercle proportionnelle à la population. Distance au site le plus proche : info-bulle.'],
      };
    }
    default:
      return { title: '', unit: '', items: [], notes: [] };
  }
}

/** Legend of the site markers (always shown). */
export function sitesLegend() {
  return {
    title: 'Sites SSM',
    unit: '',
    items: [
      { shape: 'site-circle', ...SITE_STYLE.siege },
      { shape: 'site-ring', ...SITE_STYLE.antenne },
      { shape: 'site-square', ...SITE_STYLE.unknown },
      { shape: 'site-circle', ...SITE_STYLE.added },
      { shape: 'site-removed', ...SITE_STYLE.removed },
      { shape: 'site-number', ...SITE_STYLE.recommended },
    ].map((x) => ({ ...x, colour: x.fill })),
    notes: [],
  };
}
