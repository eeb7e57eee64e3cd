// Building the page from data. Everything goes through text nodes and attributes,
// never through HTML strings, so a service or app name can never become markup (XSS).

const SVG = 'http://www.w3.org/2000/svg';

function build(el, attrs, children) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k === 'value' && 'value' in el) el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// h('a', {href: '#/'}, 'Overview') makes an HTML element.
export const h = (tag, attrs, ...children) => build(document.createElement(tag), attrs, children);

// s('rect', {x: 1}) makes an SVG element.
export const s = (tag, attrs, ...children) => build(document.createElementNS(SVG, tag), attrs, children);

// mount replaces the contents of el.
export function mount(el, ...children) {
  el.replaceChildren();
  build(el, {}, children);
  return el;
}

// fmt formats a count compactly: 1234 -> "1.2k".
export function fmt(n) {
  if (n === undefined || n === null) return '–';
  const abs = Math.abs(n);
  if (abs >= 1e9) return (n / 1e9).toFixed(1).replace(/\.0$/, '') + 'G';
  if (abs >= 1e6) return (n / 1e6).toFixed(1).replace(/\.0$/, '') + 'M';
  if (abs >= 1e4) return (n / 1e3).toFixed(1).replace(/\.0$/, '') + 'k';
  return Number.isInteger(n) ? String(n) : n.toFixed(1);
}

// ago says how long ago t (an ISO time) was.
export function ago(t) {
  if (!t) return '';
  const sec = Math.max(0, Math.round((Date.now() - new Date(t).getTime()) / 1000));
  if (sec < 90) return sec + ' s ago';
  if (sec < 5400) return Math.round(sec / 60) + ' min ago';
  if (sec < 172800) return Math.round(sec / 3600) + ' h ago';
  return Math.round(sec / 86400) + ' days ago';
}

// card is one figure on a page's summary row.
export const card = (label, value, note, id) =>
  h('div', {class: 'card', id}, h('div', {class: 'label'}, label), h('div', {class: 'value'}, value),
    note ? h('div', {class: 'note'}, note) : null);

// badge is a small coloured word: ok, warn, bad, muted.
export const badge = (text, kind = 'muted') => h('span', {class: 'badge ' + kind}, text);

// table builds a table from column titles and rows of cells.
export function table(cols, rows, empty = 'Nothing here yet.') {
  if (!rows.length) return h('p', {class: 'empty'}, empty);
  return h('table', {},
    h('thead', {}, h('tr', {}, cols.map(c => h('th', {}, c)))),
    h('tbody', {}, rows.map(r => h('tr', {}, r.map(c => h('td', {}, c))))));
}

// confirmButton asks for a second click before doing something that cannot be undone.
export function confirmButton(label, action, id) {
  const b = h('button', {class: 'danger', type: 'button', id});
  let armed = false;
  let timer = 0;
  const reset = () => { armed = false; b.textContent = label; };
  reset();
  b.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      b.textContent = 'Click again to ' + label.toLowerCase();
      timer = setTimeout(reset, 4000);
      return;
    }
    clearTimeout(timer);
    reset();
    await action();
  });
  return b;
}
