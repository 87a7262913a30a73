#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The web client in a real browser: Debian's Chromium, headless, driven by
// playwright-core, against the real argus server started here on
// 127.0.0.1. Loads the page, sees relay frames arrive, starts a session and
// checks the overlay boxes against the metadata_tick (geometry and canvas
// pixels), selects a target by clicking its box (ack + selected colour),
// scrubs and steps the frame server's clip and plays it at 20 FPS, reads
// track history and a track's path, the status view, and survives a server
// restart. Screenshots of each view go to --artifacts.
//
//   node tests/web/test_web.js --argus build-test/argus --artifacts build-test/web-artifacts
'use strict';
const assert = require('node:assert/strict');
const { spawn, execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const readline = require('node:readline');
const { chromium } = require('playwright-core');

const ROOT = path.resolve(__dirname, '..', '..');
const COLORS = { selected: [0xff, 0xd6, 0x0a], other: [0x30, 0xd1, 0x58] };

function args() {
  const out = { argus: '', artifacts: path.join(os.tmpdir(), 'argus-web-artifacts') };
  for (let i = 2; i < process.argv.length; i += 2) out[process.argv[i].replace(/^--/, '')] = process.argv[i + 1];
  if (!out.argus) throw new Error('--argus is required');
  return out;
}

/// Starts argus and resolves with {proc, port} once it prints its address.
function startArgus(binary, configPath, listen) {
  return new Promise((resolve, reject) => {
    const proc = spawn(binary, ['serve', '--config', configPath, '--listen', listen],
                       { cwd: ROOT, stdio: ['ignore', 'pipe', 'ignore'] });
    const timer = setTimeout(() => { proc.kill('SIGKILL'); reject(new Error('argus did not start in 30 s')); }, 30000);
    const lines = readline.createInterface({ input: proc.stdout });
    lines.on('line', (line) => {
      const m = line.match(/^argus listening on http:\/\/127\.0\.0\.1:(\d+)/);
      if (m) { clearTimeout(timer); resolve({ proc, port: Number(m[1]) }); }
    });
    proc.on('exit', (code) => { clearTimeout(timer); reject(new Error(`argus exited with ${code}`)); });
  });
}

function stopArgus(proc) {
  return new Promise((resolve) => {
    if (proc.exitCode !== null) return resolve();
    const timer = setTimeout(() => proc.kill('SIGKILL'), 15000);
    proc.removeAllListeners('exit');
    proc.on('exit', () => { clearTimeout(timer); resolve(); });
    proc.kill('SIGTERM');
  });
}

async function post(port, urlPath, body) {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
  const text = await res.text();
  assert.ok(res.status === 200 || res.status === 201, `${urlPath}: ${res.status} ${text}`);
  return JSON.parse(text);
}

/// The canvas colour at CSS pixel (x, y) and around it (3x3): true if any
/// pixel is within `tol` of `rgb` per channel.
async function colourNear(page, canvasId, x, y, rgb, tol = 40) {
  return page.evaluate(({ canvasId, x, y, rgb, tol }) => {
    const c = document.getElementById(canvasId);
    const dpr = c.width / c.getBoundingClientRect().width;
    const data = c.getContext('2d').getImageData(Math.round(x * dpr) - 2, Math.round(y * dpr) - 2, 5, 5).data;
    for (let i = 0; i < data.length; i += 4)
      if (Math.abs(data[i] - rgb[0]) <= tol && Math.abs(data[i + 1] - rgb[1]) <= tol && Math.abs(data[i + 2] - rgb[2]) <= tol)
        return true;
    return false;
  }, { canvasId, x, y, rgb, tol });
}

async function main() {
  const opts = args();
  fs.mkdirSync(opts.artifacts, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'argus-web-'));
  const clip = path.join(tmp, 'clip.hevc');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-frames:v', '60',
    '-pix_fmt', 'yuv420p', '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params',
    'keyint=30:min-keyint=30:bframes=3:no-open-gop=1:log-level=error', '-f', 'hevc', clip], { timeout: 120000 });
  const configPath = path.join(tmp, 'argus.yaml');
  fs.writeFileSync(configPath, `
logging: {level: warn}
store: {path: ${tmp}/argus.db, sample_interval_ms: 200}
relay: {persist_dir: ${tmp}/relay}
cameras: [{id: cam_01, source: synthetic, width: 640, height: 360, fps: 10, seed: 7, drones: 3, birds: 2}]
`);
  let server = await startArgus(path.resolve(opts.argus), configPath, '127.0.0.1:0');
  const port = server.port;
  await post(port, '/clips', { clip_id: 'clip', uri: `file://${clip}` });

  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'chromium-profile-'));
  const ctx = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium', headless: true, deviceScaleFactor: 2,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: { width: 1280, height: 800 } });
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const wait = (fn, arg, what, timeout = 20000) =>
    page.waitForFunction(fn, arg, { timeout }).catch((e) => { throw new Error(`waiting for ${what}: ${e.message}`); });
  const shot = (name) => page.screenshot({ path: path.join(opts.artifacts, `${name}.png`) });
  let passed = 0;
  const step = async (name, fn) => { await fn(); passed++; console.log(`ok ${passed} - ${name}`); };

  try {
    await page.goto(`http://127.0.0.1:${port}/`);

    await step('relay frames arrive on the live canvas', async () => {
      await wait(() => window.__argus && window.__argus.live.frames >= 3, null, 'three frames');
      const live = await page.evaluate(() => window.__argus.live);
      assert.equal(live.video, 'open');
      assert.ok(live.frameNo > 0);
    });

    await step('overlay boxes are drawn where the metadata says', async () => {
      await page.click('#session-start');
      await wait(() => { const l = window.__argus.live; return l.tick && l.tick.tracks.length > 0 && l.boxes.length > 0; },
                 null, 'a tick with tracks');
      const { tick, boxes, canvas } = await page.evaluate(() => {
        const l = window.__argus.live;
        return { tick: l.tick, boxes: l.boxes, canvas: l.canvas };
      });
      // Independent contain-rect mapping of the tick's normalized boxes.
      const { W, H } = canvas;
      const s = Math.min(W / tick.frame_size.w, H / tick.frame_size.h);
      const rect = { x: (W - tick.frame_size.w * s) / 2, y: (H - tick.frame_size.h * s) / 2,
                     w: tick.frame_size.w * s, h: tick.frame_size.h * s };
      for (const t of tick.tracks) {
        const b = boxes.find((x) => x.id === t.id);
        assert.ok(b, `box for track ${t.id}`);
        assert.ok(Math.abs(b.x - (rect.x + t.bbox.x * rect.w)) < 0.5, `x of ${t.id}`);
        assert.ok(Math.abs(b.y - (rect.y + t.bbox.y * rect.h)) < 0.5, `y of ${t.id}`);
        assert.ok(Math.abs(b.w - t.bbox.w * rect.w) < 0.5, `w of ${t.id}`);
      }
      const other = boxes.find((b) => b.id !== tick.selected_target_id);
      assert.ok(await colourNear(page, 'live-canvas', other.x, other.y + other.h / 2, COLORS.other),
                'an unselected box is drawn in the "other" colour on the canvas');
    });

    await step('clicking a box selects it: ack and the selected colour', async () => {
      const target = await page.evaluate(() => {
        const b = window.__argus.live.boxes.slice().sort((a, c) => c.w * c.h - a.w * a.h)[0];
        return { id: b.id, x: b.x + b.w / 2, y: b.y + b.h / 2 };
      });
      const box = await page.locator('#live-canvas').boundingBox();
      await page.mouse.click(box.x + target.x, box.y + target.y);
      await wait((id) => { const l = window.__argus.live; return l.lastAck && l.lastAck.command === 'set_target_id'
        && l.lastAck.target_id === id && l.tick.selected_target_id === id; }, target.id, 'the ack and a tick with the target');
      await wait((id) => window.__argus.live.boxes.some((b) => b.id === id && b.color === '#ffd60a'), target.id, 'selected colour');
      const b = await page.evaluate((id) => window.__argus.live.boxes.find((x) => x.id === id), target.id);
      assert.ok(await colourNear(page, 'live-canvas', b.x, b.y + b.h / 2, COLORS.selected), 'selected colour on the canvas');
      assert.match(await page.textContent('#feedback'), /ack: set_target_id/);
      await shot('live-overlays');
    });

    await step('frames: scrub, step with the keys, play at 20 FPS', async () => {
      await page.click('nav button[data-tab=frames]');
      await wait(() => window.__argus.frames.clip === 'clip' && window.__argus.frames.shown === 0, null, 'frame 0');
      for (let i = 1; i <= 3; i++) {
        await page.keyboard.press('ArrowRight');
        await wait((n) => window.__argus.frames.shown === n, i, `frame ${i}`);
      }
      await page.$eval('#scrub', (el) => { el.value = '42'; el.dispatchEvent(new Event('input')); });
      await wait(() => window.__argus.frames.shown === 42, null, 'frame 42');
      assert.match(await page.textContent('#frame-info'), /^frame 42 \/ 59/);
      await page.keyboard.press('ArrowLeft');
      await wait(() => window.__argus.frames.shown === 41, null, 'frame 41');
      await shot('frames');
      const before = await page.evaluate(() => window.__argus.frames.received);
      await page.click('#frame-play');
      await wait((n) => window.__argus.frames.received >= n + 40, before, '40 played frames');
      const fps = await page.evaluate(() => window.__argus.frames.play_fps);
      await page.click('#frame-play');
      assert.ok(fps >= 18, `played at ${fps} FPS`);
    });

    await step('timeline: live events, history search and a track path', async () => {
      await page.click('nav button[data-tab=timeline]');
      await wait(() => window.__argus.timeline.events > 0, null, 'a track event');
      await page.fill('#history-form input[name=camera_id]', 'cam_01');
      await page.click('#history-form button[type=submit]');
      await wait(() => window.__argus.timeline.history.length > 0, null, 'stored tracks');
      await page.click('#history tbody tr');
      await wait(() => window.__argus.timeline.path && window.__argus.timeline.path.points > 0, null, 'a drawn path');
      await shot('timeline');
    });

    await step('status shows health, cameras and the session', async () => {
      await page.click('nav button[data-tab=status]');
      await wait(() => window.__argus.status.refreshed > 0, null, 'a refresh');
      const text = await page.textContent('#status-cards');
      assert.match(text, /camera cam_01/);
      assert.match(text, /session/);
      await shot('status');
    });

    await step('the page survives a server restart', async () => {
      await page.click('nav button[data-tab=live]');
      await stopArgus(server.proc);
      await wait(() => window.__argus.live.video === 'reconnecting', null, 'the page noticing');
      server = await startArgus(path.resolve(opts.argus), configPath, `127.0.0.1:${port}`);
      const frames = await page.evaluate(() => window.__argus.live.frames);
      await wait((n) => window.__argus.live.video === 'open' && window.__argus.live.frames > n, frames,
                 'frames again', 30000);
      await wait(() => window.__argus.live.meta === 'open' && window.__argus.live.tick, null, 'metadata again', 30000);
    });

    assert.deepEqual(errors, [], 'no page errors');
    console.log(`all ${passed} browser checks passed; screenshots in ${opts.artifacts}`);
  } finally {
    await ctx.close();
    await stopArgus(server.proc);
    fs.rmSync(tmp, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().catch((e) => { console.error(`not ok - ${e.stack || e.message}`); process.exit(1); });
