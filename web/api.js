// SPDX-License-Identifier: Apache-2.0
// REST and WebSocket access with the page's bearer token.

const TOKEN_KEY = 'argus.token';

export function token() { return localStorage.getItem(TOKEN_KEY) || ''; }
export function setToken(t) { t ? localStorage.setItem(TOKEN_KEY, t) : localStorage.removeItem(TOKEN_KEY); }

/// fetch() with the token; resolves to the parsed JSON or throws an Error
/// carrying the server's {error, detail}.
export async function api(path, { method = 'GET', body } = {}) {
  const headers = {};
  if (token()) headers.Authorization = `Bearer ${token()}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  const data = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = new Error(data && data.detail ? `${data.error}: ${data.detail}` : `HTTP ${res.status}`);
    err.status = res.status;
    throw err;
  }
  return data;
}

/// A ws:// URL on this host; browsers cannot set headers on upgrades, so
/// the token goes in ?access_token=.
export function wsUrl(path) {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const url = new URL(`${proto}//${location.host}${path}`);
  if (token()) url.searchParams.set('access_token', token());
  return url.toString();
}

/// A WebSocket that reconnects with exponential backoff (0.5 s .. 8 s)
/// until close() is called. `onState(state, detail)` sees connecting /
/// open / reconnecting / closed.
export class ReconnectingSocket {
  constructor(pathFn, { onMessage, onState, onOpen, binaryType = 'arraybuffer' }) {
    Object.assign(this, { pathFn, onMessage, onState, onOpen, binaryType });
    this.delay = 500;
    this.stopped = false;
    this.connect();
  }
  connect() {
    if (this.stopped) return;
    this.onState?.('connecting');
    const ws = new WebSocket(wsUrl(this.pathFn()));
    ws.binaryType = this.binaryType;
    this.ws = ws;
    ws.onopen = () => { this.delay = 500; this.onState?.('open'); this.onOpen?.(ws); };
    ws.onmessage = (ev) => this.onMessage(ev.data);
    ws.onclose = (ev) => {
      if (this.stopped) { this.onState?.('closed'); return; }
      this.onState?.('reconnecting', `${ev.code} ${ev.reason || ''}`.trim());
      this.timer = setTimeout(() => this.connect(), this.delay);
      this.delay = Math.min(this.delay * 2, 8000);
    };
  }
  send(obj) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) { this.ws.send(JSON.stringify(obj)); return true; }
    return false;
  }
  close() { this.stopped = true; clearTimeout(this.timer); if (this.ws) this.ws.close(); }
}
