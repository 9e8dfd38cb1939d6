/**
 * The frame every chart shares: title, plot area, grid, ticks, axis labels and a legend to the
 * right of the plot (outside it, so it never hides data). Charts draw inside `plot` with `sx`/`sy`.
 */
import type { Rect } from "./clip.ts";
import { markerPath, type Marker } from "./palette.ts";
import { escapeXml, el, text } from "./xml.ts";
import { linearTicks, logDomain, logTicks, niceDomain, type Tick } from "./ticks.ts";

export interface Axis {
  label: string;
  domain: [number, number];
  log: boolean;
  ticks: Tick[];
}

export interface LegendEntry {
  name: string;
  color: string;
  dash?: string;
  marker?: Marker;
  /** How the swatch looks: a line, a filled band, or a line with start/end markers. */
  kind: "line" | "area" | "trajectory";
}

export interface Frame {
  plot: Rect;
  /** Data to pixel; NaN for values a log axis cannot show (<= 0). */
  sx: (v: number) => number;
  sy: (v: number) => number;
  /** Opening markup: <svg>, background, title, grid, axes. */
  header: string;
  /** Closing markup: the legend and </svg>. */
  footer: string;
}

export interface FrameSpec {
  title?: string;
  x: Axis;
  y: Axis;
  legend: LegendEntry[];
  width: number;
  /** Height of the whole image. */
  height: number;
  /** Make the plot area square (contour plots), widening the image as needed. */
  square?: boolean;
}

const FONT = 12;
const CHAR_WIDTH = 6.6; // average width of a 12px sans-serif character (measured on rendered legends), for the legend width
const LEGEND_NAME_MAX = 40;

/**
 * An axis over the data range [lo, hi]: `nice` widens a linear range to whole 1-2-5 steps and a log
 * range to whole decades; otherwise the range is kept and ticks fall inside it.
 */
export function makeAxis(label: string, lo: number, hi: number, opts: { log?: boolean; nice?: boolean } = {}): Axis {
  const log = opts.log ?? false,
    nice = opts.nice ?? true;
  if (log) {
    const domain: [number, number] = nice ? logDomain(lo, hi) : [lo, hi];
    return { label, domain, log, ticks: logTicks(domain[0], domain[1]) };
  }
  const domain: [number, number] = nice ? niceDomain(lo, hi) : [lo, hi];
  if (!(domain[1] > domain[0])) throw new RangeError(`makeAxis(${label}): empty range [${lo}, ${hi}]`);
  return { label, domain, log, ticks: linearTicks(domain[0], domain[1]) };
}

function scale(axis: Axis, from: number, length: number, flip: boolean): (v: number) => number {
  const t = axis.log ? Math.log10 : (v: number) => v;
  const a = t(axis.domain[0]),
    b = t(axis.domain[1]);
  return (v: number) => {
    if (axis.log && !(v > 0)) return NaN;
    const u = (t(v) - a) / (b - a);
    return flip ? from + length * (1 - u) : from + length * u;
  };
}

function legendName(name: string): string {
  const chars = Array.from(name);
  return chars.length > LEGEND_NAME_MAX ? chars.slice(0, LEGEND_NAME_MAX - 1).join("") + "\u2026" : name;
}

