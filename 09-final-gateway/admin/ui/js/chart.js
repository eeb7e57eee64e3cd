// Two tiny SVG charts, drawn by hand: requests per hour (bars, with an optional line
// and limit) and a sparkline. Colours come from the stylesheet's classes.

import {h, s, fmt} from './dom.js';

// niceMax rounds up to 1, 2 or 5 times a power of ten, for readable grid lines.
function niceMax(v) {
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

// hourChart draws 24 hours. bars: today's counts; line: a second series (yesterday,
// or today's running total; null where it has no value yet); limit: a horizontal line
// (a quota). The wrapper's data-total is the sum of the bars (tests and screen
// readers read it).
export function hourChart({bars, barLabel, line, lineLabel, limit, limitLabel, title}) {
  const W = 720, H = 200, L = 48, R = 10, T = 12, B = 24;
  const top = niceMax(Math.max(1, ...bars, ...(line || []).filter(v => v !== null), limit || 0));
  const step = (W - L - R) / 24;
  const x = i => L + i * step;
  const y = v => T + (H - T - B) * (1 - v / top);
  const svg = s('svg', {viewBox: `0 0 ${W} ${H}`, class: 'chart', role: 'img', 'aria-label': title});
  for (const v of [0, top / 2, top]) {
    svg.append(s('line', {class: 'grid', x1: L, x2: W - R, y1: y(v), y2: y(v)}),
      s('text', {class: 'axis', x: L - 6, y: y(v) + 4, 'text-anchor': 'end'}, fmt(v)));
  }
  for (let i = 0; i < 24; i += 3) {
    svg.append(s('text', {class: 'axis', x: x(i) + step / 2, y: H - 6, 'text-anchor': 'middle'}, String(i).padStart(2, '0')));
  }
  bars.forEach((v, i) => {
    const label = `${String(i).padStart(2, '0')}:00  ${v} ${barLabel}` + (line && line[i] !== null ? `, ${line[i]} ${lineLabel}` : '');
    svg.append(s('rect', {class: 'bar', x: x(i) + 2, y: y(v), width: step - 4, height: Math.max(0, y(0) - y(v))},
      s('title', {}, label)));
  });
  if (line) {
    const pts = line.map((v, i) => (v === null ? '' : `${x(i) + step / 2},${y(v)}`)).join(' ');
    svg.append(s('polyline', {class: 'line', points: pts}));
  }
  if (limit) {
    svg.append(s('line', {class: 'limit', x1: L, x2: W - R, y1: y(limit), y2: y(limit)}));
  }
  const total = bars.reduce((a, b) => a + b, 0);
  return h('figure', {class: 'chart-box', dataset: {total: String(total)}},
    h('figcaption', {}, title, h('span', {class: 'chart-total'}, ` — ${fmt(total)} ${barLabel}`)),
    svg,
    h('div', {class: 'legend'},
      h('span', {class: 'key bar'}, barLabel),
      line ? h('span', {class: 'key line'}, lineLabel) : null,
      limit ? h('span', {class: 'key limit'}, `${limitLabel} (${fmt(limit)})`) : null));
}

// sparkline draws the last slots values (live QPS), newest on the right, so the line
// grows in from the right as samples arrive. It stretches to its box: it has no text.
export function sparkline(values, slots, width = 600, height = 60) {
  const top = Math.max(1, ...values);
  const x = i => width - ((values.length - 1 - i) * width) / (slots - 1);
  const y = v => height - 2 - (v / top) * (height - 6);
  const pts = values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
  const svg = s('svg', {viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: 'none', class: 'spark', 'aria-hidden': 'true'});
  if (values.length > 1) {
    svg.append(s('polygon', {class: 'area', points: `${x(0)},${height} ${pts} ${width},${height}`}),
      s('polyline', {class: 'line', points: pts, 'vector-effect': 'non-scaling-stroke'}));
  }
  return svg;
}
