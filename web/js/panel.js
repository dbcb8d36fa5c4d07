// The selection panel (#panel): the figures of a clicked commune or site, with French labels and units.

import { el, figures } from './dom.js';
import { int, flex, km, minutes, num, pct, hab, MISSING } from './format.js';
import { typologyLabel } from './styles.js';
import { kindLabel } from './i18n.js';

const title = () => document.getElementById('panel-title');
const body = () => document.getElementById('panel-body');

const SOURCE_FR = { official: 'typologie officielle IWEPS', reconstructed: 'typologie reconstruite, pas la table IWEPS' };

const ROLE_FR = {
  boundaries: 'Limites communales',
  population: 'Population',
  sites: 'Sites SSM',
  'ssm sites': 'Sites SSM',
  grid: 'Grille de population',
  'population grid': 'Grille de population',
  typology: 'Typologie',
  indicators: 'Indicateurs',
  crosswalk: 'Correspondance des codes INS',
  'hospital sites': 'Hôpitaux',
};

/** Empty panel: the usage hint and, once the summary is loaded, the inputs of the figures shown. */
export function renderEmpty(summary = null) {
  title().textContent = 'Sélection';
  const parts = [
    el('p', { class: 'hint' }, 'Cliquez sur une commune ou sur un site SSM de la carte, ou cherchez une commune ci-dessus, pour voir ses chiffres.'),
  ];
  if (summary) {
    parts.push(el('h3', { class: 'panel-sub' }, 'Données utilisées'));
    const typ = summary.typology?.source === 'official' ? 'officielle (table IWEPS chargée)'
      : summary.typology?.source === 'reconstructed' ? 'reconstruite par ssmplan (pas la table IWEPS)' : 'aucune';
    parts.push(figures([
      ['Jeu de données', summary.dataset === 'default' || !summary.dataset ? 'par défaut (serveur)' : summary.dataset],
      ['Périmètre', summary.scope === 'wallonia' ? 'Wallonie entière' : 'AVIQ (sans les 9 communes germanophones)'],
      ['Population', `Statbel, 1er janvier ${summary.population_year || ''}`.trim()],
      ['Typologie', typ, summary.typology?.description || null],
    ]));
    const inputs = summary.inputs || [];
    if (inputs.length) {
      parts.push(el('ul', { class: 'inputs-list' }, inputs.map((i) => el('li', { title: i.sha256 ? `sha256 ${i.sha256}` : null }, [
        el('strong', {}, `${ROLE_FR[String(i.role).toLowerCase()] || i.role} : `),
        el('code', {}, String(i.path || '').split(/[\\/]/).pop()),
        i.verified_by_manifest ? ' — vérifié (MANIFEST.sha256)' : ' — non vérifié',
      ]))));
    }
  }
  body().replaceChildren(...parts);
}

/**
 * Commune figures. props: the commune feature's properties; arr: its arrondissement row of
 * /api/arrondissements (or null while not loaded); actions: { zoom(), selectSite(siteId) }.
 */
export function renderCommune(props, arr, actions = {}) {
  const p = props;
  title().textContent = p.name || p.nis;
  const density = p.population && p.area_km2 ? p.population / p.area_km2 : null;
  const beyondShare = p.population ? (p.pop_beyond_20km ?? null) / p.population : null;
  const typ = p.typology
    ? `${p.typology_label || typologyLabel(p.typology)}${p.typology_source ? ` (${SOURCE_FR[p.typology_source] || p.typology_source})` : ''}`
    : 'non classée (aucune typologie chargée)';
  const nearest = p.nearest_ssm_name || p.nearest_ssm_id;
  const rows = [
    ['Code INS', p.nis],
    ['Province', p.province || MISSING],
    ['Arrondissement', p.arrondissement || MISSING],
    ['Population (2025)', hab(p.population)],
    ['Superficie', p.area_km2 !== undefined ? `${num(p.area_km2, 1)} km²` : MISSING],
    ['Densité', density !== null ? `${int(density)} hab./km²` : MISSING],
    ['Typologie', typ],
    ['Distance moyenne au site SSM le plus proche', km(p.mean_distance_km, 1), 'moyenne pondérée par la population, à vol d’oiseau'],
    ['Distance médiane', km(p.median_distance_km, 1)],
    ['Distance P90', km(p.p90_distance_km, 1), '9 habitants sur 10 vivent plus près que cette distance'],
    ['Habitants à plus de 20 km', p.pop_beyond_20km !== undefined && p.pop_beyond_20km !== null ? `${hab(p.pop_beyond_20km)} (${pct(beyondShare)})` : MISSING],
    ['Temps de trajet modélisé moyen', minutes(p.mean_time_min, 1), 'temps de trajet modélisé (fonction de la distance à vol d’oiseau, calibrée sur Eurostat), pas un itinéraire routier calculé'],
    ['Accessibilité E2SFCA (rayon 20 km)', p.e2sfca_per_100k !== undefined && p.e2sfca_per_100k !== null ? `${num(p.e2sfca_per_100k, 2)} pour 100 000 hab.` : MISSING, 'capacité (ETP, ou SSM si l’ETP est inconnu) accessible pour 100 000 habitants'],
    ['Poids dans la norme', p.norm_share_ssm !== undefined && p.norm_share_ssm !== null ? `${flex(p.norm_share_ssm, 2)} SSM` : MISSING, 'population / 50 000 : le nombre de SSM que « vaut » la commune selon la norme'],
  ];
  const parts = [figures(rows)];
  if (nearest) {
    const btn = p.nearest_site_id && actions.selectSite
      ? el('button', { type: 'button', class: 'link-button', onclick: () => actions.selectSite(p.nearest_site_id) }, nearest)
      : el('span', {}, nearest);
    parts.push(el('p', { class: 'panel-line' }, ['SSM le plus proche (pour la plupart des habitants) : ', btn]));
  }
  parts.push(el('h3', { class: 'panel-sub' }, `Arrondissement de ${p.arrondissement || MISSING}`));
  if (arr) {
    parts.push(figures([
      ['Population', hab(arr.population)],
      ['SSM connus (sites)', `${int(arr.ssm)} (${int(arr.sites)} sites)`],
      ['Habitants par SSM', arr.inhabitants_per_ssm === null || arr.inhabitants_per_ssm === undefined ? 'aucun SSM connu' : hab(arr.inhabitants_per_ssm)],
      ['SSM dus selon la norme', flex(arr.norm_ssm, 1)],
      ['Déficit de la norme', `${flex(arr.norm_deficit_ssm, 1)} SSM`, 'population / 50 000 − SSM connus ; négatif : excédent'],
      ['Distance moyenne', km(arr.mean_distance_km, 1)],
    ]));
  } else {
    parts.push(el('p', { class: 'hint' }, 'Chiffres de l’arrondissement en cours de chargement…'));
  }
  if (actions.zoom) {
    parts.push(el('div', { class: 'button-row' }, [el('button', { type: 'button', class: 'secondary', onclick: actions.zoom }, 'Zoomer sur la commune')]));
  }
  body().replaceChildren(...parts);
}

