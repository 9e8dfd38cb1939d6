/**
 * Cutting polylines to a rectangle, in pixel space: non-finite points break the line (a diverged
 * run stops where its loss became NaN or infinite) and segments leaving the rectangle are cut at
 * its border (Liang–Barsky), so nothing is drawn outside the plot area and no SVG clip ids are needed.
 */

export type Point = readonly [number, number];
export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export function inside(p: Point, r: Rect): boolean {
  return p[0] >= r.x && p[0] <= r.x + r.width && p[1] >= r.y && p[1] <= r.y + r.height;
}

function finite(p: Point): boolean {
  return Number.isFinite(p[0]) && Number.isFinite(p[1]);
}

/** The part of segment a-b inside r, or null. */
export function clipSegment(a: Point, b: Point, r: Rect): [Point, Point] | null {
  const dx = b[0] - a[0],
    dy = b[1] - a[1];
  let t0 = 0,
    t1 = 1;
  // Each border as p * t <= q: left, right, top, bottom.
  const borders: [number, number][] = [
    [-dx, a[0] - r.x],
    [dx, r.x + r.width - a[0]],
    [-dy, a[1] - r.y],
    [dy, r.y + r.height - a[1]],
  ];
  for (const [p, q] of borders) {
    if (p === 0) {
      if (q < 0) return null;
      continue;
    }
    const t = q / p;
    if (p < 0) {
      if (t > t1) return null;
      if (t > t0) t0 = t;
    } else {
      if (t < t0) return null;
      if (t < t1) t1 = t;
    }
  }
  // Clamped: from a far-off point (a diverged path at 1e36) a + t·d cancels catastrophically and can
  // land anywhere near the border, even outside the frame; the exact crossing is on the border.
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const at = (t: number): Point =>
    t === 0 ? a : t === 1 ? b : [clamp(a[0] + t * dx, r.x, r.x + r.width), clamp(a[1] + t * dy, r.y, r.y + r.height)];
  return [at(t0), at(t1)];
}

/**
 * The visible pieces of a polyline. A piece of one point is a finite point inside r whose
 * neighbours are missing (draw it as a dot, or it would vanish).
 */
export function clipPolyline(points: readonly Point[], r: Rect): Point[][] {
  const pieces: Point[][] = [];
  let current: Point[] | null = null;
  for (let i = 0; i < points.length; i++) {
    const p = points[i];
    if (!finite(p)) {
      current = null;
      continue;
    }
    const prev = i > 0 ? points[i - 1] : null;
    if (prev === null || !finite(prev)) {
      current = inside(p, r) ? [p] : null;
      if (current) pieces.push(current);
      continue;
    }
    const seg = clipSegment(prev, p, r);
    if (seg === null) {
      current = null;
      continue;
    }
    const last = current?.[current.length - 1];
    if (current && last && same(last, seg[0])) current.push(seg[1]);
    else {
      current = [seg[0], seg[1]];
      pieces.push(current);
    }
    if (seg[1] !== p) current = null; // the line left the rectangle
  }
  return pieces;
}

function same(a: Point, b: Point): boolean {
  return Math.abs(a[0] - b[0]) < 1e-9 && Math.abs(a[1] - b[1]) < 1e-9;
}
