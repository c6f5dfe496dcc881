// Usage charts (Chart.js), invoices and the price book.
import { api, download } from './api.js';
import { h, form, table, toast, confirmDialog, badge, when, money, num, today, browserZone } from './ui.js';
import { session } from './app.js';
import { tenantTabs, monthToDate } from './tenants.js';

function isPlatform() { return session().roles.includes('platform-admin'); }

async function tenantHeader(view, tenantId, tab) {
  const account = await api(`/billing/tenants/${tenantId}/account`);
  view.append(h('h1', {}, account.displayName), tenantTabs(tenantId, tab));
  return account;
}

const SERIES = [
  ['promptCacheHitTokens', 'Input, cache hit', '#7fb3ff'],
  ['promptCacheMissTokens', 'Input, cache miss', '#0b57d0'],
  ['completionTokens', 'Output', '#f29900'],
];

export async function usageView(view, tenantId) {
  const account = await tenantHeader(view, tenantId, 'usage');
  const zone = account.timeZone;
  const range = monthToDate(zone);
  const state = { ...range, by: 'day' };
  const chartBox = h('div', { class: 'chart-box' }, h('canvas', { id: 'usage-chart', role: 'img', 'aria-label': 'Tokens by input cache hit, cache miss and output, with money' }));
  const tableBox = h('div', {});
  let chart;
  view.append(h('p', { class: 'muted', id: 'usage-zone' }, `Dates and hours are in the tenant’s time zone (${zone}); the range covers whole local days, both ends included. By hour: at most 31 days.`),
    form({
      label: 'Usage range', cls: 'toolbar', submit: 'Show',
      fields: [
        { name: 'from', label: `From (${zone})`, type: 'date', value: state.from },
        { name: 'to', label: `To (${zone})`, type: 'date', value: state.to },
        { name: 'by', label: 'Group by', options: [['day', 'Day'], ['hour', 'Hour'], ['model', 'Model'], ['projectId', 'Project'], ['keyId', 'Key']] },
      ],
      onSubmit: async (v) => { Object.assign(state, v); await load(); },
    }),
    h('section', { class: 'panel', 'aria-label': 'Usage chart' }, chartBox),
    h('div', { class: 'actions' }, h('button', { type: 'button', id: 'usage-csv', onclick: () => csv() }, 'Download CSV')),
    tableBox);

  async function load() {
    const hourly = state.by === 'hour';
    // Grouped and summed on the server: the money figures shown are its exact decimal strings, never a browser sum.
    const summary = await api(`/billing/tenants/${tenantId}/usage/summary`, { query: { from: state.from, to: state.to, by: state.by } });
    const list = summary.groups;
    const data = {
      labels: list.map((g) => g.label),
      datasets: [
        ...SERIES.map(([f, label, color]) => ({ type: 'bar', label, data: list.map((g) => g[f]), backgroundColor: color, stack: 'tokens', yAxisID: 'y' })),
        // Money beside the tokens: its own bar on its own axis, so even a single group shows it. Plotted as numbers
        // (a bar's height); the table below shows the exact figures.
        { type: 'bar', label: `Money (${summary.currency})`, data: list.map((g) => Number(g.amount)), backgroundColor: '#b3261e', stack: 'money', yAxisID: 'money' },
      ],
    };
    if (chart) chart.destroy();
    chart = new Chart(chartBox.querySelector('canvas'), {
      data,
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: {
          x: { stacked: true },
          y: { stacked: true, title: { display: true, text: 'tokens' } },
          money: { position: 'right', beginAtZero: true, stacked: true, grid: { drawOnChartArea: false }, title: { display: true, text: summary.currency } },
        },
      },
    });
    const GROUP_LABEL = { day: `Day (${zone})`, hour: `Hour (${zone})`, model: 'Model', projectId: 'Project', keyId: 'Key' };
    tableBox.replaceChildren(table([
      { label: GROUP_LABEL[state.by] || 'Group', value: (g) => (g.key == null ? h('strong', {}, g.label) : g.label) },
      { label: 'Requests', num: true, value: (g) => num(g.requests) },
      ...SERIES.map(([f, label]) => ({ label, num: true, value: (g) => num(g[f]) })),
      { label: 'Money', num: true, value: (g) => h('span', { title: `${g.amount} ${summary.currency} (exact)`, dataset: { amount: g.amount } }, money(g.amount, summary.currency)) },
    ], list, { empty: 'No usage in this range.', caption: hourly ? `Usage by hour, ${zone}` : null,
      foot: { ...summary.total, key: null, label: 'Total' } }));
  }

  /** The same buckets as CSV, from the server (exact decimal amounts): by hour when grouped by hour, else by day. */
  function csv() {
    const granularity = state.by === 'hour' ? 'hour' : 'day';
    return download(`/billing/tenants/${tenantId}/usage.csv?${new URLSearchParams({ from: state.from, to: state.to, granularity })}`,
      `usage-${granularity}-${state.from}-${state.to}.csv`).catch((e) => toast(e.message, 'error'));
  }

  await load();
  return () => chart && chart.destroy();
}

