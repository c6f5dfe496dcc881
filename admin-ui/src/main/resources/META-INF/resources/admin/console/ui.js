// Small DOM helpers: elements are built with createElement and textContent (never innerHTML with data), forms
// have a label per input and an error slot next to it that problem+json field errors fill.

/** Creates an element: h('button', {class: 'primary', onclick}, 'Save'). */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  for (const c of children.flat(Infinity)) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

let fieldSeq = 0;

/**
 * A labelled input. spec: {name, label, type, value, options: [[value, text]], required, hint, step, min, placeholder}.
 * `name` is the API's field path (for example limits.budgetAmount) so field errors land next to it.
 */
export function field(spec) {
  const id = 'f' + ++fieldSeq;
  const errId = id + '-err';
  if (spec.type === 'checkboxes') return checkboxes(spec, id, errId);
  let input;
  if (spec.options) {
    input = h('select', { id, name: spec.name, 'aria-describedby': errId, required: spec.required },
      spec.options.map(([v, t]) => h('option', { value: v, selected: String(v) === String(spec.value ?? '') }, t)));
  } else {
    input = h('input', {
      id, name: spec.name, type: spec.type || 'text', 'aria-describedby': errId, required: spec.required,
      step: spec.step, min: spec.min, placeholder: spec.placeholder, autocomplete: 'off',
    });
    if (spec.value !== undefined && spec.value !== null) input.value = spec.value;
  }
  return h('div', { class: 'field' },
    h('label', { for: id }, spec.label),
    input,
    spec.hint ? h('span', { class: 'muted' }, spec.hint) : null,
    h('span', { class: 'field-error', id: errId, dataset: { errorFor: spec.name } }));
}

/**
 * A group of checkboxes sharing `name` (spec.options: [[value, text]], spec.value: the values checked at first); the
 * form's values give the checked ones as an array.
 */
function checkboxes(spec, id, errId) {
  const checked = new Set(spec.value || []);
  return h('fieldset', { class: 'field checks', id, 'aria-describedby': errId },
    h('legend', {}, spec.label),
    spec.options.map(([v, t], i) => h('label', { for: `${id}-${i}` },
      h('input', { type: 'checkbox', id: `${id}-${i}`, name: spec.name, value: v, checked: checked.has(v) }), ' ', t)),
    spec.hint ? h('span', { class: 'muted' }, spec.hint) : null,
    h('span', { class: 'field-error', id: errId, dataset: { errorFor: spec.name } }));
}

/** The named fields of a form: text as trimmed strings, checkboxes as the array of the checked ones' values. */
function formValues(form) {
  const values = {};
  for (const el of form.elements) {
    if (!el.name) continue;
    if (el.type === 'checkbox') (values[el.name] ||= []).push(...(el.checked ? [el.value] : []));
    else values[el.name] = el.value.trim();
  }
  return values;
}

/** A form: fields, a submit button, a form-level error line; onSubmit(values, form) may throw ApiError. */
export function form({ fields, submit = 'Save', onSubmit, cls = 'grid', label }) {
  const errorLine = h('p', { class: 'form-error', role: 'alert' });
  const button = h('button', { type: 'submit', class: 'primary' }, submit);
  const f = h('form', { class: cls, novalidate: true, 'aria-label': label },
    fields.map(field), h('div', { class: 'actions' }, button), errorLine);
  f.addEventListener('submit', async (e) => {
    e.preventDefault();
    clearErrors(f);
    const values = formValues(f);
    button.disabled = true;
    try {
      await onSubmit(values, f);
    } catch (err) {
      showProblem(f, err);
    } finally {
      button.disabled = false;
    }
  });
  return f;
}

export function clearErrors(f) {
  f.querySelectorAll('.field-error').forEach((s) => (s.textContent = ''));
  f.querySelectorAll('[aria-invalid]').forEach((s) => s.removeAttribute('aria-invalid'));
  const line = f.querySelector('.form-error');
  if (line) line.textContent = '';
}

/**
 * Shows an API error on a form: each field error next to the input whose name matches the field path (or its
 * last segments: the API may name `putLimits.r.limits.budgetAmount` for the input `limits.budgetAmount`).
 */
export function showProblem(f, err) {
  const p = err.problem || { detail: err.message };
  const errors = p.errors && p.errors.length ? p.errors : p.field ? [{ field: p.field, message: p.detail }] : [];
  let placed = 0;
  for (const e of errors) {
    const slot = findSlot(f, e.field);
    if (slot) {
      slot.textContent = e.message;
      const input = f.querySelector(`[aria-describedby="${slot.id}"]`);
      if (input) {
        input.setAttribute('aria-invalid', 'true');
        if (placed === 0) input.focus();
      }
      placed++;
    }
  }
  const line = f.querySelector('.form-error');
  if (line && (placed === 0 || placed < errors.length)) {
    line.textContent = p.detail || p.title || err.message;
  }
}

