#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The web client's Settings and Models views in a real browser (Debian's
// Chromium, headless, playwright-core) against a stub HTTP server started
// here on 127.0.0.1: it serves web/ and implements the settings and models
// API contract of issue 17 (GET/PATCH /settings, /settings/validate,
// /settings/persist, /settings/reload; GET /models, /models/upload,
// activate, delete, shadow start/report/stop) and records every request,
// so each check asserts both what the page shows and what it sent.
// Screenshots go to --artifacts.
//
//   node tests/web/test_web_views.js --artifacts build-test/web-artifacts/views
//   node tests/web/test_web_views.js --serve 1   # only the stub, for a look by hand
'use strict';
const assert = require('node:assert/strict');
const fs = require('node:fs');
const http = require('node:http');
const os = require('node:os');
const path = require('node:path');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const WEB = path.join(ROOT, 'web');
const TOKEN = 'admin-token-0123456789';
const MODEL_FILE = path.join(ROOT, 'models', 'argus-sky.onnx');
const NAMES_FILE = path.join(ROOT, 'models', 'argus-sky.names');

function args() {
  const out = { artifacts: path.join(os.tmpdir(), 'argus-web-views-artifacts') };
  for (let i = 2; i < process.argv.length; i += 2) out[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
  return out;
}

// ---- the stub server -------------------------------------------------------

const clone = (v) => JSON.parse(JSON.stringify(v));
const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

function initialConfig() {
  return {
    server: { listen: '127.0.0.1:0', io_threads: 1, max_body_bytes: 65536, web_root: 'web' },
    logging: { level: 'info' },
    detector: { model: 'models/argus-sky.onnx', names: null, input_width: 640, input_height: 512, conf_threshold: 0.3,
                motion: { enabled: true, diff_threshold: 10 } },
    tracker: { track_high_thresh: 0.35, track_buffer: 30, fuse_score: true },
    session: { publish_hz: 10, confirm_hits: 3 },
    store: { enabled: true, path: 'data/argus.db', retain_days: 7 },
    frames: { enabled: true, cache_mb: 256, s3_endpoint: '' },
    relay: { viewer_fps: 1, jpeg_quality: 80 },
    auth: { tokens: [{ role: 'admin', token: '***' }] },
    mqtt: { host: '', port: 1883, username: '', password: '***' },
    cameras: [{ id: 'cam_01', source: 'synthetic', width: 640, height: 360, fps: 10, realtime: true,
                ptz: { backend: 'none', autotrack: { enabled: true, required_zones: [] } } }],
  };
}

/// Objects merge, scalars and lists replace.
function merge(base, patch) {
  if (!isObj(base) || !isObj(patch)) return clone(patch);
  const out = clone(base);
  for (const [k, v] of Object.entries(patch)) out[k] = k in out ? merge(out[k], v) : clone(v);
  return out;
}

/// Leaf paths that differ ("cameras[0].fps").
function changedPaths(a, b, p = '') {
  const join = (k) => (typeof k === 'number' ? `${p}[${k}]` : p ? `${p}.${k}` : k);
  if (isObj(a) && isObj(b)) return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => changedPaths(a[k], b[k], join(k)));
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => changedPaths(x, b[i], join(i)));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [p];
}

function validate(cfg) {
  const errors = [];
  cfg.cameras.forEach((c, i) => {
    if (!(c.fps >= 0.1 && c.fps <= 240)) errors.push(`cameras[${i}].fps: must be in [0.1, 240]`);
    const first = cfg.cameras.findIndex((x) => x.id === c.id);
    if (first < i) errors.push(`cameras[${i}]: id ${c.id} is used by cameras[${first}]`);
  });
  if (!(Number.isInteger(cfg.tracker.track_buffer) && cfg.tracker.track_buffer >= 1 && cfg.tracker.track_buffer <= 10000))
    errors.push('tracker.track_buffer: must be an integer in [1, 10000]');
  return errors;
}

const restartNeeded = (p) => p.startsWith('server.') || p.startsWith('cameras') || p === 'detector.model';
const masked = (cfg) => {
  const out = clone(cfg);
  out.mqtt.password = '***';
  for (const t of out.auth.tokens) t.token = '***';
  return out;
};

