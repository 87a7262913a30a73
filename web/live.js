// SPDX-License-Identifier: Apache-2.0
// Live view: the relay's JPEG stream on a canvas, metadata_tick overlays,
// target selection, session start/stop, connection state.
import { api, ReconnectingSocket } from './api.js';
import { containRect, mapBox, colorOf, fitCanvas } from './overlay.js';

const $ = (id) => document.getElementById(id);

export class LiveView {
  constructor(onEvent) {
    this.onEvent = onEvent;
    this.canvas = $('live-canvas');
    this.state = { frames: 0, frameNo: 0, tick: null, drawnTick: null, boxes: [], selected: null, phase: 'idle',
                   lastAck: null, lastError: null, lastReply: null, replies: 0, picks: 0, lastPick: null,
                   video: '—', meta: '—', sessionId: null };
    // camera_id -> the /cameras entry; and the state the watched camera's
    // relay last pushed, which is newer than any poll while the video
    // socket is open (the relay sends it on join and on every change).
    this.cameras = new Map();
    this.pushedState = null;
    window.__argus = window.__argus || {};
    window.__argus.live = this.state;
    $('camera').onchange = () => this.watch();
    $('session-start').onclick = () => this.startSession();
    $('session-stop').onclick = () => this.stopSession();
    $('clear-target').onclick = () => this.command({ type: 'clear_target' });
    $('ptz-autotrack').onclick = () => this.setAutotrack();
    $('ptz-home').onclick = () => this.ptzRequest('home');
    this.canvas.onclick = (ev) => this.pick(ev);
    new ResizeObserver(() => this.draw()).observe(this.canvas);
    const loop = () => { this.draw(); requestAnimationFrame(loop); };
    requestAnimationFrame(loop);
  }

  async loadCameras() {
    const { cameras } = await api('/cameras');
    this.cameras = new Map(cameras.map((c) => [c.camera_id, c]));
    const sel = $('camera');
    // Options are updated in place: rebuilding them would close the list
    // under a user who is choosing.
    for (const o of [...sel.options]) if (!this.cameras.has(o.value)) o.remove();
    for (const c of cameras)
      if (![...sel.options].some((o) => o.value === c.camera_id)) sel.add(new Option(c.camera_id, c.camera_id));
    for (const id of this.cameras.keys()) this.labelCamera(id);
    if (!this.video) this.watch();
    const cam = this.cameras.get(sel.value);
    if (cam && cam.session_id && !this.meta) this.attach(cam.session_id);
  }

  /// "cam_01 (synthetic, online)": the pushed state for the watched camera,
  /// else the last poll's.
  labelCamera(id) {
    const c = this.cameras.get(id);
    const o = [...$('camera').options].find((x) => x.value === id);
    if (!c || !o) return;
    const pushed = this.pushedState && this.pushedState.camera_id === id ? this.pushedState.state : null;
    o.textContent = `${id} (${c.source}, ${pushed || c.state})`;
  }

  /// A camera_status / camera_disconnected message from the relay.
  onCameraState(msg) {
    this.pushedState = { camera_id: msg.camera_id, state: msg.state };
    this.labelCamera(msg.camera_id);
    if (msg.type === 'camera_disconnected') this.feedback(`camera disconnected, retry in ${msg.next_retry_ms} ms`);
  }

  setConn(which, state, detail) {
    this.state[which] = state;
    const el = $(which === 'video' ? 'video-conn' : 'meta-conn');
    el.textContent = `${which === 'video' ? 'video' : 'metadata'}: ${state}${detail ? ` (${detail})` : ''}`;
    el.className = `badge conn ${state === 'open' ? 'ok' : state === 'reconnecting' ? 'bad' : 'warn'}`;
  }

