// French renderings of the English sentences the engine writes (caveats, reasons, summaries).
// Each translation recognises the sentence by its leading words and keeps its numbers; a sentence
// that is not recognised is shown as it comes (in English) rather than dropped.

import { int, flex, numbersInText } from './format.js';

const KIND_FR = { siege: 'siège', antenne: 'antenne', unknown: 'type inconnu' };
export const kindLabel = (k) => KIND_FR[k] || 'type inconnu';

/**
 * One caveat in French. `summary` (from /api/summary, optional) supplies the figures of the
 * partial-list caveat. Returns { text, level: 'warning'|'info', original, translated }.
 */
export function caveatFr(caveat, summary = null) {
  const c = String(caveat);
  let m;
  if (/^AVIQ scope/i.test(c)) {
    return fr(c, 'Périmètre AVIQ : la Wallonie sans les 9 communes germanophones (leurs services de santé mentale relèvent de la Communauté germanophone).', 'info');
  }
  if (/^Wallonia including/i.test(c)) {
    return fr(c, 'Périmètre : la Wallonie y compris les 9 communes germanophones (la santé mentale n’y relève pas de l’AVIQ).', 'info');
  }
  if ((m = c.match(/^PARTIAL SITE LIST:\s*(\d+)\s*SSM\s*\((\d+)\s*sites?\)\s*known against\s*(\d+)/i))) {
    const ssm = summary?.ssm ?? Number(m[1]);
    const sites = summary?.sites ?? Number(m[2]);
    const agreed = summary?.ssm_agreed ?? Number(m[3]);
    return fr(c, `Liste partielle des sites : ${int(ssm)} SSM connus (${int(sites)} sites) sur ${int(agreed)} agréés par l’AVIQ. Là où des services manquent, distances et déficits sont des majorants, pas des « déserts » mesurés. Chargez la liste complète de l’AVIQ dans « Vos données ».`, 'warning');
  }
  if ((m = c.match(/^provinces without any known site[^:]*:\s*(.*)$/i))) {
    return fr(c, `Provinces sans aucun site connu (artefact de la liste des sites) : ${m[1]}. Les distances y sont surestimées.`, 'warning');
  }
  if ((m = c.match(/^(\d+) site\(s\) of unspecified kind/i))) {
    return fr(c, `${int(Number(m[1]))} site(s) de type non précisé (siège ou antenne inconnu), compté(s) comme site(s) de leur SSM.`, 'info');
  }
  if (/^typology:\s*RECONSTRUCTED/i.test(c)) {
    // The method (indicators, PCA, k-means) stays in the original text, shown on hover.
    return fr(c, 'Typologie RECONSTRUITE par ssmplan à partir d’indicateurs : ce n’est pas la table de l’IWEPS. Chargez la table officielle dans « Vos données ».', 'warning');
  }
  if ((m = c.match(/^typology:\s*official table\s*(.*)$/i))) {
    return fr(c, `Typologie officielle de l’IWEPS (${m[1]}).`, 'info');
  }
  if (/^no typology loaded/i.test(c)) {
    return fr(c, 'Aucune typologie chargée (la table IWEPS par commune n’est pas dans le jeu de données).', 'warning');
  }
  if ((m = c.match(/^province filter:\s*(.*)$/i))) {
    return fr(c, `Filtre de provinces : ${m[1]}.`, 'info');
  }
  if ((m = c.match(/^population:\s*(\d+) row\(s\) with 2019-2024 NIS codes mapped/i))) {
    return fr(c, `Population : ${int(Number(m[1]))} ligne(s) aux codes INS 2019-2024 rattachée(s) aux communes 2025.`, 'info');
  }
  if (/^some inputs are not listed in a MANIFEST/i.test(c)) {
    return fr(c, 'Certains fichiers d’entrée ne figurent pas dans un MANIFEST.sha256 (leur contenu n’est pas vérifié).', 'info');
  }
  if ((m = c.match(/^ASSUMED FRAMEWORKS:\s*(\d+) of (\d+) SSM have no known framework and are assumed to have ([\d.]+) ETP each/i))) {
    return fr(c, `Cadres supposés : ${int(Number(m[1]))} SSM sur ${int(Number(m[2]))} n’ont pas de cadre connu ; on leur attribue ${flex(Number(m[3]))} ETP chacun. Les résultats dépendent de cette hypothèse : fournissez les cadres agréés (colonne etp des sites).`, 'warning');
  }
  if ((m = c.match(/^(\d+) location\(s\) hold several services/i))) {
    return fr(c, `${int(Number(m[1]))} lieu(x) accueille(nt) plusieurs services (géocodage à la localité) : ils se partagent à parts égales les habitants les plus proches.`, 'info');
  }
  return { text: c, level: /^[A-Z ]{6,}:/.test(c) ? 'warning' : 'info', original: c, translated: false };
}

