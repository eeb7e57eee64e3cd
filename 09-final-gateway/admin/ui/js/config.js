// Config: the configuration being served, its version, and a reload from the file.

import {call} from './api.js';
import {h, mount} from './dom.js';

export async function show(view, ctx) {
  const {data, etag} = await call('GET', '/config');
  const result = h('div', {id: 'reload-result'});
  const reload = h('button', {type: 'button', class: 'primary', id: 'reload', onclick: async () => {
    reload.disabled = true;
    try {
      const {data: r} = await call('POST', '/reload');
      ctx.flash('Reloaded: version ' + r.version.slice(0, 12));
      await show(view, ctx);
    } catch (err) {
      mount(result, h('div', {class: 'alert bad'}, h('strong', {}, err.message),
        h('ul', {}, err.fields.map(f => h('li', {}, `${f.line ? 'line ' + f.line + ': ' : ''}${f.path ? f.path + ': ' : ''}${f.message}`)))));
    } finally {
      reload.disabled = false;
    }
  }}, 'Reload from file');
  mount(view,
    h('div', {class: 'title'}, h('h1', {}, 'Configuration'), reload),
    h('p', {class: 'muted'}, 'Version ', h('code', {id: 'config-version'}, (etag || '').replaceAll('"', '')),
      '. Changes made here are applied at once and saved to the configuration file; a reload re-reads the file (as SIGHUP does). Shown with the config file\'s names; defaults filled in.'),
    result,
    h('pre', {class: 'code', id: 'config-json'}, JSON.stringify(data, null, 2)));
}
