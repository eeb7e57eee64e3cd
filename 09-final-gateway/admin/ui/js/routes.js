// Routes: the list, and the form that creates or edits one. A route is usually added
// from its service's page ("Add route"), which fills in the service.

import {call, get, enc} from './api.js';
import {h, mount, badge, confirmButton} from './dom.js';
import {pagedList} from './list.js';
import {field, text, area, json, parseJSON, list as splitList, editForm, value} from './form.js';

const ADVANCED = ['middleware', 'headers', 'listeners'];

// routeMatch says what a route matches: hosts, path, methods.
export function routeMatch(r) {
  const path = r.path ? r.path + ' (exact)' : (r.path_prefix || '/') + '…';
  const parts = [(r.hosts || []).join(', '), path, (r.methods || []).join(' ')].filter(Boolean);
  return h('code', {}, parts.join('  '));
}

// middlewareSummary lists the middleware a route runs, shortest words first.
export function middlewareSummary(m = {}) {
  const out = [];
  const add = (word, kind = 'muted') => out.push(badge(word, kind));
  if (m.priority && m.priority !== 'normal') add('priority ' + m.priority);
  if (m.ip) add('ip filter');
  if (m.auth) add('auth: ' + Object.keys(m.auth).join(', '), 'ok');
  for (const rl of m.rate_limits || []) add(`${rl.rate}/s per ${rl.key || 'route'}`, 'warn');
  if (m.max_concurrent) add(`≤ ${m.max_concurrent} at once`);
  if (m.timeout && m.timeout !== '0s') add('timeout ' + m.timeout);
  if (m.breaker) add(`breaker ${m.breaker.error_percent}%`, 'warn');
  if (m.fallback) add('fallback');
  if (m.request_headers || m.response_headers) add('headers');
  if (m.strip_prefix) add('strip ' + m.strip_prefix);
  if (m.rewrite) add('rewrite');
  return out.length ? h('span', {class: 'badges'}, out) : h('span', {class: 'muted'}, 'none');
}

export async function list(view, ctx) {
  mount(view,
    h('div', {class: 'title'}, h('h1', {}, 'Routes'), h('a', {href: '#/routes/new', class: 'button primary', id: 'new-route'}, 'New route')),
    h('p', {class: 'muted'}, 'The longest match wins: an exact path before a prefix, a longer prefix before a shorter one, a host before none.'),
    pagedList(ctx, {
      id: 'routes', path: '/routes',
      columns: ['Route', 'Match', 'Service', 'Middleware', ''],
      row: r => [r.name, routeMatch(r),
        r.service ? h('a', {href: '#/services/' + enc(r.service)}, r.service) : h('span', {class: 'muted'}, 'fallback only'),
        middlewareSummary(r.middleware), h('a', {href: `#/routes/${enc(r.name)}/edit`}, 'edit')],
      empty: 'No route matches.',
    }));
}

export async function edit(view, ctx, [name], params) {
  let route = {service: params.get('service') || ''};
  let etag = null;
  if (name) ({data: route, etag} = await call('GET', '/routes/' + enc(name)));
  const services = await get('/services?size=100');
  // An empty header match means none: leave it out of the box.
  const advanced = Object.fromEntries(ADVANCED.filter(k => route[k] && !(k === 'headers' && !Object.keys(route[k]).length))
    .map(k => [k, route[k]]));
  const back = route.service ? '#/services/' + enc(route.service) : '#/routes';
  const serviceInput = text('route-service', route.service, {list: 'service-names'});
  const form = editForm('route-form', [
    field('Name', text('route-name', route.name || (name ? '' : route.service), {disabled: name ? true : undefined}), ['name']),
    field('Service', h('span', {}, serviceInput,
      h('datalist', {id: 'service-names'}, services.items.map(s => h('option', {value: s.name})))), ['service']),
    field('Path prefix', text('route-prefix', route.path_prefix || (name ? '' : route.service ? '/' + route.service : '')),
      ['path_prefix'], 'matches on segment boundaries: /api matches /api and /api/x, not /apix'),
    field('Exact path', text('route-path', route.path), ['path'], 'instead of a prefix'),
    field('Hosts', text('route-hosts', (route.hosts || []).join(', ')), ['hosts'], 'comma separated; *.example.com matches one label; empty: any host'),
    field('Methods', text('route-methods', (route.methods || []).join(', ')), ['methods'], 'comma separated; empty: any method'),
    field('Middleware, header match, listeners', area('route-advanced', json(advanced), 8), ADVANCED,
      'JSON with the config file\'s names, e.g. {"middleware": {"rate_limits": [{"key": "client_ip", "rate": 10}], "timeout": "5s"}}'),
  ], name ? 'Save' : 'Create route', async f => {
    const body = {...route};
    ADVANCED.forEach(k => delete body[k]);
    Object.assign(body, parseJSON(value(f, 'route-advanced'), 'middleware'), {
      name: name || value(f, 'route-name'),
      service: value(f, 'route-service'),
      path_prefix: value(f, 'route-prefix'),
      path: value(f, 'route-path'),
      hosts: splitList(value(f, 'route-hosts')),
      methods: splitList(value(f, 'route-methods')),
    });
    if (name) await call('PUT', '/routes/' + enc(name), body, {ifMatch: etag});
    else await call('POST', '/routes', body);
    ctx.flash(`Route ${body.name} ${name ? 'saved' : 'created'}.`);
    ctx.go(body.service ? '#/services/' + enc(body.service) : '#/routes');
  }, back);
  const remove = name ? confirmButton('Delete route', async () => {
    try {
      await call('DELETE', '/routes/' + enc(name));
      ctx.flash(`Route ${name} deleted.`);
      ctx.go(back);
    } catch (err) { ctx.error(err); }
  }, 'delete-route') : null;
  mount(view, h('div', {class: 'title'}, h('h1', {}, name ? `Edit route ${name}` : 'New route'), remove), form);
}