export function frame(spec: FrameSpec): Frame {
  const longest = Math.max(0, ...spec.legend.map((e) => Array.from(legendName(e.name)).length));
  const legendWidth = spec.legend.length ? 40 + CHAR_WIDTH * longest : 0;
  const top = spec.title ? 40 : 16,
    bottom = 48,
    left = 76,
    right = spec.legend.length ? legendWidth + 24 : 20;
  const plotHeight = spec.height - top - bottom;
  const plotWidth = spec.square ? plotHeight : spec.width - left - right;
  if (plotWidth < 40 || plotHeight < 40)
    throw new RangeError(`frame: ${spec.width}x${spec.height} leaves no room to plot`);
  const width = left + plotWidth + right;
  const plot: Rect = { x: left, y: top, width: plotWidth, height: plotHeight };
  const sx = scale(spec.x, plot.x, plot.width, false);
  const sy = scale(spec.y, plot.y, plot.height, true);
  const bottomY = plot.y + plot.height;

  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${spec.height}" viewBox="0 0 ${width} ${spec.height}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT}" role="img">`,
  );
  if (spec.title) parts.push(el("title", {}, escapeXml(spec.title)));
  parts.push(el("rect", { x: 0, y: 0, width, height: spec.height, fill: "#ffffff" }));
  if (spec.title)
    parts.push(
      text(
        {
          class: "title",
          x: plot.x + plot.width / 2,
          y: 24,
          "text-anchor": "middle",
          "font-size": 15,
          "font-weight": "bold",
        },
        spec.title,
      ),
    );

  const grid: string[] = [],
    ticks: string[] = [];
  for (const t of spec.x.ticks) {
    const x = sx(t.value);
    if (!(x >= plot.x - 0.5 && x <= plot.x + plot.width + 0.5)) continue;
    grid.push(el("line", { x1: x, y1: plot.y, x2: x, y2: bottomY }));
    ticks.push(
      el("g", { class: "tick" }, [
        el("line", { x1: x, y1: bottomY, x2: x, y2: bottomY + 5, stroke: "#333333" }),
        text({ x, y: bottomY + 18, "text-anchor": "middle" }, t.label),
      ]),
    );
  }
  for (const t of spec.y.ticks) {
    const y = sy(t.value);
    if (!(y >= plot.y - 0.5 && y <= bottomY + 0.5)) continue;
    grid.push(el("line", { x1: plot.x, y1: y, x2: plot.x + plot.width, y2: y }));
    ticks.push(
      el("g", { class: "tick" }, [
        el("line", { x1: plot.x - 5, y1: y, x2: plot.x, y2: y, stroke: "#333333" }),
        text({ x: plot.x - 8, y: y + 4, "text-anchor": "end" }, t.label),
      ]),
    );
  }
  parts.push(el("g", { class: "grid", stroke: "#e6e6e6", "stroke-width": 1 }, grid));
  parts.push(
    el("rect", {
      class: "plot-area",
      x: plot.x,
      y: plot.y,
      width: plot.width,
      height: plot.height,
      fill: "none",
      stroke: "#333333",
    }),
  );
  parts.push(el("g", { class: "ticks" }, ticks));
  parts.push(
    text(
      { class: "axis-label", x: plot.x + plot.width / 2, y: spec.height - 10, "text-anchor": "middle" },
      spec.x.label,
    ),
  );
  const yMid = plot.y + plot.height / 2;
  parts.push(
    text(
      { class: "axis-label", x: 16, y: yMid, "text-anchor": "middle", transform: `rotate(-90 16 ${yMid})` },
      spec.y.label,
    ),
  );

  const legend = spec.legend.map((e, i) => {
    const x = plot.x + plot.width + 16,
      y = plot.y + 10 + i * 20;
    const swatch =
      e.kind === "area"
        ? el("rect", { x, y: y - 6, width: 24, height: 12, fill: e.color, "fill-opacity": 0.3, stroke: e.color })
        : el("line", {
            x1: x,
            y1: y,
            x2: x + 24,
            y2: y,
            stroke: e.color,
            "stroke-width": 2,
            "stroke-dasharray": e.dash,
          });
    const markers =
      e.kind === "trajectory"
        ? el("circle", { cx: x, cy: y, r: 3, fill: "#ffffff", stroke: e.color, "stroke-width": 1.5 }) +
          el("circle", { cx: x + 24, cy: y, r: 3, fill: e.color })
        : e.marker
          ? el("path", { d: markerPath(e.marker, x + 12, y), fill: "#ffffff", stroke: e.color, "stroke-width": 1.25 })
          : "";
    return el("g", { class: "legend-entry" }, [swatch, markers, text({ x: x + 32, y: y + 4 }, legendName(e.name))]);
  });
  const footer = (legend.length ? el("g", { class: "legend" }, legend) : "") + "</svg>";
  return { plot, sx, sy, header: parts.join(""), footer };
}