function parseMultipart(buf, ctype) {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(ctype || '');
  if (!m) return null;
  const b = Buffer.from(`--${m[1] || m[2]}`);
  const parts = [];
  let pos = buf.indexOf(b);
  while (pos >= 0) {
    const start = pos + b.length;
    if (buf.subarray(start, start + 2).toString() === '--') break;
    const next = buf.indexOf(b, start + 2);
    if (next < 0) break;
    const part = buf.subarray(start + 2, next - 2);
    const he = part.indexOf('\r\n\r\n');
    const head = part.subarray(0, he).toString();
    parts.push({ name: /name="([^"]*)"/.exec(head)?.[1], filename: /filename="([^"]*)"/.exec(head)?.[1],
                 body: part.subarray(he + 4) });
    pos = next;
  }
  return parts;
}

class Stub {
  constructor() {
    this.config = initialConfig();
    this.config.mqtt.password = 's3cret';
    this.config.auth.tokens[0].token = TOKEN;
    this.file = clone(this.config); // what the config file holds
    this.models = [{ name: 'argus-sky', size_bytes: fs.statSync(MODEL_FILE).size, format: 'onnx', classes: ['drone', 'bird'],
                     input: { width: 640, height: 512 }, layout: 'yolov8', added_at: '2026-11-30T12:00:00Z', active: true,
                     shadow: false }];
    this.shadow = null;
    this.requests = [];
    this.flags = { rateLimitNext: false, noConfigFile: false, noApi: false };
  }

