// The caveat banner and the strip of headline figures, both built from GET /api/summary.

import { el } from './dom.js';
import { caveatFr } from './i18n.js';
import { int, flex, km, pct } from './format.js';

/** Fills #caveats (translated caveats, warnings first) from the summary. */
export function renderCaveats(summary) {
  const list = document.getElementById('caveats-list');
  const box = document.getElementById('caveats');
  const items = (summary.caveats || []).map((c) => caveatFr(c, summary));
  // Warnings (partial list, provinces without site, reconstructed typology) before information.
  items.sort((a, b) => (a.level === b.level ? 0 : a.level === 'warning' ? -1 : 1));
  list.replaceChildren(
    ...items.map((c) => el('li', { class: `caveat caveat-${c.level}`, title: c.translated ? `Texte du moteur : ${c.original}` : null }, c.text)),
  );
  const count = document.getElementById('caveats-count');
  if (count) count.textContent = `(${items.length})`;
  box.hidden = items.length === 0;
}

function figure(label, value, sub, id) {
  return el('div', { class: 'headline-item', id }, [
    el('dt', {}, label),
    el('dd', {}, [el('span', { class: 'headline-value' }, value), sub ? el('span', { class: 'headline-sub' }, sub) : null]),
  ]);
}

/** Fills #headline with the headline figures. */
export function renderHeadline(summary) {
  const s = summary;
  const pop = s.population;
  const beyond20 = s.population_beyond_km ? s.population_beyond_km['20'] : null;
  const d = s.distance_km || {};
  const agreedGap = typeof s.ssm_due === 'number' && typeof s.ssm_agreed === 'number' ? s.ssm_due - s.ssm_agreed : null;
  const scope = s.scope === 'wallonia' ? 'Wallonie entière' : 'périmètre AVIQ';
  const dl = el('dl', { class: 'headline-list' }, [
    figure(`Population ${s.population_year || ''}`.trim(), `${int(pop)} hab.`, `${int(s.communes)} communes, ${scope}`, 'fig-population'),
    figure('SSM connus / agréés', `${int(s.ssm)} / ${int(s.ssm_agreed)}`, `${int(s.sites)} sites connus`, 'fig-ssm'),
    figure('SSM dus selon la norme', flex(s.ssm_due, 1), `1 SSM pour ${int(s.norm_inhabitants_per_ssm)} hab.`, 'fig-due'),
    figure(
      'Déficit de la norme',
      `${flex(s.norm_deficit, 1)} SSM`,
      agreedGap !== null ? `dus − connus ; ${flex(agreedGap, 1)} si ${int(s.ssm_agreed)} agréés` : 'SSM dus − SSM connus',
      'fig-deficit',
    ),
    figure('Distance moyenne / P90', `${km(d.mean)} / ${km(d.p90)}`, 'au site le plus proche (pondérée)', 'fig-distance'),
    figure('Habitants à plus de 20 km', `${int(beyond20)} hab.`, pop ? `${pct(beyond20 / pop)} de la population` : '', 'fig-beyond'),
  ]);
  document.getElementById('headline').replaceChildren(dl);
}

/** Attribution text of the map from the summary's inputs (sites file named when not the default). */
export function attributionFrom(summary, defaultText) {
  const sites = (summary.inputs || []).find((i) => /site/i.test(i.role || ''));
  if (summary.dataset && summary.dataset !== 'default' && sites && !/wallonia_ssm_sites\.csv$/.test(sites.path || '')) {
    const name = String(sites.path || '').split(/[\\/]/).pop();
    return defaultText.replace('Sites SSM : liste partielle compilée', `Sites SSM : fichier chargé (${name || 'jeu de données'})`);
  }
  return defaultText;
}
