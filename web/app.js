// SPDX-License-Identifier: Apache-2.0
// The argus web client: tabs, token, and the four views.
import { setToken, token } from './api.js';
import { LiveView } from './live.js';
import { Timeline } from './timeline.js';
import { FrameBrowser } from './frames.js';
import { StatusView } from './status.js';

const timeline = new Timeline();
const live = new LiveView((ev) => timeline.addEvent(ev));
const frames = new FrameBrowser();
const status = new StatusView(live);

for (const b of document.querySelectorAll('nav button'))
  b.onclick = () => {
    for (const x of document.querySelectorAll('nav button')) x.classList.toggle('active', x === b);
    for (const s of document.querySelectorAll('.tab')) s.classList.toggle('active', s.id === b.dataset.tab);
    if (b.dataset.tab === 'frames') frames.loadClips();
    if (b.dataset.tab === 'status') status.refresh();
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
