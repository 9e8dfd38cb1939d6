/**
 * One optimizer's path over a 2-D test function. The two coordinates are f32 parameters driven by
 * ArrayOptimizer (the same WASM update a model gets, fused or composed); the gradient is the analytic one,
 * computed in f64 and rounded to f32, as a model's f32 gradient would be. Nothing else varies, so
 * the same inputs give bit-identical points in Node and in any browser.
 */
import { ArrayOptimizer } from "../optim/arrays.ts";
import type { BaseOptions, Optimizer } from "../optim/optimizer.ts";
import { CATALOGUE, followCatalogue, isStepEntry } from "../optim/catalogue.ts";
import { testFunction, type Point, type TestFunction } from "./functions.ts";

type AnyOptimizer = Optimizer<BaseOptions>;
type Factory = (options: Record<string, unknown>) => AnyOptimizer;

/** Every optimizer of the catalogue that takes gradient steps, by name, built from plain options (validated by the optimizer itself). */
export const optimizerFactories: Readonly<Record<string, Factory>> = {};
followCatalogue(() => {
  for (const e of CATALOGUE) if (isStepEntry(e)) (optimizerFactories as Record<string, Factory>)[e.name] = e.create;
});

/** An optimizer given by name and options, e.g. { name: "adam", options: { lr: 0.1 } }. */
export interface NamedOptimizer {
  name: string;
  options?: Record<string, unknown>;
}

/** Builds the named optimizer; throws the optimizer's own RangeError on a bad hyperparameter. */
export function namedOptimizer({ name, options = {} }: NamedOptimizer): AnyOptimizer {
  const factory = optimizerFactories[name];
  if (!factory)
    throw new RangeError(
      `landscape: unknown optimizer "${name}"; known: ${Object.keys(optimizerFactories).join(", ")}`,
    );
  return factory(options);
}

export interface TrajectoryOptions {
  /** A test function or its name. */
  fn: TestFunction | string;
  /** A first-order optimizer from src/optim, or a name and options. */
  optimizer: Optimizer<BaseOptions> | NamedOptimizer;
  /** Starting point; rounded to f32. Default: the function's first start point. */
  start?: Point;
  /** Number of updates, an integer ≥ 0. */
  steps: number;
  /** Record the optimizer state of this coordinate (0 = x, 1 = y) after every step. */
  track?: 0 | 1;
}

export interface Trajectory {
  optimizer: string;
  fn: string;
  /** points[k]: the parameters after k updates (points[0] is the start), all finite. */
  points: [number, number][];
  /** losses[k] = fn.value(points[k]) in f64. */
  losses: number[];
  /** With `track`: states[k] holds each named state buffer's value for that coordinate after k updates. */
  states?: Record<string, number>[];
  /** The update (1-based) at which the run left the finite numbers, or null if it did not. */
  divergedAt: number | null;
  /** What went non-finite, when divergedAt is set. */
  divergence?: string;
}

export function runTrajectory({ fn, optimizer, start, steps, track }: TrajectoryOptions): Trajectory {
  const f = typeof fn === "string" ? testFunction(fn) : fn;
  const opt: AnyOptimizer = "update" in optimizer ? optimizer : namedOptimizer(optimizer);
  if (!Number.isInteger(steps) || steps < 0)
    throw new RangeError(`runTrajectory: steps must be an integer ≥ 0, got ${steps}`);
  if (track !== undefined && track !== 0 && track !== 1)
    throw new RangeError(`runTrajectory: track must be 0 or 1, got ${track}`);
  const [sx, sy] = start ?? f.starts[0];
  const w = new Float32Array([sx, sy]);
  if (!Number.isFinite(w[0]) || !Number.isFinite(w[1]))
    throw new RangeError(`runTrajectory: start (${sx}, ${sy}) is not finite in f32`);

  const result: Trajectory = {
    optimizer: opt.name,
    fn: f.name,
    points: [[w[0], w[1]]],
    losses: [f.value(w[0], w[1])],
    divergedAt: null,
  };
  const run = new ArrayOptimizer(opt, 2);
  const snapshot = (): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const [name, values] of Object.entries(run.inspect())) out[name] = values[track!];
    return out;
  };
  if (track !== undefined) result.states = [snapshot()];
  const g = new Float32Array(2);
  try {
    for (let k = 1; k <= steps; k++) {
      const [gx, gy] = f.gradient(w[0], w[1]);
      g[0] = gx;
      g[1] = gy;
      if (!Number.isFinite(g[0]) || !Number.isFinite(g[1])) {
        result.divergedAt = k;
        result.divergence = `the gradient (${gx}, ${gy}) at (${w[0]}, ${w[1]}) is not finite in f32`;
        break;
      }
      run.step(w, g);
      const loss = f.value(w[0], w[1]);
      if (!Number.isFinite(w[0]) || !Number.isFinite(w[1]) || !Number.isFinite(loss)) {
        result.divergedAt = k;
        result.divergence = `the update went to (${w[0]}, ${w[1]}) where the loss is ${loss}`;
        break;
      }
      result.points.push([w[0], w[1]]);
      result.losses.push(loss);
      if (track !== undefined) result.states!.push(snapshot());
    }
  } finally {
    run.dispose();
  }
  return result;
}