export async function invoicesView(view, tenantId) {
  let account;
  if (tenantId) account = await tenantHeader(view, tenantId, 'invoices');
  else view.append(h('h1', {}, 'Invoices'));
  const state = { status: '', tenantId: tenantId || '' };
  const listBox = h('div', { id: 'invoice-list' });
  const detail = h('div', { id: 'invoice-detail' });
  view.append(form({
    label: 'Filter invoices', cls: 'toolbar', submit: 'Show',
    fields: [{ name: 'status', label: 'Status', options: [['', 'Any'], ['DRAFT', 'Draft'], ['FINALIZED', 'Finalized'], ['VOID', 'Void']] }],
    onSubmit: async (v) => { state.status = v.status; await load(); },
  }), listBox, detail);

  if (isPlatform() && tenantId) {
    const tz = account.timeZone;
    view.append(h('h2', {}, 'Draft an invoice'), form({
      label: 'Draft an invoice', submit: 'Draft',
      fields: [{ name: 'period', label: 'Month', type: 'month', value: today(tz).slice(0, 7) }],
      onSubmit: async (v) => {
        const inv = await api(`/billing/tenants/${tenantId}/invoices`, { method: 'POST', query: { period: v.period } });
        toast('Invoice drafted');
        await load();
        await show(inv.id);
      },
    }));
  }

  async function load() {
    const list = await api('/billing/invoices', { query: { tenantId: state.tenantId, status: state.status } });
    listBox.replaceChildren(table([
      { label: 'Number', value: (i) => h('a', { href: 'javascript:void 0', onclick: (e) => { e.preventDefault(); show(i.id); } }, i.number || 'draft ' + i.periodStart) },
      { label: 'Kind', value: (i) => i.kind },
      { label: 'Period', value: (i) => `${i.periodStart} to ${i.periodEnd} (exclusive, ${i.timeZone})` },
      { label: 'Status', value: (i) => badge(i.status) },
      { label: 'Bill to', value: (i) => i.billToName },
      { label: 'Total', num: true, value: (i) => money(i.total, i.currency) },
    ], list, { empty: 'No invoices.' }));
  }

  async function show(id) {
    const inv = await api('/billing/invoices/' + id);
    const actions = h('div', { class: 'actions' },
      h('button', { type: 'button', id: 'invoice-pdf', onclick: () => download(`/billing/invoices/${id}/pdf`, `${inv.number || 'draft-' + id}.pdf`).catch((e) => toast(e.message, 'error')) }, 'Download PDF'),
      h('button', { type: 'button', onclick: () => download(`/billing/invoices/${id}/csv`, `${inv.number || 'draft-' + id}.csv`).catch((e) => toast(e.message, 'error')) }, 'Download CSV'));
    if (isPlatform() && inv.status === 'DRAFT') {
      actions.append(h('button', { type: 'button', class: 'primary', id: 'invoice-finalize', onclick: async () => {
        if (!(await confirmDialog({ title: 'Finalize this invoice?', text: 'A number is assigned and the invoice can no longer change.', confirm: 'Finalize' }))) return;
        try { await api(`/billing/invoices/${id}/finalize`, { method: 'POST' }); toast('Invoice finalized'); await load(); await show(id); }
        catch (e) { toast(e.message, 'error'); }
      } }, 'Finalize'));
    }
    if (isPlatform() && inv.status === 'FINALIZED' && inv.kind !== 'CREDIT_NOTE') {
      actions.append(h('button', { type: 'button', class: 'danger', onclick: async () => {
        const v = await confirmDialog({ title: 'Void this invoice?', danger: true, confirm: 'Void', text: 'A credit note is issued for its total.',
          fields: [{ name: 'reason', label: 'Reason', required: true }] });
        if (!v) return;
        try { await api(`/billing/invoices/${id}/void`, { method: 'POST', body: { reason: v.reason } }); toast('Invoice voided; credit note issued'); await load(); await show(id); }
        catch (e) { toast(e.message, 'error'); }
      } }, 'Void with credit note'));
    }
    detail.replaceChildren(h('section', { class: 'panel', 'aria-labelledby': 'inv-h' },
      h('h2', { id: 'inv-h' }, `Invoice ${inv.number || '(draft)'} `, badge(inv.status)),
      h('p', {}, `${inv.billToName} · ${inv.periodStart} to ${inv.periodEnd} (exclusive, ${inv.timeZone}) · subtotal ${money(inv.subtotal, inv.currency)} · discount ${money(inv.discountAmount, inv.currency)} · tax ${money(inv.taxAmount, inv.currency)} · `, h('strong', { id: 'invoice-total' }, 'total ' + money(inv.total, inv.currency))),
      inv.voidReason ? h('p', {}, 'Voided: ' + inv.voidReason) : null,
      actions,
      table([
        { label: '#', num: true, value: (l) => l.lineNo },
        { label: 'Kind', value: (l) => l.kind },
        { label: 'Model', value: (l) => l.model },
        { label: 'Tokens', value: (l) => l.tokenClass },
        { label: 'Window', value: (l) => l.window },
        { label: 'Quantity', num: true, value: (l) => num(l.quantityTokens) },
        { label: 'Price / Mtok', num: true, value: (l) => money(l.unitPricePerMtok, inv.currency) },
        { label: 'Amount', num: true, value: (l) => money(l.amount, inv.currency) },
      ], inv.lines || [], { empty: 'No lines.' })));
    detail.querySelector('h2').scrollIntoView({ block: 'nearest' });
  }

  await load();
}