  watch() {
    if (this.video) this.video.close();
    const camera = $('camera').value;
    const forget = () => {
      // Without the socket nothing pushes: the polls are the news again.
      if (!this.pushedState) return;
      const id = this.pushedState.camera_id;
      this.pushedState = null;
      this.labelCamera(id);
    };
    forget();
    let header = null;
    this.video = new ReconnectingSocket(() => `/ws/cameras/${encodeURIComponent(camera)}?fps=10`, {
      onState: (s, d) => {
        if (s !== 'open') forget();
        this.setConn('video', s, d);
      },
      onMessage: async (data) => {
        if (typeof data === 'string') {
          const msg = JSON.parse(data);
          if (msg.type === 'frame') header = msg;
          else if (msg.type === 'camera_status' || msg.type === 'camera_disconnected') this.onCameraState(msg);
          return;
        }
        if (!header) return;
        const h = header; header = null;
        const bitmap = await createImageBitmap(new Blob([data], { type: 'image/jpeg' }));
        if (this.bitmap) this.bitmap.close();
        this.bitmap = bitmap;
        this.state.frames++;
        this.state.frameNo = h.frame_no;
      },
    });
  }

  async startSession() {
    try {
      const s = await api('/sessions', { method: 'POST', body: { camera_id: $('camera').value } });
      this.attach(s.session_id, s.ws_path);
    } catch (e) { this.feedback(e.message, true); }
  }

  attach(sessionId, wsPath = `/ws/sessions/${sessionId}`) {
    this.state.sessionId = sessionId;
    this.wsPath = wsPath;
    $('session-start').disabled = true;
    $('session-stop').disabled = false;
    $('clear-target').disabled = false;
    if (this.meta) this.meta.close();
    this.meta = new ReconnectingSocket(() => this.wsPath, {
      onState: (s, d) => {
        this.setConn('meta', s, d);
        // After a server restart the session is gone: start it again
        // (idempotent) and reconnect to whatever id it has now.
        if (s === 'reconnecting') this.renewSession();
      },
      onMessage: (data) => this.onMeta(JSON.parse(data)),
    });
  }

  async renewSession() {
    try {
      const s = await api('/sessions', { method: 'POST', body: { camera_id: $('camera').value } });
      this.state.sessionId = s.session_id;
      this.wsPath = s.ws_path;
    } catch (e) { /* the server is still down: the socket keeps retrying */ }
  }

