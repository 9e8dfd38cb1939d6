/**
 * Contour plots of a 2-D function with optimizer trajectories on top: the picture for Rosenbrock,
 * Beale and friends. Levels are log-spaced by default when the function is non-negative and spans
 * many decades, so the narrow valley shows as well as the steep walls.
 */
import { clipPolyline, inside, type Point } from "./clip.ts";
import { frame, makeAxis, type LegendEntry } from "./frame.ts";
import { cross } from "./lineChart.ts";
import { marchingSquares } from "./marchingSquares.ts";
import { levelGrey, seriesStyle } from "./palette.ts";
import { el, pathData } from "./xml.ts";

export interface Trajectory {
  name: string;
  points: readonly (readonly [number, number])[];
}

export interface ContourPlotSpec {
  title?: string;
  xLabel?: string;
  yLabel?: string;
  f: (x: number, y: number) => number;
  xRange: [number, number];
  yRange: [number, number];
  /** Explicit level values, or how many levels to pick (default 14). */
  levels?: number[] | number;
  /** Log-spaced levels. Default: on when f >= 0 on the grid and its values span more than three decades. */
  logLevels?: boolean;
  /** Nodes per side of the evaluation grid (default 120). */
  grid?: number;
  trajectories?: readonly Trajectory[];
  /** A point to mark with a star, e.g. the known minimum. */
  minimum?: [number, number];
  height?: number;
}

/** The function sampled on an n × n grid of nodes spanning the ranges (row j at y index j). */
export function sampleGrid(
  f: (x: number, y: number) => number,
  xRange: [number, number],
  yRange: [number, number],
  n: number,
): Float64Array {
  const values = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const y = yRange[0] + ((yRange[1] - yRange[0]) * j) / (n - 1);
    for (let i = 0; i < n; i++) values[j * n + i] = f(xRange[0] + ((xRange[1] - xRange[0]) * i) / (n - 1), y);
  }
  return values;
}

/**
 * `count` levels strictly inside the bulk of the sampled values (the 0.5% to 99% quantiles, so a
 * single extreme corner does not decide the spacing): geometric when `log`, else evenly spaced.
 */
export function chooseLevels(values: ArrayLike<number>, count: number, log: boolean): number[] {
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`chooseLevels: count must be a positive integer, got ${count}`);
  const finite = Array.from(values)
    .filter((v) => Number.isFinite(v) && (!log || v > 0))
    .sort((a, b) => a - b);
  if (finite.length === 0) return [];
  const q = (p: number) => finite[Math.min(finite.length - 1, Math.floor(p * (finite.length - 1)))];
  const lo = q(0.005),
    hi = q(0.99);
  if (!(hi > lo)) return [lo];
  const levels: number[] = [];
  for (let k = 0; k < count; k++) {
    const t = (k + 0.5) / count;
    levels.push(log ? lo * (hi / lo) ** t : lo + (hi - lo) * t);
  }
  return levels;
}

