// A searchable, paged list that refreshes itself, so that a change made elsewhere
// (another admin, a script, a file reload) shows up without reloading the page.

import {get, q} from './api.js';
import {h, mount, table} from './dom.js';

const PAGE = 10;

// pagedList lists path (an API list endpoint). row(item, extra) returns a row's
// cells; extra() fetches what the rows need besides the items (stats, health).
export function pagedList(ctx, {id, path, columns, row, extra, params = {}, empty, tools = []}) {
  let page = 1;
  const search = h('input', {type: 'search', id: id + '-search', placeholder: 'Search…', 'aria-label': 'Search'});
  const body = h('div', {class: 'list-body', id: id + '-body'});
  const pager = h('div', {class: 'pager'});
  let timer = 0;

  async function load() {
    const [data, more] = await Promise.all([
      get(path + q({...params, q: search.value.trim(), page, size: PAGE})),
      extra ? extra() : null,
    ]);
    if (!ctx.alive()) return;
    mount(body, table(columns, data.items.map(it => row(it, more)), empty));
    drawPager(data);
  }

  function drawPager({total}) {
    const pages = Math.max(1, Math.ceil(total / PAGE));
    const first = total ? (page - 1) * PAGE + 1 : 0;
    const go = p => () => { page = p; load().catch(ctx.error); };
    mount(pager,
      h('span', {class: 'muted'}, `${first}–${Math.min(page * PAGE, total)} of ${total}`),
      h('button', {type: 'button', disabled: page <= 1 ? true : undefined, onclick: go(page - 1)}, '‹ Previous'),
      h('button', {type: 'button', disabled: page >= pages ? true : undefined, onclick: go(page + 1)}, 'Next ›'));
  }

  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(() => { page = 1; load().catch(ctx.error); }, 200);
  });
  ctx.every(5000, load);
  load().catch(ctx.error);
  return h('section', {class: 'list', id}, h('div', {class: 'toolbar'}, search, tools), body, pager);
}
