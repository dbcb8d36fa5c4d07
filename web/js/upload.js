// Planning tab "Vos données": a sites CSV and/or a typology CSV, dropped or chosen, posted to
// POST /api/datasets (text/csv with ?kind=sites|typology, or multipart when both are known).
// A refused row (422) is shown in words in #upload-error; on success the page switches to the
// new dataset id (kept in the URL) and reloads every layer.

import * as api from './api.js';
import { el } from './dom.js';
import { int } from './format.js';
import { caveatFr, inputErrorFr } from './i18n.js';

let app = null;
// Texts uploaded in this page's life, so that a later upload of the other kind can be combined
// with it (a dataset = one sites file + one typology file).
const uploaded = { sites: null, typology: null };
const $ = (id) => document.getElementById(id);

export function initUpload(appCtx) {
  app = appCtx;
  const input = $('upload-input');
  const drop = $('upload-drop');
  input.addEventListener('change', () => {
    if (input.files && input.files.length) handleFiles([...input.files]);
    input.value = '';
  });
  for (const ev of ['dragenter', 'dragover']) {
    drop.addEventListener(ev, (e) => {
      e.preventDefault();
      drop.classList.add('is-over');
    });
  }
  for (const ev of ['dragleave', 'drop']) {
    drop.addEventListener(ev, () => drop.classList.remove('is-over'));
  }
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    const files = [...(e.dataTransfer?.files || [])];
    if (files.length) handleFiles(files);
  });
  // Dropping a file elsewhere on the page must not navigate away from it.
  window.addEventListener('dragover', (e) => e.preventDefault());
  window.addEventListener('drop', (e) => e.preventDefault());
  $('upload-reset').addEventListener('click', () => {
    uploaded.sites = null;
    uploaded.typology = null;
    setStatus([]);
    app.setDataset(null);
  });
}

/** Shows whether a user dataset is active (called by main.js after each dataset change). */
export function showDataset(id) {
  $('upload-current').textContent = id ? `Jeu de données actif : ${id}` : 'Données par défaut du serveur (liste partielle des sites).';
  $('upload-reset').hidden = !id;
}

/** "sites" or "typology" from the CSV header (the selector can force it). */
export function detectKind(text, forced = 'auto') {
  if (forced === 'sites' || forced === 'typology') return forced;
  const header = String(text).replace(/^\ufeff/, '').split(/\r?\n/, 1)[0].toLowerCase();
  const cols = header.split(/[;,\t]/).map((c) => c.trim().replace(/^"|"$/g, ''));
  if (cols.includes('ssm_id') || cols.includes('site_kind')) return 'sites';
  if (cols.includes('nis') && (cols.includes('group') || cols.includes('groupe') || cols.includes('typology'))) return 'typology';
  return 'sites';
}

/**
 * French sentence for a refused upload: "Ligne 5, champ « lat » : `abc` is not a number
 * (fichier sites.csv)". The server's message starts with "<file> line N, field F: ", which is
 * dropped because the line and field are said in French first.
 */
export function uploadErrorText(err, fileName) {
  if (!(err instanceof api.ApiError)) return api.describeError(err);
  const detail = inputErrorFr(String(err.message).replace(/^.*?\bline \d+(?:, field [^:]+)?:\s*/i, ''));
  const where = [];
  if (err.line !== null && err.line !== undefined) where.push(`Ligne ${err.line}`);
  if (err.field) where.push(`champ « ${err.field} »`);
  const file = fileName || err.file;
  const prefix = where.length ? `${where.join(', ')} : ` : `Fichier refusé (${err.status}) : `;
  return `${prefix}${detail}${file ? ` (fichier ${file})` : ''}`;
}

async function handleFiles(files) {
  api.clearError();
  $('upload-error').hidden = true;
  const forced = $('upload-kind').value;
  const batch = {};
  const names = {};
  for (const f of files.slice(0, 2)) {
    if (!/\.(csv|txt)$/i.test(f.name) && f.type && !/csv|text/.test(f.type)) {
      showUploadError(`« ${f.name} » n’est pas un fichier CSV.`);
      return;
    }
    const text = await f.text();
    const kind = detectKind(text, files.length === 1 ? forced : 'auto');
    batch[kind] = text;
    names[kind] = f.name;
  }
  const sites = batch.sites ?? uploaded.sites?.text ?? null;
  const typology = batch.typology ?? uploaded.typology?.text ?? null;
  const sitesName = names.sites ?? uploaded.sites?.name ?? null;
  const typologyName = names.typology ?? uploaded.typology?.name ?? null;
  // On top of the active dataset (the server replaces the kind sent and keeps the rest).
  const opts = { showErrors: false, withDataset: true, label: 'chargement du fichier' };
  let result;
  try {
    if (sites !== null && typology !== null) {
      const form = new FormData();
      form.append('sites', new Blob([sites], { type: 'text/csv' }), sitesName || 'sites.csv');
      form.append('typology', new Blob([typology], { type: 'text/csv' }), typologyName || 'typology.csv');
      result = await api.postForm('/api/datasets', form, {}, opts);
    } else if (sites !== null) {
      result = await api.postCsv('/api/datasets', sites, { kind: 'sites', name: sitesName || 'sites.csv' }, opts);
    } else {
      result = await api.postCsv('/api/datasets', typology, { kind: 'typology', name: typologyName || 'typology.csv' }, opts);
    }
  } catch (e) {
    // Name the user's file: the server's `file` when it is one of ours, else the file just sent.
    const ours = [sitesName, typologyName].filter(Boolean);
    const kinds = Object.keys(batch);
    const only = kinds.length === 1 ? names[kinds[0]] : null;
    const name = e.file && ours.includes(e.file) ? e.file : only || e.file || null;
    showUploadError(uploadErrorText(e, name));
    return;
  }
  if (batch.sites) uploaded.sites = { text: batch.sites, name: names.sites };
  if (batch.typology) uploaded.typology = { text: batch.typology, name: names.typology };
  const lines = [`Jeu de données chargé : ${int(result.ssm)} SSM, ${int(result.sites)} sites.`];
  lines.push(result.typology === 'official' ? 'Typologie : table officielle chargée.' : 'Typologie : pas de table officielle (reconstruite par le moteur).');
  setStatus(lines, result.caveats || []);
  await app.setDataset(result.dataset);
}

function setStatus(lines, caveats = []) {
  const box = $('upload-status');
  box.replaceChildren(
    ...lines.map((t, i) => el('p', { class: i === 0 ? 'success' : 'hint' }, t)),
    ...caveats.map((c) => {
      const fr = caveatFr(c);
      return el('p', { class: `note note-${fr.level}` }, fr.text);
    }),
  );
}

function showUploadError(text) {
  const box = $('upload-error');
  box.textContent = text;
  box.hidden = false;
  if (window.ssmplan) window.ssmplan.lastError = text;
}
