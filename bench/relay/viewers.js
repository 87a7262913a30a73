#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Relay viewer load for bench/relay/run.py: N WebSocket viewers of one
// camera (/ws/cameras/{id}?fps=F). For every frame: latency = JPEG received
// (wall clock) - captured_unix_ms from its header; server and generator
// share the machine's clock. Prints one JSON line.
'use strict';
const { performance } = require('node:perf_hooks');
const WebSocket = require('ws');

function parseArgs(argv) {
  const opts = { url: '', clients: 1, duration: 5, warmup: 2, connectConcurrency: 100 };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (!(key in opts)) throw new Error(`unknown option ${argv[i]}`);
    opts[key] = key === 'url' ? argv[i + 1] : Number(argv[i + 1]);
  }
  if (new URL(opts.url).hostname !== '127.0.0.1') throw new Error('loopback only');
  return opts;
}

const nowMs = () => performance.timeOrigin + performance.now();

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] * 100) / 100;
}

function openViewer(url, stats, state) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false, maxPayload: 64 << 20 });
    let header = null;
    ws.on('open', () => { stats.opened++; resolve(ws); });
    ws.on('error', () => { stats.failed++; resolve(null); });
    ws.on('close', () => { if (!state.stopping) stats.closedEarly++; });
    ws.on('message', (data, isBinary) => {
      if (!isBinary) {
        const msg = JSON.parse(data);
        if (msg.type === 'frame') header = msg;
        return;
      }
      const received = nowMs();
      if (!header || data.length !== header.size) { stats.mismatched++; return; }
      if (state.measuring) {
        stats.frames++;
        stats.bytes += data.length;
        stats.latencies.push(received - header.captured_unix_ms);
      }
      header = null;
    });
  });
}

async function main() {
  const opts = parseArgs(process.argv);
  const stats = { opened: 0, failed: 0, closedEarly: 0, mismatched: 0, frames: 0, bytes: 0, latencies: [] };
  const state = { measuring: false, stopping: false };
  const sockets = [];
  for (let i = 0; i < opts.clients; i += opts.connectConcurrency) {
    const batch = [];
    for (let j = i; j < Math.min(opts.clients, i + opts.connectConcurrency); j++)
      batch.push(openViewer(opts.url, stats, state));
    sockets.push(...(await Promise.all(batch)));
  }
  await new Promise((r) => setTimeout(r, opts.warmup * 1000));
  // The driver samples server CPU and counters at these two lines.
  console.log('measuring');
  state.measuring = true;
  await new Promise((r) => setTimeout(r, opts.duration * 1000));
  state.measuring = false;
  console.log('done');
  state.stopping = true;
  for (const ws of sockets) if (ws) ws.terminate();
  const lat = stats.latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({
    clients: opts.clients, opened: stats.opened, failed: stats.failed, closed_early: stats.closedEarly,
    mismatched: stats.mismatched, frames_per_s: Math.round(stats.frames / opts.duration),
    mbytes_per_s: Math.round(stats.bytes / opts.duration / 1e4) / 100,
    latency_ms: { p50: percentile(lat, 50), p99: percentile(lat, 99), max: percentile(lat, 100) },
  }));
}

main().catch((e) => { console.error(e.message); process.exit(1); });
