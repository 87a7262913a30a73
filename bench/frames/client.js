#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// /ws/frames load generator for the frame-server benchmark (run.py).
//
//   client.js random --url U --clip ID --pairs FILE --quality Q
//     One connection asks for the frames of FILE ("irap offset" lines) one
//     at a time; latency = request sent -> JPEG received.
//   client.js chunks --url U --clips A,B,.. --frames FILE --clients N
//                    --duration S --warmup S --quality Q
//     N players, each asking for whole chunks (request_chunk) one after
//     the other from its own seeded start: the frames stream back.
//   client.js play --url U --clips A,B,.. --frames FILE --clients N --fps F
//                  --duration S --warmup S --quality Q
//     N players, player i on clip i % (number of clips), each stepping
//     frame by frame in display order (FILE: JSON [[irap, offset], ...] in
//     display order) from its own seeded start, one request in flight, at
//     F frames/s (0: as fast as answers come). A player that falls behind
//     does not catch up in bursts: its next request goes out at
//     max(now, previous schedule + 1/F).
// Prints one JSON line.
'use strict';
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const WebSocket = require('ws');

function parseArgs(argv) {
  const opts = { mode: argv[2], url: '', clip: '', clips: '', pairs: '', frames: '', clients: 1,
                 fps: 20, duration: 8, warmup: 2, quality: 90 };
  for (let i = 3; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in opts)) throw new Error(`unknown option ${argv[i]}`);
    opts[key] = typeof opts[key] === 'number' ? Number(argv[i + 1]) : argv[i + 1];
  }
  const host = new URL(opts.url).hostname;
  if (!['127.0.0.1', 'localhost'].includes(host)) throw new Error(`refusing non-loopback url ${opts.url}`);
  return opts;
}

const now = () => performance.now();

function percentile(values, p) {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] * 1000) / 1000;
}

function connect(url) {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 << 20 });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/// Sends one single-frame request per call and resolves with the JPEG size
/// when its binary message arrives; rejects on an `error` answer.
class FrameChannel {
  constructor(ws, clip, quality) {
    this.ws = ws; this.clip = clip; this.quality = quality; this.seq = 0;
    this.pending = null; this.expectBinary = false;
    ws.on('message', (data, isBinary) => this.onMessage(data, isBinary));
    ws.on('close', () => this.pending && this.pending.reject(new Error('socket closed')));
  }
  request(irap, offset) {
    return new Promise((resolve, reject) => {
      this.pending = { resolve, reject };
      this.ws.send(JSON.stringify({ type: 'request_frames', request_id: `r${++this.seq}`,
                                    clip_id: this.clip, irap, offsets: [offset], quality: this.quality }));
    });
  }
  onMessage(data, isBinary) {
    if (isBinary) {
      if (!this.expectBinary || !this.pending) throw new Error('unexpected binary message');
      this.expectBinary = false;
      const p = this.pending; this.pending = null;
      p.resolve(data.length);
      return;
    }
    const msg = JSON.parse(data);
    if (msg.type === 'frame') this.expectBinary = true;
    else if (msg.type === 'error' && this.pending) {
      const p = this.pending; this.pending = null;
      p.reject(new Error(`${msg.error}: ${msg.detail}`));
    } else if (msg.type === 'dropped') throw new Error('a one-at-a-time player was superseded');
  }
}

async function randomMode(opts) {
  const pairs = fs.readFileSync(opts.pairs, 'utf8').trim().split('\n').map((l) => l.split(' ').map(Number));
  const ws = await connect(opts.url);
  const ch = new FrameChannel(ws, opts.clip, opts.quality);
  const ms = [];
  for (const [irap, offset] of pairs) {
    const t0 = now();
    await ch.request(irap, offset);
    ms.push(now() - t0);
  }
  ws.close();
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(JSON.stringify({ n: ms.length, p50_ms: percentile(ms, 50), p99_ms: percentile(ms, 99),
                               mean_ms: Math.round(mean * 1000) / 1000 }));
}

