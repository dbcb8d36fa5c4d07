// Unit tests of the page's pure modules (no browser needed): `node --test web/test/`.
// They cover number formatting, the URL state, class breaks and legends, the French renderings
// of the engine's sentences, CSV export and the upload helpers.

import test from 'node:test';
import assert from 'node:assert/strict';

import * as fmt from '../js/format.js';
import { parseHash, serialiseHash, emptyState, RECO_DEFAULTS } from '../js/state.js';
import * as styles from '../js/styles.js';
import { caveatFr, reasonFr, decisionFr, summaryKeyFr, summaryValueFr, bandFr, zoneFr, inputErrorFr } from '../js/i18n.js';
import { toCsv, csvField, pointsFromRows, fileName } from '../js/export.js';
import { pointInGeometry, haversineKm } from '../js/geo.js';
import { detectKind, uploadErrorText } from '../js/upload.js';
import { ApiError, describeError } from '../js/api.js';

// Intl may use a narrow no-break space (U+202F) or a no-break space as the group separator.
const plain = (s) => s.replace(/[\u202f\u00a0]/g, ' ');

test('numbers use the Belgian French format', () => {
  assert.equal(plain(fmt.num(1234.5, 1)), '1 234,5');
  assert.equal(plain(fmt.int(3625453)), '3 625 453');
  assert.equal(plain(fmt.flex(72.5)), '72,5');
  assert.equal(fmt.flex(72), '72');
  assert.equal(plain(fmt.km(12.345)), '12,3 km');
  assert.equal(plain(fmt.hab(1234)), '1 234 hab.');
  assert.equal(plain(fmt.pct(0.1234)), '12,3 %');
  assert.equal(plain(fmt.eur(5064633)), '5 064 633 EUR');
  assert.equal(fmt.signed(-1.25, 2), '\u22121,25');
  assert.equal(fmt.signed(3), '+3');
  assert.equal(fmt.signed(0, 1), '0,0');
  assert.equal(fmt.num(null), fmt.MISSING);
  assert.equal(fmt.km(undefined), fmt.MISSING);
  assert.equal(fmt.int(Number.NaN), fmt.MISSING);
});

test('numbers inside engine sentences are reformatted, identifiers are not', () => {
  assert.equal(plain(fmt.numbersInText('2871234.5 inhabitants (1.034 %)')), '2 871 234,5 inhabitants (1,034 %)');
  assert.equal(fmt.numbersInText('P90 in EPSG:3812 for 2019-2024, ssmplan 0.1.0'), 'P90 in EPSG:3812 for 2019-2024, ssmplan 0.1.0');
  assert.equal(plain(fmt.numbersInText('10.03 km -> 9.50 km')), '10,03 km -> 9,50 km');
});

test('decimalsFor gives about two significant digits', () => {
  assert.equal(fmt.decimalsFor(0.0123), 3);
  assert.equal(fmt.decimalsFor(1.5), 1);
  assert.equal(fmt.decimalsFor(250), 0);
  assert.equal(fmt.decimalsFor(0), 0);
});

