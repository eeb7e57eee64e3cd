// Services: the list, one service's page (targets with live health, routes, traffic
// per hour, settings), and the form that creates or edits one.

import {call, get, enc} from './api.js';
import {h, mount, card, badge, fmt, table, ago, confirmButton} from './dom.js';
import {hourChart} from './chart.js';
import {pagedList} from './list.js';
import {field, text, select, area, json, parseJSON, FormError, editForm, value} from './form.js';
import {routeMatch, middlewareSummary} from './routes.js';

const PROTOCOLS = ['http', 'https', 'h2c', 'grpc', 'tcp'];
const POLICIES = ['round_robin', 'weighted_round_robin', 'random', 'consistent_hash', 'bounded_hash', 'least_conn', 'peak_ewma'];
const ADVANCED = ['health', 'upstream', 'tls', 'discovery'];

// targetState is a target's health as a badge.
function targetState(t) {
  if (t.ejected) return badge('ejected', 'warn');
  return t.healthy ? badge('healthy', 'ok') : badge('down', 'bad');
}

function upCount(health) {
  if (!health) return '–';
  const up = health.targets.filter(t => t.healthy && !t.ejected).length;
  return badge(`${up} / ${health.targets.length}`, up === health.targets.length ? 'ok' : up ? 'warn' : 'bad');
}

export async function list(view, ctx) {
  const extra = async () => {
    const [stats, health] = await Promise.all([get('/stats'), get('/health')]);
    return {stats, health: Object.fromEntries(health.services.map(s => [s.service, s]))};
  };
  mount(view,
    h('div', {class: 'title'}, h('h1', {}, 'Services'), h('a', {href: '#/services/new', class: 'button primary', id: 'new-service'}, 'New service')),
    pagedList(ctx, {
      id: 'services', path: '/services', extra,
      columns: ['Service', 'Protocol', 'Balancing', 'Targets up', 'Today', 'Req/s'],
      row: (s, {stats, health}) => {
        const c = stats.services[s.name] || {};
        return [h('a', {href: '#/services/' + enc(s.name)}, s.name), s.protocol, s.balancer?.policy,
          upCount(health[s.name]), fmt(c.today || 0), fmt(c.qps || 0)];
      },
      empty: 'No service matches.',
    }));
}

export async function detail(view, ctx, [name]) {
  const {data: svc} = await call('GET', '/services/' + enc(name));
  const cards = h('div', {class: 'cards', id: 'service-cards'});
  const targets = h('div', {id: 'service-targets'});
  const chart = h('div', {id: 'service-chart'});
  const routesBox = h('div', {id: 'service-routes'});
  const remove = confirmButton('Delete', async () => {
    try {
      await call('DELETE', '/services/' + enc(name));
      ctx.flash(`Service ${name} deleted.`);
      ctx.go('#/services');
    } catch (err) { ctx.error(err); }
  }, 'delete-service');
  mount(view,
    h('div', {class: 'title'},
      h('h1', {}, name, ' ', badge(svc.protocol)),
      h('div', {class: 'actions'},
        h('a', {href: `#/routes/new?service=${enc(name)}`, class: 'button', id: 'add-route'}, 'Add route'),
        h('a', {href: `#/services/${enc(name)}/edit`, class: 'button', id: 'edit-service'}, 'Edit'),
        remove)),
    cards,
    h('section', {class: 'panel'}, h('h2', {}, 'Targets'), targets),
    h('section', {class: 'panel'}, chart),
    h('section', {class: 'panel'}, h('h2', {}, 'Routes to this service'), routesBox),
    h('section', {class: 'panel'}, h('h2', {}, 'Settings'), settings(svc)));

  async function live() {
    const [stats, health] = await Promise.all([get('/stats'), get('/health?service=' + enc(name))]);
    if (!ctx.alive()) return;
    const c = stats.services[name] || {today: 0, qps: 0, total: 0};
    const hs = health.services[0];
    mount(cards,
      card('Requests today', fmt(c.today), fmt(c.total) + ' since start', 'service-today'),
      card('Requests / s', fmt(c.qps), null, 'service-qps'),
      card('Targets up', upCount(hs), null, 'service-up'),
      card('Balancing', svc.balancer?.policy || 'round_robin', usesHashKey(svc.balancer?.policy) ? 'key: ' + svc.balancer.hash_key : null));
    mount(targets, table(['Target', 'Weight', 'State', 'In flight', 'Since', 'Last error'],
      (hs?.targets || []).map(t => [h('code', {}, t.addr), t.weight, targetState(t), t.in_flight, ago(t.since), t.last_error || ''])));
  }

  async function slow() {
    const [hourly, rs] = await Promise.all([
      get('/stats/hourly?counter=service:' + enc(name)),
      get('/routes?size=100&service=' + enc(name)),
    ]);
    if (!ctx.alive()) return;
    mount(chart, hourChart({title: 'Requests per hour', bars: hourly.today, barLabel: 'today', line: hourly.yesterday, lineLabel: 'yesterday'}));
    mount(routesBox, table(['Route', 'Match', 'Middleware', ''],
      rs.items.map(r => [r.name, routeMatch(r), middlewareSummary(r.middleware), h('a', {href: `#/routes/${enc(r.name)}/edit`}, 'edit')]),
      'No route sends traffic here yet: add one.'));
  }

  await Promise.all([live(), slow()]);
  ctx.every(3000, live);
  ctx.every(10000, slow);
}

