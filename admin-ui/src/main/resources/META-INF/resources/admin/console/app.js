// The console shell: sign-in, role-aware navigation and a hash router (#/tenants, #/tenants/<id>/keys, ...).
import { api, signIn, signOut, signInAgain, whenSessionExpires } from './api.js';
import { h, toast } from './ui.js';
import { tenantsView, tenantView } from './tenants.js';
import { usageView, invoicesView, priceBookView } from './billing.js';
import { modelsView, auditView } from './platform.js';

const main = document.getElementById('main');
let me;
let stopCurrent = () => {};

/** The signed-in user: {username, roles, tenantId} plus role checks. */
export function session() {
  return me;
}

function isPlatform() { return me.roles.includes('platform-admin'); }

function navItems() {
  if (isPlatform()) {
    return [['#/tenants', 'Tenants'], ['#/invoices', 'Invoices'], ['#/price-book', 'Price book'],
      ['#/models', 'Models & pods'], ['#/audit', 'Audit log']];
  }
  const t = me.tenantId;
  if (!t) return [];
  if (me.roles.includes('tenant-admin')) {
    return [['#/tenants/' + t, 'My tenant'], ['#/tenants/' + t + '/usage', 'Usage'],
      ['#/tenants/' + t + '/invoices', 'Invoices'], ['#/audit', 'Audit log']];
  }
  return [['#/tenants/' + t + '/usage', 'Usage'], ['#/tenants/' + t + '/invoices', 'Invoices']];
}

function home() {
  const items = navItems();
  return items.length ? items[0][0] : '#/none';
}

function renderNav() {
  const nav = document.getElementById('nav');
  const here = location.hash || home();
  const items = navItems();
  // The current page is the longest menu entry that prefixes the location.
  const current = items.map(([href]) => href)
    .filter((href) => here === href || here.startsWith(href + '/'))
    .sort((a, b) => b.length - a.length)[0];
  nav.replaceChildren(...items.map(([href, text]) =>
    h('a', { href, 'aria-current': href === current ? 'page' : null }, text)));
}

async function route() {
  stopCurrent();
  stopCurrent = () => {};
  if (!location.hash || location.hash === '#/' || location.hash === '#') {
    location.replace(home());
    return;
  }
  renderNav();
  document.getElementById('nav').classList.remove('open');
  const parts = location.hash.slice(2).split('?')[0].split('/').filter(Boolean);
  const view = h('div', {});
  main.replaceChildren(view);
  try {
    let stop;
    if (parts[0] === 'tenants' && parts.length === 1) stop = await tenantsView(view);
    else if (parts[0] === 'tenants' && parts[2] === 'usage') stop = await usageView(view, parts[1]);
    else if (parts[0] === 'tenants' && parts[2] === 'invoices') stop = await invoicesView(view, parts[1]);
    else if (parts[0] === 'tenants') stop = await tenantView(view, parts[1], parts[2] || 'overview');
    else if (parts[0] === 'invoices') stop = await invoicesView(view, null);
    else if (parts[0] === 'price-book') stop = await priceBookView(view);
    else if (parts[0] === 'models') stop = await modelsView(view);
    else if (parts[0] === 'audit') stop = await auditView(view);
    else view.append(h('h1', {}, 'Nothing here'), h('p', {}, 'This page does not exist or your roles do not show it.'));
    if (typeof stop === 'function') stopCurrent = stop;
  } catch (err) {
    view.replaceChildren(h('h1', {}, err.status === 403 || err.status === 404 ? 'Not available' : 'Something went wrong'),
      h('p', { class: 'form-error', role: 'alert', id: 'page-error' }, err.message));
  }
  main.focus({ preventScroll: true });
}

function expired() {
  stopCurrent();
  main.replaceChildren(h('h1', {}, 'Session expired'),
    h('p', { role: 'alert' }, 'Your session has ended. Nothing was saved after it ended.'),
    h('button', { type: 'button', class: 'primary', onclick: () => signInAgain() }, 'Sign in again'));
}

async function start() {
  const kc = await signIn();
  whenSessionExpires(expired);
  me = await api('/me');
  document.getElementById('who').replaceChildren(
    h('span', { id: 'who-name' }, me.username), h('span', { class: 'muted', id: 'who-roles' }, me.roles.join(', ')),
    h('button', { type: 'button', id: 'sign-out', onclick: () => signOut() }, 'Sign out'));
  const toggle = document.getElementById('nav-toggle');
  toggle.addEventListener('click', () => {
    const nav = document.getElementById('nav');
    nav.classList.toggle('open');
    toggle.setAttribute('aria-expanded', nav.classList.contains('open'));
  });
  window.addEventListener('hashchange', route);
  if (!me.roles.length) {
    main.replaceChildren(h('h1', {}, 'No access'), h('p', {}, 'Your account has none of the console roles.'));
    return kc;
  }
  await route();
  return kc;
}

start().catch((e) => {
  main.replaceChildren(h('h1', {}, 'Could not start the console'), h('p', { role: 'alert' }, String(e.message || e)));
  toast(String(e.message || e), 'error');
});
