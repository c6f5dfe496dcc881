// Models and pods (live), and the audit log.
import { api } from './api.js';
import { h, form, table, toast, badge, when, num, browserZone } from './ui.js';

export async function modelsView(view) {
  view.append(h('h1', {}, 'Models & pods'));
  const modelsBox = h('section', { class: 'panel', 'aria-label': 'Catalogue' });
  const poolsBox = h('section', { class: 'panel', 'aria-label': 'Pools and pods' });
  const stamp = h('p', { class: 'muted', id: 'pods-refreshed' });
  let paused = false;
  const pause = h('button', { type: 'button', id: 'pods-pause', 'aria-pressed': 'false', onclick: () => {
    paused = !paused;
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume live updates' : 'Pause live updates';
  } }, 'Pause live updates');
  view.append(modelsBox, h('div', { class: 'actions' }, pause), poolsBox, stamp);
  const models = await api('/models');
  modelsBox.append(h('h2', { id: 'models-h' }, 'Catalogue'), table([
    { label: 'Model', value: (m) => m.name },
    { label: 'Aliases', value: (m) => (m.aliases || []).join(', ') },
    { label: 'Pool', value: (m) => m.pool },
    { label: 'Price tier', value: (m) => m.priceTier },
    { label: 'Max output', num: true, value: (m) => num(m.maxOutputTokens) },
    // Effective window (what the pool's pods serve, at most the configured one); the configured one when it differs.
    { label: 'Context', num: true, value: (m) => (m.effectiveContextLength == null || m.effectiveContextLength === m.contextLength
      ? num(m.contextLength)
      : h('span', { title: `pods report max_model_len ${num(m.hostMaxModelLen)}` }, num(m.effectiveContextLength),
        h('span', { class: 'muted' }, ` (configured ${num(m.contextLength)})`))) },
    { label: 'Source', value: (m) => m.source },
  ], models, { empty: 'No models configured.' }));

  async function refresh() {
    const pools = await api('/pools');
    poolsBox.replaceChildren(h('h2', { id: 'pools-h' }, 'Pools and pods'), ...pools.map((p) => h('div', {},
      h('h3', {}, `${p.name} `, badge(p.accelerator, 'ACTIVE'), p.dns ? h('span', { class: 'muted' }, ` DNS ${p.dns}`) : ''),
      table([
        { label: 'Pod', value: (e) => e.baseUrl },
        // An INVALID endpoint (a base URL no pod can be made of) receives nothing; its problem says why.
        { label: 'Health', value: (e) => (e.state === 'INVALID'
          ? h('span', {}, badge('invalid', 'notready'), h('div', { class: 'muted' }, e.problem))
          : badge(e.ready ? 'ready' : 'not ready', e.ready ? 'ready' : 'notready')) },
        { label: 'Circuit', value: (e) => (e.circuit == null ? '—' : badge(e.circuit, e.circuit === 'CLOSED' ? 'CLOSED-circuit' : e.circuit)) },
        { label: 'Queue', num: true, value: (e) => (e.waiting == null ? '—' : num(e.waiting)) },
        { label: 'KV cache', num: true, value: (e) => (e.kvCacheUsage == null ? '—' : Math.round(e.kvCacheUsage * 100) + ' %') },
        { label: 'In flight', num: true, value: (e) => num(e.inFlightRequests) },
        { label: 'Window', num: true, value: (e) => (e.maxModelLen == null ? '—' : num(e.maxModelLen)) },
        { label: 'Draining', value: (e) => (e.draining ? badge('draining', 'SUSPENDED') : 'no') },
        { label: 'Actions', value: (e) => (e.id && e.state === 'INVALID' ? h('button', { type: 'button', onclick: async () => {
          try {
            await api(`/pools/${encodeURIComponent(p.name)}/endpoints/${e.id}`, { method: 'DELETE' });
            toast('Invalid endpoint removed');
            await refresh();
          } catch (err) { toast(err.message, 'error'); }
        } }, 'Remove') : e.id ? h('button', { type: 'button', onclick: async () => {
          try {
            await api(`/pools/${encodeURIComponent(p.name)}/endpoints/${e.id}`, { method: 'PATCH', body: { draining: !e.draining } });
            toast(e.draining ? 'Pod back in rotation' : 'Pod draining: no new requests');
            await refresh();
          } catch (err) { toast(err.message, 'error'); }
        } }, e.draining ? 'Undrain' : 'Drain') : h('span', { class: 'muted' }, 'static')) },
      ], p.endpoints || [], { empty: 'No pods.' }))));
    stamp.textContent = 'Refreshed ' + when(new Date().toISOString()) + ' · every 2 s';
  }
  await refresh();
  const timer = setInterval(() => paused || refresh().catch(() => {}), 2000);
  return () => clearInterval(timer);
}

export async function auditView(view) {
  view.append(h('h1', {}, 'Audit log'));
  const state = { cursors: [null], page: 0, q: {} };
  const box = h('div', {});
  view.append(form({
    label: 'Filter the audit log', cls: 'toolbar', submit: 'Filter',
    fields: [
      { name: 'actor', label: 'Actor' },
      { name: 'tenantId', label: 'Tenant id' },
      { name: 'action', label: 'Action' },
      { name: 'since', label: `Since (${browserZone()})`, type: 'datetime-local' },
      { name: 'until', label: `Until (${browserZone()})`, type: 'datetime-local' },
    ],
    onSubmit: async (v) => {
      state.q = { ...v, since: v.since ? new Date(v.since).toISOString() : '', until: v.until ? new Date(v.until).toISOString() : '' };
      state.cursors = [null];
      state.page = 0;
      await load();
    },
  }), box);

  async function load() {
    const page = await api('/audit', { query: { ...state.q, limit: 25, cursor: state.cursors[state.page] } });
    state.cursors[state.page + 1] = page.nextCursor;
    box.replaceChildren(table([
      { label: 'When', value: (a) => when(a.occurredAt) },
      { label: 'Actor', value: (a) => `${a.actor} (${a.actorRoles || '—'})` },
      { label: 'Action', value: (a) => a.action },
      { label: 'Target', value: (a) => `${a.targetType} ${a.targetId || ''}` },
      { label: 'Tenant', value: (a) => a.tenantId },
      { label: 'Before → after', value: (a) => h('details', {}, h('summary', {}, 'changes'),
        h('pre', {}, 'before: ' + JSON.stringify(a.before, null, 1)), h('pre', {}, 'after: ' + JSON.stringify(a.after, null, 1))) },
    ], page.items, { empty: 'No entries match.' }),
    h('div', { class: 'pager' },
      h('button', { type: 'button', disabled: state.page === 0, onclick: () => { state.page--; load(); } }, 'Previous'),
      h('span', { class: 'muted' }, `Page ${state.page + 1}`),
      h('button', { type: 'button', disabled: !page.nextCursor, onclick: () => { state.page++; load(); } }, 'Next')));
  }
  await load();
}
