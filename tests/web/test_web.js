#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// The web client in a real browser: Debian's Chromium, headless, driven by
// playwright-core, against the real argus server started here on
// 127.0.0.1. Loads the page, sees relay frames arrive, starts a session and
// checks the overlay boxes against the metadata_tick (geometry and canvas
// pixels), selects a target by clicking its box (ack + selected colour),
// scrubs and steps the frame server's clip and plays it at 20 FPS, reads
// track history and a track's path, the status view, the settings view
// (a server-side validation error inline, then a change applied live), and survives a server
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

/// Page-side helpers, installed before the page's own scripts. The live
/// canvas is redrawn on every animation frame from the newest tick, so a
/// box's position and the pixels under it only belong together inside one
/// synchronous page task: checks read __argus.live.boxes and sample the
/// canvas in the same evaluate/waitForFunction call, never across two.
function pageHelpers() {
  window.__argusTest = {
    /// True if a pixel around CSS (x, y) of the canvas (5x5 device pixels)
    /// is within `tol` of `rgb` per channel.
    colourNear(canvasId, x, y, rgb, tol = 40) {
      const c = document.getElementById(canvasId);
      const dpr = c.width / c.getBoundingClientRect().width;
      const data = c.getContext('2d').getImageData(Math.round(x * dpr) - 2, Math.round(y * dpr) - 2, 5, 5).data;
      for (let i = 0; i < data.length; i += 4)
        if (Math.abs(data[i] - rgb[0]) <= tol && Math.abs(data[i + 1] - rgb[1]) <= tol
            && Math.abs(data[i + 2] - rgb[2]) <= tol)
          return true;
      return false;
    },
    /// A point on the outline of `b` (left, right and bottom edges; the top
    /// one carries the label) that no other box's outline or any label
    /// covers: boxes overlap, and each is drawn over the ones before it.
    clearPoint(b, boxes) {
      const m = 4; // half the stroke, the sample window and some slack
      const covers = (r, p) => p.x >= r.x - m && p.x <= r.x + r.w + m && p.y >= r.y - m && p.y <= r.y + r.h + m;
      const blocked = [];
      for (const o of boxes) {
        blocked.push({ x: o.x, y: o.y - 16, w: o.labelW || 0, h: 16 });
        if (o !== b) blocked.push(o);
      }
      const points = [];
      for (const f of [0.5, 0.25, 0.75])
        points.push({ x: b.x, y: b.y + f * b.h }, { x: b.x + b.w, y: b.y + f * b.h },
                    { x: b.x + f * b.w, y: b.y + b.h });
      return points.find((p) => !blocked.some((r) => covers(r, p))) || null;
    },
  };
}

