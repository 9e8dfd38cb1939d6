/**
 * Loss landscapes of real networks: the loss along a line between two points (Goodfellow, Vinyals
 * & Saxe 2015), and over a plane through a point spanned by two directions, either random with
 * filter normalization (Li, Xu, Taylor, Studer & Goldstein 2018) or the top two principal
 * components of an optimizer's trajectory (Li et al. 2018 §7), with trajectories projected onto it.
 * Points are whole parameter regions (ParameterSet.flat(): padding included, always zero).
 */
import type { Model } from "../nn/model.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { scoped } from "../tensor/scope.ts";
import { noGrad } from "../autodiff/grad.ts";
import { symmetricEigen } from "../analysis/eigen.ts";
import type { Random } from "../random.ts";

/** The loss at a point: loads it into the model and evaluates. */
export type PointLoss = (w: Float32Array) => number;

/**
 * The loss of `model` at any point, by `loss()` (a forward pass in evaluation mode over a fixed
 * batch). The model's parameters are restored after each evaluation.
 */
export function modelPointLoss(model: Model, loss: () => Tensor): PointLoss {
  const params = model.parameters;
  return (w) => {
    const saved = params.flat();
    params.load(w);
    try {
      return scoped(() => noGrad(() => loss().item()));
    } finally {
      params.load(saved);
    }
  };
}

function checkSame(what: string, a: ArrayLike<number>, b: ArrayLike<number>): void {
  if (a.length !== b.length) throw new RangeError(`${what}: points of ${a.length} and ${b.length} values`);
}

/** w = origin + a·d1 (+ b·d2), into `out`. */
function combine(
  out: Float32Array,
  origin: Float32Array,
  a: number,
  d1: Float32Array,
  b = 0,
  d2?: Float32Array,
): Float32Array {
  for (let i = 0; i < out.length; i++) out[i] = origin[i] + a * d1[i] + (d2 ? b * d2[i] : 0);
  return out;
}

/** The loss at (1 − α)·from + α·to for `points` values of α spread over `range` (default [−0.5, 1.5]). */
export function interpolate(
  loss: PointLoss,
  from: Float32Array,
  to: Float32Array,
  { points = 41, range = [-0.5, 1.5] as [number, number] } = {},
) {
  checkSame("interpolate", from, to);
  if (!Number.isInteger(points) || points < 2)
    throw new RangeError(`interpolate: points must be an integer ≥ 2, got ${points}`);
  const d = to.map((x, i) => x - from[i]),
    w = new Float32Array(from.length);
  const alpha = Array.from({ length: points }, (_, k) => range[0] + ((range[1] - range[0]) * k) / (points - 1));
  return { alpha, loss: alpha.map((a) => loss(combine(w, from, a, d))) };
}

/** Which axis of a parameter runs over its output units (neurons, filters); null for vectors (biases, norms). */
export function unitAxis(p: { shape: readonly number[]; owner: string }): number | null {
  if (p.shape.length < 2) return null;
  return p.owner.startsWith("Linear") ? p.shape.length - 1 : 0; // Linear stores [in, out]; Conv and the rest [out, ...]
}

/**
 * A random Gaussian direction, filter-normalized (Li et al. 2018 §4): each unit's slice (a neuron's
 * incoming weights, a filter) rescaled to the norm of the same slice of the weights; zero on
 * vectors (biases, normalization), as their code's default ignore="biasbn".
 */
export function filterNormalizedDirection(model: Model, rng: Random): Float32Array {
  const params = model.parameters,
    weights = params.flat();
  const d = new Float32Array(weights.length);
  for (const p of params.params) {
    const axis = unitAxis(p);
    if (axis === null) continue;
    const units = p.shape[axis],
      inner = p.shape.slice(axis + 1).reduce((s, x) => s * x, 1);
    const index = (unit: number, k: number) => {
      // k runs over the unit's slice, in row-major order without the unit axis
      const outer = Math.floor(k / inner),
        rest = k % inner;
      return p.offset + (outer * units + unit) * inner + rest;
    };
    const per = p.size / units;
    for (let u = 0; u < units; u++) {
      let dn = 0,
        wn = 0;
      for (let k = 0; k < per; k++) {
        const i = index(u, k);
        d[i] = rng.normal();
        dn += d[i] * d[i];
        wn += weights[i] * weights[i];
      }
      const scale = Math.sqrt(wn) / (Math.sqrt(dn) + 1e-10);
      for (let k = 0; k < per; k++) d[index(u, k)] *= scale;
    }
  }
  return d;
}

