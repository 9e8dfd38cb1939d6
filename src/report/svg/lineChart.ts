/**
 * Line charts for per-step and per-epoch series (losses, accuracies, step sizes).
 * A NaN or infinite y breaks the line: a run that diverged ends with a × at its last finite point.
 */
import { clipPolyline, inside, type Point } from "./clip.ts";
import { frame, makeAxis, type LegendEntry } from "./frame.ts";
import { markerPath, seriesStyle, type SeriesStyle } from "./palette.ts";
import { el, pathData, px } from "./xml.ts";

export interface Series {
  name: string;
  points: readonly (readonly [number, number])[];
  /** Overrides the series' place in the palette (a reference line drawn in its curve's colour). */
  style?: SeriesStyle;
}

/** Markers are drawn at every point of series this short; longer ones rely on colour and dash. */
const MARKED_UP_TO = 40;

export interface LineChartSpec {
  title?: string;
  xLabel: string;
  yLabel: string;
  series: readonly Series[];
  /** Log-scale y axis (losses); values <= 0 are left out like non-finite ones. */
  logY?: boolean;
  logX?: boolean;
  /** Fix an axis range instead of fitting the data (e.g. to keep a blown-up run from squashing the rest). */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Fill the area under each line (density plots). */
  area?: boolean;
  width?: number;
  height?: number;
}

/** The finite range of the data along one coordinate, ignoring what a log axis cannot show. */
function dataRange(series: readonly Series[], coord: 0 | 1, log: boolean): [number, number] | null {
  let lo = Infinity,
    hi = -Infinity;
  for (const s of series) {
    for (const p of s.points) {
      const v = p[coord];
      if (!Number.isFinite(v) || !Number.isFinite(p[1 - coord]) || (log && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  }
  return lo <= hi ? [lo, hi] : null;
}

export function lineChart(spec: LineChartSpec): string {
  const logX = spec.logX ?? false,
    logY = spec.logY ?? false;
  const xr = spec.xRange ?? dataRange(spec.series, 0, logX) ?? (logX ? [1, 10] : [0, 1]);
  const yr = spec.yRange ?? dataRange(spec.series, 1, logY) ?? (logY ? [1, 10] : [0, 1]);
  const x = makeAxis(spec.xLabel, xr[0], xr[1], { log: logX, nice: !spec.xRange });
  const y = makeAxis(spec.yLabel, yr[0], yr[1], { log: logY, nice: !spec.yRange });
  const marked = (s: Series) => !spec.area && s.points.length <= MARKED_UP_TO;
  const styles = spec.series.map((s, i) => {
    const style = s.style ?? seriesStyle(i);
    return marked(s) ? style : { ...style, marker: undefined };
  });
  const legend: LegendEntry[] = spec.series.map((s, i) => ({
    name: s.name,
    ...styles[i],
    kind: spec.area ? "area" : "line",
  }));
  const f = frame({ title: spec.title, x, y, legend, width: spec.width ?? 760, height: spec.height ?? 440 });
  const baseline = f.plot.y + f.plot.height;

  const body = spec.series.map((s, i) => {
    const { color, dash, marker } = styles[i];
    const pixels: Point[] = s.points.map((p) => [f.sx(p[0]), f.sy(p[1])]);
    const pieces = clipPolyline(pixels, f.plot);
    const parts: string[] = [];
    if (spec.area) {
      const fill = pieces
        .filter((p) => p.length > 1)
        .map((p) => `${pathData([p])}L${px(p[p.length - 1][0])} ${px(baseline)}L${px(p[0][0])} ${px(baseline)}Z`)
        .join("");
      if (fill) parts.push(el("path", { d: fill, fill: color, "fill-opacity": 0.2, stroke: "none" }));
    }
    const lines = pieces.filter((p) => p.length > 1);
    if (lines.length) {
      parts.push(
        el("path", {
          d: pathData(lines),
          fill: "none",
          stroke: color,
          "stroke-width": 1.75,
          "stroke-dasharray": dash,
          "stroke-linejoin": "round",
          "stroke-linecap": "round",
        }),
      );
    }
    for (const p of pieces)
      if (p.length === 1) parts.push(el("circle", { cx: p[0][0], cy: p[0][1], r: 2, fill: color }));
    if (marker) {
      const d = pixels
        .filter((p) => Number.isFinite(p[0]) && Number.isFinite(p[1]) && inside(p, f.plot))
        .map((p) => markerPath(marker, p[0], p[1]))
        .join("");
      if (d) parts.push(el("path", { class: "markers", d, fill: "none", stroke: color, "stroke-width": 1.25 }));
    }
    const end = divergedAt(s.points, logY);
    if (end !== null) {
      const p: Point = [f.sx(end[0]), f.sy(end[1])];
      if (inside(p, f.plot)) parts.push(cross(p, color));
    }
    return el("g", { class: "series", "data-name": s.name }, parts);
  });
  return f.header + el("g", { class: "data" }, body) + f.footer;
}

/** The last finite point before the first non-finite y that follows a finite one, or null if the run never diverged. */
function divergedAt(points: readonly (readonly [number, number])[], logY: boolean): readonly [number, number] | null {
  let last: readonly [number, number] | null = null;
  for (const p of points) {
    if (Number.isFinite(p[1])) {
      if (Number.isFinite(p[0]) && (!logY || p[1] > 0)) last = p;
      continue;
    }
    if (last !== null) return last;
  }
  return null;
}

/** A × marking where a run diverged. */
export function cross(p: Point, color: string, r = 5): string {
  const [x, y] = p;
  return el("path", {
    class: "diverged",
    d: `M${px(x - r)} ${px(y - r)}L${px(x + r)} ${px(y + r)}M${px(x - r)} ${px(y + r)}L${px(x + r)} ${px(y - r)}`,
    stroke: color,
    "stroke-width": 2,
    fill: "none",
  });
}