function findSlot(f, path) {
  if (!path) return null;
  const slots = [...f.querySelectorAll('.field-error')];
  const parts = path.split('.');
  for (let n = parts.length; n > 0; n--) {
    const suffix = parts.slice(parts.length - n).join('.');
    // An item of a list field (scopes[1]) lands next to the list.
    const hit = slots.find((s) => s.dataset.errorFor === suffix || s.dataset.errorFor === suffix.replace(/\[\d+\]$/, ''));
    if (hit) return hit;
  }
  return null;
}

/**
 * A table: columns [{label, value: row => text|Node, num}], stacked into label/value pairs on narrow screens.
 */
export function table(columns, rows, { caption, empty = 'Nothing here yet.', foot } = {}) {
  if (!rows.length) return h('p', { class: 'muted' }, empty);
  const row = (r) => h('tr', {}, columns.map((c) => {
    const v = c.value(r);
    return h('td', { class: c.num ? 'num' : null, 'data-label': c.label }, v ?? '—');
  }));
  // Focusable so keyboard users can scroll a wide table sideways.
  return h('div', { class: 'table-wrap', tabindex: 0 }, h('table', { class: 'stack' },
    caption ? h('caption', { class: 'muted' }, caption) : null,
    h('thead', {}, h('tr', {}, columns.map((c) => h('th', { scope: 'col', class: c.num ? 'num' : null }, c.label)))),
    h('tbody', {}, rows.map(row)),
    // An optional totals row (e.g. the server's sums), rendered with the same columns.
    foot ? h('tfoot', {}, row(foot)) : null));
}

/** Short message in the corner. */
export function toast(text, kind = 'info') {
  const box = document.getElementById('toast');
  const el = h('div', { class: kind }, text);
  box.append(el);
  setTimeout(() => el.remove(), kind === 'error' ? 8000 : 4000);
}

/** A modal confirmation: resolves to the values of its fields (or {}), or null when cancelled. */
export function confirmDialog({ title, text, confirm = 'Confirm', danger = false, fields = [] }) {
  const dlg = document.getElementById('dialog');
  dlg.replaceChildren();
  dlg.setAttribute('aria-labelledby', 'dialog-title');
  return new Promise((resolve) => {
    const f = h('form', { method: 'dialog' },
      h('h2', { id: 'dialog-title' }, title),
      text ? h('p', {}, text) : null,
      fields.map(field),
      h('div', { class: 'actions' },
        h('button', { type: 'button', value: 'cancel', onclick: () => { dlg.close(); resolve(null); } }, 'Cancel'),
        h('button', { type: 'submit', class: danger ? 'danger' : 'primary', value: 'ok' }, confirm)));
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      const values = formValues(f);
      dlg.close();
      resolve(values);
    });
    dlg.addEventListener('cancel', () => resolve(null), { once: true });
    dlg.append(f);
    dlg.showModal();
  });
}

/** Status badge. */
export function badge(text, cls) {
  return h('span', { class: 'badge ' + (cls || text) }, text);
}

/**
 * Formats an Instant for people, always followed by the zone it is shown in (every time the console shows goes
 * through here). The rule: on a tenant's pages, `zone` is the tenant's IANA time zone, the one its invoices, usage days
 * and budget periods are in; elsewhere (no `zone`) UTC. Never the browser's own zone, which would differ between
 * admins and from the billing periods. E.g. "Nov 30, 2026, 8:06 PM Asia/Shanghai", "Nov 30, 2026, 12:06 PM UTC".
 */
export function when(instant, zone) {
  if (!instant) return '—';
  const format = (z) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: z })
    .format(new Date(instant));
  const z = zone || 'UTC';
  try {
    return `${format(z)} ${z}`;
  } catch (e) {
    // A zone this browser does not know (RangeError): UTC, labelled as such, rather than an unlabelled local time.
    return `${format('UTC')} UTC`;
  }
}

/** Formats money with Intl (currency code from the API). */
export function money(amount, currency) {
  if (amount === null || amount === undefined) return '—';
  try {
    // A decimal string from the API is formatted as an exact decimal (Intl.NumberFormat v3 takes strings), never
    // through a binary float.
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, maximumFractionDigits: 6 })
      .format(typeof amount === 'string' ? amount : Number(amount));
  } catch (e) {
    return `${amount} ${currency}`;
  }
}

export function num(n) {
  return n === null || n === undefined ? '—' : new Intl.NumberFormat().format(n);
}

/** This browser's IANA zone: the zone a datetime-local input is read in (its label says so). */
export function browserZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

/** Today's date (YYYY-MM-DD) in an IANA time zone, via Intl. */
export function today(zone) {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone || undefined, year: 'numeric', month: '2-digit', day: '2-digit' })
    .format(new Date());
}
