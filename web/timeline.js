// SPDX-License-Identifier: Apache-2.0
// Track events as they arrive, and history from GET /tracks with a
// track's path drawn from its samples.
import { api } from './api.js';
import { fitCanvas } from './overlay.js';

const $ = (id) => document.getElementById(id);
const time = (ms) => (ms == null ? '—' : new Date(ms).toLocaleTimeString());

export class Timeline {
  constructor() {
    this.state = { events: 0, history: [], path: null };
    window.__argus = window.__argus || {};
    window.__argus.timeline = this.state;
    $('history-form').onsubmit = (ev) => { ev.preventDefault(); this.search(); };
  }

  addEvent(ev) {
    this.state.events++;
    const li = document.createElement('li');
    const a = ev.after || ev.before;
    li.textContent = `${time(ev.ts_unix_ms)} ${ev.event.padEnd(6)} ${a.track_id} ${a.label} ${(a.top_conf * 100).toFixed(0)}%`;
    const list = $('events');
    list.prepend(li);
    while (list.children.length > 100) list.lastChild.remove();
  }

  async search() {
    const form = new FormData($('history-form'));
    const q = new URLSearchParams();
    for (const [k, v] of form) {
      if (!v) continue;
      q.set(k, k === 'after' || k === 'before' ? String(new Date(v).getTime()) : v);
    }
    q.set('limit', '50');
    const body = $('history').querySelector('tbody');
    try {
      const { tracks } = await api(`/tracks?${q}`);
      this.state.history = tracks;
      body.innerHTML = '';
      for (const t of tracks) {
        const tr = document.createElement('tr');
        tr.innerHTML = `<td>${t.track_id}</td><td>${t.label}</td><td>${time(t.start_ts_unix_ms)}</td>` +
          `<td>${t.in_progress ? 'live' : time(t.end_ts_unix_ms)}</td><td>${t.top_score.toFixed(2)}</td>`;
        tr.onclick = () => this.showPath(t.track_id);
        body.appendChild(tr);
      }
    } catch (e) {
      body.innerHTML = `<tr><td colspan="5">${e.message}</td></tr>`;
    }
  }

  async showPath(trackId) {
    const t = await api(`/tracks/${encodeURIComponent(trackId)}`);
    const { ctx, W, H } = fitCanvas($('path-canvas'));
    ctx.clearRect(0, 0, W, H);
    const pts = t.samples.map((s) => [(s.bbox.x + s.bbox.w / 2) * W, (s.bbox.y + s.bbox.h / 2) * H]);
    ctx.strokeStyle = '#4da3ff';
    ctx.lineWidth = 2;
    ctx.beginPath();
    pts.forEach(([x, y], i) => (i ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.stroke();
    ctx.fillStyle = '#ffd60a';
    for (const [x, y] of pts) ctx.fillRect(x - 2, y - 2, 4, 4);
    this.state.path = { trackId, points: pts.length };
  }
}