  async stopSession() {
    const id = this.state.sessionId;
    if (this.meta) { this.meta.close(); this.meta = null; }
    this.state.sessionId = null;
    this.state.tick = null;
    $('session-start').disabled = false;
    $('session-stop').disabled = true;
    $('clear-target').disabled = true;
    this.setConn('meta', '—');
    if (id) try { await api(`/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' }); } catch (e) { this.feedback(e.message, true); }
  }

  onMeta(msg) {
    if (msg.type === 'metadata_tick') {
      this.state.tick = msg;
      this.state.selected = msg.selected_target_id;
      this.state.phase = msg.tracking_phase;
      const phase = $('phase');
      phase.textContent = msg.tracking_phase;
      phase.className = `badge ${msg.tracking_phase === 'tracking' ? 'ok' : msg.tracking_phase === 'lost' ? 'bad' : 'warn'}`;
      this.renderPtz(msg.ptz);
      this.renderTrackList(msg);
    } else if (msg.type === 'track_event') {
      this.onEvent(msg);
    } else if (msg.type === 'ack') {
      this.state.lastAck = this.state.lastReply = msg;
      this.state.replies++;
      this.feedback(`ack: ${msg.command}${msg.target_id != null ? ` ${msg.target_id}` : ''}`);
    } else if (msg.type === 'error') {
      this.state.lastError = this.state.lastReply = msg;
      this.state.replies++;
      this.feedback(`${msg.error}: ${msg.detail}`, true);
    }
  }

  /// The tick's ptz block: what the camera was last told to do. Absent for
  /// a camera without PTZ (the controls hide with it).
  renderPtz(ptz) {
    this.state.ptz = ptz || null;
    for (const id of ['ptz', 'ptz-autotrack', 'ptz-home']) $(id).hidden = !ptz;
    if (!ptz) return;
    const v = (x) => `${x >= 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`;
    const el = $('ptz');
    el.textContent = ptz.active
      ? `ptz ${ptz.control_mode}: pan ${v(ptz.cmd.pan)} tilt ${v(ptz.cmd.tilt)} zoom ${v(ptz.cmd.zoom)}`
      : `ptz ${ptz.control_mode}: still`;
    el.className = `badge ${ptz.active ? 'ok' : ''}`;
  }

  /// POST /cameras/{id}/ptz/<what> (controller token); shows the state.
  async ptzRequest(what, body) {
    try {
      const st = await api(`/cameras/${encodeURIComponent($('camera').value)}/ptz/${what}`,
        { method: 'POST', body: body || {} });
      this.state.ptzStatus = st;
      $('ptz-autotrack').textContent = st.autotrack.enabled ? 'Autotrack off' : 'Autotrack on';
      this.feedback(`ptz: ${st.autotrack.state}`);
    } catch (e) { this.feedback(e.message, true); }
  }

  setAutotrack() {
    const on = $('ptz-autotrack').textContent === 'Autotrack on';
    this.ptzRequest('autotrack', { enabled: on });
  }

  renderTrackList(tick) {
    const list = $('track-list');
    list.innerHTML = '';
    for (const t of tick.tracks) {
      const li = document.createElement('li');
      li.textContent = `#${t.id} ${t.label} ${(t.conf * 100).toFixed(0)}%`;
      li.dataset.id = t.id;
      if (t.id === tick.selected_target_id) li.className = 'selected';
      li.onclick = () => this.command({ type: 'set_target_id', target_id: t.id });
      list.appendChild(li);
    }
  }

  command(cmd) {
    if (!this.meta || !this.meta.send(cmd)) this.feedback('no metadata connection', true);
  }

  feedback(text, bad = false) {
    const el = $('feedback');
    el.textContent = text;
    el.style.color = bad ? 'var(--lost)' : '';
  }

  /// The picture's rect and each box, in canvas CSS pixels.
  layout(W, H) {
    const img = this.bitmap;
    const tick = this.state.tick;
    const fw = tick ? tick.frame_size.w : img ? img.width : 16;
    const fh = tick ? tick.frame_size.h : img ? img.height : 9;
    const rect = containRect(W, H, img ? img.width : fw, img ? img.height : fh);
    const boxes = !tick ? [] : tick.tracks.map((t) => ({ id: t.id, label: t.label, conf: t.conf,
      color: colorOf(t.id, tick), ...mapBox(t.bbox, rect) }));
    return { rect, boxes, tick };
  }

  draw() {
    const { ctx, W, H } = fitCanvas(this.canvas);
    ctx.clearRect(0, 0, W, H);
    const { rect, boxes, tick } = this.layout(W, H);
    if (this.bitmap) ctx.drawImage(this.bitmap, rect.x, rect.y, rect.w, rect.h);
    ctx.lineWidth = 2;
    ctx.font = '12px system-ui, sans-serif';
    for (const b of boxes) {
      ctx.strokeStyle = b.color;
      ctx.setLineDash(b.color === '#ff453a' ? [6, 4] : []);
      ctx.strokeRect(b.x, b.y, b.w, b.h);
      const text = `#${b.id} ${b.label} ${(b.conf * 100).toFixed(0)}%`;
      b.labelW = ctx.measureText(text).width + 6;
      ctx.fillStyle = 'rgba(0,0,0,.6)';
      ctx.fillRect(b.x, b.y - 16, b.labelW, 16);
      ctx.fillStyle = b.color;
      ctx.fillText(text, b.x + 3, b.y - 4);
    }
    ctx.setLineDash([]);
    // What the canvas shows right now: ticks arrive between frames, so
    // state.tick may already be newer than these boxes.
    this.state.drawnTick = tick;
    this.state.boxes = boxes;
    this.state.canvas = { W, H, rect };
  }

  pick(ev) {
    const r = this.canvas.getBoundingClientRect();
    const x = ev.clientX - r.left, y = ev.clientY - r.top;
    // The smallest box under the pointer wins (nested or overlapping boxes).
    const hits = this.state.boxes.filter((b) => x >= b.x && x <= b.x + b.w && y >= b.y && y <= b.y + b.h)
      .sort((a, b) => a.w * a.h - b.w * b.h);
    this.state.lastPick = { x, y, id: hits.length ? hits[0].id : null, left: r.left, top: r.top };
    this.state.picks++;
    if (hits.length) this.command({ type: 'set_target_id', target_id: hits[0].id });
  }
}
