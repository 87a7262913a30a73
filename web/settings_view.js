// SPDX-License-Identifier: Apache-2.0
// Settings view: the running configuration (GET /settings) as forms derived
// from its values (numbers, checkboxes, text, nested fieldsets, a fieldset
// per item of a list of objects, JSON for other lists), a minimal patch of
// what changed, and validate / apply / apply & persist / reload / persist.
import { api } from './api.js';

const $ = (id) => document.getElementById(id);
const SECRET = '***';
const clone = (v) => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const el = (tag, props = {}, ...kids) => {
  const e = Object.assign(document.createElement(tag), props);
  for (const k of kids) if (k != null) e.append(k);
  return e;
};

/// "cameras[0].fps" from ['cameras', 0, 'fps'].
export function pathOf(segs) {
  let out = '';
  for (const s of segs) out += typeof s === 'number' ? `[${s}]` : out ? `.${s}` : s;
  return out;
}

/// The segments of a path as the server may write it: "cameras[0].fps",
/// "cameras.0.fps" or a JSON pointer "/cameras/0/fps".
export function segsOf(path) {
  const parts = path.startsWith('/') ? path.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    : path.replace(/\[(\d+)\]/g, '.$1').split('.').filter((p) => p !== '');
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

const getAt = (obj, segs) => segs.reduce((o, s) => (o == null ? undefined : o[s]), obj);
const setAt = (obj, segs, v) => { getAt(obj, segs.slice(0, -1))[segs[segs.length - 1]] = v; };

/// The minimal merge patch taking `from` to `to`: objects recurse, scalars
/// and lists (which replace) go whole; undefined when nothing changed.
export function diff(from, to) {
  if (isObj(from) && isObj(to)) {
    const out = {};
    for (const k of Object.keys(to)) {
      const d = diff(from[k], to[k]);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return same(from, to) ? undefined : clone(to);
}

/// The leaf paths of a patch ("tracker.track_buffer", "cameras").
function leafPaths(patch, segs = []) {
  if (!isObj(patch)) return [pathOf(segs)];
  return Object.entries(patch).flatMap(([k, v]) => leafPaths(v, [...segs, k]));
}

/// "cameras[0].fps: must be in [0.1, 240]" -> {path, message}; a message
/// without a path keeps path null.
function splitError(text) {
  const m = /^([A-Za-z_][\w.[\]/~-]*|\/[\w./~-]*): (.*)$/s.exec(String(text));
  return m ? { path: m[1], message: m[2] } : { path: null, message: String(text) };
}

export class SettingsView {
  constructor() {
    this.state = { loaded: 0, available: null, error: null, result: null, errors: [], sent: null, busy: false };
    window.__argus = window.__argus || {};
    window.__argus.settings = this.state;
    this.original = null;
    this.draft = null;
    this.invalid = new Set(); // paths whose input cannot be read (bad JSON, empty number)
    this.restart = new Set(); // paths applied that wait for a restart
    this.open = new Set();    // sections the user opened
    $('settings-form').onsubmit = (ev) => ev.preventDefault();
    $('settings-validate').onclick = () => this.validate();
    $('settings-apply').onclick = () => this.apply(false);
    $('settings-apply-persist').onclick = () => this.apply(true);
    $('settings-reload').onclick = () => this.reloadFromFile();
    $('settings-persist').onclick = () => this.persist();
    $('settings-revert').onclick = async () => {
      this.clearErrors();
      await this.load(); // the running config, fresh
      if (this.state.available) this.message('Edits discarded; showing the running configuration.');
    };
  }

  message(text, kind = '') {
    const m = $('settings-msg');
    m.textContent = text;
    m.className = `feedback ${kind}`;
  }

  setBusy(busy) {
    this.state.busy = busy;
    for (const b of document.querySelectorAll('#settings-actions button'))
      b.disabled = busy || this.state.available !== true || (this.retryUntil && Date.now() < this.retryUntil);
  }

  /// GET /settings into the form, dropping local edits.
  async load() {
    try {
      const cfg = await api('/settings');
      if (!isObj(cfg)) throw new Error('GET /settings did not answer an object');
      this.original = cfg;
      this.draft = clone(cfg);
      this.invalid.clear();
      this.state.available = true;
      this.state.error = null;
      $('settings-body').hidden = false;
      this.render();
      this.state.loaded++;
    } catch (e) {
      this.state.error = e.message;
      if (e.status === 404) {
        this.state.available = false;
        $('settings-body').hidden = true;
        this.message('This server has no settings API (GET /settings answered 404).', 'bad');
      } else if (e.status === 401 || e.status === 403) {
        this.state.available = false;
        $('settings-body').hidden = true;
        this.message(`Reading the settings needs a token with a higher role (HTTP ${e.status}: ${e.message}).`, 'bad');
      } else {
        this.message(`Could not load the settings: ${e.message}`, 'bad');
      }
    }
    this.setBusy(false);
  }

  // ---- form ---------------------------------------------------------------

  render() {
    // Inputs are rebuilt from the draft, which holds only readable values.
    this.invalid.clear();
    const root = $('settings-form');
    root.replaceChildren();
    for (const [key, value] of Object.entries(this.draft)) {
      const det = el('details', { className: 'settings-section' }, el('summary', { textContent: key }));
      det.dataset.section = key;
      det.open = this.open.has(key);
      det.ontoggle = () => (det.open ? this.open.add(key) : this.open.delete(key));
      det.append(this.node([key], value, true));
      root.append(det);
    }
    this.markChanged();
  }

  /// The form for the value at `segs`; `bare` leaves out the key's label
  /// (a section's own object).
  node(segs, value, bare = false) {
    const key = String(segs[segs.length - 1]);
    if (isObj(value) && Object.keys(value).length) {
      const box = bare ? el('div', { className: 'settings-group' }) : el('fieldset', {}, el('legend', { textContent: key }));
      box.dataset.path = pathOf(segs);
      for (const [k, v] of Object.entries(value)) box.append(this.node([...segs, k], v));
      return box;
    }
    if (Array.isArray(value) && value.length && value.every(isObj)) return this.list(segs, value, bare);
    if (Array.isArray(value) || isObj(value)) return this.jsonField(segs, value);
    return this.leaf(segs, value);
  }

  /// A list of objects (cameras, tokens): one fieldset per item, remove
  /// and add (a copy of the last item). Lists go whole in a patch.
  list(segs, items, bare) {
    const path = pathOf(segs);
    const box = bare ? el('div', { className: 'settings-group' })
      : el('fieldset', {}, el('legend', { textContent: String(segs[segs.length - 1]) }));
    box.dataset.path = path;
    items.forEach((item, i) => {
      const tag = item.id ?? item.name ?? item.role;
      const fs = el('fieldset', { className: 'settings-item' },
        el('legend', { textContent: `${pathOf([...segs, i])}${tag != null ? ` — ${tag}` : ''}` }));
      fs.dataset.path = pathOf([...segs, i]);
      for (const [k, v] of Object.entries(item)) fs.append(this.node([...segs, i, k], v));
      const rm = el('button', { type: 'button', textContent: 'Remove', className: 'small' });
      rm.setAttribute('aria-label', `remove ${pathOf([...segs, i])}`);
      rm.onclick = () => { getAt(this.draft, segs).splice(i, 1); this.render(); };
      fs.append(rm);
      box.append(fs);
    });
    const add = el('button', { type: 'button', textContent: `Add to ${path} (copy of the last)`, className: 'small' });
    add.onclick = () => { const l = getAt(this.draft, segs); l.push(clone(l[l.length - 1])); this.render(); };
    box.append(add);
    return box;
  }

  /// A labelled input with its error slot.
  wrap(segs, input, extra) {
    const path = pathOf(segs);
    const err = el('span', { className: 'field-error', id: `err-${path}` });
    err.setAttribute('aria-live', 'polite');
    input.dataset.path = path;
    input.setAttribute('aria-describedby', err.id);
    input.title = path;
    const badge = el('span', { className: 'badge warn restart-badge', textContent: 'restart required', hidden: true });
    const label = el('label', { className: 'field' }, el('span', { className: 'name', textContent: String(segs[segs.length - 1]) }),
      input, extra, badge, err);
    label.dataset.path = path;
    return label;
  }

  leaf(segs, value) {
    const path = pathOf(segs);
    const orig = getAt(this.original, segs);
    let input;
    if (typeof value === 'boolean') {
      input = el('input', { type: 'checkbox', checked: value });
      input.onchange = () => this.edit(segs, input.checked);
    } else if (typeof value === 'number') {
      input = el('input', { type: 'number', step: 'any', value: String(value) });
      input.oninput = () => {
        if (input.value === '' || !Number.isFinite(Number(input.value))) return this.bad(path, 'a number is required');
        this.edit(segs, Number(input.value));
      };
    } else if (value === null) {
      // No type to derive: empty is null, JSON if it parses, else text.
      input = el('input', { type: 'text', value: '', placeholder: 'null' });
      input.oninput = () => {
        let v = input.value.trim() === '' ? null : input.value;
        if (v !== null) try { v = JSON.parse(v); } catch { /* text */ }
        this.edit(segs, v);
      };
    } else {
      const secret = orig === SECRET;
      input = el('input', { type: secret ? 'password' : 'text', value: String(value), autocomplete: 'off' });
      if (secret) input.placeholder = SECRET;
      // A secret stays "***", and so out of the patch, until it is edited.
      input.oninput = () => this.edit(segs, input.value);
    }
    return this.wrap(segs, input);
  }

  jsonField(segs, value) {
    const path = pathOf(segs);
    const input = el('textarea', { value: JSON.stringify(value, null, 1), rows: Math.min(8, JSON.stringify(value, null, 1).split('\n').length), spellcheck: false });
    input.className = 'json';
    input.oninput = () => {
      let v;
      try { v = JSON.parse(input.value); } catch (e) { return this.bad(path, `not JSON: ${e.message}`); }
      this.edit(segs, v);
    };
    return this.wrap(segs, input, el('span', { className: 'hint', textContent: 'JSON' }));
  }

  edit(segs, v) {
    const path = pathOf(segs);
    this.invalid.delete(path);
    this.fieldError(path, '');
    setAt(this.draft, segs, v);
    this.markChanged();
  }

  bad(path, why) {
    this.invalid.add(path);
    this.fieldError(path, why);
  }

  /// Marks the fields whose value differs from the server's.
  markChanged() {
    for (const label of document.querySelectorAll('#settings-form label.field')) {
      const segs = segsOf(label.dataset.path);
      label.classList.toggle('changed', !same(getAt(this.original, segs), getAt(this.draft, segs)));
      label.querySelector('.restart-badge').hidden = !this.restart.has(label.dataset.path);
    }
    for (const box of document.querySelectorAll('#settings-form [data-path]:not(label):not(input):not(textarea)'))
      box.classList.toggle('changed', !same(getAt(this.original, segsOf(box.dataset.path)), getAt(this.draft, segsOf(box.dataset.path))));
    const patch = diff(this.original, this.draft);
    $('settings-pending').textContent = patch ? `changed: ${leafPaths(patch).join(', ')}` : 'no changes';
  }

  // ---- errors -------------------------------------------------------------

  fieldError(path, text) {
    const label = [...document.querySelectorAll('#settings-form label.field')].find((l) => l.dataset.path === path);
    if (!label) return false;
    label.querySelector('.field-error').textContent = text;
    label.classList.toggle('invalid', !!text);
    label.querySelector('input, textarea').setAttribute('aria-invalid', text ? 'true' : 'false');
    if (text) label.closest('details').open = true;
    return true;
  }

  clearErrors() {
    for (const l of document.querySelectorAll('#settings-form label.field.invalid'))
      if (!this.invalid.has(l.dataset.path)) this.fieldError(l.dataset.path, '');
    for (const g of document.querySelectorAll('#settings-form .group-error')) {
      g.parentElement.classList.remove('invalid');
      g.remove();
    }
    $('settings-errors').replaceChildren();
    this.state.errors = [];
  }

  /// The server's errors: each next to the field its path names (or the
  /// nearest one above it: a list's item, a JSON value), and all in a list.
  showErrors(errors) {
    this.clearErrors();
    this.state.errors = errors.slice();
    const list = $('settings-errors');
    for (const text of errors) {
      const { path, message } = splitError(text);
      let placed = null;
      if (path) {
        const segs = segsOf(path);
        for (let n = segs.length; n > 0 && !placed; n--) {
          const p = pathOf(segs.slice(0, n));
          const own = n === segs.length ? message : `${path}: ${message}`;
          const label = [...document.querySelectorAll('#settings-form label.field')].find((l) => l.dataset.path === p);
          if (label) {
            const slot = label.querySelector('.field-error');
            const prev = label.classList.contains('invalid') ? slot.textContent : '';
            this.fieldError(p, prev ? `${prev}; ${own}` : own);
            placed = p;
            continue;
          }
          // A group (a section, a list, a camera): the error heads it.
          const group = [...document.querySelectorAll('#settings-form [data-path]:is(fieldset, div, details)')]
            .find((g) => g.dataset.path === p);
          if (group) {
            const slot = el('p', { className: 'field-error group-error', textContent: own });
            slot.setAttribute('role', 'note');
            const legend = group.querySelector(':scope > legend');
            legend ? legend.after(slot) : group.prepend(slot);
            group.classList.add('invalid');
            const det = group.closest('details');
            if (det) det.open = true;
            placed = p;
          }
        }
      }
      const li = el('li', {}, el('span', { textContent: text }));
      if (placed) {
        const go = el('button', { type: 'button', textContent: 'show', className: 'small' });
        go.onclick = () => {
          const target = [...document.querySelectorAll('#settings-form [data-path]')].find((x) => x.dataset.path === placed);
          const input = target && (target.matches('input, textarea') ? target : target.querySelector('input, textarea'));
          if (input) { input.scrollIntoView({ block: 'center' }); input.focus(); }
        };
        li.append(' ', go);
      }
      list.append(li);
    }
  }

  // ---- requests -----------------------------------------------------------

  /// The patch to send, or null (with a message) when there is none.
  patch() {
    if (this.invalid.size) {
      this.message(`Fix the marked fields first: ${[...this.invalid].join(', ')}`, 'bad');
      return null;
    }
    const p = diff(this.original, this.draft);
    if (!p) this.message('Nothing changed.');
    return p || null;
  }

  /// One write; errors become messages (with the per-field list for 400s,
  /// a pause for 429).
  async request(path, method, body) {
    this.setBusy(true);
    this.state.sent = body === undefined ? null : clone(body);
    this.state.result = null;
    $('settings-result').hidden = true;
    try {
      return await api(path, { method, body });
    } catch (e) {
      const b = e.body || {};
      if (e.status === 404) this.message(`This server has no settings API (${method} ${path} answered 404).`, 'bad');
      else if (e.status === 429) {
        const s = Math.min(Number(e.retryAfter) || 1, 120);
        this.retryUntil = Date.now() + s * 1000;
        setTimeout(() => this.setBusy(this.state.busy), s * 1000 + 50);
        this.message(`Too many writes: try again in ${s} s.`, 'bad');
      } else if (e.status === 403) this.message(`Not allowed with this token: ${b.detail || e.message}`, 'bad');
      else if (e.status === 409 && path === '/settings/persist')
        this.message(`Cannot persist: argus runs without a config file${b.detail ? ` (${b.detail})` : ''}.`, 'bad');
      else this.message(`${method} ${path} failed: ${e.message}`, 'bad');
      if (Array.isArray(b.errors)) this.showErrors(b.errors);
      this.state.error = e.message;
      return null;
    } finally {
      this.setBusy(false);
    }
  }

  /// Lists of paths in the result panel; applied paths are live now,
  /// restart_required ones are marked on their fields.
  showResult(title, r, dry = false) {
    this.state.result = r;
    const box = $('settings-result');
    const list = (name, cls, paths) => el('div', { className: `result ${cls}` }, el('h3', { textContent: `${name} (${(paths || []).length})` }),
      el('ul', {}, ...(paths || []).map((p) => el('li', { textContent: p }))));
    box.replaceChildren(el('h3', { textContent: title }),
      list(dry ? 'would change' : 'changed', 'changed', r.changed),
      list(dry ? 'would apply live' : 'applied live', 'applied', r.applied),
      list(dry ? 'would wait for a restart' : 'waits for a restart', 'restart', r.restart_required));
    if ('persisted' in r) box.append(el('p', { textContent: r.persisted ? 'written to the config file' : 'not written to the config file' }));
    if (!dry) for (const p of r.restart_required || []) this.restart.add(p);
    box.hidden = false;
  }

  async validate() {
    const p = this.patch();
    if (!p) return;
    const r = await this.request('/settings/validate', 'POST', p);
    if (!r) return;
    const errors = r.errors || [];
    this.showErrors(errors);
    this.showResult(r.valid ? 'valid' : 'invalid', r, true);
    this.message(r.valid ? 'Valid.' : `Invalid: ${errors.length} error${errors.length === 1 ? '' : 's'}.`, r.valid ? 'ok' : 'bad');
  }

  async apply(persist) {
    const p = this.patch();
    if (!p) return;
    const r = await this.request(persist ? '/settings?persist=true' : '/settings', 'PATCH', p);
    if (!r) return;
    this.clearErrors();
    await this.load();
    this.showResult(persist ? 'applied and persisted' : 'applied', r);
    this.markChanged();
    this.message(`Applied ${(r.applied || []).length} live, ${(r.restart_required || []).length} wait for a restart${r.persisted ? '; persisted' : ''}.`, 'ok');
  }

  async reloadFromFile() {
    if (diff(this.original, this.draft) && !confirm('Discard the unsaved edits and reload the config file?')) return;
    const r = await this.request('/settings/reload', 'POST');
    if (!r) return;
    this.clearErrors();
    await this.load();
    this.showResult('reloaded from the file', r);
    this.markChanged();
    this.message('Reloaded from the config file.', 'ok');
  }

  async persist() {
    const r = await this.request('/settings/persist', 'POST');
    if (!r) return;
    this.state.result = r;
    this.message(`Written to ${r.path}${r.backup ? ` (previous file kept as ${r.backup})` : ''}.`, 'ok');
  }
}
