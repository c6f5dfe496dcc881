// Tenants list and tenant pages (overview: projects and API keys; the limits tab is in limits.js).
import { api, ApiError } from './api.js';
import { h, form, table, toast, confirmDialog, badge, when, money, num, today, showProblem, browserZone } from './ui.js';
import { session } from './app.js';
import { limitsTab } from './limits.js';

const PAGE = 20;
const CURRENCIES = [['USD', 'USD'], ['EUR', 'EUR'], ['CNY', 'CNY'], ['GBP', 'GBP'], ['JPY', 'JPY']];

export function isPlatform() { return session().roles.includes('platform-admin'); }

/** First day of the current month and today, as ISO dates in `zone`. */
export function monthToDate(zone) {
  const t = today(zone);
  return { from: t.slice(0, 8) + '01', to: t };
}

/** Money used in the current period (DAY or MONTH): the server's exact total, a decimal string. */
export async function spend(tenantId, zone, period = 'MONTH') {
  const range = period === 'DAY' ? { from: today(zone), to: today(zone) } : monthToDate(zone);
  const summary = await api(`/billing/tenants/${tenantId}/usage/summary`, { query: { ...range, by: 'day' } });
  return summary.total.amount;
}

export async function tenantsView(view) {
  view.append(h('h1', {}, 'Tenants'));
  const state = { q: '', status: '', cursors: [null], page: 0 };
  const listBox = h('div', { id: 'tenant-list' });
  const filters = form({
    label: 'Filter tenants', cls: 'toolbar', submit: 'Search',
    fields: [
      { name: 'q', label: 'Search (slug or name)', type: 'search' },
      { name: 'status', label: 'Status', options: [['', 'Any'], ['ACTIVE', 'Active'], ['SUSPENDED', 'Suspended'], ['CLOSED', 'Closed']] },
    ],
    onSubmit: async (v) => { Object.assign(state, v, { cursors: [null], page: 0 }); await load(); },
  });
  view.append(filters, listBox);

  async function load() {
    const page = await api('/tenants', { query: { q: state.q, status: state.status, limit: PAGE, cursor: state.cursors[state.page] } });
    state.cursors[state.page + 1] = page.nextCursor;
    const spendCells = new Map();
    listBox.replaceChildren(table([
      { label: 'Tenant', value: (t) => h('a', { href: '#/tenants/' + t.id }, t.displayName) },
      { label: 'Slug', value: (t) => t.slug },
      { label: 'Status', value: (t) => badge(t.status) },
      { label: 'Plan', value: (t) => t.plan },
      { label: 'Spend this month', num: true, value: (t) => { const c = h('span', { dataset: { spendFor: t.slug } }, '…'); spendCells.set(t, c); return c; } },
      { label: 'Created', value: (t) => when(t.createdAt) },
      { label: 'Actions', value: (t) => statusActions(t, load) },
    ], page.items, { empty: 'No tenants match.' }),
    h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: state.page === 0, onclick: () => { state.page--; load(); } }, 'Previous'),
      h('span', { class: 'muted' }, `Page ${state.page + 1}`),
      h('button', { type: 'button', disabled: !page.nextCursor, onclick: () => { state.page++; load(); } }, 'Next')));
    for (const [t, cell] of spendCells) {
      spend(t.id, t.timeZone).then((s) => (cell.textContent = money(s, t.currency)))
        .catch(() => (cell.textContent = '—'));
    }
  }
  await load();

  if (isPlatform()) {
    view.append(h('h2', {}, 'Create a tenant'), form({
      label: 'Create a tenant', submit: 'Create tenant',
      fields: [
        { name: 'slug', label: 'Slug', required: true, hint: 'lower-case letters, digits, dashes' },
        { name: 'displayName', label: 'Display name', required: true },
        { name: 'currency', label: 'Currency', options: CURRENCIES, value: 'USD' },
        { name: 'timeZone', label: 'Time zone', value: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', required: true },
        { name: 'plan', label: 'Plan (code, optional)' },
      ],
      onSubmit: async (v) => {
        const t = await api('/tenants', { method: 'POST', body: { ...v, plan: v.plan || null } });
        toast(`Tenant ${t.displayName} created`);
        location.hash = '#/tenants/' + t.id;
      },
    }));
  }
}

