/**
 * Schedule-free SGD and AdamW (Defazio, Yang, Mehta, Mishchenko, Khaled & Cutkosky 2024, "The Road
 * Less Scheduled", Algorithm 1). No decaying schedule: the iterate x is an online average of the base
 * sequence z, and the gradient is taken at an interpolation y of the two:
 *   y_t = (1 − β)·z_t + β·x_t                      (the parameters hold y while training)
 *   SGD:   z_{t+1} = z_t − γ_t·(∇f(y_t) + λ·y_t),        γ_t = lr_t
 *   AdamW: v_t = β2·v_{t−1} + (1 − β2)·g_t²;  z_{t+1} = z_t − γ_t·g_t/(√v_t + ε) − γ_t·λ·y_t,
 *          γ_t = lr_t·√(1 − β2ᵗ)
 *   x_{t+1} = (1 − c_{t+1})·x_t + c_{t+1}·z_{t+1},   c_{t+1} = γ_t² / Σ_{i≤t} γ_i²
 * with x_1 = z_1 = y_1 = the starting parameters. A constant lr gives c = 1/(t+1), the uniform
 * average; a warm-up (linearWarmup) down-weights its small early steps, as the paper's does.
 * Evaluate the model at x, not y: fit does (the optimizer's toEvaluationPoint swaps them), and
 * leaves the model at x when it returns. Defaults are the authors' (schedulefree package):
 * SGD lr 1, β 0.9; AdamW lr 0.0025, β 0.9, β2 0.999, ε 1e-8.
 */
import { f32View } from "../wasm/module.ts";
import { fused } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, positive, unitInterval } from "./validate.ts";

export interface ScheduleFreeSgdOptions extends BaseOptions {
  /** The interpolation β between z (β = 0) and x (β = 1): where the gradient is taken. */
  beta: number;
  weightDecay: number;
}

export interface ScheduleFreeAdamwOptions extends ScheduleFreeSgdOptions {
  beta2: number;
  eps: number;
}

/** At the first update, z and x start at the parameters; then c_{t+1} from the running Σγ². */
function averagingWeight(
  w: number,
  buf: Record<string, number>,
  n: number,
  t: number,
  gamma: number,
  scalars: Record<string, number>,
): number {
  if (t === 1) {
    const start = f32View(w, n);
    f32View(buf.z, n).set(start);
    f32View(buf.x, n).set(start);
  }
  scalars.lrSquaredSum = (scalars.lrSquaredSum ?? 0) + gamma * gamma;
  return scalars.lrSquaredSum > 0 ? (gamma * gamma) / scalars.lrSquaredSum : 0;
}

const sgdFamily: Family<ScheduleFreeSgdOptions> = {
  name: "schedule-free-sgd",
  defaults: { lr: 1, onNonFinite: "throw", beta: 0.9, weightDecay: 0 },
  validate(o) {
    unitInterval("schedule-free-sgd", "beta", o.beta);
    nonNegative("schedule-free-sgd", "weightDecay", o.weightDecay);
  },
  buffers: () => ["z", "x"],
  evaluationBuffer: "x",
  apply({ o, lr, t, w, g, buf, n, scalars }) {
    const c = averagingWeight(w, buf, n, t, lr, scalars);
    fused.scheduleFreeSgd(w, g, buf.z, buf.x, n, lr, o.weightDecay, c, 1 - c, o.beta, 1 - o.beta);
  },
};

const adamwFamily: Family<ScheduleFreeAdamwOptions> = {
  name: "schedule-free-adamw",
  defaults: { lr: 0.0025, onNonFinite: "throw", beta: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 },
  validate(o) {
    unitInterval("schedule-free-adamw", "beta", o.beta);
    unitInterval("schedule-free-adamw", "beta2", o.beta2);
    positive("schedule-free-adamw", "eps", o.eps);
    nonNegative("schedule-free-adamw", "weightDecay", o.weightDecay);
  },
  buffers: () => ["z", "x", "v"],
  evaluationBuffer: "x",
  apply({ o, lr, t, w, g, buf, n, scalars }) {
    const gamma = lr * Math.sqrt(1 - o.beta2 ** t);
    const c = averagingWeight(w, buf, n, t, gamma, scalars);
    fused.scheduleFreeAdamw(
      w,
      g,
      buf.z,
      buf.x,
      buf.v,
      n,
      gamma,
      o.weightDecay,
      c,
      1 - c,
      o.beta,
      1 - o.beta,
      o.beta2,
      1 - o.beta2,
      1,
      o.eps,
    );
  },
};

export function scheduleFreeSgd(
  options: Partial<ScheduleFreeSgdOptions> = {},
  groups: readonly GroupSpec<ScheduleFreeSgdOptions>[] = [],
): Optimizer<ScheduleFreeSgdOptions> {
  return makeOptimizer(sgdFamily, options, groups);
}

export function scheduleFreeAdamw(
  options: Partial<ScheduleFreeAdamwOptions> = {},
  groups: readonly GroupSpec<ScheduleFreeAdamwOptions>[] = [],
): Optimizer<ScheduleFreeAdamwOptions> {
  return makeOptimizer(adamwFamily, options, groups);
}