export function contourPlot(spec: ContourPlotSpec): string {
  const n = spec.grid ?? 120;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`contourPlot: grid must be an integer >= 2, got ${n}`);
  const [x0, x1] = spec.xRange,
    [y0, y1] = spec.yRange;
  if (!(x1 > x0) || !(y1 > y0))
    throw new RangeError(`contourPlot: ranges must be increasing, got x [${x0}, ${x1}], y [${y0}, ${y1}]`);
  const values = sampleGrid(spec.f, spec.xRange, spec.yRange, n);

  let min = Infinity,
    max = -Infinity;
  for (const v of values)
    if (Number.isFinite(v)) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
  const autoLog = min >= 0 && max > 0 && max / Math.max(min, max * 1e-12) > 1e3;
  const log = spec.logLevels ?? autoLog;
  if (log && spec.logLevels && min < 0)
    throw new RangeError(`contourPlot: logLevels needs f >= 0, found ${min} on the grid`);
  const levels = Array.isArray(spec.levels)
    ? [...spec.levels].sort((a, b) => a - b)
    : chooseLevels(values, spec.levels ?? 14, log);

  const trajectories = spec.trajectories ?? [];
  const styles = trajectories.map((_, i) => seriesStyle(i));
  const legend: LegendEntry[] = trajectories.map((t, i) => ({ name: t.name, ...styles[i], kind: "trajectory" }));
  const f = frame({
    title: spec.title,
    legend,
    width: 0,
    height: spec.height ?? 520,
    square: true,
    x: makeAxis(spec.xLabel ?? "x", x0, x1, { nice: false }),
    y: makeAxis(spec.yLabel ?? "y", y0, y1, { nice: false }),
  });
  // Grid coordinates to pixels: node i sits at x0 + i * (x1 - x0) / (n - 1).
  const toPixel = (p: [number, number]): Point => [
    f.sx(x0 + (p[0] * (x1 - x0)) / (n - 1)),
    f.sy(y0 + (p[1] * (y1 - y0)) / (n - 1)),
  ];

  const contours = levels.map((level, k) => {
    const lines = marchingSquares(values, n, n, level);
    const open = lines.filter((c) => !c.closed).map((c) => c.points.map(toPixel));
    const closed = lines.filter((c) => c.closed).map((c) => c.points.map(toPixel));
    const d = pathData(open) + pathData(closed, true);
    const t = levels.length > 1 ? k / (levels.length - 1) : 0;
    return el("path", {
      class: "contour",
      "data-level": String(level),
      d,
      fill: "none",
      stroke: levelGrey(t),
      "stroke-width": 1,
    });
  });

  const paths = trajectories.map((tr, i) => {
    const { color, dash } = styles[i];
    const pixels: Point[] = tr.points.map((p) => [f.sx(p[0]), f.sy(p[1])]);
    const pieces = clipPolyline(pixels, f.plot);
    const parts = [
      el("path", {
        d: pathData(pieces.filter((p) => p.length > 1)),
        fill: "none",
        stroke: color,
        "stroke-width": 2,
        "stroke-dasharray": dash,
        "stroke-linejoin": "round",
      }),
    ];
    const finite = pixels.filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]));
    const start = finite[0],
      end = finite[finite.length - 1];
    const diverged = finite.length > 0 && finite.length < pixels.length && end !== pixels[pixels.length - 1];
    if (start && inside(start, f.plot))
      parts.push(
        el("circle", {
          class: "start",
          cx: start[0],
          cy: start[1],
          r: 4,
          fill: "#ffffff",
          stroke: color,
          "stroke-width": 2,
        }),
      );
    if (end && end !== start && inside(end, f.plot)) {
      parts.push(
        diverged ? cross(end, color) : el("circle", { class: "end", cx: end[0], cy: end[1], r: 4, fill: color }),
      );
    }
    return el("g", { class: "trajectory", "data-name": tr.name }, parts);
  });

  const marks: string[] = [];
  if (spec.minimum) {
    const p: Point = [f.sx(spec.minimum[0]), f.sy(spec.minimum[1])];
    if (inside(p, f.plot))
      marks.push(
        el("path", { class: "minimum", d: star(p, 7), fill: "#000000", stroke: "#ffffff", "stroke-width": 0.75 }),
      );
  }
  return (
    f.header +
    el("g", { class: "contours" }, contours) +
    el("g", { class: "trajectories" }, paths) +
    marks.join("") +
    f.footer
  );
}

/** A five-pointed star centred at p. */
function star(p: Point, r: number): string {
  const pts: [number, number][] = [];
  for (let k = 0; k < 10; k++) {
    const rad = k % 2 === 0 ? r : r * 0.45,
      a = -Math.PI / 2 + (k * Math.PI) / 5;
    pts.push([p[0] + rad * Math.cos(a), p[1] + rad * Math.sin(a)]);
  }
  return pathData([pts], true);
}