export async function priceBookView(view) {
  view.append(h('h1', {}, 'Price book'));
  const versions = await api('/billing/price-book');
  const byModel = [...versions].sort((a, b) => a.model.localeCompare(b.model) || b.effectiveFrom.localeCompare(a.effectiveFrom));
  const preview = h('div', { id: 'price-preview' });
  view.append(h('p', { class: 'muted' }, 'Rates are per million tokens. Versions are never edited: add a new one with a later effective date.'),
    table([
      { label: 'Version', num: true, value: (v) => v.id },
      { label: 'Model', value: (v) => v.model },
      { label: 'Tenant', value: (v) => v.tenantId || 'all' },
      { label: 'Effective from', value: (v) => when(v.effectiveFrom) },
      { label: 'Cache hit', num: true, value: (v) => money(v.rates.cacheHit, v.currency) },
      { label: 'Cache miss', num: true, value: (v) => money(v.rates.cacheMiss, v.currency) },
      { label: 'Output', num: true, value: (v) => money(v.rates.output, v.currency) },
      { label: 'Peak window', value: (v) => (v.peak ? `${v.peak.hours} ${v.peak.zone}${v.peak.weekdaysOnly ? ' weekdays' : ''} (out ${money(v.peak.rates.output, v.currency)})` : 'none') },
      { label: 'Preview', value: (v) => h('button', { type: 'button', onclick: () => showPreview(v) }, 'Sample cost') },
    ], byModel, { empty: 'No prices yet.' }),
    preview,
    h('h2', {}, 'Add a version'),
    form({
      label: 'Add a price version', submit: 'Add version',
      fields: [
        { name: 'model', label: 'Model', required: true },
        { name: 'currency', label: 'Currency', value: 'USD', required: true },
        { name: 'effectiveFrom', label: `Effective from (${browserZone()})`, type: 'datetime-local', required: true },
        { name: 'rates.cacheHit', label: 'Cache hit / Mtok', required: true },
        { name: 'rates.cacheMiss', label: 'Cache miss / Mtok', required: true },
        { name: 'rates.output', label: 'Output / Mtok', required: true },
        { name: 'tenantId', label: 'Tenant id (optional, tenant-specific price)' },
        { name: 'source', label: 'Source (optional)' },
      ],
      onSubmit: async (v) => {
        await api('/billing/price-book', { method: 'POST', body: {
          model: v.model, currency: v.currency, tenantId: v.tenantId || null, source: v.source || null,
          effectiveFrom: v.effectiveFrom ? new Date(v.effectiveFrom).toISOString() : null,
          rates: { cacheHit: v['rates.cacheHit'] || null, cacheMiss: v['rates.cacheMiss'] || null, output: v['rates.output'] || null },
        } });
        toast('Price version added');
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      },
    }));

  function showPreview(v) {
    const out = h('div', { 'aria-live': 'polite', id: 'price-preview-result' });
    const f = form({
      label: 'Sample request', cls: 'toolbar', submit: 'Compute',
      fields: [
        { name: 'cacheHitTokens', label: 'Input tokens, cache hit', type: 'number', min: 0, value: 2000 },
        { name: 'cacheMissTokens', label: 'Input tokens, cache miss', type: 'number', min: 0, value: 1000 },
        { name: 'outputTokens', label: 'Output tokens', type: 'number', min: 0, value: 500 },
      ],
      onSubmit: async (s) => {
        // Token counts go as strings of digits; the server validates them and computes in exact decimals.
        const body = {};
        for (const k of ['cacheHitTokens', 'cacheMissTokens', 'outputTokens']) body[k] = /^-?\d+$/.test(s[k]) ? Number(s[k]) : s[k];
        out.replaceChildren();
        const p = await api(`/billing/price-book/${v.id}/preview`, { method: 'POST', body });
        out.replaceChildren(table([
          { label: 'Window', value: (w) => w.window.replace('_', '-').toLowerCase() },
          { label: 'Cache hit', num: true, value: (w) => `${w.cacheHit} ${p.currency}` },
          { label: 'Cache miss', num: true, value: (w) => `${w.cacheMiss} ${p.currency}` },
          { label: 'Output', num: true, value: (w) => `${w.output} ${p.currency}` },
          { label: 'Total (exact)', num: true, value: (w) => h('strong', { dataset: { window: w.window } }, `${w.total} ${p.currency}`) },
          { label: 'Invoiced as', num: true, value: (w) => money(w.totalRounded, p.currency) },
        ], p.windows, { caption: 'Computed by the server with billing’s rating rule (tokens × price per million / 1,000,000, exact decimals).' }));
      },
    });
    preview.replaceChildren(h('section', { class: 'panel' }, h('h2', {}, `Sample cost under version ${v.id} (${v.model})`), f, out));
    f.requestSubmit();
  }
}
