// Planning tab "Élargissement de cadre": GET /api/expansion?budget_eur=…, the SSM receiving ETP
// (before → after), the Gini index before → after, and the ASSUMED FRAMEWORKS caveat in French.

import * as api from './api.js';
import { el, table, figures, download } from './dom.js';
import { flex, int, num, hab } from './format.js';
import { summaryKeyFr, summaryValueFr, caveatFr } from './i18n.js';
import { toCsv, columnsOf, fileName } from './export.js';

let app = null;
let last = null;
const $ = (id) => document.getElementById(id);

export function initExpansion(appCtx) {
  app = appCtx;
  $('expansion-form').addEventListener('submit', (e) => {
    e.preventDefault();
    run({ budget_eur: Number($('expansion-budget').value) });
  });
  $('expansion-export-csv').addEventListener('click', () => {
    const rows = last?.tables?.frameworks || [];
    if (!rows.length) {
      api.showError('Aucun résultat d’élargissement à exporter : lancez d’abord un calcul.');
      return;
    }
    download(`${fileName('ssmplan', 'elargissement', `${last.parameters?.budget_etp ?? ''}ETP`)}.csv`, toCsv(rows, columnsOf(rows)), 'text/csv;charset=utf-8');
  });
}

export async function run(params) {
  api.clearError();
  $('expansion-budget').value = params.budget_eur;
  const q = { budget_eur: params.budget_eur };
  const cost = $('expansion-cost').value;
  if (cost) q.cost_per_etp = cost;
  let report;
  try {
    report = await api.get('/api/expansion', q, { label: 'élargissement de cadre' });
  } catch {
    $('expansion-results').replaceChildren(el('p', { class: 'note note-warning' }, 'Le calcul a échoué : voir le message en haut de la page.'));
    return;
  }
  last = report;
  app.setState({ expansion: { budget_eur: params.budget_eur } });
  render(report);
}

function render(report) {
  const all = report.tables?.frameworks || [];
  const receiving = all.filter((r) => Number(r.etp_added) > 0).sort((a, b) => b.etp_added - a.etp_added || String(a.ssm_id).localeCompare(String(b.ssm_id)));
  const parts = [];
  // ASSUMED FRAMEWORKS first: the whole result depends on it.
  const known = new Set(app.summary()?.caveats || []);
  for (const c of (report.caveats || []).filter((x) => !known.has(x) || /^ASSUMED FRAMEWORKS/i.test(x))) {
    const fr = caveatFr(c, app.summary());
    parts.push(el('p', { class: `note note-${fr.level}`, title: fr.translated ? `Texte du moteur : ${fr.original}` : null }, fr.text));
  }
  parts.push(figures(Object.entries(report.summary || {}).map(([k, v]) => [summaryKeyFr(k), summaryValueFr(v), `${k}: ${v}`]), 'figures compact'));
  parts.push(table(
    [
      {
        label: 'SSM (habitants de l’aire)',
        value: (r) => el('span', {}, [r.ssm_name || r.ssm_id, el('span', { class: 'cell-sub' }, hab(r.catchment_population))]),
        rowHeader: true,
      },
      { label: 'ETP avant → après', value: (r) => el('span', {}, [`${flex(r.etp_before, 2)} → ${flex(r.etp_after, 2)}`, el('span', { class: 'cell-sub' }, `+${flex(r.etp_added, 2)} ETP`)]), num: true },
      {
        label: 'Hab. pondérés par ETP',
        value: (r) => `${int(r.need_per_etp_before)} → ${int(r.need_per_etp_after)}`,
        num: true,
        wrap: true,
        title: 'habitants pondérés par le besoin (typologie) pour un ETP, avant → après',
      },
    ],
    receiving,
    { caption: `SSM qui reçoivent des ETP (${int(receiving.length)} sur ${int(all.length)})`, id: 'expansion-table' },
  ));
  if (receiving.length === 0) parts.push(el('p', { class: 'hint' }, 'Le budget ne suffit pas pour un pas d’ETP.'));
  const top = receiving[0];
  if (top) {
    parts.push(el('p', { class: 'hint' }, `Le premier bénéficiaire, ${top.ssm_name || top.ssm_id}, dessert ${hab(top.catchment_population)} ; ETP pour 10 000 habitants pondérés : ${num(top.etp_per_10k_need_before, 2)} → ${num(top.etp_per_10k_need_after, 2)}.`));
  }
  $('expansion-results').replaceChildren(...parts);
}
