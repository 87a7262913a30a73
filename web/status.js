// SPDX-License-Identifier: Apache-2.0
// Health, cameras, the live session and the store, refreshed every 2 s.
import { api } from './api.js';

const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);

function card(title, fields) {
  const rows = Object.entries(fields).filter(([, v]) => v !== undefined)
    .map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('');
  return `<div class="card"><h3>${esc(title)}</h3><dl>${rows}</dl></div>`;
}

export class StatusView {
  constructor(live) {
    this.live = live;
    this.state = { refreshed: 0 };
    window.__argus = window.__argus || {};
    window.__argus.status = this.state;
  }

  async refresh() {
    const cards = [];
    try {
      const ready = await api('/readyz').catch((e) => ({ status: `error ${e.status}` }));
      cards.push(card('server', { health: 'ok', ready: ready.status, store: ready.store && ready.store.state }));
      const { cameras } = await api('/cameras');
      for (const c of cameras) {
        cards.push(card(`camera ${c.camera_id}`, { state: c.state, source: c.source, viewers: c.viewers,
          consumers: c.consumers, session: c.session_id || '—', next_retry_ms: c.next_retry_ms }));
        const { ptz } = await api(`/cameras/${encodeURIComponent(c.camera_id)}`).catch(() => ({}));
        if (ptz && !ptz.error) {
          const pos = ptz.position;
          cards.push(card(`ptz ${c.camera_id}`, { backend: ptz.backend, connected: ptz.connected,
            autotrack: ptz.autotrack.enabled ? ptz.autotrack.state : 'off', moving: ptz.moving,
            position: pos ? `pan ${pos.pan.toFixed(2)} tilt ${pos.tilt.toFixed(2)} zoom ${pos.zoom.toFixed(2)}` : '—',
            'last command': ptz.last_command ? `${ptz.last_command.kind} (${ptz.last_command.reason})` : '—',
            commands: ptz.commands_sent, errors: ptz.command_errors, 'last error': ptz.last_error || undefined }));
        }
      }
      const sid = this.live.state.sessionId;
      if (sid) {
        const s = await api(`/sessions/${encodeURIComponent(sid)}`);
        cards.push(card('session', { fps: s.fps.toFixed(1), 'latency p50 ms': s.processing_latency_ms.p50,
          'latency p99 ms': s.processing_latency_ms.p99, dropped: s.frames_dropped, tracks: s.active_tracks,
          phase: s.tracking_phase, clients: s.clients }));
      }
      const store = await api('/store').catch(() => null);
      if (store) cards.push(card('track store', { state: store.state, events: store.events_written,
        samples: store.samples_written, pending: store.pending_samples }));
    } catch (e) {
      cards.push(card('server', { error: e.message }));
    }
    document.getElementById('status-cards').innerHTML = cards.join('');
    this.state.refreshed++;
  }
}
