// Forms that edit one item of the configuration. The API validates a change exactly as
// a configuration file is validated; its field problems are shown beside the input
// that holds the field, and every message is listed at the top as well.

import {h} from './dom.js';

// field is a labelled input. fields lists the configuration paths the input holds
// (the first is its own), so that "targets[1].addr" finds the targets box.
export function field(label, input, fields, hint) {
  const row = h('div', {class: 'field', dataset: {fields: fields.join(' ')}},
    h('label', {for: input.id}, label), input,
    hint ? h('div', {class: 'hint'}, hint) : null,
    h('div', {class: 'error', role: 'alert'}));
  return row;
}

export const text = (id, value = '', attrs = {}) => h('input', {id, name: id, type: 'text', value, autocomplete: 'off', ...attrs});
export const number = (id, value, attrs = {}) => h('input', {id, name: id, type: 'number', value: value ?? '', step: 'any', min: 0, ...attrs});
export const area = (id, value = '', rows = 4) => h('textarea', {id, name: id, rows, spellcheck: 'false'}, value);

export function select(id, options, value) {
  return h('select', {id, name: id},
    options.map(o => h('option', {value: o, selected: o === value ? true : undefined}, o || '(none)')));
}

// json renders an object for a JSON textarea, or '' when it has nothing.
export const json = obj => (obj && Object.keys(obj).length ? JSON.stringify(obj, null, 2) : '');

// parseJSON reads a JSON textarea ('' is {}); a syntax error names the box.
export function parseJSON(value, what) {
  if (!value.trim()) return {};
  try {
    const v = JSON.parse(value);
    if (v && typeof v === 'object' && !Array.isArray(v)) return v;
  } catch (e) {
    throw new FormError(what, 'not valid JSON: ' + e.message);
  }
  throw new FormError(what, 'want a JSON object { ... }');
}

// list splits "a, b" or one-per-line text into a list.
export const list = v => v.split(/[\n,]/).map(x => x.trim()).filter(Boolean);

// FormError is a problem found before sending, shaped like the API's field problems.
export class FormError extends Error {
  constructor(fieldPath, message) {
    super('invalid input');
    this.fields = [{field: fieldPath, message}];
  }
}

// clearErrors removes the messages of the last attempt.
export function clearErrors(form) {
  form.querySelectorAll('.field').forEach(f => {
    f.classList.remove('invalid');
    f.querySelector('.error').textContent = '';
  });
  form.querySelector('.summary')?.replaceChildren();
}

// showErrors puts each field problem beside its input (the longest matching path
// wins) and lists them all in the form's summary.
export function showErrors(form, err) {
  clearErrors(form);
  const summary = form.querySelector('.summary');
  const items = [];
  for (const f of err.fields || []) {
    const where = f.field || f.path || '';
    const row = findRow(form, where);
    const msg = where ? `${where}: ${f.message}` : f.message;
    if (row) {
      row.classList.add('invalid');
      const box = row.querySelector('.error');
      box.textContent = (box.textContent ? box.textContent + '\n' : '') + msg;
    }
    items.push(h('li', {}, msg));
  }
  summary.append(h('div', {class: 'alert bad'}, h('strong', {}, explain(err)), items.length ? h('ul', {}, items) : null));
  (form.querySelector('.field.invalid input, .field.invalid textarea, .field.invalid select') || summary).focus?.();
}

function explain(err) {
  if (err.status === 412) {
    return 'Someone changed the configuration since this form was opened. Reload the page to see the latest, then make your change again.';
  }
  const msg = err.message || 'the change failed';
  return msg[0].toUpperCase() + msg.slice(1);
}

function findRow(form, path) {
  let best = null;
  let bestLen = -1;
  for (const row of form.querySelectorAll('.field')) {
    for (const p of row.dataset.fields.split(' ')) {
      const hit = path === p || path.startsWith(p + '.') || path.startsWith(p + '[');
      if (hit && p.length > bestLen) { best = row; bestLen = p.length; }
    }
  }
  return best;
}

// editForm builds a form whose submit runs save(); errors land beside their fields.
export function editForm(id, rows, submitLabel, save, cancelHref) {
  const form = h('form', {id, class: 'edit', novalidate: true},
    h('div', {class: 'summary', tabindex: '-1'}),
    rows,
    h('div', {class: 'actions'},
      h('button', {type: 'submit', class: 'primary', id: id + '-submit'}, submitLabel),
      cancelHref ? h('a', {href: cancelHref, class: 'button'}, 'Cancel') : null));
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const btn = form.querySelector('button[type=submit]');
    btn.disabled = true;
    clearErrors(form);
    try {
      await save(form);
    } catch (err) {
      if (!err.fields && !err.status) console.error(err);
      showErrors(form, err);
    } finally {
      btn.disabled = false;
    }
  });
  return form;
}

// value reads an input of the form by id.
export const value = (form, id) => form.querySelector('#' + id).value.trim();
