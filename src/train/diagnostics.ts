/**
 * Inside the optimizer, step by step, per layer: what each update did to the weights. After every
 * update, from the weights before and after and the gradient the update used:
 *   update-to-weight ratio   ‖Δw‖ / ‖w‖ (before the update)
 *   cos(Δw_t, Δw_{t−1})      whether successive steps agree (momentum) or zig-zag
 *   cos(Δw, −g)              how far the update turns away from steepest descent (1 for SGD)
 *   effective learning rate  −Δwᵢ/gᵢ per parameter, as quantiles: lr for SGD; lr·m̂ᵢ/(√v̂ᵢ + ε)/gᵢ for Adam
 * Works for any optimizer: it reads only the model's weight and gradient regions.
 */
import type { Model } from "../nn/model.ts";
import { f32View } from "../wasm/module.ts";
import { layerOf } from "../analysis/model-hessian.ts";

export interface Quantiles {
  p05: number;
  p25: number;
  p50: number;
  p75: number;
  p95: number;
}
export interface UpdateStats {
  updateRatio: number;
  cosPrevious: number;
  cosGradient: number;
  effectiveLr: Quantiles | null;
}
export interface StepDiagnostics {
  step: number;
  whole: UpdateStats;
  layers: ({ name: string } & UpdateStats)[];
}

/** Linear-interpolated quantiles of a sample (sorted in place). */
export function quantiles(xs: Float64Array): Quantiles | null {
  if (xs.length === 0) return null;
  xs.sort();
  const q = (p: number) => {
    const at = p * (xs.length - 1),
      lo = Math.floor(at),
      hi = Math.min(xs.length - 1, lo + 1);
    return xs[lo] + (xs[hi] - xs[lo]) * (at - lo);
  };
  return { p05: q(0.05), p25: q(0.25), p50: q(0.5), p75: q(0.75), p95: q(0.95) };
}

const cosine = (ab: number, aa: number, bb: number) => (aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : NaN);

/** The statistics over index ranges [start, end) of the regions (one layer's parameters, or all). */
function statsOver(
  ranges: readonly [number, number][],
  before: Float32Array,
  after: Float32Array,
  grad: Float32Array,
  previous: Float32Array | null,
): UpdateStats {
  let dd = 0,
    ww = 0,
    dp = 0,
    pp = 0,
    dg = 0,
    gg = 0,
    count = 0;
  for (const [s, e] of ranges)
    for (let i = s; i < e; i++) {
      const d = after[i] - before[i],
        g = grad[i];
      dd += d * d;
      ww += before[i] * before[i];
      dg -= d * g;
      gg += g * g;
      if (previous) {
        dp += d * previous[i];
        pp += previous[i] * previous[i];
      }
      if (g !== 0) count++;
    }
  const lr = new Float64Array(count);
  let k = 0;
  for (const [s, e] of ranges)
    for (let i = s; i < e; i++) if (grad[i] !== 0) lr[k++] = -(after[i] - before[i]) / grad[i];
  return {
    updateRatio: ww > 0 ? Math.sqrt(dd / ww) : NaN,
    cosPrevious: previous ? cosine(dp, dd, pp) : NaN,
    cosGradient: cosine(dg, dd, gg),
    effectiveLr: quantiles(lr),
  };
}

/**
 * Call `observe(step)` right after each update (fit's onStep). The first observation compares with
 * the weights at construction, so build it just before training starts.
 */
export class UpdateDiagnostics {
  private before: Float32Array;
  private previous: Float32Array | null = null;
  private readonly layers: { name: string; ranges: [number, number][] }[] = [];

  constructor(private readonly model: Model) {
    this.before = model.parameters.flat();
    for (const p of model.parameters.params) {
      const name = layerOf(p.name),
        last = this.layers[this.layers.length - 1];
      if (last && last.name === name) last.ranges.push([p.offset, p.offset + p.size]);
      else this.layers.push({ name, ranges: [[p.offset, p.offset + p.size]] });
    }
  }

  observe(step: number): StepDiagnostics {
    const params = this.model.parameters;
    const after = params.flat(),
      grad = f32View(params.grads.ptr, params.grads.length);
    const all = this.layers.flatMap((l) => l.ranges);
    const out: StepDiagnostics = {
      step,
      whole: statsOver(all, this.before, after, grad, this.previous),
      layers: this.layers.map((l) => ({
        name: l.name,
        ...statsOver(l.ranges, this.before, after, grad, this.previous),
      })),
    };
    this.previous = after.map((v, i) => v - this.before[i]);
    this.before = after;
    return out;
  }
}
