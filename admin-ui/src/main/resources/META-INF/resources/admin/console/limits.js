// A tenant's limits tab: rate limits and budgets per tenant, project and key, and the budget bars (spent, held, limit).
import { api } from './api.js';
import { h, form, table, toast, confirmDialog, badge, when, money, num } from './ui.js';
import { isPlatform, spend, tenantViewReload } from './tenants.js';

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

export async function limitsTab(view, t) {
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
    await effectiveLimits(t, tenantSets, effective, fmtMoney),
    h('h3', {}, 'Tenant overrides'),
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

const EFFECTIVE_FIELDS = [
  ['requestsPerMinute', 'Req/min', true], ['tokensPerMinute', 'Tokens/min', true], ['concurrentRequests', 'Concurrent', true],
  ['budgetPeriod', 'Budget period', false], ['budgetTokens', 'Token budget', true], ['budgetAmount', 'Money budget', true],
];

/**
 * The limits the gateway enforces at the tenant level, for all models and for each model the plan or the tenant sets
 * limits for: the values are the admin API's effective limits (plan overlaid by the tenant's overrides, field by field);
 * each says where it comes from, the first of tenant override for the model, tenant override for all models, plan for
 * the model, plan for all models that sets it (the order the gateway overlays them in).
 */
async function effectiveLimits(t, tenantSets, effectiveAll, fmtMoney) {
  let planRows = [];
  try { if (t.plan) planRows = (await api(`/plans/${encodeURIComponent(t.plan)}`)).limits || []; } catch (e) { /* sources below say "plan" only */ }
  const models = ['*', ...new Set([...planRows, ...tenantSets].map((r) => r.model).filter((m) => m !== '*'))];
  const rows = [];
  for (const model of models) {
    let eff = effectiveAll;
    if (model !== '*') {
      try {
        eff = await api(`/tenants/${t.id}/limits/effective`, { query: { model } });
      } catch (e) {
        // A limit on a model the catalogue no longer has applies to no request (the admin API answers 400): not in force.
        if (e.status === 400) continue;
        throw e;
      }
    }
    const layer = (sets, m) => ((sets.find((r) => r.model === m) || {}).limits) || {};
    const layers = [
      [layer(tenantSets, model), 'tenant', model === '*' ? 'tenant override' : `tenant override (${model})`],
      [model === '*' ? {} : layer(tenantSets, '*'), 'tenant', 'tenant override (all models)'],
      [model === '*' ? {} : layer(planRows, model), 'plan', `plan ${t.plan} (${model})`],
      [layer(planRows, '*'), 'plan', model === '*' ? `plan ${t.plan}` : `plan ${t.plan} (all models)`],
    ];
    rows.push({ model, values: eff.tenant || {}, layers });
  }
  const slug = (m) => (m === '*' ? 'all' : m.replace(/[^A-Za-z0-9_-]/g, '_'));
  const cell = (r, field) => {
    const value = r.values[field];
    const from = value == null ? null : r.layers.find(([l]) => l[field] != null);
    const source = value == null ? 'none' : from ? from[1] : 'plan';
    const text = value == null ? 'no limit' : field === 'budgetAmount' ? fmtMoney(value) : field === 'budgetPeriod' ? value : num(value);
    return h('span', { id: `effective-${slug(r.model)}-${field}`, dataset: { source } }, text,
      value == null ? null : [' ', h('small', { class: 'muted' }, from ? from[2] : `plan ${t.plan || ''}`.trim())]);
  };
  return h('div', { id: 'effective-limits' },
    h('h3', {}, 'In force'),
    h('p', { class: 'muted' }, `What the gateway enforces for the whole tenant: the plan's defaults (plan ${t.plan || '—'}) with the tenant's overrides on top, each value with where it comes from.`),
    table([
      { label: 'Model', value: (r) => (r.model === '*' ? 'All models' : r.model) },
      ...EFFECTIVE_FIELDS.map(([field, label, isNum]) => ({ label, num: isNum, value: (r) => cell(r, field) })),
    ], rows));
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