/**
 * Site figures. site: the site feature's properties; catchment: its catchment's properties (or
 * null while loading); actions: { removeFromScenario(), selectCommune(nis), removed: bool }.
 */
export function renderSite(site, catchment, actions = {}) {
  const s = site;
  title().textContent = s.site_name || s.site_id;
  const rows = [
    ['Service (SSM)', s.ssm_name || s.ssm_id],
    ['Identifiant du site', s.site_id],
    ['Type de site', kindLabel(s.kind)],
    ['Commune', s.commune ? `${s.commune} (${s.commune_nis})` : s.commune_nis || MISSING],
    ['Cadre du service', s.etp === null || s.etp === undefined ? 'inconnu' : `${flex(s.etp, 2)} ETP`],
    ['Habitants dont c’est le site le plus proche', hab(s.population_served)],
    ['Distance moyenne de ces habitants', km(s.mean_distance_km, 1)],
  ];
  const parts = [figures(rows)];
  parts.push(el('h3', { class: 'panel-sub' }, 'Aire de desserte (en pointillé sur la carte)'));
  if (catchment) {
    const c = catchment;
    parts.push(figures([
      ['Population', hab(c.population)],
      ['Poids dans la norme', `${flex(c.norm_share_ssm, 2)} SSM`, 'population de l’aire / 50 000'],
      ['Communes desservies', int(c.communes_served)],
      ['Superficie', `${num(c.area_km2, 0)} km²`],
      ['Distance moyenne / P90 / maximale', `${km(c.mean_distance_km)} / ${km(c.p90_distance_km)} / ${km(c.max_distance_km)}`],
      ['Habitants à plus de 10 km', hab(c.pop_beyond_10km)],
      ['Habitants à plus de 20 km', hab(c.pop_beyond_20km)],
    ]));
  } else if (catchment === null) {
    parts.push(el('p', { class: 'hint' }, 'Aire de desserte en cours de chargement…'));
  } else {
    parts.push(el('p', { class: 'hint' }, 'Pas d’aire de desserte pour ce site.'));
  }
  const buttons = [];
  if (actions.selectCommune && s.commune_nis) {
    buttons.push(el('button', { type: 'button', class: 'secondary', onclick: () => actions.selectCommune(s.commune_nis) }, 'Voir la commune'));
  }
  if (actions.removeFromScenario) {
    buttons.push(el('button', { type: 'button', class: 'secondary', onclick: actions.removeFromScenario, disabled: actions.removed || null },
      actions.removed ? 'Retiré dans le scénario' : 'Retirer ce site (scénario)'));
  }
  if (buttons.length) parts.push(el('div', { class: 'button-row' }, buttons));
  body().replaceChildren(...parts);
}

/** A site added by the scenario. */
export function renderAddedSite(added, actions = {}) {
  title().textContent = `Site ajouté ${added.id}`;
  body().replaceChildren(
    figures([
      ['Type', kindLabel(added.kind)],
      ['Service (SSM)', added.kind === 'antenne' ? `antenne de ${added.ssm_name || added.ssm_id}` : `nouveau SSM (${added.ssm_id})`],
      ['Position', `${num(added.lat, 4)} N, ${num(added.lon, 4)} E`],
    ]),
    el('div', { class: 'button-row' }, [
      actions.remove ? el('button', { type: 'button', class: 'secondary', onclick: actions.remove }, 'Supprimer du scénario') : null,
    ]),
  );
}