test('URL state round-trips', () => {
  const s = emptyState();
  s.layer = 'norm';
  s.commune = '92094';
  s.site = 'WAL-NAM-PROV-CINEY#1';
  s.tab = 'scenario';
  s.dataset = 'ab12cd34ef56';
  s.reco = { ...RECO_DEFAULTS, model: 'lscp', target_share: 0.9, candidates: 'grid:5000' };
  s.scenario = { add: [{ lat: 50.1, lon: 5.2, kind: 'siege', ssm_id: null }, { lat: 49.9, lon: 5.7, kind: 'antenne', ssm_id: 'WAL-LUX-X' }], remove: ['A#1', 'B#2'] };
  s.expansion = { budget_eur: 500000 };
  s.coordinators = { bands: '2,45,18' };
  s.view = { zoom: 9.5, lat: 50.41, lon: 4.44 };
  const hash = serialiseHash(s);
  assert.match(hash, /^#layer=norm&/);
  assert.match(hash, /add=50\.10000,5\.20000,siege/);
  assert.match(hash, /remove=A%231/);
  const back = parseHash(hash);
  assert.equal(back.layer, 'norm');
  assert.equal(back.commune, '92094');
  assert.equal(back.site, 'WAL-NAM-PROV-CINEY#1');
  assert.equal(back.dataset, 'ab12cd34ef56');
  assert.deepEqual(back.reco, { model: 'lscp', p: 5, radius_km: 10, target_share: 0.9, candidates: 'grid:5000' });
  assert.deepEqual(back.scenario.add, [{ lat: 50.1, lon: 5.2, kind: 'siege', ssm_id: null }, { lat: 49.9, lon: 5.7, kind: 'antenne', ssm_id: 'WAL-LUX-X' }]);
  assert.deepEqual(back.scenario.remove, ['A#1', 'B#2']);
  assert.deepEqual(back.expansion, { budget_eur: 500000 });
  assert.deepEqual(back.coordinators, { bands: '2,45,18' });
  assert.deepEqual(back.view, { zoom: 9.5, lat: 50.41, lon: 4.44 });
  assert.equal(serialiseHash(emptyState()), '');
});

test('malformed URL state is ignored, not fatal', () => {
  const s = parseHash('#add=abc,def&add=50.1,5.2,weird&reco=0&model=mclp&budget_eur=x&view=1/2');
  assert.deepEqual(s.scenario.add, [{ lat: 50.1, lon: 5.2, kind: 'siege', ssm_id: null }]);
  assert.equal(s.reco, null);
  assert.equal(s.expansion, null);
  assert.equal(s.view, null);
  assert.equal(parseHash('').layer, null);
});

test('class breaks and quantiles', () => {
  assert.equal(styles.classOf(0, styles.DISTANCE_BREAKS), 0);
  assert.equal(styles.classOf(5, styles.DISTANCE_BREAKS), 1);
  assert.equal(styles.classOf(29.9, styles.DISTANCE_BREAKS), 4);
  assert.equal(styles.classOf(75, styles.DISTANCE_BREAKS), 5);
  assert.equal(styles.roundSignificant(0.012345, 2), 0.012);
  const values = Array.from({ length: 100 }, (_, i) => i + 1);
  assert.deepEqual(styles.quantileBreaks(values, 5), [20, 40, 60, 80]);
  const b = styles.quantileBreaks([0.1, 0.1, 0.1, 0.2, 0.3, 0.5, 0.8, 1.3, 2.1, 3.4], 5);
  for (let i = 1; i < b.length; i += 1) assert.ok(b[i] > b[i - 1], 'breaks strictly increase');
  assert.deepEqual(styles.quantileBreaks([1], 5), []);
  assert.deepEqual(styles.quantileBreaks([null, undefined, Number.NaN], 5), []);
});

test('every ramp has as many colours as its classes, every legend has a unit', () => {
  assert.equal(styles.RAMPS.distance.length, styles.DISTANCE_BREAKS.length + 1);
  assert.equal(styles.RAMPS.norm.length, styles.NORM_BREAKS.length + 1);
  assert.equal(styles.RAMPS.grid.length, styles.GRID_BREAKS.length + 1);
  assert.equal(styles.RAMPS.typology.length, styles.TYPOLOGY_GROUPS.length);
  for (const { key } of styles.LAYERS) {
    const def = styles.legendFor(key, { accessBreaks: [0.5, 1, 1.5, 2], typologySource: 'reconstructed', arrondissements: [] });
    assert.ok(def.title, `${key} has a title`);
    assert.ok(def.unit, `${key} has a unit`);
    assert.ok(def.items.length >= 2, `${key} has items`);
  }
  for (const hex of Object.values(styles.RAMPS).flat()) assert.match(hex, /^#[0-9a-f]{6}$/i);
});

test('typology legend says reconstructed or official', () => {
  assert.match(styles.legendFor('typology', { typologySource: 'reconstructed' }).title, /RECONSTRUITE \(pas la table IWEPS\)/);
  assert.match(styles.legendFor('typology', { typologySource: 'official' }).title, /officielle/);
  assert.ok(styles.legendFor('typology', {}).items.some((i) => i.label === 'non classée'));
});

test('paint expressions', () => {
  const dist = styles.communeFill('distance')['fill-color'];
  assert.equal(dist[0], 'case');
  const norm = styles.communeFill('norm', { arrondissements: [{ name: 'Namur', norm_deficit_ssm: 2.5 }, { name: 'Arlon', norm_deficit_ssm: -1.5 }] })['fill-color'];
  assert.deepEqual(norm.slice(0, 6), ['match', ['coalesce', ['get', 'arrondissement'], ''], 'Namur', styles.RAMPS.norm[4], 'Arlon', styles.RAMPS.norm[0]]);
  assert.equal(styles.normColour(null), styles.NO_DATA);
  const fc = [
    { properties: { site_id: 'a' }, geometry: { type: 'Polygon', coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]]] } },
    { properties: { site_id: 'b' }, geometry: { type: 'Polygon', coordinates: [[[0.5, 0.5], [2, 0.5], [2, 2], [0.5, 0.5]]] } },
  ];
  const m = styles.catchmentColourExpression(fc);
  assert.equal(m[0], 'match');
  assert.notEqual(m[3], m[5], 'overlapping catchments get different colours');
});