function statusActions(t, reload) {
  if (!isPlatform()) return '';
  const act = async (verb, label, danger) => {
    const ok = await confirmDialog({ title: `${label} ${t.displayName}?`, danger, confirm: label,
      text: verb === 'suspend' ? 'Every API key of this tenant is refused within a second.'
        : verb === 'close' ? 'Closing is final. Invoices are kept.' : 'Keys of this tenant work again.' });
    if (!ok) return;
    try {
      await api(`/tenants/${t.id}/${verb}`, { method: 'POST' });
      toast(`${t.displayName}: ${label.toLowerCase()}d`);
      await reload();
    } catch (e) { toast(e.message, 'error'); }
  };
  return h('div', { class: 'actions' },
    t.status === 'ACTIVE' ? h('button', { type: 'button', onclick: () => act('suspend', 'Suspend') }, 'Suspend') : null,
    t.status === 'SUSPENDED' ? h('button', { type: 'button', onclick: () => act('activate', 'Reactivate') }, 'Reactivate') : null,
    t.status !== 'CLOSED' ? h('button', { type: 'button', class: 'danger', onclick: () => act('close', 'Close', true) }, 'Close') : null);
}

export function tenantTabs(tenantId, current) {
  const roles = session().roles;
  const tabs = [];
  if (roles.includes('platform-admin') || roles.includes('tenant-admin')) {
    tabs.push(['overview', 'Projects & keys'], ['limits', 'Limits & budgets']);
  }
  tabs.push(['usage', 'Usage'], ['invoices', 'Invoices']);
  return h('nav', { class: 'tabs', 'aria-label': 'Tenant' }, tabs.map(([id, text]) =>
    h('a', { href: `#/tenants/${tenantId}${id === 'overview' ? '' : '/' + id}`, 'aria-current': id === current ? 'page' : null }, text)));
}

export async function tenantView(view, tenantId, tab) {
  const t = await api('/tenants/' + tenantId);
  view.append(h('h1', {}, t.displayName, ' ', badge(t.status)),
    h('p', { class: 'muted' }, `${t.slug} · ${t.currency} · ${t.timeZone} · plan ${t.plan || '—'}`),
    isPlatform() ? statusActions(t, () => tenantViewReload()) : '', tenantTabs(tenantId, tab));
  if (tab === 'limits') await limitsTab(view, t);
  else await overviewTab(view, t);
}

export function tenantViewReload() { window.dispatchEvent(new HashChangeEvent('hashchange')); }

