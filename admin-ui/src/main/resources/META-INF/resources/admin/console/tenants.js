// Tenants list and tenant pages (projects, API keys, limits and budgets).
import { api, ApiError } from './api.js';
import { h, form, table, toast, confirmDialog, badge, when, money, num, today, showProblem, browserZone } from './ui.js';
import { session } from './app.js';

const PAGE = 20;
const CURRENCIES = [['USD', 'USD'], ['EUR', 'EUR'], ['CNY', 'CNY'], ['GBP', 'GBP'], ['JPY', 'JPY']];

function isPlatform() { return session().roles.includes('platform-admin'); }

/** First day of the current month and today, as ISO dates in `zone`. */
export function monthToDate(zone) {
  const t = today(zone);
  return { from: t.slice(0, 8) + '01', to: t };
}

/** Money used in the current period (DAY or MONTH): the server's exact total, a decimal string. */
async function spend(tenantId, zone, period = 'MONTH') {
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

function tenantViewReload() { window.dispatchEvent(new HashChangeEvent('hashchange')); }

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

const LIMIT_FIELDS = [
  { name: 'limits.requestsPerMinute', label: 'Requests / minute', type: 'number', min: 1 },
  { name: 'limits.tokensPerMinute', label: 'Tokens / minute', type: 'number', min: 1 },
  { name: 'limits.concurrentRequests', label: 'Concurrent requests', type: 'number', min: 0 },
  { name: 'limits.budgetPeriod', label: 'Budget period', options: [['', 'None'], ['DAY', 'Day'], ['MONTH', 'Month']] },
  { name: 'limits.budgetTokens', label: 'Token budget', type: 'number', min: 0 },
  { name: 'limits.budgetAmount', label: 'Money budget', type: 'text', placeholder: '100.00' },
];

/**
 * The PUT body of the limits form. The API replaces the whole row of a level and model, so the body starts from that
 * row's current values (`current`, null when there is none) and the form's fields override them: a field the form
 * does not show is never dropped by a save.
 */
function limitsBody(v, current) {
  const n = (x) => (x === '' ? null : Number.isNaN(Number(x)) ? x : Number(x));
  return {
    model: v.model || '*',
    limits: {
      ...(current || {}),
      requestsPerMinute: n(v['limits.requestsPerMinute']),
      tokensPerMinute: n(v['limits.tokensPerMinute']),
      concurrentRequests: n(v['limits.concurrentRequests']),
      budgetPeriod: v['limits.budgetPeriod'] || null,
      budgetTokens: n(v['limits.budgetTokens']),
      // Money stays a decimal string: never a binary float on its way to the API.
      budgetAmount: v['limits.budgetAmount'] === '' ? null : v['limits.budgetAmount'],
    },
  };
}

/** The form value of a limit as the API gives it: '' for none, else its text. */
function limitText(x) {
  return x === null || x === undefined ? '' : String(x);
}

/** Budgets set in `current` that `next` no longer has, for people ("the money budget of $5.00 per month"). */
function removedBudgets(current, next, currency) {
  if (!current) return [];
  const per = current.budgetPeriod ? ` per ${current.budgetPeriod.toLowerCase()}` : '';
  const out = [];
  if (current.budgetAmount != null && next.budgetAmount == null) out.push(`the money budget of ${money(current.budgetAmount, currency)}${per}`);
  if (current.budgetTokens != null && next.budgetTokens == null) out.push(`the token budget of ${num(current.budgetTokens)} tokens${per}`);
  return out;
}

async function limitsTab(view, t) {
  const box = h('div', {});
  view.append(box);
  const platform = isPlatform();
  const projects = (await api(`/tenants/${t.id}/projects`, { query: { limit: 500 } })).items;
  const keys = (await api(`/tenants/${t.id}/keys`, { query: { limit: 500, status: 'ACTIVE' } })).items;
  const scopes = [];
  if (platform) scopes.push([`tenant`, `Tenant (${t.displayName})`]);
  projects.forEach((p) => scopes.push([`project:${p.id}`, `Project ${p.name}`]));
  keys.forEach((k) => scopes.push([`key:${k.id}`, `Key ${k.name} (${k.hint})`]));
  const pathOf = (scope) => scope === 'tenant' ? `/tenants/${t.id}/limits`
    : scope.startsWith('project:') ? `/tenants/${t.id}/projects/${scope.slice(8)}/limits` : `/tenants/${t.id}/keys/${scope.slice(4)}/limits`;

  const tenantSets = await api(`/tenants/${t.id}/limits`);
  const effective = await api(`/tenants/${t.id}/limits/effective`);
  let shadow = [];
  let events = [];
  try { shadow = await api(`/tenants/${t.id}/shadow-limits`); } catch (e) { /* not for every role */ }
  try { events = await api(`/tenants/${t.id}/quota-events`, { query: { limit: 500 } }); } catch (e) { /* idem */ }

  // Budgets: each tenant budget of this period as the gateways count it (settled usage and holds), with the soft
  // thresholds the gateways record events at (gateway.quota.thresholds) marked on the bar.
  let report = { thresholds: [80, 100], budgets: [] };
  try { report = await api(`/tenants/${t.id}/budgets`); } catch (e) { /* shown without holds below */ }
  const budgets = h('section', { class: 'panel', 'aria-labelledby': 'budgets-h' }, h('h2', { id: 'budgets-h' }, 'Budgets this period'),
    h('p', { class: 'muted', id: 'budget-legend' },
      'Settled: usage recorded in the ledger. Held: the worst case of requests in flight plus budget slices leased by gateways (given back when idle). ',
      'A request is refused when settled + held + its own worst case would pass the budget, so a budget is shown used up (100 %) once the gateway has refused a request on it, even if the settled part is a little lower. ',
      `Marks: soft thresholds ${report.thresholds.map((p) => p + ' %').join(', ')}.`));
  const eff = { ...(effective.tenant || {}) };
  const fmtMoney = (x) => money(x, t.currency);
  const shown = new Set();
  for (const b of report.budgets) {
    const id = budgetId('budget', b);
    shown.add(id);
    budgets.append(statusBar(b, { id, label: budgetLabel(b), thresholds: report.thresholds, zone: t.timeZone, fmtMoney }));
  }
  // The budgets API lists every tenant budget, used yet this period or not; only when it could not be read is a
  // budget drawn from the effective limits, with its settled usage from the usage rollups and nothing held.
  if (eff.budgetAmount != null && !shown.has('budget-money')) {
    const used = await spend(t.id, t.timeZone, eff.budgetPeriod || 'MONTH');
    budgets.append(budgetBar({ id: 'budget-money', label: `Money (${(eff.budgetPeriod || 'MONTH').toLowerCase()})`, settled: used, held: 0,
      limit: eff.budgetAmount, thresholds: report.thresholds, exhaustedAt: null, zone: t.timeZone, fmt: fmtMoney }));
  }
  if (eff.budgetTokens != null && !shown.has('budget-tokens')) {
    budgets.append(budgetBar({ id: 'budget-tokens', label: `Tokens (${(eff.budgetPeriod || 'MONTH').toLowerCase()})`, settled: 0, held: 0,
      limit: eff.budgetTokens, thresholds: report.thresholds, exhaustedAt: null, zone: t.timeZone, fmt: num }));
  }
  if (eff.budgetAmount == null && eff.budgetTokens == null && !report.budgets.length) budgets.append(h('p', { class: 'muted' }, 'No tenant budget set.'));
  box.append(budgets);
  box.append(await ownerBudgets(t, report.thresholds, fmtMoney));

  box.append(h('section', { class: 'panel', 'aria-labelledby': 'sets-h' }, h('h2', { id: 'sets-h' }, 'Tenant limits'),
    table([
      { label: 'Model', value: (s) => s.model },
      { label: 'Req/min', num: true, value: (s) => num(s.limits.requestsPerMinute) },
      { label: 'Tokens/min', num: true, value: (s) => num(s.limits.tokensPerMinute) },
      { label: 'Concurrent', num: true, value: (s) => num(s.limits.concurrentRequests) },
      { label: 'Budget period', value: (s) => s.limits.budgetPeriod },
      { label: 'Token budget', num: true, value: (s) => num(s.limits.budgetTokens) },
      { label: 'Money budget', num: true, value: (s) => (s.limits.budgetAmount == null ? '—' : money(s.limits.budgetAmount, t.currency)) },
      { label: 'Mode', value: () => badge('enforced', 'ACTIVE') },
      { label: 'Updated', value: (s) => `${when(s.updatedAt, t.timeZone)} by ${s.updatedBy || '—'}` },
    ], tenantSets, { empty: 'No tenant overrides: the plan applies.' }),
    shadow.length ? h('h3', {}, 'Shadow limits (on trial: evaluated, never refuse)') : null,
    shadow.length ? table([
      { label: 'Limit', value: (s) => h('pre', {}, JSON.stringify(s.limit, null, 1)) },
      { label: 'Mode', value: () => badge('shadow') },
      { label: 'Since', value: (s) => when(s.createdAt, t.timeZone) },
    ], shadow) : null));

  if (scopes.length) {
    // The form opens with the current limits of its level and model (the row the PUT replaces), and reloads them when
    // the level or model changes; a limit field the admin edits meanwhile keeps the admin's value.
    const currentOf = async (scope, model) => {
      const rows = scope === 'tenant' && tenantSets ? tenantSets : await api(pathOf(scope));
      const row = rows.find((r) => r.model === (model || '*'));
      return row ? row.limits : null;
    };
    const initial = await currentOf(scopes[0][0], '*');
    const editor = form({
      label: 'Set limits', submit: 'Save limits',
      fields: [{ name: 'scope', label: 'Level', options: scopes }, { name: 'model', label: 'Model (* = all)', value: '*' },
        ...LIMIT_FIELDS.map((f) => ({ ...f, value: limitText(initial && initial[f.name.slice('limits.'.length)]) }))],
      onSubmit: async (submitted) => {
        // A level or model switched just before saving: wait for its row, so the other level's values are never saved.
        await pending;
        const v = { ...submitted };
        for (const input of limitInputs()) v[input.name] = input.value.trim();
        // Read the row again: the save keeps what is there now, and a budget it would remove is named first.
        const current = await api(pathOf(v.scope)).then((rows) => (rows.find((r) => r.model === (v.model || '*')) || {}).limits || null);
        const body = limitsBody(v, current);
        const removed = removedBudgets(current, body.limits, t.currency);
        if (removed.length) {
          const ok = await confirmDialog({ title: 'Remove a budget?', danger: true, confirm: 'Remove and save',
            text: `Saving removes ${removed.join(' and ')}: requests at this level are then no longer stopped by it.` });
          if (!ok) return;
        }
        await api(pathOf(v.scope), { method: 'PUT', body });
        toast('Limits saved');
        tenantViewReload();
      },
    });
    const edited = new Set();
    let loadSeq = 0;
    let pending = Promise.resolve();
    const limitInputs = () => LIMIT_FIELDS.map((f) => editor.elements.namedItem(f.name));
    limitInputs().forEach((input) => ['input', 'change'].forEach((ev) => input.addEventListener(ev, () => edited.add(input.name))));
    const reload = async () => {
      const seq = ++loadSeq;
      edited.clear();
      editor.dataset.loading = 'true';
      try {
        const current = await currentOf(editor.elements.namedItem('scope').value, editor.elements.namedItem('model').value.trim());
        if (seq !== loadSeq) return;
        for (const input of limitInputs()) {
          if (!edited.has(input.name)) input.value = limitText(current && current[input.name.slice('limits.'.length)]);
        }
      } catch (e) {
        if (seq === loadSeq) toast(e.message, 'error');
      } finally {
        if (seq === loadSeq) editor.dataset.loading = 'false';
      }
    };
    editor.dataset.loading = 'false';
    const startReload = () => { pending = reload(); };
    editor.elements.namedItem('scope').addEventListener('change', startReload);
    editor.elements.namedItem('model').addEventListener('change', startReload);
    box.append(h('section', { class: 'panel', 'aria-labelledby': 'edit-h' }, h('h2', { id: 'edit-h' }, 'Edit limits and budgets'),
      h('p', { class: 'muted' }, 'Empty fields mean “no limit at this level”. Tenant admins set project and key limits within the tenant’s.'), editor));
  }

  box.append(h('section', { class: 'panel', 'aria-labelledby': 'events-h' }, h('h2', { id: 'events-h' }, 'Quota events'),
    table([
      { label: 'When', value: (e) => when(e.occurredAt, t.timeZone) },
      { label: 'Kind', value: (e) => badge(e.kind === 'SHADOW_REFUSAL' ? 'shadow' : e.kind, e.kind === 'SHADOW_REFUSAL' ? 'shadow' : 'DRAFT') },
      { label: 'Limit', value: (e) => e.limitKey },
      { label: 'Threshold', num: true, value: (e) => (e.thresholdPercent == null ? '—' : e.thresholdPercent + ' %') },
      { label: 'Used / limit', num: true, value: (e) => `${e.used ?? '—'} / ${e.limit ?? '—'}` },
      { label: 'Detail', value: (e) => e.detail },
    ], [...events].reverse(), { empty: 'No quota events.' })));
}

/** A DOM id for a budget of the budgets API: prefix, level and owner (project and key), shadow, unit and model. */
function budgetId(prefix, b) {
  const owner = b.level === 'tenant' ? '' : `-${b.level}-${b.ownerId}`;
  return prefix + owner + (b.shadow ? '-shadow' : '') + (b.unit === 'MONEY' ? '-money' : '-tokens')
    + (b.model === '*' ? '' : '-' + b.model.replace(/[^A-Za-z0-9_-]/g, '_'));
}

function budgetLabel(b) {
  return `${b.unit === 'MONEY' ? 'Money' : 'Tokens'}${b.model === '*' ? '' : ', ' + b.model} (${String(b.period || '').toLowerCase()})`
    + (b.shadow ? ', shadow' : '');
}

/** The bar of one budget of the budgets API (any level). */
function statusBar(b, { id, label, thresholds, zone, fmtMoney }) {
  return budgetBar({ id, label, settled: b.settled, held: b.held, limit: b.limit, thresholds, zone, shadow: b.shadow,
    exhaustedAt: b.exhausted ? b.exhaustedAt : null, fmt: b.unit === 'MONEY' ? fmtMoney : num });
}

/**
 * Project and key budgets of this period, each with its bar, paged on the server (50 at a time, "More" for the next
 * page) so a tenant with thousands of keys stays quick.
 */
async function ownerBudgets(t, thresholds, fmtMoney) {
  const section = h('section', { class: 'panel', 'aria-labelledby': 'owner-budgets-h' },
    h('h2', { id: 'owner-budgets-h' }, 'Project and key budgets this period'),
    h('p', { class: 'muted' }, 'Bars as above. A budget not used yet this period shows an empty bar. ',
      'Shadow budgets (limits on trial) are counted the same way but never refuse a request.'));
  for (const [level, title, noun] of [['project', 'Projects', 'project'], ['key', 'API keys', 'key']]) {
    const list = h('div', { id: `budgets-${level}` });
    // Shown only while the server has a further page (display, not [hidden]: the stylesheet styles every button).
    const more = h('button', { type: 'button', style: 'display:none', id: `more-${level}-budgets` }, `More ${noun} budgets`);
    let cursor = null;
    const load = async () => {
      const page = await api(`/tenants/${t.id}/budgets`, { query: { level, limit: 50, cursor } });
      for (const b of page.budgets) {
        const who = level === 'key' ? `Key ${b.ownerName}` : `Project ${b.ownerName}`;
        list.append(statusBar(b, { id: budgetId('budget', b), label: `${who}: ${budgetLabel(b)}`, thresholds, zone: t.timeZone, fmtMoney }));
      }
      cursor = page.nextCursor;
      more.style.display = cursor ? '' : 'none';
      if (!list.children.length) list.append(h('p', { class: 'muted' }, `No ${noun} budget set.`));
    };
    more.addEventListener('click', () => load().catch((e) => toast(e.message, 'error')));
    section.append(h('h3', {}, title), list, more);
    try { await load(); } catch (e) { list.append(h('p', { class: 'muted' }, `${title}: budgets not available (${e.message}).`)); }
  }
  return section;
}

/**
 * A budget bar: settled usage, then holds, against the limit, with a mark per soft threshold. A budget on which the
 * gateway refused a request (EXHAUSTED event) is shown full and red: it admits nothing more this period. Amounts come
 * as the API gives them (decimal strings or numbers): the text shows them as they are, percentages use numbers.
 * A shadow budget is drawn hatched grey and labelled as never refusing.
 */
function budgetBar({ id, label, settled, held, limit, thresholds, exhaustedAt, zone, fmt, shadow = false }) {
  const pctOf = (x) => (Number(limit) > 0 ? Math.min(100, (x / Number(limit)) * 100) : 100);
  const settledPct = pctOf(Number(settled));
  const heldPct = Math.max(0, Math.min(100 - settledPct, pctOf(Number(settled) + Number(held)) - settledPct));
  const pct = exhaustedAt ? 100 : settledPct + heldPct;
  const text = exhaustedAt
    ? `Used up: a request was refused (quota_exceeded) ${when(exhaustedAt, zone)}. Settled ${fmt(settled)} + held ${fmt(held)} of ${fmt(limit)}`
    : `${fmt(settled)} settled + ${fmt(held)} held of ${fmt(limit)} (${Math.round(pct)} %)`
      + (shadow ? '. Shadow mode: counted, never refuses' : '');
  return h('div', { class: 'budget' + (shadow ? ' shadow' : ''), id, dataset: { exhausted: exhaustedAt ? 'true' : 'false', shadow: shadow ? 'true' : 'false', settled: String(settled) } },
    h('span', {}, label, shadow ? [' ', badge('shadow')] : null),
    h('div', { class: 'bar', role: 'progressbar', 'aria-label': label, 'aria-valuemin': 0, 'aria-valuemax': 100,
      'aria-valuenow': Math.round(pct), 'aria-valuetext': text, title: text },
      exhaustedAt
        ? h('div', { class: 'fill over', style: 'width:100%' })
        : [h('div', { class: 'fill' + (pct >= 100 ? ' over' : ''), style: `width:${settledPct}%` }),
          h('div', { class: 'fill held', style: `left:${settledPct}%;width:${heldPct}%` })],
      (thresholds || []).filter((p) => p > 0 && p < 100).map((p) =>
        h('div', { class: 'mark', style: `left:${p}%`, title: `soft threshold ${p} %`, dataset: { threshold: p } }))),
    h('span', { class: 'budget-text' }, text));
}

export { ApiError, showProblem };
