/** Canvas drawing for the page: a log-banded heat map with contour lines, trajectories, line charts. */
import type { TestFunction } from "../src/landscape/index.ts";

const STOPS: [number, number, number][] = [
  [13, 8, 135],
  [84, 2, 163],
  [139, 10, 165],
  [185, 50, 137],
  [219, 92, 104],
  [244, 136, 73],
  [254, 188, 43],
  [240, 249, 33],
];
const BANDS = 24;

function palette(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, t)) * (STOPS.length - 1),
    i = Math.min(STOPS.length - 2, Math.floor(x)),
    f = x - i;
  const [a, b] = [STOPS[i], STOPS[i + 1]];
  return [a[0] + f * (b[0] - a[0]), a[1] + f * (b[1] - a[1]), a[2] + f * (b[2] - a[2])];
}

export interface View {
  x0: number;
  x1: number;
  y0: number;
  y1: number;
  width: number;
  height: number;
}

export const toPixel = (v: View, x: number, y: number): [number, number] => [
  ((x - v.x0) / (v.x1 - v.x0)) * v.width,
  ((v.y1 - y) / (v.y1 - v.y0)) * v.height,
];

/**
 * The function as filled bands of log-spaced levels (log(f − min + δ), 24 equal steps), with a
 * dark line wherever two neighbouring pixels fall in different bands: contours without tracing.
 */
export function heatMap(ctx: CanvasRenderingContext2D, fn: TestFunction, v: View): void {
  const { width: W, height: H } = v;
  const f = new Float64Array(W * H);
  let lo = Infinity,
    hi = -Infinity;
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      const x = v.x0 + ((i + 0.5) / W) * (v.x1 - v.x0),
        y = v.y1 - ((j + 0.5) / H) * (v.y1 - v.y0);
      const value = fn.value(x, y);
      f[j * W + i] = value;
      if (value < lo) lo = value;
      if (value > hi) hi = value;
    }
  const delta = Math.max(1e-12, (hi - lo) * 1e-5);
  const t0 = Math.log(delta),
    t1 = Math.log(hi - lo + delta);
  const band = new Int16Array(W * H);
  for (let k = 0; k < f.length; k++)
    band[k] = Math.min(BANDS - 1, Math.floor(((Math.log(f[k] - lo + delta) - t0) / (t1 - t0)) * BANDS));
  const img = ctx.createImageData(W, H);
  for (let j = 0; j < H; j++)
    for (let i = 0; i < W; i++) {
      const k = j * W + i,
        b = band[k];
      const [r, g, bl] = palette(b / (BANDS - 1));
      const edge = (i + 1 < W && band[k + 1] !== b) || (j + 1 < H && band[k + W] !== b);
      const s = edge ? 0.55 : 1;
      img.data.set([r * s, g * s, bl * s, 255], k * 4);
    }
  ctx.putImageData(img, 0, 0);
}

export function marker(
  ctx: CanvasRenderingContext2D,
  [px, py]: [number, number],
  shape: "star" | "dot" | "ring",
  color: string,
  size = 5,
): void {
  ctx.save();
  ctx.fillStyle = color;
  ctx.strokeStyle = color;
  ctx.lineWidth = 2;
  ctx.beginPath();
  if (shape === "star") {
    for (let k = 0; k < 10; k++) {
      const r = k % 2 === 0 ? size * 1.6 : size * 0.7,
        a = -Math.PI / 2 + (k * Math.PI) / 5;
      ctx.lineTo(px + r * Math.cos(a), py + r * Math.sin(a));
    }
    ctx.closePath();
    ctx.fill();
    ctx.strokeStyle = "#000";
    ctx.lineWidth = 0.8;
    ctx.stroke();
  } else {
    ctx.arc(px, py, size, 0, 2 * Math.PI);
    if (shape === "dot") {
      ctx.fill();
      ctx.strokeStyle = "#000";
      ctx.lineWidth = 1;
    }
    ctx.stroke();
  }
  ctx.restore();
}

