// Apps (tenants): the list, one app's page (usage against its quota, secret rotation,
// a test token), and the form that creates or edits one.

import {call, get, enc} from './api.js';
import {h, mount, card, fmt, confirmButton} from './dom.js';
import {hourChart} from './chart.js';
import {pagedList} from './list.js';
import {field, text, number, area, list as splitList, editForm, value, FormError} from './form.js';

// usage draws today's use of a quota as a bar.
function usage(today, quota) {
  if (!quota) return h('span', {}, fmt(today), h('span', {class: 'muted'}, ' (no quota)'));
  const pct = Math.min(100, (100 * today) / quota);
  const kind = pct >= 90 ? 'bad' : pct >= 70 ? 'warn' : 'ok';
  return h('span', {class: 'usage'},
    h('progress', {class: kind, max: quota, value: Math.min(today, quota)}),
    ` ${fmt(today)} / ${fmt(quota)}`);
}

export async function list(view, ctx) {
  mount(view,
    h('div', {class: 'title'}, h('h1', {}, 'Apps'), h('a', {href: '#/apps/new', class: 'button primary', id: 'new-app'}, 'New app')),
    h('p', {class: 'muted'}, 'Apps (tenants) get tokens from the token endpoint with their id and secret; routes with auth.apps accept those tokens and enforce the app\'s QPS, quota and allowed IPs.'),
    pagedList(ctx, {
      id: 'apps', path: '/apps', extra: () => get('/stats'),
      columns: ['App', 'Name', 'QPS', 'Daily quota used', 'Req/s'],
      row: (a, stats) => {
        const c = stats.apps[a.id] || {};
        return [h('a', {href: '#/apps/' + enc(a.id)}, a.id), a.name || '', a.qps ? `${a.qps} (burst ${a.burst || a.qps})` : 'unlimited',
          usage(c.today || 0, a.daily_quota), fmt(c.qps || 0)];
      },
      empty: 'No app matches.',
    }));
}

// created carries a new app's secret to its page, where it is shown once.
let created = null;

// once shows a secret or token that will not be shown again.
function once(title, secret, note) {
  const code = h('code', {class: 'secret', id: 'once-value'}, secret);
  const copy = h('button', {type: 'button', onclick: async () => {
    try { await navigator.clipboard.writeText(secret); copy.textContent = 'Copied'; } catch { window.getSelection().selectAllChildren(code); }
  }}, 'Copy');
  return h('div', {class: 'alert warn once', id: 'once'}, h('strong', {}, title), h('div', {class: 'secret-row'}, code, copy), h('p', {}, note));
}

