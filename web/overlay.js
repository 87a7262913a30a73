// SPDX-License-Identifier: Apache-2.0
// Overlay geometry and colours (seed 001: normalized boxes drawn on a
// canvas over the picture, mapped through the displayed image's rect).

export const COLORS = { selected: '#ffd60a', other: '#30d158', lost: '#ff453a' };

/// Where an image of w x h is drawn inside a box of W x H (object-fit:
/// contain): {x, y, w, h} in the box's units.
export function containRect(W, H, w, h) {
  if (!w || !h) return { x: 0, y: 0, w: W, h: H };
  const s = Math.min(W / w, H / h);
  return { x: (W - w * s) / 2, y: (H - h * s) / 2, w: w * s, h: h * s };
}

/// A normalized bbox {x, y, w, h} (0..1 of the source frame) in the
/// picture rect `r`.
export function mapBox(b, r) {
  return { x: r.x + b.x * r.w, y: r.y + b.y * r.h, w: b.w * r.w, h: b.h * r.h };
}

/// selected / other / lost (the selected target while the phase is lost).
export function colorOf(trackId, tick) {
  if (tick.selected_target_id !== trackId) return COLORS.other;
  return tick.tracking_phase === 'lost' ? COLORS.lost : COLORS.selected;
}

/// Sizes the canvas's backing store to its CSS size times the device
/// pixel ratio; returns a context drawing in CSS pixels.
export function fitCanvas(canvas) {
  const dpr = window.devicePixelRatio || 1;
  const rect = canvas.getBoundingClientRect();
  const w = Math.max(1, Math.round(rect.width * dpr));
  const h = Math.max(1, Math.round(rect.height * dpr));
  if (canvas.width !== w || canvas.height !== h) { canvas.width = w; canvas.height = h; }
  const ctx = canvas.getContext('2d');
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return { ctx, W: rect.width, H: rect.height, dpr };
}
