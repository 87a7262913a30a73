#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// An independent client against the stateful loopback ONVIF device
// (tests/integration/onvif_device.py): the npm `onvif` package's own Cam
// client (onvif@0.8.0, pinned in package.json), so the device is checked by a
// client argus did not write. It connects (GetSystemDateAndTime, GetServices,
// GetProfiles, GetVideoSources), reads the status and presets, moves with and
// without a Timeout, stops one axis then the other, goes home and to a preset,
// and is refused with a wrong password.
//
//   node tests/integration/onvif_device_client.js            # starts the device itself
//   node tests/integration/onvif_device_client.js --port P   # uses a running stateful device
//
// The device must be stateful with its defaults: home (0, 0, 0), speeds 0.5
// units/s at velocity 1, user admin / secret. Exits 0 with "OK ..." or 1 with
// the failed step; the whole run is bounded (25 s watchdog).
'use strict';
const path = require('path');
const { spawn } = require('child_process');
const { Cam } = require('onvif');

const HERE = __dirname;
const args = process.argv.slice(2);
const opt = (name, dflt) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : dflt; };
const USER = opt('--username', 'admin');
const PASSWORD = opt('--password', 'secret');
const SPEED = 0.5; // the device's pan/tilt/zoom speed at velocity 1
const P001 = [-0.9, -0.4, 0.0]; // onvif_device.py's pose for preset P001
const EPS = 1e-3;

let device = null;
let step = 'start';
const watchdog = setTimeout(() => die(new Error('watchdog: the check took over 25 s')), 25000);

function die(err) {
  console.error(`FAIL at step "${step}": ${err && err.message ? err.message : err}`);
  if (device) device.kill('SIGKILL');
  process.exit(1);
}

function check(cond, what) {
  if (!cond) throw new Error(what);
}

function near(a, b) {
  return Math.abs(Number(a) - b) <= EPS;
}

// Cam's callbacks as promises, each bounded by the Cam's own 5 s socket timeout.
const call = (cam, fn, options) => new Promise((resolve, reject) => {
  const cb = (err, res, xml) => { if (err) { err.xml = xml; reject(err); } else resolve(res); };
  if (options === undefined) cam[fn](cb); else cam[fn](options, cb);
});

function connect(port, password) {
  return new Promise((resolve, reject) => {
    const cam = new Cam({ hostname: '127.0.0.1', port, username: USER, password, timeout: 5000 },
      (err) => (err ? reject(err) : resolve(cam)));
  });
}

async function status(cam) {
  const s = await call(cam, 'getStatus', {});
  return { x: Number(s.position.x), y: Number(s.position.y), z: Number(s.position.zoom),
           pt: s.moveStatus.panTilt, zm: s.moveStatus.zoom };
}

// Polls GetStatus until both axes are IDLE: the device's own state, bounded.
async function untilIdle(cam, limitMs) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const s = await status(cam);
    if (s.pt === 'IDLE' && s.zm === 'IDLE') return s;
    if (Date.now() > deadline) throw new Error(`still moving after ${limitMs} ms: ${JSON.stringify(s)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function startDevice() {
  const python = process.env.ONVIF_PYTHON || '/usr/bin/python3';
  return new Promise((resolve, reject) => {
    device = spawn(python, [path.join(HERE, 'onvif_device.py'), '--port', '0', '--stateful',
      '--username', USER, '--password', PASSWORD], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    device.on('error', reject);
    device.on('exit', (code) => reject(new Error(`device exited early (${code}): ${out}`)));
    device.stdout.on('data', (d) => {
      out += d;
      const m = /READY (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
  });
}

async function main() {
  const port = opt('--port') ? Number(opt('--port')) : await startDevice();
  if (device) device.removeAllListeners('exit');

  step = 'connect';
  const cam = await connect(port, PASSWORD);
  check(cam.profiles.length >= 1, 'no profiles');
  check(cam.activeSource && cam.activeSource.profileToken === 'main',
    `profile token ${cam.activeSource && cam.activeSource.profileToken}`);
  check(cam.uri.ptz.hostname === '127.0.0.1' && Number(cam.uri.ptz.port) === port,
    `PTZ XAddr not rewritten to the device: ${cam.uri.ptz.href}`);

  step = 'initial status';
  let s = await status(cam);
  check(near(s.x, 0) && near(s.y, 0) && near(s.z, 0) && s.pt === 'IDLE', `not home and idle: ${JSON.stringify(s)}`);

  step = 'presets';
  const presets = await call(cam, 'getPresets', {});
  check(presets.P001 === 'P001' && Object.keys(presets).length >= 20, `presets ${JSON.stringify(presets)}`);

  step = 'ContinuousMove right/up with Timeout PT2S';
  await call(cam, 'continuousMove', { x: 0.25, y: 0.25, zoom: 0, timeout: 2000 });
  s = await untilIdle(cam, 10000);
  // the Timeout bounds the move, so the end pose is exact: 0.25 * 0.5 units/s * 2 s
  check(near(s.x, 0.25 * SPEED * 2) && near(s.y, 0.25 * SPEED * 2) && near(s.z, 0),
    `after the timed move: ${JSON.stringify(s)}`);

  step = 'ContinuousMove left + zoom in, no Timeout';
  await call(cam, 'continuousMove', { x: -1, y: 0, zoom: 0.2 });
  s = await status(cam);
  check(s.pt === 'MOVING' && s.zm === 'MOVING', `not moving: ${JSON.stringify(s)}`);

  step = 'Stop PanTilt only';
  await call(cam, 'stop', { panTilt: true, zoom: 'false' });
  const a = await status(cam);
  check(a.pt === 'IDLE' && a.zm === 'MOVING', `pan/tilt should be idle, zoom moving: ${JSON.stringify(a)}`);
  check(a.x < 0.25, `pan did not move left: ${JSON.stringify(a)}`);
  const b = await status(cam);
  check(b.x === a.x && b.y === a.y, `pan/tilt changed after Stop: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);

  step = 'Stop (all axes)';
  await call(cam, 'stop', {});
  s = await status(cam);
  check(s.pt === 'IDLE' && s.zm === 'IDLE' && s.z > 0, `not stopped: ${JSON.stringify(s)}`);

  step = 'GotoHomePosition';
  await call(cam, 'gotoHomePosition', {});
  s = await untilIdle(cam, 10000);
  check(near(s.x, 0) && near(s.y, 0) && near(s.z, 0), `not home: ${JSON.stringify(s)}`);

  step = 'GotoPreset P001';
  await call(cam, 'gotoPreset', { preset: 'P001' });
  s = await untilIdle(cam, 10000);
  check(near(s.x, P001[0]) && near(s.y, P001[1]) && near(s.z, P001[2]), `not at P001: ${JSON.stringify(s)}`);

  step = 'GotoPreset to an unknown token is refused';
  let refused = null;
  await call(cam, 'gotoPreset', { preset: 'NoSuchPreset' }).catch((e) => { refused = e; });
  check(refused && /ter:NoToken/.test(refused.xml || ''), `accepted, or not ter:NoToken: ${refused}`);

  step = 'wrong password is refused';
  refused = null;
  await connect(port, 'wrong-password').catch((e) => { refused = e; });
  check(refused && /not ?authori[sz]ed/i.test(refused.message), `connected with a wrong password: ${refused}`);

  clearTimeout(watchdog);
  if (device) device.kill('SIGTERM');
  console.log(`OK onvif client check passed against 127.0.0.1:${port}`);
}

main().catch(die);