export function polyline(ctx: CanvasRenderingContext2D, pts: [number, number][], color: string, width = 2): void {
  if (pts.length < 2) return;
  ctx.save();
  ctx.lineJoin = "round";
  ctx.beginPath();
  pts.forEach(([x, y], k) => (k === 0 ? ctx.moveTo(x, y) : ctx.lineTo(x, y)));
  ctx.strokeStyle = "rgba(0,0,0,0.6)";
  ctx.lineWidth = width + 2;
  ctx.stroke();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.stroke();
  ctx.restore();
}

export interface Series {
  label: string;
  color: string;
  y: ArrayLike<number>;
  x?: ArrayLike<number>;
}

/** A small line chart; log y when asked and every value is positive. */
export function lineChart(
  canvas: HTMLCanvasElement,
  series: Series[],
  {
    title,
    logY = false,
    yFormat = fmt,
    marker: markX,
  }: { title: string; logY?: boolean; yFormat?: (v: number) => string; marker?: number },
): void {
  const ctx = canvas.getContext("2d")!;
  const W = canvas.width,
    H = canvas.height,
    L = 58,
    R = 10,
    T = 22,
    B = 22;
  ctx.clearRect(0, 0, W, H);
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, W, H);
  ctx.fillStyle = "#222";
  ctx.font = "12px system-ui, sans-serif";
  ctx.fillText(title, L, 14);
  const xs = (s: Series, k: number) => (s.x ? s.x[k] : k);
  let xmax = 1,
    ymin = Infinity,
    ymax = -Infinity;
  for (const s of series)
    for (let k = 0; k < s.y.length; k++) {
      const y = s.y[k];
      if (!Number.isFinite(y)) continue;
      xmax = Math.max(xmax, xs(s, k));
      ymin = Math.min(ymin, y);
      ymax = Math.max(ymax, y);
    }
  if (!Number.isFinite(ymin)) {
    ymin = 0;
    ymax = 1;
  }
  const log = logY && ymin > 0;
  const tf = (y: number) => (log ? Math.log10(y) : y);
  let a = tf(ymin),
    b = tf(ymax);
  if (a === b) {
    a -= 0.5;
    b += 0.5;
  }
  const px = (x: number) => L + (x / xmax) * (W - L - R),
    py = (y: number) => T + (1 - (tf(y) - a) / (b - a)) * (H - T - B);
  ctx.strokeStyle = "#ccc";
  ctx.lineWidth = 1;
  ctx.strokeRect(L, T, W - L - R, H - T - B);
  ctx.fillStyle = "#555";
  ctx.font = "10px system-ui, sans-serif";
  for (let k = 0; k <= 4; k++) {
    const t = a + ((b - a) * k) / 4,
      y = log ? 10 ** t : t,
      yy = T + (1 - k / 4) * (H - T - B);
    ctx.fillText(yFormat(y), 4, yy + 3);
    ctx.beginPath();
    ctx.moveTo(L, yy);
    ctx.lineTo(W - R, yy);
    ctx.strokeStyle = "#eee";
    ctx.stroke();
  }
  ctx.fillText("0", L, H - 6);
  ctx.fillText(String(xmax), W - R - 6 * String(xmax).length, H - 6);
  if (markX !== undefined) {
    ctx.strokeStyle = "#999";
    ctx.beginPath();
    ctx.moveTo(px(markX), T);
    ctx.lineTo(px(markX), H - B);
    ctx.stroke();
  }
  for (const s of series) {
    ctx.beginPath();
    ctx.strokeStyle = s.color;
    ctx.lineWidth = 1.5;
    let pen = false;
    for (let k = 0; k < s.y.length; k++) {
      const y = s.y[k];
      if (!Number.isFinite(y) || (log && y <= 0)) {
        pen = false;
        continue;
      }
      if (pen) ctx.lineTo(px(xs(s, k)), py(y));
      else ctx.moveTo(px(xs(s, k)), py(y));
      pen = true;
    }
    ctx.stroke();
  }
}

export function fmt(v: number): string {
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1e4 || a < 1e-3 ? v.toExponential(1) : Number(v.toPrecision(3)).toString();
}
