// The dashboard: a login, then pages chosen by the URL's #fragment. Each page gets a
// context whose timers stop when the page is left.

import {call, setCsrf, whenLoggedOut} from './api.js';
import {h, mount} from './dom.js';
import * as overview from './overview.js';
import * as services from './services.js';
import * as routes from './routes.js';
import * as apps from './apps.js';
import * as config from './config.js';

const view = document.getElementById('view');
const topbar = document.getElementById('top');
const flashBox = document.getElementById('flash');

const pages = [
  [/^\/?$/, overview.show, 'overview'],
  [/^\/services$/, services.list, 'services'],
  [/^\/services\/new$/, services.edit, 'services'],
  [/^\/services\/([^/]+)$/, services.detail, 'services'],
  [/^\/services\/([^/]+)\/edit$/, services.edit, 'services'],
  [/^\/routes$/, routes.list, 'routes'],
  [/^\/routes\/new$/, routes.edit, 'routes'],
  [/^\/routes\/([^/]+)\/edit$/, routes.edit, 'routes'],
  [/^\/apps$/, apps.list, 'apps'],
  [/^\/apps\/new$/, apps.edit, 'apps'],
  [/^\/apps\/([^/]+)$/, apps.detail, 'apps'],
  [/^\/apps\/([^/]+)\/edit$/, apps.edit, 'apps'],
  [/^\/config$/, config.show, 'config'],
];

// flash shows a message above the page, for a few seconds (it survives navigation, so
// "Service created" is still there on the service's page).
let flashTimer = 0;
export function flash(message, kind = 'ok') {
  clearTimeout(flashTimer);
  mount(flashBox, h('div', {class: 'alert ' + kind, role: 'status'}, message));
  flashTimer = setTimeout(() => flashBox.replaceChildren(), kind === 'ok' ? 4000 : 10000);
}

let current = null;

function newContext() {
  const timers = [];
  let alive = true;
  const ctx = {
    // every runs fn every ms milliseconds while the page is shown.
    every(ms, fn) { timers.push(setInterval(() => fn().catch(ctx.error), ms)); },
    alive: () => alive,
    stop() { alive = false; timers.forEach(clearInterval); },
    error(err) {
      if (!alive || err.status === 401) return;
      console.error(err);
      flash(err.message || String(err), 'bad');
    },
    go(hash) { location.hash = hash; },
    flash,
  };
  return ctx;
}

async function route() {
  current?.stop();
  const ctx = (current = newContext());
  const [path, query] = location.hash.slice(1).split('?');
  for (const [re, page, section] of pages) {
    const m = path.match(re);
    if (!m) continue;
    document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.section === section));
    mount(view, h('p', {class: 'muted'}, 'Loading…'));
    try {
      await page(view, ctx, m.slice(1).map(decodeURIComponent), new URLSearchParams(query || ''));
    } catch (err) {
      ctx.error(err);
      if (err.status === 404) mount(view, h('h1', {}, 'Not found'), h('p', {}, err.message));
    }
    return;
  }
  mount(view, h('h1', {}, 'Not found'), h('p', {}, h('a', {href: '#/'}, 'Back to the overview')));
}

function loggedIn(info) {
  setCsrf(info.csrf);
  document.getElementById('who').textContent = info.who;
  topbar.hidden = false;
  route();
}

// showLogin asks for the admin token, or for a user name and password (admin.users in
// the configuration): one of the two at a time, switched by a link, so it is always
// clear which one is being sent.
function showLogin(message) {
  current?.stop();
  topbar.hidden = true;
  const token = h('input', {id: 'login-token', name: 'token', type: 'password', autocomplete: 'current-password', required: true});
  const user = h('input', {id: 'login-user', name: 'username', type: 'text', autocomplete: 'username',
    autocapitalize: 'none', spellcheck: 'false'});
  const pass = h('input', {id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password'});
  const byToken = h('div', {class: 'login-mode', id: 'login-by-token'},
    h('p', {class: 'muted'}, 'Log in with the admin token (the gateway printed it at start, or it is in the variable admin.token_env names).'),
    h('label', {for: 'login-token'}, 'Admin token'), token);
  const byUser = h('div', {class: 'login-mode', id: 'login-by-user', hidden: true},
    h('p', {class: 'muted'}, 'Log in as one of the users in the configuration (admin.users).'),
    h('label', {for: 'login-user'}, 'User name'), user,
    h('label', {for: 'login-password'}, 'Password'), pass);
  const error = h('div', {class: 'error', role: 'alert', id: 'login-error'}, message || '');
  const toggle = h('button', {type: 'button', class: 'link', id: 'login-switch'});
  let asUser = false;
  const setMode = u => {
    asUser = u;
    byToken.hidden = u;
    byUser.hidden = !u;
    token.required = !u;
    user.required = pass.required = u;
    toggle.textContent = u ? 'Use the admin token instead' : 'Use a user name and password instead';
    error.textContent = '';
    (u ? user : token).focus();
  };
  toggle.addEventListener('click', () => setMode(!asUser));
  const form = h('form', {class: 'login', id: 'login-form'},
    h('h1', {}, 'gatewaylab'), byToken, byUser, error,
    h('button', {type: 'submit', class: 'primary', id: 'login-submit'}, 'Log in'), toggle);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const body = asUser ? {user: user.value, password: pass.value} : {token: token.value};
    try {
      const {data} = await call('POST', '/session', body);
      loggedIn(data);
    } catch (err) {
      if (err.status !== 401) error.textContent = err.message;
      else error.textContent = asUser ? 'Wrong user name or password.' : 'That is not the admin token.';
      if (asUser) pass.value = '';
    }
  });
  mount(view, form);
  setMode(false);
  error.textContent = message || '';
}

document.getElementById('logout').addEventListener('click', async () => {
  try { await call('DELETE', '/session'); } catch { /* the session is gone either way */ }
  showLogin('Logged out.');
});

whenLoggedOut(() => showLogin('Your session has ended; log in again.'));
window.addEventListener('hashchange', () => { if (!topbar.hidden) route(); });

call('GET', '/session').then(({data}) => loggedIn(data), err => {
  if (err.status === 401) showLogin();
  else mount(view, h('p', {class: 'alert bad'}, 'The admin API does not answer: ' + err.message));
});