async function player(i, opts, frames, clips, window, result) {
  const ws = await connect(opts.url);
  const ch = new FrameChannel(ws, clips[i % clips.length], opts.quality);
  // A seeded start (Knuth multiplicative hash) spreads the players over the clip.
  let pos = (i * 2654435761) % frames.length;
  const period = opts.fps > 0 ? 1000 / opts.fps : 0;
  let due = now();
  let received = 0;
  while (now() < window.end) {
    const wait = due - now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const [irap, offset] = frames[pos];
    const t0 = now();
    await ch.request(irap, offset);
    const t1 = now();
    if (t0 >= window.start && t1 <= window.end) {
      received++;
      result.latencies.push(t1 - t0);
    }
    pos = (pos + 1) % frames.length;
    due = Math.max(t1, due + period);
  }
  ws.close();
  result.clientFps.push(received / ((window.end - window.start) / 1000));
}

async function chunkPlayer(i, opts, iraps, clips, window, result) {
  const ws = await connect(opts.url);
  const clip = clips[i % clips.length];
  let pos = (i * 2654435761) % iraps.length;
  let seq = 0;
  let received = 0;
  let done = null;
  ws.on('message', (data, isBinary) => {
    if (isBinary) {
      const t = now();
      if (t >= window.start && t <= window.end) received++;
      return;
    }
    const msg = JSON.parse(data);
    if (msg.type === 'request_done' && done) { const d = done; done = null; d(msg); }
    else if (msg.type === 'error') throw new Error(`${msg.error}: ${msg.detail}`);
  });
  while (now() < window.end) {
    await new Promise((resolve) => {
      done = resolve;
      ws.send(JSON.stringify({ type: 'request_chunk', request_id: `c${++seq}`, clip_id: clip,
                               irap: iraps[pos], quality: opts.quality }));
    });
    pos = (pos + 1) % iraps.length;
  }
  ws.close();
  result.clientFps.push(received / ((window.end - window.start) / 1000));
}

async function chunksMode(opts) {
  const frames = JSON.parse(fs.readFileSync(opts.frames, 'utf8'));
  const iraps = [...new Set(frames.map(([irap]) => irap))].sort((a, b) => a - b);
  const clips = opts.clips.split(',');
  const start = now() + opts.warmup * 1000;
  const window = { start, end: start + opts.duration * 1000 };
  const result = { latencies: [], clientFps: [] };
  await Promise.all([...Array(opts.clients).keys()].map((i) => chunkPlayer(i, opts, iraps, clips, window, result)));
  const total = result.clientFps.reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({ clients: opts.clients, total_fps: Math.round(total * 10) / 10 }));
}

async function playMode(opts) {
  const frames = JSON.parse(fs.readFileSync(opts.frames, 'utf8'));
  const clips = opts.clips.split(',');
  const start = now() + opts.warmup * 1000;
  const window = { start, end: start + opts.duration * 1000 };
  const result = { latencies: [], clientFps: [] };
  const players = [];
  for (let i = 0; i < opts.clients; i++) players.push(player(i, opts, frames, clips, window, result));
  await Promise.all(players);
  const total = result.clientFps.reduce((a, b) => a + b, 0);
  console.log(JSON.stringify({
    clients: opts.clients, fps_target: opts.fps, total_fps: Math.round(total * 10) / 10,
    client_fps_min: Math.round(Math.min(...result.clientFps) * 10) / 10,
    client_fps_median: percentile(result.clientFps, 50),
    latency_ms: { n: result.latencies.length, p50: percentile(result.latencies, 50),
                  p99: percentile(result.latencies, 99), max: percentile(result.latencies, 100) },
  }));
}

const opts = parseArgs(process.argv);
const modes = { random: randomMode, play: playMode, chunks: chunksMode };
(modes[opts.mode] ? modes[opts.mode](opts) : Promise.reject(new Error('mode must be random, play or chunks')))
  .catch((e) => { console.error(`client.js: ${e.message}`); process.exit(1); });
