// Fetch wrapper for the ssmplan JSON API.
// - every call adds `?dataset=<id>` when a user dataset is active;
// - while any request runs, the progress indicator (#progress: spinner + "Calcul en cours…")
//   is shown and window.ssmplan.busy counts the requests in flight;
// - a 4xx/5xx answer becomes an ApiError carrying the server's `{"error", "parameter", "file",
//   "line", "field"}`; unless the caller handles it, the error is shown in words in #error.

let dataset = null;
let inFlight = 0;
const labels = new Map(); // request number -> short French description of what runs
let requestNumber = 0;
const busyListeners = [];

/** Sets the dataset id sent with every request (null: the server's default data). */
export function setDataset(id) {
  dataset = id || null;
}

export function currentDataset() {
  return dataset;
}

/** Calls `fn(count)` whenever the number of requests in flight changes. */
export function onBusyChange(fn) {
  busyListeners.push(fn);
}

export function busyCount() {
  return inFlight;
}

/** An answer of the server other than 2xx, with the fields of its JSON error body. */
export class ApiError extends Error {
  constructor(status, body, path) {
    const message = body && typeof body.error === 'string' ? body.error : `HTTP ${status}`;
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.path = path;
    this.body = body || null;
    this.parameter = body?.parameter ?? null;
    this.file = body?.file ?? null;
    this.line = body?.line ?? null;
    this.field = body?.field ?? null;
  }
}

/** The server could not be reached or did not answer JSON. */
export class NetworkError extends Error {
  constructor(message, path) {
    super(message);
    this.name = 'NetworkError';
    this.path = path;
  }
}

/** A French sentence describing any error thrown by this module. */
export function describeError(err) {
  if (err instanceof ApiError) {
    const where = [];
    if (err.parameter) where.push(`paramètre « ${err.parameter} »`);
    if (err.file) where.push(`fichier « ${err.file} »`);
    if (err.line !== null && err.line !== undefined) where.push(`ligne ${err.line}`);
    if (err.field) where.push(`champ « ${err.field} »`);
    const kind = err.status >= 500 ? 'Erreur du serveur' : 'Requête refusée par le serveur';
    return `${kind} (${err.status}) : ${err.message}${where.length ? ` — ${where.join(', ')}` : ''}.`;
  }
  if (err instanceof NetworkError) return err.message;
  return `Erreur inattendue : ${err && err.message ? err.message : String(err)}`;
}

function withQuery(path, params, withDataset = true) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params || {})) {
    if (v !== null && v !== undefined && v !== '') q.set(k, String(v));
  }
  if (withDataset && dataset && !q.has('dataset')) q.set('dataset', dataset);
  const text = q.toString();
  return text ? `${path}?${text}` : path;
}

function setBusy(delta, n, label) {
  inFlight += delta;
  if (delta > 0) labels.set(n, label);
  else labels.delete(n);
  const el = document.getElementById('progress');
  if (el) {
    el.hidden = inFlight === 0;
    const detail = el.querySelector('.progress-detail');
    if (detail) detail.textContent = [...new Set(labels.values())].filter(Boolean).join(' · ');
  }
  document.documentElement.classList.toggle('is-busy', inFlight > 0);
  for (const fn of busyListeners) fn(inFlight);
}

/**
 * One request. options: { method, body, headers, signal, label (French, shown next to the
 * spinner), showErrors (default true: failures are also shown in #error), withDataset (default
 * true: add the active dataset id) }.
 * Resolves to the parsed JSON body; rejects with ApiError / NetworkError / AbortError.
 */
export async function request(path, params, options = {}) {
  const url = withQuery(path, params, options.withDataset !== false);
  const n = ++requestNumber;
  setBusy(+1, n, options.label || '');
  try {
    let response;
    try {
      response = await fetch(url, {
        method: options.method || 'GET',
        headers: { accept: 'application/json', ...(options.headers || {}) },
        body: options.body,
        signal: options.signal,
      });
    } catch (e) {
      if (e && e.name === 'AbortError') throw e;
      throw new NetworkError(`Le serveur ne répond pas (${path}). Vérifiez qu’il tourne toujours, puis rechargez la page.`, path);
    }
    const text = await response.text();
    let body = null;
    try {
      body = text ? JSON.parse(text) : null;
    } catch {
      body = null;
    }
    if (!response.ok) {
      // An error body that is not JSON (a proxy page, a panic message): keep its first line.
      const fallback = body ?? (text ? { error: text.split('\n')[0].slice(0, 300) } : null);
      throw new ApiError(response.status, fallback, path);
    }
    if (body === null) {
      throw new NetworkError(`Réponse inattendue du serveur pour ${path} (pas du JSON).`, path);
    }
    return body;
  } catch (e) {
    if (e && e.name !== 'AbortError' && options.showErrors !== false) showError(describeError(e));
    throw e;
  } finally {
    setBusy(-1, n);
  }
}

export function get(path, params, options = {}) {
  return request(path, params, options);
}

export function postJson(path, body, params, options = {}) {
  return request(path, params, {
    ...options,
    method: 'POST',
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json' },
  });
}

export function postCsv(path, text, params, options = {}) {
  return request(path, params, {
    ...options,
    method: 'POST',
    body: text,
    headers: { 'content-type': 'text/csv; charset=utf-8' },
  });
}

export function postForm(path, form, params, options = {}) {
  // No content-type header: the browser sets multipart/form-data with its boundary.
  return request(path, params, { ...options, method: 'POST', body: form });
}

// ---------------------------------------------------------------------------------------------
// The message area (#error): visible, dismissable, also recorded in window.ssmplan.lastError.

export function showError(message) {
  const el = document.getElementById('error');
  if (window.ssmplan) window.ssmplan.lastError = message;
  if (!el) return;
  el.querySelector('.error-text').textContent = message;
  el.hidden = false;
}

/** Hides #error and resets window.ssmplan.lastError (called when the user starts a new action). */
export function clearError() {
  const el = document.getElementById('error');
  if (el) el.hidden = true;
  if (window.ssmplan) window.ssmplan.lastError = null;
}
