// SPDX-License-Identifier: Apache-2.0
// The H.265 frame server: a clip's IRAP index as a timeline, scrubbing and
// stepping (keys ←/→), and playback at 20 FPS over /ws/frames. Every frame
// the index lists is served, open-GOP leading (RASL) pictures included: a
// frame is always asked for by the chunk that lists it, whichever IRAP the
// server decodes it from (`decode_from_irap`).
import { api, ReconnectingSocket } from './api.js';
import { containRect, fitCanvas } from './overlay.js';

const $ = (id) => document.getElementById(id);

export class FrameBrowser {
  constructor() {
    this.frames = []; // display order: {irap, offset, display_index, chunk}
    this.pos = 0;
    // errors: frames the server answered with an error instead of a JPEG
    // (playback steps over them, so a gap shows here, not as a stall).
    this.state = { clip: null, shown: -1, latency_ms: null, requested: 0, received: 0, errors: 0, playing: false };
    window.__argus = window.__argus || {};
    window.__argus.frames = this.state;
    this.pending = new Map(); // request_id -> {t0, display}
    this.seq = 0;
    $('clip').onchange = () => this.open($('clip').value);
    $('scrub').oninput = () => this.show(Number($('scrub').value));
    $('frame-prev').onclick = () => this.show(this.pos - 1);
    $('frame-next').onclick = () => this.show(this.pos + 1);
    $('frame-play').onclick = () => this.togglePlay();
    $('irap-timeline').onclick = (ev) => this.seekTimeline(ev);
    document.addEventListener('keydown', (ev) => {
      if (!$('frames').classList.contains('active') || ev.target.tagName === 'INPUT' && ev.target.type !== 'range') return;
      if (ev.key === 'ArrowRight') { ev.preventDefault(); this.show(this.pos + 1); }
      if (ev.key === 'ArrowLeft') { ev.preventDefault(); this.show(this.pos - 1); }
    });
    let header = null;
    this.socket = new ReconnectingSocket(() => '/ws/frames', {
      onState: () => {},
      onMessage: async (data) => {
        if (typeof data === 'string') {
          const msg = JSON.parse(data);
          if (msg.type === 'frame') header = msg;
          else if (msg.type === 'error') this.failed(msg);
          return;
        }
        if (header) { const h = header; header = null; await this.draw(h, data); }
      },
    });
  }

  async loadClips() {
    let clips = [];
    try { ({ clips } = await api('/clips')); } catch (e) { $('frame-info').textContent = e.message; return; }
    const sel = $('clip');
    sel.innerHTML = clips.map((c) => `<option>${c.clip_id}</option>`).join('');
    if (clips.length && !this.state.clip) this.open(clips[0].clip_id);
  }

  async open(clipId) {
    const index = await api(`/clips/${encodeURIComponent(clipId)}/index`);
    this.frames = [];
    index.iraps.forEach((irap, chunk) => {
      for (const f of irap.frames) {
        this.frames.push({ irap: irap.offset, offset: f.offset, display_index: f.display_index, chunk,
                           leading: f.decode_from_irap !== irap.offset });
      }
    });
    this.frames.sort((a, b) => a.display_index - b.display_index);
    this.index = index;
    this.state.clip = clipId;
    this.state.frameCount = this.frames.length;
    this.state.iraps = index.iraps.length;
    $('scrub').max = String(this.frames.length - 1);
    this.drawTimeline();
    this.show(0);
  }

  drawTimeline() {
    const { ctx, W, H } = fitCanvas($('irap-timeline'));
    ctx.clearRect(0, 0, W, H);
    const n = this.frames.length;
    ctx.fillStyle = '#242a31';
    ctx.fillRect(0, 0, W, H);
    // Open-GOP leading pictures (shown before their CRA, decoded from the
    // previous IRAP) shaded; IRAP markers where the IRAP itself shows.
    ctx.fillStyle = '#3a4552';
    for (const f of this.frames) if (f.leading) ctx.fillRect((f.display_index / n) * W, 0, Math.max(1, W / n), H);
    ctx.fillStyle = '#4da3ff';
    this.index.iraps.forEach((irap) => ctx.fillRect((irap.frames[0].display_index / n) * W, 0, 2, H));
    ctx.fillStyle = '#ffd60a';
    ctx.fillRect((this.pos / n) * W - 1, 0, 3, H);
  }

  seekTimeline(ev) {
    const r = $('irap-timeline').getBoundingClientRect();
    this.show(Math.round(((ev.clientX - r.left) / r.width) * (this.frames.length - 1)));
  }

  show(pos) {
    if (!this.frames.length) return;
    this.pos = Math.max(0, Math.min(this.frames.length - 1, pos));
    $('scrub').value = String(this.pos);
    const f = this.frames[this.pos];
    const id = `w${++this.seq}`;
    this.pending.set(id, { t0: performance.now(), display: f.display_index });
    this.state.requested++;
    this.socket.send({ type: 'request_frames', request_id: id, clip_id: this.state.clip, irap: f.irap, offsets: [f.offset] });
    this.drawTimeline();
  }

  /// An error answer: shown; a frame request's error ends that request, and
  /// playback goes on with the next frame rather than stalling.
  failed(msg) {
    $('frame-info').textContent = `${msg.error}: ${msg.detail}`;
    if (!this.pending.delete(msg.request_id)) return;
    this.state.errors++;
    if (this.state.playing) this.nextPlayFrame();
  }

  async draw(h, data) {
    const req = this.pending.get(h.request_id);
    this.pending.delete(h.request_id);
    const bitmap = await createImageBitmap(new Blob([data], { type: 'image/jpeg' }));
    const { ctx, W, H } = fitCanvas($('frame-canvas'));
    const r = containRect(W, H, bitmap.width, bitmap.height);
    ctx.clearRect(0, 0, W, H);
    ctx.drawImage(bitmap, r.x, r.y, r.w, r.h);
    bitmap.close();
    this.state.received++;
    this.state.shown = h.display_index;
    this.state.latency_ms = req ? performance.now() - req.t0 : null;
    $('frame-info').textContent = `frame ${h.display_index} / ${this.frames.length - 1} · ` +
      `${this.state.latency_ms != null ? this.state.latency_ms.toFixed(1) : '—'} ms · ${(h.size / 1024).toFixed(0)} KB`;
    if (this.state.playing) this.nextPlayFrame();
  }

  togglePlay() {
    this.state.playing = !this.state.playing;
    $('frame-play').textContent = this.state.playing ? 'Pause' : 'Play 20 FPS';
    if (this.state.playing) { this.playStart = performance.now(); this.playFrames = 0; this.show(this.pos); }
  }

  /// 20 FPS: the next frame is asked for when it is due (never in a burst).
  nextPlayFrame() {
    this.playFrames++;
    const due = this.playStart + this.playFrames * 50;
    this.state.play_fps = this.playFrames / ((performance.now() - this.playStart) / 1000);
    setTimeout(() => this.state.playing && this.show((this.pos + 1) % this.frames.length), Math.max(0, due - performance.now()));
  }
}
