// Small DOM helpers. Text is always set through textContent (server strings are never parsed as HTML).

/**
 * el('p', { class: 'x', id: 'y', onclick: fn, hidden: true }, ['text', childNode, null])
 * Attributes starting with "on" become listeners; `true` sets a boolean attribute; null/false skip.
 */
export function el(tag, attrs = {}, children = []) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') node.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(node.dataset, v);
    else if (v === true) node.setAttribute(k, '');
    else node.setAttribute(k, String(v));
  }
  const list = Array.isArray(children) ? children : [children];
  for (const c of list) {
    if (c === null || c === undefined || c === false) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

/** A definition list from [label, value, title?] rows (value: text or node). */
export function figures(rows, className = 'figures') {
  const dl = el('dl', { class: className });
  for (const row of rows) {
    if (!row) continue;
    const [label, value, title] = row;
    dl.appendChild(el('dt', {}, label));
    dl.appendChild(el('dd', title ? { title } : {}, value));
  }
  return dl;
}

/**
 * A table: columns [{ label, value: (row) => text|node, num: bool, title }], rows.
 * Numeric columns are right-aligned.
 */
export function table(columns, rows, { caption = null, id = null, className = 'data-table' } = {}) {
  const t = el('table', { class: className, id });
  if (caption) t.appendChild(el('caption', {}, caption));
  const head = el('tr', {}, columns.map((c) => el('th', { scope: 'col', class: c.num ? 'num' : null, title: c.title || null }, c.label)));
  t.appendChild(el('thead', {}, [head]));
  const body = el('tbody');
  for (const r of rows) {
    const tr = el('tr', r.__class ? { class: r.__class } : {});
    columns.forEach((c, i) => {
      const v = c.value(r);
      const cls = [c.num ? 'num' : null, c.wrap ? 'wrap' : null].filter(Boolean).join(' ') || null;
      const cell = el(i === 0 && c.rowHeader ? 'th' : 'td', { class: cls, scope: i === 0 && c.rowHeader ? 'row' : null });
      if (v instanceof Node) cell.appendChild(v);
      else cell.textContent = v === null || v === undefined ? '' : String(v);
      tr.appendChild(cell);
    });
    body.appendChild(tr);
  }
  t.appendChild(body);
  return t;
}

/** Offers `text` as a file download (client-side, no server round trip). */
export function download(filename, text, type) {
  const blob = new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: filename });
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}