function fr(original, text, level) {
  return { text, level, original, translated: true };
}

/** The reason of a recommended opening, in French when recognised. */
export function reasonFr(reason) {
  const r = String(reason || '');
  let m;
  if ((m = r.match(/^its catchment \((\d+) inhabitants\) reaches the norm of (\d+) inhabitants per SSM/i))) {
    return `Son aire de desserte (${int(Number(m[1]))} hab.) atteint la norme de ${int(Number(m[2]))} habitants par SSM : nouveau SSM.`;
  }
  if ((m = r.match(/^its catchment \((\d+) inhabitants\) is below the norm of (\d+): an antenne of the nearest existing SSM, (.*) \(([\d.]+) km away\)/i))) {
    return `Son aire de desserte (${int(Number(m[1]))} hab.) n’atteint pas la norme de ${int(Number(m[2]))} : antenne du SSM existant le plus proche, ${m[3]} (à ${flex(Number(m[4]), 1)} km).`;
  }
  if ((m = r.match(/^no existing SSM to attach an antenne to \(catchment (\d+) inhabitants\)/i))) {
    return `Aucun SSM existant auquel rattacher une antenne (aire de desserte : ${int(Number(m[1]))} hab.) : nouveau SSM.`;
  }
  return r;
}

/** The decision of a recommended opening: "nouveau SSM" or "antenne de <parent>". */
export function decisionFr(row, ssmNames = null) {
  const d = String(row.decision || '').toLowerCase();
  if (d === 'new ssm') return 'nouveau SSM';
  if (d === 'antenne') {
    const parent = row.parent_ssm ? (ssmNames?.get(row.parent_ssm) || row.parent_ssm) : 'SSM le plus proche';
    return `antenne de ${parent}`;
  }
  return row.decision || '—';
}

// Summary keys of the operation reports.
const SUMMARY_KEYS = [
  [/^new sites$/i, 'Nouveaux sites'],
  [/^objective$/i, 'Objectif'],
  [/^bound \/ gap$/i, 'Borne / écart'],
  [/^mean distance before -> after$/i, 'Distance moyenne avant → après'],
  [/^P90 distance before -> after$/i, 'Distance P90 avant → après'],
  [/^inhabitants beyond 20 km before -> after$/i, 'Habitants à plus de 20 km avant → après'],
  [/^SSM before -> after, norm deficit$/i, 'SSM avant → après, déficit de la norme'],
  [/^budget$/i, 'Budget'],
  [/^allocated$/i, 'Attribué'],
  [/^Gini of ETP per 10,000 need-weighted inhabitants$/i, 'Indice de Gini des ETP pour 10 000 habitants pondérés'],
  [/^total$/i, 'Total'],
  [/^scenario$/i, 'Scénario'],
];

// Phrases inside summary values (applied in order, before the numbers are reformatted).
const SUMMARY_PHRASES = [
  [/need-weighted inhabitant-metres \(lower is better\)/g, 'habitants pondérés × mètres (plus bas = mieux)'],
  [/need-weighted inhabitants within the radius/g, 'habitants pondérés par le besoin dans le rayon'],
  [/existing sites alone/g, 'sites existants seuls'],
  [/no bound computed for this size/g, 'pas de borne calculée pour cette taille'],
  [/new sites \(fewest bringing/g, 'nouveaux sites (le moins possible pour amener'],
  [/of need-weighted demand within/g, 'de la demande pondérée à moins de'],
  [/; reached/g, ' ; atteint'],
  [/new SSM/g, 'nouveaux SSM'],
  [/ antennes\)/g, ' antennes)'],
  [/EUR a year at/g, 'EUR par an à'],
  [/EUR per ETP/g, 'EUR par ETP'],
  [/EUR a year/g, 'EUR par an'],
  [/ETP in (\d+) steps of ([\d.]+) ETP to (\d+) SSM/g, 'ETP en $1 pas de $2 ETP à $3 SSM'],
  [/ETP left \(less than a step\)/g, 'ETP non attribués (moins d’un pas)'],
  [/->/g, '→'],
];

export function summaryKeyFr(key) {
  for (const [re, text] of SUMMARY_KEYS) if (re.test(key)) return text;
  return key;
}

export function summaryValueFr(value) {
  let v = String(value);
  for (const [re, text] of SUMMARY_PHRASES) v = v.replace(re, text);
  return numbersInText(v).replace(/ ; /g, '\u202f; ');
}

