/**
 * Curvature during training, for any optimizer: at a chosen interval, the sharpness (top Hessian
 * eigenvalue) and trace of the loss on a fixed measurement batch, for the whole model and per layer,
 * each against the optimizer's stability threshold; for Adam, the preconditioned sharpness
 * λmax(P⁻¹H) too, against 38/η at β1 = 0.9 (Cohen et al. 2022; see src/analysis/curvature.ts).
 */
import type { Model } from "../nn/model.ts";
import type { Tensor } from "../tensor/tensor.ts";
import type { BaseOptions, Optimizer } from "../optim/optimizer.ts";
import type { OptimState } from "../optim/state.ts";
import { f32View } from "../wasm/module.ts";
import {
  adamPreconditioner,
  adamThreshold,
  blockHvp,
  curvatureByGroup,
  curvatureOf,
  gdThreshold,
  preconditionedHvp,
  type Curvature,
  type CurvatureOptions,
} from "../analysis/curvature.ts";
import { lanczosSpectrum } from "../analysis/hessian.ts";
import { modelHessian, packRegion } from "../analysis/model-hessian.ts";

export interface CurvaturePoint {
  step: number;
  lr: number;
  whole: Curvature;
  layers: ({ name: string } & Curvature)[];
  /** The plain sharpness's threshold: 2/η, or (2 + 2β)/η with heavy-ball momentum β. */
  threshold: number;
  /** For Adam: λmax(P⁻¹H) and its threshold (2 + 2β1)/((1 − β1)·η). */
  preconditioned?: { top: number; threshold: number };
  /** With `lanczosSteps`: the SLQ spectral measure (nodes, weights) of the whole Hessian and of each layer's block. */
  spectrum?: { whole: Spectrum; layers: ({ name: string } & Spectrum)[] };
}

export interface Spectrum {
  nodes: number[];
  weights: number[];
}

const ADAM_FAMILY = ["adam", "adamw"];

/** The plain sharpness's threshold for this optimizer's options at learning rate lr. */
export function plainThreshold(optimizer: Optimizer<BaseOptions>, lr: number): number {
  const o = optimizer.options as BaseOptions & { momentum?: number };
  return gdThreshold(lr, optimizer.name === "sgd" ? (o.momentum ?? 0) : 0);
}

/**
 * Measures at the model's current parameters. `loss` builds the measurement batch's loss from
 * model.forward in evaluation mode; the state (when given) is read, never changed.
 */
export function measureCurvature(
  model: Model,
  loss: () => Tensor,
  optimizer: Optimizer<BaseOptions>,
  state: OptimState | null,
  options: CurvatureOptions & { lanczosSteps?: number } = {},
): CurvaturePoint {
  const step = state?.step ?? 0;
  const lr = optimizer.lrAt(step);
  const h = modelHessian(model, loss);
  const { whole, groups } = curvatureByGroup(h.hv, h.dim, h.groups, options);
  const point: CurvaturePoint = { step, lr, whole, layers: groups, threshold: plainThreshold(optimizer, lr) };
  const o = optimizer.options as BaseOptions & { beta1?: number; beta2?: number; eps?: number; amsgrad?: unknown };
  if (state && step >= 1 && ADAM_FAMILY.includes(optimizer.name) && !o.amsgrad && state.buffers.v !== undefined) {
    const v = packRegion(model, f32View(state.buffers.v, state.n));
    const p = adamPreconditioner(v, step, { beta1: o.beta1!, beta2: o.beta2!, eps: o.eps! });
    const top = curvatureOf(preconditionedHvp(h.hv, p), h.dim, { ...options, hutchinson: 1 }).top;
    point.preconditioned = { top, threshold: adamThreshold(lr, o.beta1!) };
  }
  if (options.lanczosSteps) {
    const slq = (hv: (v: Float64Array) => Float64Array, dim: number): Spectrum => {
      const s = lanczosSpectrum(hv, dim, {
        steps: options.lanczosSteps,
        probes: 1,
        seed: (options.seed ?? 0) + 104729,
      });
      return { nodes: [...s.nodes], weights: [...s.weights] };
    };
    point.spectrum = {
      whole: slq(h.hv, h.dim),
      layers: h.groups.map((g) => ({ name: g.name, ...slq(blockHvp(h.hv, h.dim, g), g.length) })),
    };
  }
  return point;
}

/**
 * A fit() onStep hook that measures every `every` updates (and once before training, with
 * `initial()`); `points` collects the measurements in order. With `lanczosSteps`, each measurement
 * also holds the SLQ spectra of the whole Hessian and of every layer's block.
 */
export function curvatureTracker(
  model: Model,
  loss: () => Tensor,
  optimizer: Optimizer<BaseOptions>,
  { every, ...options }: CurvatureOptions & { every: number; lanczosSteps?: number },
) {
  if (!Number.isInteger(every) || every < 1)
    throw new RangeError(`curvatureTracker: every must be an integer ≥ 1, got ${every}`);
  const points: CurvaturePoint[] = [];
  return {
    points,
    initial() {
      points.push(measureCurvature(model, loss, optimizer, null, options));
    },
    onStep({ state }: { state: Readonly<OptimState> }) {
      if (state.step % every === 0)
        points.push(
          measureCurvature(model, loss, optimizer, state, {
            ...options,
            seed: (options.seed ?? 0) + state.step,
          }),
        );
    },
  };
}