  listen() {
    this.server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        try { this.handle(req, res, body); } catch (e) {
          res.writeHead(500, { 'Content-Type': 'application/json' });
          res.end(JSON.stringify({ error: 'stub', detail: e.stack }));
        }
      });
    });
    return new Promise((resolve) => this.server.listen(0, '127.0.0.1', () => resolve(this.server.address().port)));
  }

  close() { this.server.closeAllConnections(); return new Promise((r) => this.server.close(r)); }

  /// The requests to `pathPrefix` (method and path, parsed JSON body).
  sent(method, pathname) { return this.requests.filter((r) => r.method === method && r.path === pathname); }

  handle(req, res, raw) {
    const url = new URL(req.url, 'http://stub');
    const p = url.pathname;
    const json = (status, obj, headers = {}) => {
      res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
      res.end(obj === undefined ? '' : JSON.stringify(obj));
    };
    const noBody = (status) => { res.writeHead(status); res.end(); };
    const api = /^\/(settings|models)(\/|$)/.test(p);
    if (api) {
      let body = null;
      if ((req.headers['content-type'] || '').startsWith('application/json') && raw.length) body = JSON.parse(raw.toString());
      this.requests.push({ method: req.method, path: p, query: url.search, body, raw, headers: req.headers });
      if (this.flags.noApi) return json(404, { error: 'not_found', detail: `no route for ${p}` });
    }

    // Static files and what the other views poll.
    if (req.method === 'GET' && !api) {
      if (p === '/cameras') return json(200, { cameras: [] });
      if (p === '/readyz') return json(200, { status: 'ready' });
      if (p === '/store') return json(200, { state: 'ok', events_written: 0, samples_written: 0, pending_samples: 0 });
      const file = path.join(WEB, p === '/' ? 'index.html' : p);
      if (file.startsWith(WEB) && fs.existsSync(file) && fs.statSync(file).isFile()) {
        const type = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }[path.extname(file)] || 'application/octet-stream';
        res.writeHead(200, { 'Content-Type': `${type}; charset=utf-8` });
        return res.end(fs.readFileSync(file));
      }
    }

    // Settings.
    if (p === '/settings' && req.method === 'GET') return json(200, masked(this.config));
    const section = /^\/settings\/([a-z_]+)$/.exec(p);
    if (section && req.method === 'GET' && section[1] in this.config) return json(200, masked(this.config)[section[1]]);
    const dryRun = (patch) => {
      const next = merge(this.config, patch);
      const changed = changedPaths(this.config, next);
      return { next, errors: validate(next), changed, applied: changed.filter((x) => !restartNeeded(x)),
               restart_required: changed.filter(restartNeeded) };
    };
    if (p === '/settings' && req.method === 'PATCH') {
      if (this.flags.rateLimitNext) {
        this.flags.rateLimitNext = false;
        return json(429, { error: 'rate_limited', detail: 'one settings write per second' }, { 'Retry-After': '1' });
      }
      const d = dryRun(this.requests[this.requests.length - 1].body);
      if (d.errors.length) return json(400, { error: 'invalid_config', detail: d.errors[0], errors: d.errors });
      // Secrets come back as "***" only when untouched: keep the stored ones.
      if (d.next.mqtt.password === '***') d.next.mqtt.password = this.config.mqtt.password;
      this.config = d.next;
      const persisted = url.searchParams.get('persist') === 'true';
      if (persisted) this.file = clone(this.config);
      return json(200, { changed: d.changed, applied: d.applied, restart_required: d.restart_required, persisted });
    }
    if (p === '/settings/validate' && req.method === 'POST') {
      const d = dryRun(this.requests[this.requests.length - 1].body);
      return json(200, { valid: !d.errors.length, errors: d.errors, changed: d.changed, applied: d.applied,
                         restart_required: d.restart_required });
    }
    if (p === '/settings/persist' && req.method === 'POST') {
      if (this.flags.noConfigFile) return json(409, { error: 'no_config_file', detail: 'argus was started without --config' });
      this.file = clone(this.config);
      return json(200, { path: '/etc/argus/argus.yaml', backup: '/etc/argus/argus.yaml.1' });
    }
    if (p === '/settings/reload' && req.method === 'POST') {
      const changed = changedPaths(this.config, this.file);
      this.config = clone(this.file);
      return json(200, { changed, applied: changed.filter((x) => !restartNeeded(x)),
                         restart_required: changed.filter(restartNeeded), persisted: false });
    }

    // Models.
    const model = (name) => this.models.find((m) => m.name === name);
    if (p === '/models' && req.method === 'GET') return json(200, { models: this.models });
    if (p === '/models/upload' && req.method === 'POST') {
      const parts = parseMultipart(raw, req.headers['content-type']) || [];
      const file = parts.find((x) => x.name === 'file');
      if (!file || !/\.onnx$/.test(file.filename || ''))
        return json(400, { error: 'invalid_model', detail: 'part "file" must be an .onnx file' });
      const name = file.filename.replace(/\.onnx$/, '');
      if (model(name)) return json(409, { error: 'model_exists', detail: `a model named ${name} exists` });
      const names = parts.find((x) => x.name === 'names');
      const m = { name, size_bytes: file.body.length, format: 'onnx',
                  classes: names ? names.body.toString().split('\n').map((s) => s.trim()).filter(Boolean) : ['class0'],
                  input: { width: 640, height: 512 }, layout: 'yolov8', added_at: new Date().toISOString(), active: false,
                  shadow: false };
      this.models.push(m);
      return json(201, m);
    }
    const mm = /^\/models\/([^/]+)(\/activate|\/shadow)?$/.exec(p);
    if (mm) {
      const m = model(decodeURIComponent(mm[1]));
      if (!m) return json(404, { error: 'unknown_model', detail: mm[1] });
      if (!mm[2] && req.method === 'DELETE') {
        if (m.active) return json(403, { error: 'forbidden', detail: 'the active model cannot be deleted' });
        this.models = this.models.filter((x) => x !== m);
        return noBody(204);
      }
      if (mm[2] === '/activate' && req.method === 'POST') {
        for (const x of this.models) x.active = x === m;
        if (m.shadow) { m.shadow = false; this.shadow = null; }
        return json(200, m);
      }
      if (mm[2] === '/shadow') {
        if (req.method === 'POST') {
          if (m.active) return json(409, { error: 'model_active', detail: 'the active model cannot shadow itself' });
          m.shadow = true;
          this.shadow = { name: m.name, polls: 0 };
          return json(200, { name: m.name, shadow: true });
        }
        if (!this.shadow || this.shadow.name !== m.name) return json(404, { error: 'no_shadow', detail: 'shadow mode is not running' });
        if (req.method === 'GET') {
          const n = ++this.shadow.polls;
          return json(200, { frames: 10 * n, boxes_active: 31 * n, boxes_candidate: 29 * n, matched: 27 * n,
                             agreement: 0.871, per_class: { drone: { active: 20 * n, candidate: 19 * n, agreement: 0.9 },
                                                            bird: { active: 11 * n, candidate: 10 * n, agreement: 0.8 } },
                             latency_ms: { active: 12.5, candidate: 14.25 } });
        }
        if (req.method === 'DELETE') { m.shadow = false; this.shadow = null; return noBody(204); }
      }
    }
    return json(404, { error: 'not_found', detail: `no route for ${req.method} ${p}` });
  }
}

