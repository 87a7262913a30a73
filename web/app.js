// SPDX-License-Identifier: Apache-2.0
// The argus web client: tabs, token, and the six views.
import { setToken, token } from './api.js';
import { LiveView } from './live.js';
import { Timeline } from './timeline.js';
import { FrameBrowser } from './frames.js';
import { StatusView } from './status.js';
import { SettingsView } from './settings_view.js';
import { ModelsView } from './models_view.js';

const timeline = new Timeline();
const live = new LiveView((ev) => timeline.addEvent(ev));
const frames = new FrameBrowser();
const status = new StatusView(live);
const settings = new SettingsView();
const models = new ModelsView();

for (const b of document.querySelectorAll('nav button'))
  b.onclick = () => {
    for (const x of document.querySelectorAll('nav button')) x.classList.toggle('active', x === b);
    for (const s of document.querySelectorAll('.tab')) s.classList.toggle('active', s.id === b.dataset.tab);
    if (b.dataset.tab === 'frames') frames.loadClips();
    if (b.dataset.tab === 'status') status.refresh();
    // Settings load once (edits survive tab switches); Models on every visit.
    if (b.dataset.tab === 'settings' && !settings.state.loaded) settings.load();
    if (b.dataset.tab === 'models') models.refresh();
  };

const tokenInput = document.getElementById('token');
tokenInput.value = token();
tokenInput.onchange = () => { setToken(tokenInput.value.trim()); location.reload(); };

async function refresh() {
  try { await live.loadCameras(); } catch (e) { live.feedback(e.message, true); }
  if (document.getElementById('status').classList.contains('active')) status.refresh();
}
refresh();
setInterval(refresh, 2000);
window.__argus.ready = true;
