#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// WebSocket sink-mode load generator for the fan-out benchmark.
//
// Opens --clients connections to one loopback URL, only receives, and for
// every JSON text message with a numeric `published_unix_ms` records
// (receive wall clock - published_unix_ms); argus sends that stamp only on
// `?ext=timing` connections. Server and generator share the
// machine's clock, so this is one-way delivery latency. Prints one JSON line.
'use strict';
const { performance } = require('node:perf_hooks');
const WebSocket = require('ws');

function parseArgs(argv) {
  const opts = { clients: 1, duration: 5, warmup: 1, connectConcurrency: 200, url: '' };
  for (let i = 2; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '').replace(/-(\w)/g, (_, c) => c.toUpperCase());
    if (!(key in opts)) throw new Error(`unknown option ${argv[i]}`);
    opts[key] = key === 'url' ? argv[i + 1] : Number(argv[i + 1]);
  }
  const host = new URL(opts.url).hostname;
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(host))
    throw new Error(`refusing non-loopback url ${opts.url}`);
  return opts;
}

const nowMs = () => performance.timeOrigin + performance.now();

function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  const i = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return Math.round(sorted[Math.max(0, i)] * 1000) / 1000;
}

function openClient(url, stats, state) {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { perMessageDeflate: false });
    ws.on('open', () => { stats.opened++; resolve(ws); });
    ws.on('error', () => { stats.failed++; resolve(null); });
    ws.on('close', () => { if (!state.stopping) stats.closedEarly++; });
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const received = nowMs();
      stats.received++;
      if (!state.measuring) return;
      const msg = JSON.parse(data);
      if (typeof msg.published_unix_ms === 'number') stats.latencies.push(received - msg.published_unix_ms);
    });
  });
}

async function main() {
  const opts = parseArgs(process.argv);
  const stats = { opened: 0, failed: 0, closedEarly: 0, received: 0, latencies: [] };
  const state = { measuring: false, stopping: false };
  const sockets = [];
  const t0 = nowMs();
  for (let i = 0; i < opts.clients; i += opts.connectConcurrency) {
    const batch = [];
    for (let j = i; j < Math.min(opts.clients, i + opts.connectConcurrency); j++)
      batch.push(openClient(opts.url, stats, state));
    sockets.push(...(await Promise.all(batch)));
  }
  const connectS = (nowMs() - t0) / 1000;
  // Warm-up lets every connection get its first (catch-up) tick before measuring.
  await new Promise((r) => setTimeout(r, opts.warmup * 1000));
  state.measuring = true;
  const receivedBefore = stats.received;
  await new Promise((r) => setTimeout(r, opts.duration * 1000));
  state.measuring = false;
  state.stopping = true;
  const measuredMsgs = stats.received - receivedBefore;
  for (const ws of sockets) if (ws) ws.terminate();
  const lat = stats.latencies.sort((a, b) => a - b);
  console.log(JSON.stringify({
    clients: opts.clients, opened: stats.opened, failed: stats.failed, closed_early: stats.closedEarly,
    connect_s: Math.round(connectS * 1000) / 1000, received: measuredMsgs,
    recv_per_s: Math.round(measuredMsgs / opts.duration),
    latency_ms: { n: lat.length, p50: percentile(lat, 50), p90: percentile(lat, 90),
                  p99: percentile(lat, 99), max: percentile(lat, 100) },
  }));
}

main().catch((err) => { console.error(`wsload: ${err.message}`); process.exit(2); });
