/**
 * Densities for spectra (eigenvalues of a Hessian, singular values of a layer): a histogram or a
 * Gaussian kernel density estimate turned into points, drawn as filled line charts.
 */
import { lineChart, type Series } from "./lineChart.ts";

/** Histogram normalized to integrate to 1, as step-shaped points (two per bin) ready to draw. */
export function histogramDensity(
  values: readonly number[],
  opts: { bins?: number; range?: [number, number] } = {},
): [number, number][] {
  const bins = opts.bins ?? 50;
  if (!Number.isInteger(bins) || bins < 1)
    throw new RangeError(`histogramDensity: bins must be a positive integer, got ${bins}`);
  const data = values.filter(Number.isFinite);
  if (data.length === 0) return [];
  let [lo, hi] = opts.range ?? [Math.min(...data), Math.max(...data)];
  if (hi === lo) {
    lo -= 0.5;
    hi += 0.5;
  }
  const width = (hi - lo) / bins;
  const counts = new Array<number>(bins).fill(0);
  let inRange = 0;
  for (const v of data) {
    if (v < lo || v > hi) continue;
    counts[Math.min(bins - 1, Math.floor((v - lo) / width))]++;
    inRange++;
  }
  const points: [number, number][] = [];
  for (let b = 0; b < bins; b++) {
    const y = inRange ? counts[b] / (inRange * width) : 0;
    points.push([lo + b * width, y], [lo + (b + 1) * width, y]);
  }
  return points;
}

/**
 * Gaussian kernel density estimate on `points` evenly spaced x values. The default bandwidth is
 * Silverman's rule of thumb, 0.9 min(sd, IQR/1.34) n^(-1/5) (Silverman 1986, eq. 3.31).
 */
export function gaussianKde(
  values: readonly number[],
  opts: { points?: number; bandwidth?: number; range?: [number, number] } = {},
): [number, number][] {
  const data = values.filter(Number.isFinite).sort((a, b) => a - b);
  const n = data.length;
  if (n === 0) return [];
  const m = opts.points ?? 200;
  if (!Number.isInteger(m) || m < 2) throw new RangeError(`gaussianKde: points must be an integer >= 2, got ${m}`);
  const mean = data.reduce((s, v) => s + v, 0) / n;
  const sd = Math.sqrt(data.reduce((s, v) => s + (v - mean) ** 2, 0) / Math.max(1, n - 1));
  const iqr = data[Math.floor(0.75 * (n - 1))] - data[Math.floor(0.25 * (n - 1))];
  const spread = Math.min(sd, iqr / 1.34) || sd || Math.abs(mean) * 0.1 || 1;
  const h = opts.bandwidth ?? 0.9 * spread * n ** -0.2;
  if (!(h > 0)) throw new RangeError(`gaussianKde: bandwidth must be positive, got ${h}`);
  const [lo, hi] = opts.range ?? [data[0] - 3 * h, data[n - 1] + 3 * h];
  const norm = 1 / (n * h * Math.sqrt(2 * Math.PI));
  const out: [number, number][] = [];
  for (let k = 0; k < m; k++) {
    const x = lo + ((hi - lo) * k) / (m - 1);
    let s = 0;
    for (const v of data) {
      const u = (x - v) / h;
      if (u * u < 80) s += Math.exp(-0.5 * u * u);
    }
    out.push([x, s * norm]);
  }
  return out;
}

export interface DensityPlotSpec {
  title?: string;
  xLabel: string;
  yLabel?: string;
  series: readonly Series[];
  logY?: boolean;
  xRange?: [number, number];
  width?: number;
  height?: number;
}

/**
 * Filled density curves (x: e.g. eigenvalue, y: density), one per series. On a log y axis the
 * range stops six decades below the peak: a Gaussian tail would otherwise stretch it to 1e-300.
 */
export function densityPlot(spec: DensityPlotSpec): string {
  let yRange: [number, number] | undefined;
  if (spec.logY) {
    let peak = 0;
    for (const s of spec.series) for (const [, y] of s.points) if (Number.isFinite(y) && y > peak) peak = y;
    if (peak > 0) yRange = [peak * 1e-6, peak * 2];
  }
  return lineChart({ ...spec, yLabel: spec.yLabel ?? "density", area: !spec.logY, yRange });
}
