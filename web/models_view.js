// SPDX-License-Identifier: Apache-2.0
// Models view: the detector models (GET /models), upload (.onnx and an
// optional names file), activate, delete, and shadow mode with its report
// polled every 2 s while it runs.
import { api } from './api.js';

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  for (const k of kids) if (k != null) e.append(k);
  return e;
};
const POLL_MS = 2000;

function bytes(n) {
  if (typeof n !== 'number') return '—';
  if (n < 1024) return `${n} B`;
  if (n < 1 << 20) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / (1 << 20)).toFixed(1)} MiB`;
}
const num = (v) => (Number.isInteger(v) ? String(v) : v.toFixed(3));
const shown = (v) => typeof v === 'number' || typeof v === 'string';

/// A <dl> of a flat object's numbers (and strings).
function dl(obj) {
  const out = el('dl');
  for (const [k, v] of Object.entries(obj))
    if (shown(v)) out.append(el('dt', { textContent: k }), el('dd', { textContent: typeof v === 'number' ? num(v) : v }));
  return out;
}

/// The shadow report, whatever numeric fields it has: top-level numbers as
/// a list; an object of objects (per_class) as a table; other objects
/// (latency_ms) as a list under their name.
function renderReport(report) {
  const box = el('div', { className: 'report' }, dl(report));
  for (const [k, v] of Object.entries(report)) {
    if (!isObj(v)) continue;
    box.append(el('h4', { textContent: k }));
    const rows = Object.entries(v);
    if (rows.length && rows.every(([, r]) => isObj(r))) {
      const cols = [...new Set(rows.flatMap(([, r]) => Object.keys(r).filter((c) => shown(r[c]))))];
      const table = el('table', {}, el('thead', {}, el('tr', {}, el('th', { textContent: k === 'per_class' ? 'class' : '' }),
        ...cols.map((c) => el('th', { textContent: c })))));
      const body = el('tbody');
      for (const [name, r] of rows)
        body.append(el('tr', {}, el('th', { textContent: name }),
          ...cols.map((c) => el('td', { textContent: typeof r[c] === 'number' ? num(r[c]) : r[c] ?? '—' }))));
      table.append(body);
      table.dataset.key = k;
      box.append(table);
    } else {
      const d = dl(v);
      d.dataset.key = k;
      box.append(d);
    }
  }
  return box;
}

export class ModelsView {
  constructor() {
    this.state = { loaded: 0, available: null, models: [], error: null, shadow: null, polling: false, report: null, reports: 0, uploaded: null };
    window.__argus = window.__argus || {};
    window.__argus.models = this.state;
    this.timer = null;
    $('model-upload').onsubmit = (ev) => { ev.preventDefault(); this.upload(); };
    $('models-table').onclick = (ev) => {
      const b = ev.target.closest('button[data-action]');
      if (b) this[b.dataset.action](b.dataset.name);
    };
  }

  message(text, kind = '') {
    const m = $('models-msg');
    m.textContent = text;
    m.className = `feedback ${kind}`;
  }

  /// An error body's detail, clearly; a 404 of the whole API as such.
  fail(what, e) {
    this.state.error = e.message;
    if (e.status === 404 && what === 'list') {
      this.state.available = false;
      $('models-body').hidden = true;
      this.message('This server has no models API (GET /models answered 404).', 'bad');
      return;
    }
    const b = e.body || {};
    if (e.status === undefined) { // fetch() itself failed: no answer at all
      this.message(`${what} failed: no answer from the server (${e.message})${what === 'upload' ? '; a file over the server\'s body limit can end the connection' : ''}`, 'bad');
      return;
    }
    this.message(`${what} failed (HTTP ${e.status}${b.error ? ` ${b.error}` : ''}): ${b.detail || e.message}`, 'bad');
  }

  async refresh() {
    try {
      const { models } = await api('/models');
      this.state.models = models || [];
      this.state.available = true;
      $('models-body').hidden = false;
      this.render();
      this.state.loaded++;
      const shadow = this.state.models.find((m) => m.shadow);
      if (shadow && this.state.shadow !== shadow.name) this.startPolling(shadow.name);
      else if (!shadow && this.state.shadow) this.stopPolling('shadow mode ended');
    } catch (e) {
      this.fail('list', e);
    }
  }

  render() {
    const body = $('models-table').querySelector('tbody');
    body.replaceChildren();
    for (const m of this.state.models) {
      const btn = (action, text, label, disabled = false) => {
        const b = el('button', { type: 'button', textContent: text, disabled });
        b.dataset.action = action;
        b.dataset.name = m.name;
        b.setAttribute('aria-label', `${label} ${m.name}`);
        return b;
      };
      const classes = Array.isArray(m.classes) ? m.classes : [];
      const status = el('td', {}, m.active ? el('span', { className: 'badge ok', textContent: 'active' }) : null,
        m.shadow ? el('span', { className: 'badge warn', textContent: 'shadow' }) : null);
      const tr = el('tr', {},
        el('td', { textContent: m.name }), status, el('td', { textContent: m.format ?? '—' }),
        el('td', { textContent: bytes(m.size_bytes) }),
        el('td', { textContent: m.input ? `${m.input.width}×${m.input.height}` : '—' }),
        el('td', { textContent: m.layout ?? '—' }),
        el('td', { textContent: classes.length ? `${classes.length}: ${classes.slice(0, 4).join(', ')}${classes.length > 4 ? ', …' : ''}` : '0',
                   title: classes.join(', ') }),
        el('td', { textContent: typeof m.added_at === 'number'
          ? new Date(m.added_at > 1e12 ? m.added_at : m.added_at * 1000).toISOString() : m.added_at ?? '—' }),
        el('td', { className: 'actions' },
          btn('activate', 'Activate', 'activate', !!m.active),
          m.shadow ? btn('stopShadow', 'Stop shadow', 'stop shadow mode of') : btn('startShadow', 'Shadow', 'start shadow mode of', !!m.active),
          btn('remove', 'Delete', 'delete', !!m.active)));
      tr.dataset.name = m.name;
      if (m.active) tr.classList.add('active');
      body.append(tr);
    }
    $('models-empty').hidden = this.state.models.length > 0;
  }

  async upload() {
    const form = $('model-upload');
    const file = form.elements.file.files[0];
    if (!file) { this.message('Choose an .onnx file first.', 'bad'); return; }
    const fd = new FormData();
    fd.append('file', file, file.name);
    const names = form.elements.names.files[0];
    if (names) fd.append('names', names, names.name);
    const submit = form.querySelector('button[type=submit]');
    submit.disabled = true;
    this.message(`uploading ${file.name} (${bytes(file.size)})…`);
    try {
      const m = await api('/models/upload', { method: 'POST', body: fd });
      this.state.uploaded = m;
      this.message(`Uploaded ${m.name}: ${m.classes ? m.classes.length : 0} classes, input ${m.input ? `${m.input.width}×${m.input.height}` : '—'}.`, 'ok');
      form.reset();
      await this.refresh();
    } catch (e) {
      this.fail('upload', e);
    } finally {
      submit.disabled = false;
    }
  }

  async activate(name) {
    try {
      const m = await api(`/models/${enc(name)}/activate`, { method: 'POST' });
      this.message(`${m && m.name ? m.name : name} is the active model.`, 'ok');
    } catch (e) { this.fail(`activate ${name}`, e); }
    await this.refresh();
  }

  async remove(name) {
    if (!confirm(`Delete the model ${name}? Its file is removed.`)) return;
    try {
      await api(`/models/${enc(name)}`, { method: 'DELETE' });
      this.message(`${name} deleted.`, 'ok');
    } catch (e) { this.fail(`delete ${name}`, e); }
    await this.refresh();
  }

  async startShadow(name) {
    const n = Number($('shadow-every').value);
    if (!Number.isInteger(n) || n < 1) { this.message('sample every: a whole number of frames, at least 1', 'bad'); return; }
    try {
      await api(`/models/${enc(name)}/shadow`, { method: 'POST', body: { sample_every: n } });
      this.message(`shadow mode: ${name} runs beside the active model on 1 frame in ${n}.`, 'ok');
      this.startPolling(name);
    } catch (e) { this.fail(`shadow ${name}`, e); }
    await this.refresh();
  }

  async stopShadow(name) {
    try {
      await api(`/models/${enc(name)}/shadow`, { method: 'DELETE' });
      this.message(`shadow mode of ${name} stopped.`, 'ok');
    } catch (e) { this.fail(`stop shadow ${name}`, e); }
    this.stopPolling('stopped');
    await this.refresh();
  }

  startPolling(name) {
    clearInterval(this.timer);
    this.state.shadow = name;
    $('shadow-panel').hidden = false;
    $('shadow-title').textContent = `Shadow report: ${name} (candidate) against the active model`;
    $('shadow-state').textContent = 'running, refreshed every 2 s';
    this.poll();
    this.timer = setInterval(() => this.poll(), POLL_MS);
    this.state.polling = true;
  }

  stopPolling(why) {
    clearInterval(this.timer);
    this.timer = null;
    this.state.polling = false;
    if (this.state.shadow) $('shadow-state').textContent = `${why}; the last report stays`;
    this.state.shadow = null;
  }

  /// One report, skipped while the Models tab is hidden.
  async poll() {
    const name = this.state.shadow;
    if (!name || !$('models').classList.contains('active')) return;
    try {
      const r = await api(`/models/${enc(name)}/shadow`);
      if (this.state.shadow !== name) return;
      this.state.report = r;
      this.state.reports++;
      $('shadow-report').replaceChildren(renderReport(r || {}));
    } catch (e) {
      if (e.status === 404 || e.status === 409) this.stopPolling(`shadow mode is not running (${e.message})`);
      else $('shadow-state').textContent = `report failed: ${e.message}`;
    }
  }
}