async function overviewTab(view, t) {
  const projectsBox = h('section', { class: 'panel', 'aria-label': 'Projects' });
  const keysBox = h('section', { class: 'panel', 'aria-label': 'API keys' });
  const secretBox = h('div', { id: 'secret-box' });
  view.append(projectsBox, keysBox);
  let projects = [];

  async function loadProjects() {
    projects = (await api(`/tenants/${t.id}/projects`, { query: { limit: 500 } })).items;
    projectsBox.replaceChildren(h('h2', { id: 'projects-h' }, 'Projects'),
      table([
        { label: 'Name', value: (p) => p.name },
        { label: 'Description', value: (p) => p.description },
        { label: 'Status', value: (p) => badge(p.status) },
        { label: 'Created', value: (p) => when(p.createdAt, t.timeZone) },
      ], projects, { empty: 'No projects yet. Create one to issue keys.' }),
      form({
        label: 'Create a project', submit: 'Create project',
        fields: [{ name: 'name', label: 'Project name', required: true }, { name: 'description', label: 'Description' }],
        onSubmit: async (v) => {
          await api(`/tenants/${t.id}/projects`, { method: 'POST', body: { name: v.name, description: v.description || null } });
          toast('Project created');
          await loadProjects();
          await loadKeys();
        },
      }));
  }

  const keyState = { cursors: [null], page: 0, status: '' };
  async function loadKeys() {
    const page = await api(`/tenants/${t.id}/keys`, { query: { limit: PAGE, cursor: keyState.cursors[keyState.page], status: keyState.status } });
    keyState.cursors[keyState.page + 1] = page.nextCursor;
    const projectName = (id) => projects.find((p) => p.id === id)?.name || id;
    keysBox.replaceChildren(h('h2', { id: 'keys-h' }, 'API keys'), secretBox,
      table([
        { label: 'Name', value: (k) => k.name },
        { label: 'Key', value: (k) => h('code', {}, k.hint) },
        { label: 'Project', value: (k) => projectName(k.projectId) },
        { label: 'Scopes', value: (k) => h('span', { class: 'scopes' }, (k.scopes || []).join(', ')) },
        { label: 'Status', value: (k) => badge(k.status) },
        { label: 'Created', value: (k) => when(k.createdAt, t.timeZone) },
        { label: 'Last used', value: (k) => (k.lastUsedAt ? when(k.lastUsedAt, t.timeZone) : 'never') },
        { label: 'Expires', value: (k) => (k.expiresAt ? when(k.expiresAt, t.timeZone) : 'never') },
        { label: 'Actions', value: (k) => keyActions(k) },
      ], page.items, { empty: 'No keys yet.' }),
      h('div', { class: 'pager' },
        h('button', { type: 'button', disabled: keyState.page === 0, onclick: () => { keyState.page--; loadKeys(); } }, 'Previous'),
        h('span', { class: 'muted' }, `Page ${keyState.page + 1}`),
        h('button', { type: 'button', disabled: !page.nextCursor, onclick: () => { keyState.page++; loadKeys(); } }, 'Next')),
      projects.length ? form({
        label: 'Create an API key', submit: 'Create key',
        fields: [
          { name: 'name', label: 'Key name', required: true },
          { name: 'projectId', label: 'Project', options: projects.map((p) => [p.id, p.name]) },
          { name: 'allowedModels', label: 'Allowed models (comma-separated, empty = all)' },
          { name: 'expiresAt', label: `Expires (optional, ${browserZone()})`, type: 'datetime-local' },
          { name: 'scopes', label: 'Scopes', type: 'checkboxes', value: ['inference'], options: KEY_SCOPES },
        ],
        onSubmit: async (v) => {
          const created = await api(`/tenants/${t.id}/projects/${v.projectId}/keys`, { method: 'POST', body: {
            name: v.name,
            allowedModels: v.allowedModels ? v.allowedModels.split(',').map((s) => s.trim()).filter(Boolean) : [],
            expiresAt: v.expiresAt ? new Date(v.expiresAt).toISOString() : null,
            scopes: v.scopes || [],
          } });
          await loadKeys();
          showSecret(created);
        },
      }) : null);
  }

  function showSecret(created) {
    const input = h('input', { id: 'new-secret', readonly: true, 'aria-label': 'New API key secret', value: created.secret });
    input.value = created.secret;
    secretBox.replaceChildren(h('div', { class: 'secret', role: 'alert' },
      h('strong', {}, `Secret of key “${created.key.name}”`),
      h('p', {}, 'Copy it now. It is shown only this once: it is not stored in readable form and will be gone when you leave or reload this page.'),
      input,
      h('div', { class: 'actions' },
        h('button', { type: 'button', id: 'copy-secret', onclick: async () => {
          try { await navigator.clipboard.writeText(created.secret); toast('Secret copied'); }
          catch (e) { input.select(); toast('Select the text and copy it (clipboard not available)', 'error'); }
        } }, 'Copy'),
        h('button', { type: 'button', onclick: () => secretBox.replaceChildren() }, 'I have stored it'))));
    input.focus();
    input.select();
  }

  function keyActions(k) {
    if (k.status !== 'ACTIVE') return '';
    return h('div', { class: 'actions' },
      h('button', { type: 'button', onclick: async () => {
        const v = await confirmDialog({ title: `Rotate “${k.name}”`, confirm: 'Rotate',
          text: 'A new key is issued. The old one keeps working until the end of the overlap.',
          fields: [{ name: 'overlapHours', label: 'Overlap (hours)', type: 'number', min: 0, value: 24 }] });
        if (!v) return;
        try {
          const until = new Date(Date.now() + Number(v.overlapHours || 0) * 3600_000).toISOString();
          const created = await api(`/tenants/${t.id}/keys/${k.id}/rotate`, { method: 'POST', body: { oldKeyValidUntil: until } });
          await loadKeys();
          showSecret(created);
        } catch (e) { toast(e.message, 'error'); }
      } }, 'Rotate'),
      h('button', { type: 'button', onclick: async () => {
        const v = await confirmDialog({ title: `Edit scopes of “${k.name}”`, confirm: 'Save scopes',
          text: 'The key keeps its secret. The new scopes apply to its next request, on every gateway within a second.',
          fields: [{ name: 'scopes', label: 'Scopes', type: 'checkboxes', value: k.scopes || [], options: KEY_SCOPES }] });
        if (!v) return;
        try {
          await api(`/tenants/${t.id}/keys/${k.id}`, { method: 'PATCH', body: { scopes: v.scopes || [] } });
          toast('Scopes saved');
          await loadKeys();
        } catch (e) { toast(e.message, 'error'); }
      } }, 'Edit scopes'),
      h('button', { type: 'button', class: 'danger', onclick: async () => {
        const ok = await confirmDialog({ title: `Revoke “${k.name}”?`, danger: true, confirm: 'Revoke',
          text: 'Requests with this key are refused on every gateway within a second. This cannot be undone.' });
        if (!ok) return;
        try { await api(`/tenants/${t.id}/keys/${k.id}/revoke`, { method: 'POST' }); toast('Key revoked'); await loadKeys(); }
        catch (e) { toast(e.message, 'error'); }
      } }, 'Revoke'));
  }

  await loadProjects();
  await loadKeys();
}

/** What a key may call (the API's scope names); a new key has only inference unless more are checked. */
const KEY_SCOPES = [
  ['inference', 'inference: model endpoints (chat/completions, completions, messages, models)'],
  ['billing:read', 'billing:read: the tenant’s usage and invoices (/v1/usage, /v1/invoices)'],
];


export { ApiError, showProblem };
