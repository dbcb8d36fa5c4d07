// Renders the legend definitions of styles.js into the DOM (no colours or breaks decided here).

import { legendFor, sitesLegend } from './styles.js';
import { el } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';

function svg(width, height, children) {
  const s = document.createElementNS(SVG, 'svg');
  s.setAttribute('width', width);
  s.setAttribute('height', height);
  s.setAttribute('viewBox', `0 0 ${width} ${height}`);
  s.setAttribute('aria-hidden', 'true');
  s.setAttribute('focusable', 'false');
  for (const [tag, attrs] of children) {
    const c = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) c.setAttribute(k, v);
    if (attrs.text) c.textContent = attrs.text;
    s.appendChild(c);
  }
  return s;
}

function swatch(item) {
  switch (item.shape) {
    case 'circle': {
      const r = Math.min(item.size || 5, 8);
      return svg(18, 18, [['circle', { cx: 9, cy: 9, r, fill: item.colour }]]);
    }
    case 'site-circle':
      return svg(18, 18, [['circle', { cx: 9, cy: 9, r: 6, fill: item.fill, stroke: item.stroke === '#ffffff' ? '#555' : item.stroke, 'stroke-width': 1.5 }]]);
    case 'site-ring':
      return svg(18, 18, [['circle', { cx: 9, cy: 9, r: 5.5, fill: item.fill, stroke: item.stroke, 'stroke-width': 2.5 }]]);
    case 'site-square':
      return svg(18, 18, [['rect', { x: 3, y: 3, width: 12, height: 12, fill: item.fill, stroke: '#555', 'stroke-width': 1 }]]);
    case 'site-removed':
      return svg(18, 18, [
        ['circle', { cx: 9, cy: 9, r: 6, fill: item.fill, stroke: item.stroke, 'stroke-width': 2, opacity: 0.8 }],
        ['path', { d: 'M5 5 L13 13 M13 5 L5 13', stroke: item.stroke, 'stroke-width': 1.8 }],
      ]);
    case 'site-number':
      return svg(18, 18, [
        ['circle', { cx: 9, cy: 9, r: 8, fill: item.fill, stroke: '#fff', 'stroke-width': 1.5 }],
        ['text', { x: 9, y: 13, 'text-anchor': 'middle', 'font-size': 11, 'font-weight': 700, fill: '#fff', text: '1' }],
      ]);
    default: {
      if (item.colours) {
        return svg(item.colours.length * 10, 14, item.colours.map((c, i) => ['rect', { x: i * 10, y: 0, width: 10, height: 14, fill: c }]));
      }
      const attrs = { x: 1, y: 1, width: 20, height: 12, fill: item.colour };
      if (item.stroke) {
        attrs.stroke = item.stroke;
        attrs['stroke-width'] = 2;
      } else {
        attrs.stroke = 'rgba(0,0,0,0.15)';
        attrs['stroke-width'] = 1;
      }
      return svg(22, 14, [['rect', attrs]]);
    }
  }
}

function renderDefinition(container, def) {
  container.replaceChildren();
  if (!def.title) return;
  container.appendChild(el('h3', { class: 'legend-title' }, def.title));
  if (def.unit) container.appendChild(el('p', { class: 'legend-unit' }, `Unité : ${def.unit}`));
  const list = el('ul', { class: 'legend-items' });
  for (const item of def.items) {
    const li = el('li', {}, [el('span', { class: 'legend-swatch' }, [swatch(item)]), el('span', { class: 'legend-label' }, item.label)]);
    list.appendChild(li);
  }
  container.appendChild(list);
  for (const note of def.notes || []) container.appendChild(el('p', { class: 'legend-note' }, note));
}

/** Draws the legend of `layer` in `container` (ctx: see styles.legendFor). */
export function renderLegend(container, layer, ctx) {
  renderDefinition(container, legendFor(layer, ctx));
}

/** Draws the legend of the site markers. */
export function renderSitesLegend(container) {
  renderDefinition(container, sitesLegend());
}