// ---- the browser -----------------------------------------------------------

async function main() {
  const opts = args();
  fs.mkdirSync(opts.artifacts, { recursive: true });
  const stub = new Stub();
  const port = await stub.listen();
  if (opts.serve) { // --serve 1: only the stub, to look at the views by hand
    console.log(`stub on http://127.0.0.1:${port}/`);
    return;
  }
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 900 } });
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const wait = (fn, arg, what, timeout = 15000) =>
    page.waitForFunction(fn, arg, { timeout }).catch((e) => { throw new Error(`waiting for ${what}: ${e.message}`); });
  const shot = (name) => page.screenshot({ path: path.join(opts.artifacts, `${name}.png`), fullPage: true });
  const field = (p) => `#settings-form [data-path="${p}"]:is(input, textarea)`;
  const label = (p) => `#settings-form label.field[data-path="${p}"]`;
  let passed = 0;
  const step = async (name, fn) => { await fn(); passed++; console.log(`ok ${passed} - ${name}`); };

  try {
    await page.goto(`http://127.0.0.1:${port}/`);
    await wait(() => window.__argus && window.__argus.ready, null, 'the page');
    // The token field stores the token and reloads the page.
    await page.fill('#token', TOKEN);
    await Promise.all([page.waitForNavigation(), page.dispatchEvent('#token', 'change')]);
    await wait(() => window.__argus && window.__argus.ready, null, 'the page again');

    await step('settings load as forms derived from the values', async () => {
      await page.click('nav button[data-tab=settings]');
      await wait(() => window.__argus.settings.loaded > 0, null, 'settings');
      assert.equal(stub.sent('GET', '/settings')[0].headers.authorization, `Bearer ${TOKEN}`);
      const sections = await page.$$eval('#settings-form details[data-section]', (ds) => ds.map((d) => d.dataset.section));
      assert.deepEqual(sections, Object.keys(initialConfig()));
      assert.equal(await page.getAttribute(field('tracker.track_buffer'), 'type'), 'number');
      assert.equal(await page.getAttribute(field('tracker.fuse_score'), 'type'), 'checkbox');
      assert.equal(await page.getAttribute(field('logging.level'), 'type'), 'text');
      assert.equal(await page.getAttribute(field('mqtt.password'), 'type'), 'password');
      assert.equal(await page.inputValue(field('mqtt.password')), '***');
      assert.equal(await page.getAttribute(field('cameras[0].fps'), 'type'), 'number');
      assert.equal(await page.evaluate((s) => document.querySelector(s).tagName, field('cameras[0].ptz.autotrack.required_zones')), 'TEXTAREA');
      assert.equal(await page.textContent('#settings-pending'), 'no changes');
    });

    await step('validate shows the server\'s error next to its field', async () => {
      await page.click('#settings-form details[data-section=tracker] summary');
      await page.fill(field('tracker.track_buffer'), '60');
      await page.click('#settings-form details[data-section=cameras] summary');
      await page.fill(field('cameras[0].fps'), '500');
      await page.click('text=Add to cameras (copy of the last)');
      await page.waitForSelector(field('cameras[1].fps'));
      assert.match(await page.textContent('#settings-pending'), /tracker\.track_buffer/);
      assert.match(await page.getAttribute(label('tracker.track_buffer'), 'class'), /changed/);
      await page.click('#settings-validate');
      await wait(() => window.__argus.settings.errors.length > 0, null, 'validation errors');
      const sent = stub.sent('POST', '/settings/validate');
      assert.equal(sent.length, 1);
      const expectedCameras = initialConfig().cameras;
      expectedCameras[0].fps = 500;
      expectedCameras.push(clone(expectedCameras[0]));
      // Minimal: the changed scalar, the list whole, nothing else (no "***").
      assert.deepEqual(sent[0].body, { tracker: { track_buffer: 60 }, cameras: expectedCameras });
      assert.equal(await page.textContent(`${label('cameras[0].fps')} .field-error`), 'must be in [0.1, 240]');
      assert.equal(await page.getAttribute(field('cameras[0].fps'), 'aria-invalid'), 'true');
      assert.match(await page.textContent('#settings-errors'), /cameras\[0\]\.fps: must be in \[0\.1, 240\]/);
      assert.match(await page.textContent('#settings-msg'), /Invalid: 3 errors/);
      assert.equal(await page.textContent(`${label('cameras[1].fps')} .field-error`), 'must be in [0.1, 240]');
      // An error about a whole item heads its fieldset.
      assert.equal(await page.textContent('#settings-form fieldset[data-path="cameras[1]"] > .group-error'),
                   'id cam_01 is used by cameras[0]');
      assert.equal(await page.$$eval('#settings-errors li', (l) => l.length), 3);
      assert.equal(await page.textContent(`${label('tracker.track_buffer')} .field-error`), '');
      await shot('settings-invalid');
    });

    await step('apply of an invalid config (400) marks the field too', async () => {
      await page.click('button[aria-label="remove cameras[1]"]');
      assert.equal(await page.$(field('cameras[1].fps')), null);
      await page.fill(field('cameras[0].fps'), '0');
      await page.click('#settings-apply');
      await wait(() => /invalid_config/.test(document.getElementById('settings-msg').textContent), null, 'the 400');
      const sent = stub.sent('PATCH', '/settings');
      assert.equal(sent.length, 1);
      assert.equal(sent[0].body.cameras.length, 1, 'the removed camera is gone from the list');
      assert.equal(stub.config.cameras[0].fps, 10, 'nothing applied');
      assert.equal(await page.textContent(`${label('cameras[0].fps')} .field-error`), 'must be in [0.1, 240]');
      assert.equal(await page.$$eval('#settings-errors li', (l) => l.length), 1);
    });

    await step('apply (after a 429) lists what was applied live and what waits for a restart', async () => {
      await page.fill(field('cameras[0].fps'), '25');
      assert.equal(await page.getAttribute(field('cameras[0].fps'), 'aria-invalid'), 'false');
      stub.flags.rateLimitNext = true;
      await page.click('#settings-apply');
      await wait(() => /try again in 1 s/.test(document.getElementById('settings-msg').textContent), null, 'the 429 message');
      assert.ok(await page.isDisabled('#settings-apply'), 'writes pause for Retry-After');
      await wait(() => !document.getElementById('settings-apply').disabled, null, 'the pause to end', 5000);
      await page.click('#settings-apply');
      await wait(() => window.__argus.settings.result && window.__argus.settings.result.applied, null, 'the apply result');
      const patches = stub.sent('PATCH', '/settings');
      assert.equal(patches.length, 3);
      assert.equal(patches[2].query, '');
      assert.equal(patches[2].headers.authorization, `Bearer ${TOKEN}`);
      assert.deepEqual(patches[2].body.tracker, { track_buffer: 60 });
      assert.equal(patches[2].body.cameras[0].fps, 25);
      assert.deepEqual(Object.keys(patches[2].body).sort(), ['cameras', 'tracker']);
      const result = await page.textContent('#settings-result');
      assert.match(result, /applied live \(1\)\s*tracker\.track_buffer/);
      assert.match(result, /waits for a restart \(1\)\s*cameras\[0\]\.fps/);
      assert.equal(stub.config.tracker.track_buffer, 60);
      // Reloaded from the server: nothing pending, the restart marked on its field.
      await wait(() => document.getElementById('settings-pending').textContent === 'no changes', null, 'a clean form');
      assert.equal(await page.inputValue(field('tracker.track_buffer')), '60');
      assert.ok(await page.isVisible(`${label('cameras[0].fps')} .restart-badge`), 'restart badge on cameras[0].fps');
      assert.ok(!await page.isVisible(`${label('tracker.track_buffer')} .restart-badge`));
      await shot('settings-applied');
    });

    await step('a secret goes only when edited; apply & persist', async () => {
      await page.click('#settings-form details[data-section=mqtt] summary');
      await page.fill(field('mqtt.port'), '1884');
      const loaded = await page.evaluate(() => window.__argus.settings.loaded);
      await page.click('#settings-apply-persist');
      await wait((n) => window.__argus.settings.loaded > n && window.__argus.settings.result
                 && document.getElementById('settings-pending').textContent === 'no changes', loaded, 'the persisted apply');
      let patches = stub.sent('PATCH', '/settings');
      assert.equal(patches[3].query, '?persist=true');
      assert.deepEqual(patches[3].body, { mqtt: { port: 1884 } });
      assert.match(await page.textContent('#settings-result'), /written to the config file/);
      await page.fill(field('mqtt.password'), 'hunter2');
      await page.click('#settings-apply');
      await wait(() => document.getElementById('settings-pending').textContent === 'no changes', null, 'the secret applied');
      patches = stub.sent('PATCH', '/settings');
      assert.deepEqual(patches[4].body, { mqtt: { password: 'hunter2' } });
      assert.equal(stub.config.mqtt.password, 'hunter2');
      assert.equal(await page.inputValue(field('mqtt.password')), '***');
    });

    await step('persist without a config file (409), then reload from the file', async () => {
      stub.flags.noConfigFile = true;
      await page.click('#settings-persist');
      await wait(() => /without a config file/.test(document.getElementById('settings-msg').textContent), null, 'the 409');
      assert.match(await page.textContent('#settings-msg'), /argus was started without --config/);
      stub.flags.noConfigFile = false;
      await page.click('#settings-persist');
      await wait(() => /^Written to \/etc\/argus\/argus\.yaml/.test(document.getElementById('settings-msg').textContent), null, 'persist');
      // The file now holds what runs; change the running config behind the page's back and reload it.
      stub.file.tracker.track_buffer = 45;
      await page.click('#settings-reload');
      await wait(() => /Reloaded/.test(document.getElementById('settings-msg').textContent), null, 'reload');
      assert.equal(await page.inputValue(field('tracker.track_buffer')), '45');
      assert.match(await page.textContent('#settings-result'), /applied live \(1\)\s*tracker\.track_buffer/);
    });

    await step('models: the table marks the active model', async () => {
      await page.click('nav button[data-tab=models]');
      await wait(() => window.__argus.models.loaded > 0, null, 'models');
      const rows = await page.$$eval('#models-table tbody tr', (trs) => trs.map((t) => ({ name: t.dataset.name, active: t.classList.contains('active'), text: t.textContent })));
      assert.equal(rows.length, 1);
      assert.equal(rows[0].name, 'argus-sky');
      assert.ok(rows[0].active);
      assert.match(rows[0].text, /active/);
      assert.ok(await page.isDisabled('button[aria-label="delete argus-sky"]'), 'the active model cannot be deleted');
    });

    await step('upload: a duplicate name shows the detail, a new one appears', async () => {
      await page.setInputFiles('#model-upload input[name=file]', MODEL_FILE);
      await page.click('#model-upload button[type=submit]');
      await wait(() => /failed/.test(document.getElementById('models-msg').textContent), null, 'the 409');
      assert.match(await page.textContent('#models-msg'), /HTTP 409 model_exists\): a model named argus-sky exists/);
      const bytes = fs.readFileSync(MODEL_FILE);
      await page.setInputFiles('#model-upload input[name=file]', { name: 'argus-sky-v2.onnx', mimeType: 'application/octet-stream', buffer: bytes });
      await page.setInputFiles('#model-upload input[name=names]', NAMES_FILE);
      await page.click('#model-upload button[type=submit]');
      await wait(() => document.querySelector('#models-table tbody tr[data-name="argus-sky-v2"]'), null, 'the uploaded row');
      const up = stub.sent('POST', '/models/upload');
      assert.equal(up.length, 2);
      assert.equal(up[1].headers.authorization, `Bearer ${TOKEN}`);
      assert.match(up[1].headers['content-type'], /^multipart\/form-data; boundary=/);
      const m = stub.models.find((x) => x.name === 'argus-sky-v2');
      assert.equal(m.size_bytes, bytes.length, 'the whole file arrived');
      const names = fs.readFileSync(NAMES_FILE, 'utf8').split('\n').map((s) => s.trim()).filter(Boolean);
      assert.deepEqual(m.classes, names);
      assert.match(await page.textContent('#models-msg'), new RegExp(`Uploaded argus-sky-v2: ${names.length} classes`));
      assert.equal(await page.inputValue('#model-upload input[name=file]'), '', 'the form is reset');
    });

    await step('shadow mode: the report renders and refreshes every 2 s, then stops', async () => {
      await page.fill('#shadow-every', '3');
      await page.click('button[aria-label="start shadow mode of argus-sky-v2"]');
      await wait(() => window.__argus.models.reports >= 2, null, 'two shadow reports', 8000);
      assert.deepEqual(stub.sent('POST', '/models/argus-sky-v2/shadow')[0].body, { sample_every: 3 });
      const report = await page.textContent('#shadow-report');
      for (const k of ['frames', 'boxes_active', 'boxes_candidate', 'matched', 'agreement', 'per_class', 'latency_ms'])
        assert.ok(report.includes(k), `report shows ${k}`);
      assert.match(report, /0\.871/);
      const perClass = await page.$$eval('#shadow-report table[data-key=per_class] tbody tr', (trs) => trs.map((t) => t.textContent));
      assert.equal(perClass.length, 2);
      assert.match(perClass[0], /^drone/);
      assert.match(await page.textContent('#models-table tbody tr[data-name="argus-sky-v2"]'), /shadow/);
      await shot('models-shadow');
      await page.click('button[aria-label="stop shadow mode of argus-sky-v2"]');
      await wait(() => window.__argus.models.shadow === null
                 && document.querySelector('button[aria-label="start shadow mode of argus-sky-v2"]'), null, 'shadow stopped');
      assert.equal(stub.sent('DELETE', '/models/argus-sky-v2/shadow').length, 1);
      assert.equal(await page.evaluate(() => window.__argus.models.polling), false, 'polling stopped');
      assert.match(await page.textContent('#shadow-state'), /stopped; the last report stays/);
    });

    await step('activate, then delete with confirmation', async () => {
      await page.click('button[aria-label="activate argus-sky-v2"]');
      await wait(() => document.querySelector('#models-table tbody tr[data-name="argus-sky-v2"]').classList.contains('active'),
                 null, 'v2 active');
      assert.ok(!await page.evaluate(() => document.querySelector('#models-table tbody tr[data-name="argus-sky"]').classList.contains('active')));
      assert.match(await page.textContent('#models-msg'), /argus-sky-v2 is the active model/);
      // Dismissed: nothing is sent.
      page.once('dialog', (d) => d.dismiss());
      await page.click('button[aria-label="delete argus-sky"]');
      assert.equal(stub.sent('DELETE', '/models/argus-sky').length, 0);
      page.once('dialog', (d) => { assert.match(d.message(), /Delete the model argus-sky\?/); d.accept(); });
      await page.click('button[aria-label="delete argus-sky"]');
      await wait(() => !document.querySelector('#models-table tbody tr[data-name="argus-sky"]'), null, 'the row gone');
      assert.equal(stub.sent('DELETE', '/models/argus-sky').length, 1);
      await shot('models');
    });

    await step('a server without these APIs (404) is told apart', async () => {
      stub.flags.noApi = true;
      await page.reload();
      await wait(() => window.__argus && window.__argus.ready, null, 'the page');
      await page.click('nav button[data-tab=settings]');
      await wait(() => window.__argus.settings.available === false, null, 'settings: no API');
      assert.match(await page.textContent('#settings-msg'), /this server has no settings API/i);
      assert.ok(!await page.isVisible('#settings-form'));
      await page.click('nav button[data-tab=models]');
      await wait(() => window.__argus.models.available === false, null, 'models: no API');
      assert.match(await page.textContent('#models-msg'), /this server has no models API/i);
    });

    assert.deepEqual(errors, [], 'no page errors');
    console.log(`all ${passed} browser checks passed; screenshots in ${opts.artifacts}`);
  } finally {
    await ctx.close();
    await stub.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(`not ok - ${e.stack || e.message}`); process.exit(1); });
