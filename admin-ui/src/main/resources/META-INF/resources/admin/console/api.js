// Sign-in (Keycloak authorization code flow with PKCE, via keycloak-js) and calls to the admin API.
// The console has no other back end: every call goes to /admin/api/v1 with the user's access token, so the
// API's access rules are the console's.

const API = '/admin/api/v1';
const RETURN_KEY = 'ascendant.console.return';

let keycloak;
let onExpired = () => {};

/** An error answer of the admin API (application/problem+json), or a network failure. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem || {};
  }
}

/** Signs in (redirecting to Keycloak's login page when needed) and returns the Keycloak instance. */
export async function signIn() {
  const config = await (await fetch('/admin/console/config.json')).json();
  const params = new URLSearchParams(location.search);
  if (!params.has('code') && !params.has('error') && location.hash) {
    sessionStorage.setItem(RETURN_KEY, location.hash);
  }
  keycloak = new Keycloak({ url: config.keycloakUrl, realm: config.realm, clientId: config.clientId });
  keycloak.onTokenExpired = () => keycloak.updateToken(30).catch(() => onExpired());
  await keycloak.init({
    onLoad: 'login-required',
    pkceMethod: 'S256',
    responseMode: 'query',
    checkLoginIframe: false,
    redirectUri: location.origin + '/admin/',
  });
  // When the session ends (refresh refused: expired, or ended in Keycloak), keycloak-js would redirect to the login
  // page at once because of onLoad 'login-required', losing the page. The console says so instead and offers to
  // sign in again, coming back to the same page.
  keycloak.loginRequired = false;
  keycloak.onAuthLogout = () => onExpired();
  const back = sessionStorage.getItem(RETURN_KEY);
  sessionStorage.removeItem(RETURN_KEY);
  if (back && !location.hash) {
    history.replaceState(null, '', '/admin/' + back);
  } else if (location.search) {
    history.replaceState(null, '', '/admin/' + location.hash);
  }
  return keycloak;
}

/** Called when the session has ended (refresh token expired or revoked). */
export function whenSessionExpires(handler) {
  onExpired = handler;
}

/** Signs out at Keycloak and comes back to the console's start page. */
export function signOut() {
  return keycloak.logout({ redirectUri: location.origin + '/admin/' });
}

/** Starts a new sign-in, returning to the current page. */
export function signInAgain() {
  sessionStorage.setItem(RETURN_KEY, location.hash);
  return keycloak.login({ redirectUri: location.origin + '/admin/' });
}

async function token() {
  try {
    await keycloak.updateToken(30);
  } catch (e) {
    onExpired();
    throw new ApiError(401, { title: 'Session expired', detail: 'Your session has expired. Sign in again.' });
  }
  return keycloak.token;
}

/**
 * Calls the admin API. `path` is relative to /admin/api/v1; `query` drops empty values. Resolves to the parsed
 * JSON body (or null for 204); rejects with ApiError carrying the problem document.
 */
export async function api(path, { method = 'GET', body, query } = {}) {
  const url = new URL(API + path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== '') url.searchParams.set(k, v);
  }
  const headers = { Authorization: 'Bearer ' + (await token()), Accept: 'application/json, application/problem+json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch (e) {
    throw new ApiError(0, { title: 'Network error', detail: 'The gateway did not answer: ' + e.message });
  }
  if (res.status === 401) {
    onExpired();
  }
  if (!res.ok) {
    let problem;
    try { problem = await res.json(); } catch (e) { problem = { title: res.statusText }; }
    throw new ApiError(res.status, problem);
  }
  if (res.status === 204) return null;
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** Downloads a file answer of the admin API (PDF, CSV) with the access token and saves it as `filename`. */
export async function download(path, filename) {
  const res = await fetch(API + path, { headers: { Authorization: 'Bearer ' + (await token()) } });
  if (!res.ok) {
    let problem;
    try { problem = await res.json(); } catch (e) { problem = { title: res.statusText }; }
    throw new ApiError(res.status, problem);
  }
  saveBlob(await res.blob(), filename);
}

/** Offers a Blob to the user as a file download. */
export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}
