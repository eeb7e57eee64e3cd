// Overview: live QPS, requests per hour today against yesterday, error rate, counts,
// the busiest services and the gateway instances.

import {get} from './api.js';
import {h, mount, card, fmt, table, ago, badge} from './dom.js';
import {hourChart, sparkline} from './chart.js';

const SAMPLES = 60; // two minutes of live QPS at one sample every 2 s

export async function show(view, ctx) {
  const qps = [];
  const cards = h('div', {class: 'cards', id: 'overview-cards'});
  const spark = h('div', {class: 'spark-box', id: 'overview-qps'});
  const chart = h('div', {id: 'overview-chart'});
  const busiest = h('div', {id: 'overview-services'});
  const instances = h('div', {id: 'overview-instances'});
  mount(view,
    h('h1', {}, 'Overview'),
    cards,
    h('section', {class: 'panel'}, h('h2', {}, 'Requests per second, live'), spark),
    h('section', {class: 'panel'}, chart),
    h('div', {class: 'columns'},
      h('section', {class: 'panel'}, h('h2', {}, 'Busiest services today'), busiest),
      h('section', {class: 'panel'}, h('h2', {}, 'Instances'), instances)));

  let counts = {services: 0, routes: 0, apps: 0};

  async function live() {
    const [stats, health] = await Promise.all([get('/stats'), get('/health')]);
    if (!ctx.alive()) return;
    qps.push(stats.total.qps);
    if (qps.length > SAMPLES) qps.shift();
    drawCards(cards, stats, health, counts);
    mount(spark, sparkline(qps, SAMPLES), h('span', {class: 'spark-now'}, fmt(stats.total.qps) + ' req/s'));
    drawBusiest(busiest, stats);
  }

  async function slow() {
    const [hourly, inst, s, r, a] = await Promise.all([
      get('/stats/hourly?counter=total'), get('/instances'),
      get('/services?size=1'), get('/routes?size=1'), get('/apps?size=1'),
    ]);
    if (!ctx.alive()) return;
    counts = {services: s.total, routes: r.total, apps: a.total};
    mount(chart, hourChart({title: 'Requests per hour', bars: hourly.today, barLabel: 'today',
      line: hourly.yesterday, lineLabel: 'yesterday'}));
    mount(instances, table(['Instance', 'Admin', 'Config version', 'Started'],
      inst.instances.map(i => [i.id, i.admin, h('code', {}, i.version.slice(0, 12)), ago(i.started)])));
  }

  await slow();
  await live();
  ctx.every(2000, live);
  ctx.every(5000, slow);
}

function drawCards(el, stats, health, counts) {
  const targets = health.services.flatMap(s => s.targets);
  const up = targets.filter(t => t.healthy && !t.ejected).length;
  let errorRate = 'n/a';
  let errorNote = 'this gateway does not count errors';
  if (stats.errors) {
    errorRate = stats.total.today ? ((100 * stats.errors.today) / stats.total.today).toFixed(2) + ' %' : '0 %';
    errorNote = fmt(stats.errors.today) + ' answered 5xx today';
  }
  mount(el,
    card('Requests / s', fmt(stats.total.qps), stats.cluster_wide ? 'whole cluster' : 'this instance', 'card-qps'),
    card('Requests today', fmt(stats.total.today), fmt(stats.total.total) + ' since start', 'card-today'),
    card('Error rate', errorRate, errorNote, 'card-errors'),
    card('Targets up', `${up} / ${targets.length}`, health.ready ? badge('ready', 'ok') : badge('not ready', 'bad'), 'card-targets'),
    card('Services', String(counts.services), h('a', {href: '#/services'}, 'manage'), 'card-services'),
    card('Routes', String(counts.routes), h('a', {href: '#/routes'}, 'manage'), 'card-routes'),
    card('Apps', String(counts.apps), h('a', {href: '#/apps'}, 'manage'), 'card-apps'));
}

function drawBusiest(el, stats) {
  const rows = Object.entries(stats.services)
    .sort((a, b) => b[1].today - a[1].today)
    .slice(0, 8)
    .map(([name, c]) => [h('a', {href: '#/services/' + encodeURIComponent(name)}, name), fmt(c.today), fmt(c.qps)]);
  mount(el, table(['Service', 'Today', 'Req/s'], rows, 'No traffic yet.'));
}