/** Scenario metrics: French label, unit, decimals, and whether a lower value is better. */
export const SCENARIO_METRICS = [
  { metric: 'mean_distance_km', label: 'Distance moyenne', title: 'distance moyenne au site le plus proche, pondérée par la population', unit: 'km', decimals: 2, lowerIsBetter: true },
  { metric: 'p90_distance_km', label: 'Distance P90', title: '9 habitants sur 10 vivent plus près que cette distance', unit: 'km', decimals: 2, lowerIsBetter: true },
  { metric: 'pop_beyond_20km', label: 'Habitants à plus de 20 km', unit: 'hab.', decimals: 0, lowerIsBetter: true },
  { metric: 'pop_beyond_10km', label: 'Habitants à plus de 10 km', unit: 'hab.', decimals: 0, lowerIsBetter: true },
  { metric: 'ssm', label: 'SSM', unit: 'SSM', decimals: 0, lowerIsBetter: false },
  { metric: 'norm_deficit_ssm', label: 'Déficit de la norme', title: 'population / 50 000 − SSM', unit: 'SSM', decimals: 1, lowerIsBetter: true },
  { metric: 'etp_per_100k_e2sfca', label: 'Accessibilité E2SFCA', title: 'moyenne pondérée par la population, rayon 20 km', unit: 'pour 100 000 hab.', decimals: 2, lowerIsBetter: false },
];

/** Other metrics, shown in the detailed table by zone. */
export const SCENARIO_METRICS_EXTRA = [
  { metric: 'median_distance_km', label: 'Distance médiane', unit: 'km', decimals: 2, lowerIsBetter: true },
  { metric: 'max_distance_km', label: 'Distance maximale', unit: 'km', decimals: 2, lowerIsBetter: true },
  { metric: 'pop_beyond_5km', label: 'Habitants à plus de 5 km', unit: 'hab.', decimals: 0, lowerIsBetter: true },
  { metric: 'pop_beyond_15km', label: 'Habitants à plus de 15 km', unit: 'hab.', decimals: 0, lowerIsBetter: true },
  { metric: 'sites', label: 'Sites', unit: 'sites', decimals: 0, lowerIsBetter: false },
];

/** "province:Namur" -> "Province : Namur"; "typology:risque élevé" -> "Typologie : risque élevé". */
export function zoneFr(zone) {
  if (zone === 'all') return 'Ensemble du périmètre';
  const [level, ...rest] = String(zone).split(':');
  const name = rest.join(':');
  const levels = { province: 'Province', typology: 'Typologie', arrondissement: 'Arrondissement', commune: 'Commune' };
  return `${levels[level] || level} : ${name}`;
}

/** Coordinator bands of /api/budget/coordinators. */
export function bandFr(band) {
  const b = String(band);
  if (b === 'total') return 'Total';
  return b.replace(/<=/g, '≤').replace(/>=/g, '≥').replace(/ and /g, ' et ');
}

/** Model descriptions of the recommendation form. */
export const MODELS = {
  mclp: {
    label: 'MCLP — couverture maximale',
    help: 'Place p nouveaux sites pour couvrir le plus d’habitants (pondérés par le besoin) à moins du rayon choisi d’un site.',
  },
  pmedian: {
    label: 'p-médian — distance totale minimale',
    help: 'Place p nouveaux sites pour réduire le plus la distance moyenne (pondérée par le besoin) au site le plus proche ; le rayon n’intervient pas.',
  },
  lscp: {
    label: 'LSCP — nombre minimal de sites',
    help: 'Cherche le plus petit nombre de nouveaux sites amenant la part visée des habitants à moins du rayon ; p est ignoré.',
  },
};

/** A few phrases of the engine's input errors, in French (the rest is kept as it comes). */
export function inputErrorFr(text) {
  return String(text)
    .replace(/`([^`]*)` is not a number/g, '« $1 » n’est pas un nombre')
    .replace(/expected a finite number \(found `([^`]*)`\)/g, '« $1 » n’est pas un nombre')
    .replace(/is outside Wallonia/g, 'est hors de Wallonie')
    .replace(/^missing value$/i, 'valeur manquante')
    .replace(/missing value/g, 'valeur manquante')
    .replace(/missing column/g, 'colonne manquante')
    .replace(/`([^`]*)` is not siege, antenne or unknown/g, '« $1 » n’est pas siege, antenne ou unknown')
    .replace(/is not a valid NIS code/g, 'n’est pas un code INS valide')
    .replace(/unknown group/g, 'groupe inconnu');
}
