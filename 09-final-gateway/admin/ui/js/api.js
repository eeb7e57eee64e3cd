// The admin API, as the dashboard uses it. The session cookie (HttpOnly) travels by
// itself; every change also carries the session's CSRF token, which only this page
// knows (it came in the login answer, or from GET /api/v1/session after a reload).

let csrf = '';
let onLoggedOut = () => {};

export function setCsrf(token) { csrf = token || ''; }
export function whenLoggedOut(fn) { onLoggedOut = fn; }

// ApiError is an error answer: status, message and the invalid fields, if any.
export class ApiError extends Error {
  constructor(status, body) {
    super(body.error || 'HTTP ' + status);
    this.status = status;
    this.fields = body.fields || [];
  }
}

// call sends one request and returns {data, etag}. opts.ifMatch makes a change
// conditional on the configuration version the form was filled from.
export async function call(method, path, body, opts = {}) {
  const headers = {Accept: 'application/json'};
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET') headers['X-CSRF-Token'] = csrf;
  if (opts.ifMatch) headers['If-Match'] = opts.ifMatch;
  const res = await fetch('/api/v1' + path, {
    method, headers, credentials: 'same-origin',
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = {error: text}; }
  if (!res.ok) {
    if (res.status === 401 && path !== '/session') onLoggedOut();
    throw new ApiError(res.status, data || {error: res.statusText});
  }
  return {data, etag: res.headers.get('ETag')};
}

export const get = async path => (await call('GET', path)).data;

// q builds a query string from the non-empty values of params.
export function q(params) {
  const sp = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '' && v !== null) sp.set(k, v);
  const str = sp.toString();
  return str ? '?' + str : '';
}

export const enc = encodeURIComponent;