export async function detail(view, ctx, [id]) {
  const {data: app} = await call('GET', '/apps/' + enc(id));
  const cards = h('div', {class: 'cards', id: 'app-cards'});
  const chart = h('div', {id: 'app-chart'});
  const output = h('div', {id: 'app-output'});
  const rotate = confirmButton('Rotate secret', async () => {
    try {
      const {data} = await call('POST', `/apps/${enc(id)}/secret`);
      mount(output, once('New secret for ' + id, data.secret,
        'Copy it now: only its hash is stored, so it cannot be shown again. The old secret no longer gets tokens.'));
    } catch (err) { ctx.error(err); }
  }, 'rotate-secret');
  rotate.classList.replace('danger', 'warn');
  const issue = h('button', {type: 'button', id: 'issue-token', onclick: async () => {
    try {
      const {data} = await call('POST', `/apps/${enc(id)}/token`);
      mount(output, once('Test token for ' + id, data.token,
        `Valid until ${new Date(data.expires).toLocaleString()}. Try it: curl -H "Authorization: Bearer <token>" on a route with auth.apps.`));
    } catch (err) { ctx.error(err); }
  }}, 'Issue test token');
  const remove = confirmButton('Delete', async () => {
    try {
      await call('DELETE', '/apps/' + enc(id));
      ctx.flash(`App ${id} deleted.`);
      ctx.go('#/apps');
    } catch (err) { ctx.error(err); }
  }, 'delete-app');
  mount(view,
    h('div', {class: 'title'}, h('h1', {}, id, app.name ? h('span', {class: 'muted'}, ' — ' + app.name) : null),
      h('div', {class: 'actions'}, issue, rotate, h('a', {href: `#/apps/${enc(id)}/edit`, class: 'button', id: 'edit-app'}, 'Edit'), remove)),
    output, cards,
    h('section', {class: 'panel'}, chart),
    h('section', {class: 'panel'}, h('h2', {}, 'Allowed client addresses'),
      app.allowed_ips ? h('p', {}, h('code', {}, app.allowed_ips.join(', '))) : h('p', {class: 'muted'}, 'Any address.')));

  if (created?.id === id && created.secret) {
    mount(output, once('Secret for ' + id, created.secret,
      'Copy it now: only its hash is stored, so it cannot be shown again (rotate it to get a new one).'));
  }
  created = null;

  async function refresh() {
    const [stats, hourly] = await Promise.all([get('/stats'), get('/stats/hourly?counter=app:' + enc(id))]);
    if (!ctx.alive()) return;
    const c = stats.apps[id] || {today: 0, qps: 0, total: 0};
    mount(cards,
      card('Requests today', usage(c.today, app.daily_quota), null, 'app-today'),
      card('Requests / s', fmt(c.qps), app.qps ? `limit ${app.qps}/s, burst ${app.burst || app.qps}` : 'no rate limit', 'app-qps'),
      card('Daily quota', app.daily_quota ? fmt(app.daily_quota) : 'none', 'resets at midnight', 'app-daily-quota'));
    // The running total stops at the current hour (the browser's clock; the gateway
    // counts days in its own zone, usually the same).
    let sum = 0;
    const hour = new Date().getHours();
    const running = hourly.today.map((v, i) => (i <= hour || v ? (sum += v) : null));
    mount(chart, hourChart({title: 'Usage against the daily quota', bars: hourly.today, barLabel: 'requests per hour',
      line: running, lineLabel: 'used today', limit: app.daily_quota, limitLabel: 'daily quota'}));
  }
  await refresh();
  ctx.every(5000, refresh);
}

// numberOf reads a number input ('' is 0, the default).
function numberOf(form, id, path) {
  const v = value(form, id);
  if (v === '') return 0;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new FormError(path, `"${v}" is not a number`);
  return n;
}

export async function edit(view, ctx, [id]) {
  let app = {};
  let etag = null;
  if (id) ({data: app, etag} = await call('GET', '/apps/' + enc(id)));
  const form = editForm('app-form', [
    field('ID', text('app-id', app.id, {disabled: id ? true : undefined}), ['id'], 'what the app sends as client_id: letters, digits, _ . -'),
    field('Name', text('app-name', app.name), ['name']),
    field('QPS', number('app-qps', app.qps), ['qps'], 'requests per second; 0: no limit'),
    field('Burst', number('app-burst', app.burst, {step: 1}), ['burst'], 'requests allowed at once; default: the QPS rounded up'),
    field('Daily quota', number('app-quota', app.daily_quota, {step: 1}), ['daily_quota'], 'requests per day; 0: no quota'),
    field('Allowed IPs', area('app-ips', (app.allowed_ips || []).join('\n'), 3), ['allowed_ips'], 'addresses or CIDRs, one per line; empty: any'),
  ], id ? 'Save' : 'Create app', async f => {
    const body = {
      ...app,
      id: id || value(f, 'app-id'),
      name: value(f, 'app-name'),
      qps: numberOf(f, 'app-qps', 'qps'),
      burst: numberOf(f, 'app-burst', 'burst'),
      daily_quota: numberOf(f, 'app-quota', 'daily_quota'),
      allowed_ips: splitList(value(f, 'app-ips')),
    };
    if (id) {
      await call('PUT', '/apps/' + enc(id), body, {ifMatch: etag});
      ctx.flash(`App ${id} saved.`);
      ctx.go('#/apps/' + enc(id));
      return;
    }
    const {data} = await call('POST', '/apps', body);
    created = {id: body.id, secret: data.secret};
    ctx.flash(`App ${body.id} created.`);
    ctx.go('#/apps/' + enc(body.id));
  }, id ? '#/apps/' + enc(id) : '#/apps');
  mount(view, h('h1', {}, id ? `Edit app ${id}` : 'New app'), form);
}