async function main() {
  const opts = args();
  fs.mkdirSync(opts.artifacts, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'argus-web-'));
  const clip = path.join(tmp, 'clip.hevc');
  execFileSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25', '-frames:v', '60',
    // x265's default open GOPs: playback crosses CRAs whose RASL leading
    // pictures decode from the previous IRAP.
    '-pix_fmt', 'yuv420p', '-c:v', 'libx265', '-x265-params', 'keyint=24:log-level=error', '-f', 'hevc', clip],
  { timeout: 120000 });
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
  await ctx.addInitScript(pageHelpers);
  const page = ctx.pages()[0] || await ctx.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const wait = (fn, arg, what, timeout = 20000) =>
    page.waitForFunction(fn, arg, { timeout }).catch((e) => { throw new Error(`waiting for ${what}: ${e.message}`); });
  /// wait() for a truthy JSON value computed in the page; returns it.
  const waitValue = async (fn, arg, what, timeout) => (await wait(fn, arg, what, timeout)).jsonValue();
  const shot = (name) => page.screenshot({ path: path.join(opts.artifacts, `${name}.png`) });
  let passed = 0;
  const step = async (name, fn) => { await fn(); passed++; console.log(`ok ${passed} - ${name}`); };

  // Every GET /cameras answers what the first one said, taken before the
  // page's viewer woke the camera: the picker can only show the camera
  // going online from the state its relay pushes on the video socket.
  let firstCameras = null;
  await page.route('**/cameras', async (route) => {
    firstCameras = firstCameras || route.fetch().then((res) => res.text());
    await route.fulfill({ status: 200, contentType: 'application/json', body: await firstCameras });
  });

  try {
    await page.goto(`http://127.0.0.1:${port}/`);

    await step('relay frames arrive on the live canvas', async () => {
      await wait(() => window.__argus && window.__argus.live.frames >= 3, null, 'three frames');
      const live = await page.evaluate(() => window.__argus.live);
      assert.equal(live.video, 'open');
      assert.ok(live.frameNo > 0);
    });

    await step('the camera picker shows the state the relay pushes', async () => {
      const polled = JSON.parse(await firstCameras).cameras[0];
      assert.equal(polled.state, 'idle', 'the frozen poll predates the viewer');
      await wait(() => /^cam_01 \(synthetic, online\)$/.test(document.getElementById('camera').selectedOptions[0].textContent),
                 null, 'the picker saying online');
      await page.unroute('**/cameras');
    });

    await step('overlay boxes are drawn where the metadata says', async () => {
      await page.click('#session-start');
      // One drawn tick with an unselected box whose outline nothing covers;
      // its pixels are sampled in the same page task as the boxes are read.
      const { tick, boxes, canvas, otherDrawn } = await waitValue((rgb) => {
        const l = window.__argus.live;
        const t = l.drawnTick;
        if (!t || !t.tracks.length) return null;
        for (const b of l.boxes) {
          const p = b.id !== t.selected_target_id && window.__argusTest.clearPoint(b, l.boxes);
          if (p)
            return { tick: t, boxes: l.boxes, canvas: l.canvas,
                     otherDrawn: window.__argusTest.colourNear('live-canvas', p.x, p.y, rgb) };
        }
        return null;
      }, COLORS.other, 'a drawn tick with an unselected box in the clear');
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
      assert.ok(otherDrawn, 'an unselected box is drawn in the "other" colour on the canvas');
    });

    await step('clicking a box selects it: ack and the selected colour', async () => {
      // The scene moves (a box crosses ~1/3 of the canvas per second) and
      // tracks come and go, so a click aimed at a box can land on the sky,
      // on a box that moved under the pointer, or on a track that just
      // ended; and the canvas itself can move when the controls above it
      // rewrap. Each of those is visible in the page (lastPick, the reply,
      // the ticks) and leads to another click; what must hold is that the
      // box the click hit gets selected and drawn selected.
      const selectByClick = async () => {
        // The largest box that a click at its centre would pick (the
        // smallest box under the pointer wins), away from the canvas's top
        // and bottom: if the controls rewrap before the click lands, it
        // still lands on the canvas (one line is ~30 px), not on a button.
        const target = await waitValue(() => {
          const l = window.__argus.live;
          const under = (x, y) => l.boxes.filter((b) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h)
            .sort((a, c) => a.w * a.h - c.w * c.h)[0];
          const b = l.boxes.slice().sort((a, c) => c.w * c.h - a.w * a.h)
            .find((x) => under(x.x + x.w / 2, x.y + x.h / 2) === x
                         && x.y + x.h / 2 > 70 && x.y + x.h / 2 < l.canvas.H - 70);
          const r = document.getElementById('live-canvas').getBoundingClientRect();
          return b && { picks: l.picks, replies: l.replies, x: b.x + b.w / 2, y: b.y + b.h / 2, left: r.left, top: r.top };
        }, null, 'a box to click');
        await page.mouse.click(target.left + target.x, target.top + target.y);
        const pick = await waitValue((n) => window.__argus.live.picks > n && window.__argus.live.lastPick,
                                     target.picks, 'the click reaching the canvas');
        if (pick.left !== target.left || pick.top !== target.top) return null; // the canvas moved
        assert.ok(Math.abs(pick.x - target.x) < 1 && Math.abs(pick.y - target.y) < 1,
                  `clicked at ${target.x},${target.y}; the page saw ${pick.x},${pick.y}`);
        if (pick.id === null) return null; // the box moved away
        const reply = await waitValue((n) => { const l = window.__argus.live; return l.replies > n && l.lastReply; },
                                      target.replies, 'the reply to set_target_id');
        if (reply.type === 'error') return null; // the track ended meanwhile
        assert.deepEqual(reply, { type: 'ack', command: 'set_target_id', target_id: pick.id });
        assert.match(await page.textContent('#feedback'), new RegExp(`ack: set_target_id ${pick.id}`));
        await wait((id) => window.__argus.live.tick.selected_target_id === id, pick.id, 'a tick with the target');
        // Drawn in the selected colour, sampled in the same task as the
        // boxes are read; unless the track ends first (the phase falls
        // back to searching and its box is gone).
        const seen = await waitValue(({ id, rgb }) => {
          const l = window.__argus.live;
          const t = l.drawnTick;
          if (!t || t.selected_target_id !== id) return null;
          if (t.tracking_phase === 'searching' && !t.tracks.some((x) => x.id === id)) return { gone: true };
          const b = l.boxes.find((x) => x.id === id && x.color === '#ffd60a');
          const p = b && window.__argusTest.clearPoint(b, l.boxes);
          return p && { drawn: window.__argusTest.colourNear('live-canvas', p.x, p.y, rgb) };
        }, { id: pick.id, rgb: COLORS.selected }, 'the target drawn selected');
        return seen.gone ? null : { id: pick.id, drawn: seen.drawn };
      };
      let selected = null;
      let attempt = 0;
      // One click normally; a page slowed 10x by CDP CPU throttling needed
      // up to 20, so 50 leaves room without hiding a page that never selects.
      while (!selected && attempt < 50) { attempt++; selected = await selectByClick(); }
      assert.ok(selected, 'a click selected a box within 50 tries');
      console.log(`# selected track ${selected.id} with click ${attempt}`);
      assert.ok(selected.drawn, `target ${selected.id} in the selected colour on the canvas`);
      await shot('live-overlays');
    });

    await step('frames: scrub, step with the keys, play paced at 20 FPS', async () => {
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
      // Speed belongs to the benchmarks (docs/benchmarks.md §6): on a loaded
      // 2-core machine playback legitimately dips below 20 FPS, so the test
      // checks the pacing cap and the frames, not the rate.
      console.log(`# played at ${fps.toFixed(1)} FPS`);
      assert.ok(fps <= 22, `playback is paced at 20 FPS, not faster (${fps})`);
      assert.equal(await page.evaluate(() => window.__argus.frames.errors), 0, 'every frame served, no gaps');
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
      // The session card: its id (with ':' in its time) reached the server
      // escaped and was found.
      assert.doesNotMatch(text, /unknown_session|error/);
      assert.match(text, /latency p50 ms/);
      await shot('status');
    });

    await step('settings against the real server: an inline error, then applied live', async () => {
      const field = (p) => `#settings-form [data-path="${p}"]:is(input, textarea)`;
      await page.click('nav button[data-tab=settings]');
      await page.waitForSelector('#settings-form details[data-section=tracker]');
      await page.click('#settings-form details[data-section=tracker] summary');
      await page.fill(field('tracker.match_thresh'), '2');
      await page.click('#settings-validate');
      await wait(() => window.__argus.settings.errors.length > 0, null, 'the server\'s validation errors');
      assert.match(await page.textContent('#settings-errors'), /tracker\.match_thresh: must be in \[0, 1\]/);
      assert.equal(await page.getAttribute(field('tracker.match_thresh'), 'aria-invalid'), 'true');
      await page.fill(field('tracker.match_thresh'), '0.55');
      await page.click('#settings-apply');
      await wait(() => /tracker\.match_thresh/.test(document.getElementById('settings-result').textContent),
                 null, 'the applied list');
      const res = await fetch(`http://127.0.0.1:${port}/settings/tracker`);
      assert.equal((await res.json()).match_thresh, 0.55);
      await shot('settings');
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
