#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Baseline for the fan-out benchmark: the smallest possible broadcaster, a
// node `ws` server that sends one given JSON message to every client at a
// fixed rate, restamping `published_unix_ms` like argus does for clients
// that ask for it (`?ext=timing`, as run.py's do). Same generator,
// same message, same rate: the difference to argus is argus's own cost.
'use strict';
const fs = require('node:fs');
const { performance } = require('node:perf_hooks');
const WebSocket = require('ws');

const [messageFile, hzArg] = process.argv.slice(2);
if (!messageFile) {
  console.error('usage: broadcast_server.js MESSAGE.json [HZ]');
  process.exit(2);
}
const template = JSON.parse(fs.readFileSync(messageFile, 'utf8'));
const periodMs = 1000 / Number(hzArg || 10);
const server = new WebSocket.Server({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
server.on('listening', () => console.log(`broadcast listening on ws://127.0.0.1:${server.address().port}/`));
setInterval(() => {
  template.published_unix_ms = performance.timeOrigin + performance.now();
  const text = JSON.stringify(template); // encoded once, like argus
  for (const ws of server.clients) ws.send(text);
}, periodMs);
process.on('SIGTERM', () => process.exit(0));
