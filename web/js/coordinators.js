// Planning tab "Coordinateurs": GET /api/budget/coordinators?bands=A,B,C, the table by framework
// band and the total in EUR a year.

import * as api from './api.js';
import { el, table } from './dom.js';
import { flex, int, eur } from './format.js';
import { bandFr } from './i18n.js';

let app = null;
const $ = (id) => document.getElementById(id);

export function initCoordinators(appCtx) {
  app = appCtx;
  $('coord-form').addEventListener('submit', (e) => {
    e.preventDefault();
    run({ bands: ['coord-band-1', 'coord-band-2', 'coord-band-3'].map((id) => $(id).value.trim()).join(',') });
  });
}

export async function run(params) {
  api.clearError();
  const parts = String(params.bands).split(',');
  ['coord-band-1', 'coord-band-2', 'coord-band-3'].forEach((id, i) => {
    if (parts[i] !== undefined) $(id).value = parts[i];
  });
  let report;
  try {
    report = await api.get('/api/budget/coordinators', { bands: params.bands }, { label: 'budget des coordinateurs' });
  } catch {
    $('coord-results').replaceChildren(el('p', { class: 'note note-warning' }, 'Le calcul a échoué : voir le message en haut de la page.'));
    return;
  }
  app.setState({ coordinators: { bands: params.bands } });
  render(report);
}

function render(report) {
  const rows = (report.tables?.bands || []).map((r) => ({ ...r, __class: r.band === 'total' ? 'total-row' : null }));
  const total = rows.find((r) => r.band === 'total');
  const cost = report.parameters?.cost_per_etp_eur;
  const parts = [
    table(
      [
        { label: 'Taille du cadre', value: (r) => bandFr(r.band), rowHeader: true },
        { label: 'SSM', value: (r) => int(r.ssm), num: true },
        { label: 'ETP coordinateur par SSM', value: (r) => (r.coordinator_etp_per_ssm === null || r.coordinator_etp_per_ssm === undefined ? '' : flex(r.coordinator_etp_per_ssm, 2)), num: true },
        { label: 'ETP coordinateur', value: (r) => flex(r.coordinator_etp, 2), num: true },
        { label: 'Coût (EUR par an)', value: (r) => eur(r.cost_eur), num: true },
      ],
      rows,
      { caption: 'Budget des coordinateurs par taille de cadre', id: 'coord-table' },
    ),
    total ? el('p', { class: 'total-line', id: 'coord-total' }, `Total : ${eur(total.cost_eur)} par an pour ${flex(total.coordinator_etp, 2)} ETP de coordination (${int(total.ssm)} SSM).`) : null,
    cost ? el('p', { class: 'hint' }, `Coût d’un ETP : ${eur(cost)} par an${Number(cost) === 96012 ? ' (barème IFIC catégorie 18, 5 ans d’ancienneté)' : ''}.`) : null,
  ];
  $('coord-results').replaceChildren(...parts.filter(Boolean));
}