export interface Surface {
  x: number[];
  y: number[];
  /** values[j * x.length + i] at (x[i], y[j]) */ values: Float64Array;
}

/** The loss at origin + a·d1 + b·d2, as a function of (a, b). */
export type PlaneLoss = (a: number, b: number) => number;

/** The plane through `origin` along d1, d2, evaluated by loading each point: works for any model. */
export function planeLoss(loss: PointLoss, origin: Float32Array, d1: Float32Array, d2: Float32Array): PlaneLoss {
  checkSame("planeLoss", origin, d1);
  checkSame("planeLoss", origin, d2);
  const w = new Float32Array(origin.length);
  return (a, b) => loss(combine(w, origin, a, d1, b, d2));
}

/** The loss on a grid of the plane; `onProgress(done, total)` after each point. */
export function surface(
  loss: PlaneLoss,
  {
    xRange = [-1, 1] as [number, number],
    yRange = [-1, 1] as [number, number],
    points = 31,
    onProgress,
  }: {
    xRange?: [number, number];
    yRange?: [number, number];
    points?: number;
    onProgress?: (done: number, total: number) => void;
  } = {},
): Surface {
  if (!Number.isInteger(points) || points < 2)
    throw new RangeError(`surface: points must be an integer ≥ 2, got ${points}`);
  const axis = ([lo, hi]: [number, number]) =>
    Array.from({ length: points }, (_, k) => lo + ((hi - lo) * k) / (points - 1));
  const x = axis(xRange),
    y = axis(yRange);
  const values = new Float64Array(points * points);
  for (let j = 0; j < points; j++)
    for (let i = 0; i < points; i++) {
      values[j * points + i] = loss(x[i], y[j]);
      onProgress?.(j * points + i + 1, points * points);
    }
  return { x, y, values };
}

/**
 * The top two principal directions of the points' offsets from `origin` (Li et al. 2018 §7 use
 * the final point as origin; the offsets are centred, as their sklearn PCA does), unit length, and
 * the fraction of the variance each explains. Through the k×k Gram matrix, so cheap for a long vector.
 */
export function pcaDirections(points: readonly Float32Array[], origin: Float32Array) {
  const k = points.length;
  if (k < 3) throw new RangeError(`pcaDirections: need at least 3 points, got ${k}`);
  points.forEach((p) => checkSame("pcaDirections", p, origin));
  const n = origin.length;
  const mean = new Float64Array(n);
  for (const p of points) for (let i = 0; i < n; i++) mean[i] += (p[i] - origin[i]) / k;
  const rows = points.map((p) => {
    const r = new Float64Array(n);
    for (let i = 0; i < n; i++) r[i] = p[i] - origin[i] - mean[i];
    return r;
  });
  const gram = rows.map((a) =>
    Float64Array.from(rows, (b) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += a[i] * b[i];
      return s;
    }),
  );
  const { values, vectors } = symmetricEigen(gram);
  const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
  const total = values.reduce((s, v) => s + Math.max(v, 0), 0);
  const direction = (idx: number) => {
    const u = vectors[idx],
      d = new Float64Array(n);
    rows.forEach((r, j) => {
      for (let i = 0; i < n; i++) d[i] += u[j] * r[i];
    });
    const norm = Math.sqrt(d.reduce((s, x) => s + x * x, 0));
    return Float32Array.from(d, (x) => x / norm);
  };
  return {
    d1: direction(order[0]),
    d2: direction(order[1]),
    explained: [values[order[0]] / total, values[order[1]] / total] as [number, number],
  };
}

/** Coordinates (a, b) minimizing ‖w − origin − a·d1 − b·d2‖: the point projected onto the plane. */
export function project(w: Float32Array, origin: Float32Array, d1: Float32Array, d2: Float32Array): [number, number] {
  checkSame("project", w, origin);
  let g11 = 0,
    g12 = 0,
    g22 = 0,
    r1 = 0,
    r2 = 0;
  for (let i = 0; i < w.length; i++) {
    const r = w[i] - origin[i];
    g11 += d1[i] * d1[i];
    g12 += d1[i] * d2[i];
    g22 += d2[i] * d2[i];
    r1 += d1[i] * r;
    r2 += d2[i] * r;
  }
  const det = g11 * g22 - g12 * g12;
  if (!(det > 0)) throw new RangeError("project: the two directions are parallel or zero");
  return [(g22 * r1 - g12 * r2) / det, (g11 * r2 - g12 * r1) / det];
}
