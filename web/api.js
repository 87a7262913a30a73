// SPDX-License-Identifier: Apache-2.0
// REST and WebSocket access with the page's bearer token.

const TOKEN_KEY = 'argus.token';

export function token() { return localStorage.getItem(TOKEN_KEY) || ''; }
export function setToken(t) { t ? localStorage.setItem(TOKEN_KEY, t) : localStorage.removeItem(TOKEN_KEY); }

/// fetch() with the token; resolves to the parsed JSON (null for an empty
/// body, e.g. 204) or throws an Error carrying the server's {error, detail}
/// as its message, and `status`, `body` (the parsed error body, if JSON)
/// and `retryAfter` (the Retry-After header, seconds) as properties. A
/// FormData body goes as multipart/form-data, anything else as JSON.
export async function api(path, { method = 'GET', body } = {}) {
  const headers = {};
  if (token()) headers.Authorization = `Bearer ${token()}`;
  let payload;
  if (typeof FormData !== 'undefined' && body instanceof FormData) payload = body;
  else if (body !== undefined) { headers['Content-Type'] = 'application/json'; payload = JSON.stringify(body); }
  const res = await fetch(path, { method, headers, body: payload });
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch {
    if (res.ok) throw new Error(`${method} ${path}: the answer is not JSON`);
  }
  if (!res.ok) {
    const err = new Error(data && data.detail ? `${data.error}: ${data.detail}`
      : data && data.error ? data.error : `HTTP ${res.status}`);
    err.status = res.status;
    err.body = data;
    err.retryAfter = res.headers.get('Retry-After');
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