// settings says in words what the service's other settings do.
function settings(svc) {
  const a = svc.health?.active;
  const p = svc.health?.passive;
  const u = svc.upstream || {};
  const rows = [
    ['Active health checks', a
      ? `${a.type}${a.type === 'http' ? ' GET ' + a.path : ''} every ${a.interval}, timeout ${a.timeout}; ` +
        `up after ${a.rise} passes, down after ${a.fall} failures`
      : 'off (targets count as healthy)'],
    ['Passive ejection', p
      ? `after ${p.consecutive_failures} failures in a row, for ${p.base_ejection} up to ${p.max_ejection}; ` +
        `at most ${p.max_ejection_percent}% of targets out`
      : 'off'],
    ['Upstream connections', `dial timeout ${u.dial_timeout}, ${u.max_idle_conns_per_host} idle per target` +
      (u.max_conns_per_host ? `, at most ${u.max_conns_per_host} per target` : '') +
      (u.response_header_timeout && u.response_header_timeout !== '0s' ? `, answer headers within ${u.response_header_timeout}` : '')],
    ['Retries', u.retries === -1 ? 'none' : `${u.retries || 0} (idempotent requests, on another target)`],
  ];
  if (svc.tls) rows.push(['TLS to targets', `server name ${svc.tls.server_name || '(the target host)'}, CA ${svc.tls.ca_file || 'system roots'}`]);
  if (svc.discovery) rows.push(['Discovery', `etcd registry name "${svc.discovery.service}"`]);
  return h('dl', {class: 'settings'}, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

// usesHashKey reports whether a policy hashes a request key.
const usesHashKey = policy => policy === 'consistent_hash' || policy === 'bounded_hash';

function targetsText(targets = []) {
  return targets.map(t => (t.weight && t.weight !== 1 ? `${t.addr} ${t.weight}` : t.addr)).join('\n');
}

// parseTargets reads "host:port [weight]" lines.
function parseTargets(textValue) {
  return textValue.split('\n').map(l => l.trim()).filter(Boolean).map((line, i) => {
    const [addr, weight, extra] = line.split(/\s+/);
    if (extra !== undefined) throw new FormError(`targets[${i}]`, `"${line}": want host:port and an optional weight`);
    if (weight === undefined) return {addr};
    if (!/^\d+$/.test(weight)) throw new FormError(`targets[${i}].weight`, `"${weight}" is not a whole number`);
    return {addr, weight: Number(weight)};
  });
}

export async function edit(view, ctx, [name]) {
  let svc = {protocol: 'http', balancer: {policy: 'round_robin'}};
  let etag = null;
  if (name) ({data: svc, etag} = await call('GET', '/services/' + enc(name)));
  // Empty health settings mean no checks: leave them out of the box. (An empty tls or
  // discovery is meaningful: TLS with the system roots, discovery under the service's name.)
  const advanced = Object.fromEntries(ADVANCED.filter(k => svc[k] && !(k === 'health' && !Object.keys(svc[k]).length))
    .map(k => [k, svc[k]]));
  const form = editForm('service-form', [
    field('Name', text('svc-name', svc.name, {disabled: name ? true : undefined}), ['name'], 'a-z, 0-9, _ and -; routes refer to the service by it'),
    field('Protocol', select('svc-protocol', PROTOCOLS, svc.protocol), ['protocol']),
    field('Targets', area('svc-targets', targetsText(svc.targets), 4), ['targets'], 'one per line: host:port and an optional weight, e.g. 10.0.0.5:8080 3'),
    field('Balancing policy', select('svc-policy', POLICIES, svc.balancer?.policy || 'round_robin'), ['balancer.policy', 'balancer']),
    field('Hash key', text('svc-hash-key', svc.balancer?.hash_key === 'ip' ? '' : svc.balancer?.hash_key || ''), ['balancer.hash_key'],
      'for the hash policies: ip (default), path, header:NAME or cookie:NAME'),
    field('Health checks, upstream, TLS, discovery', area('svc-advanced', json(advanced), 8), ADVANCED,
      'JSON with the config file\'s names, e.g. {"health": {"active": {"path": "/healthz"}, "passive": {}}}'),
  ], name ? 'Save' : 'Create service', async f => {
    const body = {...svc};
    ADVANCED.forEach(k => delete body[k]);
    Object.assign(body, parseJSON(value(f, 'svc-advanced'), 'health'), {
      name: name || value(f, 'svc-name'),
      protocol: value(f, 'svc-protocol'),
      targets: parseTargets(value(f, 'svc-targets')),
      balancer: {...svc.balancer, policy: value(f, 'svc-policy'), hash_key: value(f, 'svc-hash-key') || undefined},
    });
    if (name) await call('PUT', '/services/' + enc(name), body, {ifMatch: etag});
    else await call('POST', '/services', body);
    ctx.flash(`Service ${body.name} ${name ? 'saved' : 'created'}.`);
    ctx.go('#/services/' + enc(body.name));
  }, name ? '#/services/' + enc(name) : '#/services');
  mount(view, h('h1', {}, name ? `Edit service ${name}` : 'New service'), form);
}