test('caveats are translated from their leading words', () => {
  const summary = { ssm: 36, sites: 39, ssm_agreed: 66 };
  const partial = caveatFr("PARTIAL SITE LIST: 36 SSM (39 sites) known against 66 agreed by AVIQ; distances and deficits are upper bounds", summary);
  assert.equal(partial.level, 'warning');
  assert.match(partial.text, /^Liste partielle des sites : 36 SSM connus \(39 sites\) sur 66 agréés/);
  assert.match(caveatFr('provinces without any known site (artefact of the site list): Luxembourg').text, /Provinces sans aucun site connu.*Luxembourg/);
  assert.match(caveatFr('typology: RECONSTRUCTED by ssmplan, not the IWEPS table (PCA ...)').text, /Typologie RECONSTRUITE/);
  assert.match(caveatFr('AVIQ scope: Wallonia without the 9 German-speaking communes').text, /Périmètre AVIQ/);
  assert.match(plain(caveatFr('ASSUMED FRAMEWORKS: 36 of 36 SSM have no known framework and are assumed to have 5 ETP each').text), /Cadres supposés : 36 SSM sur 36.*5 ETP/);
  const other = caveatFr('something new the engine says');
  assert.equal(other.text, 'something new the engine says');
  assert.equal(other.translated, false);
});

test('recommendation reasons, decisions and summaries in French', () => {
  assert.match(plain(reasonFr('its catchment (61234 inhabitants) reaches the norm of 50000 inhabitants per SSM')), /Son aire de desserte \(61 234 hab\.\) atteint la norme de 50 000/);
  assert.match(plain(reasonFr("its catchment (12000 inhabitants) is below the norm of 50000: an antenne of the nearest existing SSM, SSM de Ciney (14.2 km away)")), /antenne du SSM existant le plus proche, SSM de Ciney \(à 14,2 km\)/);
  assert.equal(reasonFr('unknown text'), 'unknown text');
  assert.equal(decisionFr({ decision: 'new SSM' }), 'nouveau SSM');
  assert.equal(decisionFr({ decision: 'antenne', parent_ssm: 'X' }, new Map([['X', 'SSM de X']])), 'antenne de SSM de X');
  assert.equal(summaryKeyFr('bound / gap'), 'Borne / écart');
  assert.equal(summaryKeyFr('SSM before -> after, norm deficit'), 'SSM avant → après, déficit de la norme');
  assert.equal(plain(summaryValueFr('10.03 km -> 6.96 km')), '10,03 km → 6,96 km');
  assert.match(plain(summaryValueFr('2871234.5 need-weighted inhabitants within the radius (existing sites alone: 2456789.0)')), /2 871 234,5 habitants pondérés par le besoin dans le rayon \(sites existants seuls: 2 456 789,0\)/);
  assert.equal(bandFr('> 3 and <= 9 ETP'), '> 3 et ≤ 9 ETP');
  assert.equal(zoneFr('province:Namur'), 'Province : Namur');
  assert.equal(inputErrorFr('`abc` is not a number'), '« abc » n’est pas un nombre');
});

test('CSV export quotes what needs quoting and starts with a BOM', () => {
  assert.equal(csvField('a,b'), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField(null), '');
  const text = toCsv([{ nis: '92094', name: 'Namur', population: 115000 }, { nis: '84043', name: 'Neufchâteau, ville', population: null }]);
  assert.equal(text, '\ufeffnis,name,population\r\n92094,Namur,115000\r\n84043,"Neufchâteau, ville",\r\n');
  const pts = pointsFromRows([{ rank: 1, lon: 5.1, lat: 50.2 }, { rank: 2, lon: null, lat: null }]);
  assert.equal(pts.length, 1);
  assert.deepEqual(pts[0].geometry.coordinates, [5.1, 50.2]);
  assert.equal(fileName('ssmplan', 'communes', 'élargissement'), 'ssmplan-communes-elargissement');
});

test('geometry helpers', () => {
  const square = { type: 'MultiPolygon', coordinates: [[[[0, 0], [2, 0], [2, 2], [0, 2], [0, 0]], [[0.5, 0.5], [1, 0.5], [1, 1], [0.5, 1], [0.5, 0.5]]]] };
  assert.equal(pointInGeometry(1.5, 1.5, square), true);
  assert.equal(pointInGeometry(0.75, 0.75, square), false, 'in the hole');
  assert.equal(pointInGeometry(3, 3, square), false);
  const d = haversineKm(4.8667, 50.4667, 5.5667, 50.6333); // Namur - Liège, about 53 km
  assert.ok(d > 50 && d < 56, `Namur-Liège ${d}`);
});

test('upload helpers: kind detection and the French error sentence', () => {
  assert.equal(detectKind('ssm_id,site_kind,lat,lon\n'), 'sites');
  assert.equal(detectKind('\ufeffnis;group\n'), 'typology');
  assert.equal(detectKind('nis,group\n', 'sites'), 'sites');
  const err = new ApiError(422, { error: 'upload.csv line 5, field lat: `abc` is not a number', file: 'upload.csv', line: 5, field: 'lat' }, '/api/datasets');
  assert.equal(uploadErrorText(err, 'mes-sites.csv'), 'Ligne 5, champ « lat » : « abc » n’est pas un nombre (fichier mes-sites.csv)');
  assert.match(describeError(new ApiError(400, { error: 'p must be between 1 and 50', parameter: 'p' })), /Requête refusée par le serveur \(400\) : p must be between 1 and 50 — paramètre « p »/);
  assert.match(describeError(new ApiError(500, null)), /Erreur du serveur \(500\)/);
});
