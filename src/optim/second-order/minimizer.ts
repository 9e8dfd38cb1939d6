/**
 * The shape every full-batch second-order or line-search method shares: it owns a point w on an
 * objective, moves it one iteration per step(), and exposes its state for inspection and saving.
 */
import type { Objective } from "./objective.ts";
import { norm } from "./linalg.ts";

export interface Iterate {
  w: Float64Array;
  value: number;
  grad: Float64Array;
}

export interface MinimizerState {
  method: string;
  iteration: number;
  evaluations: number;
  w: number[];
  value: number;
  grad: number[];
  extra: Record<string, unknown>;
}

export const toList = (a: Float64Array) => Array.from(a);
export const fromList = (a: unknown) => Float64Array.from(a as number[]);

export abstract class Minimizer {
  abstract readonly name: string;
  iteration = 0;
  evaluations = 0;
  protected current: Iterate;

  constructor(
    protected readonly objective: Objective,
    w0: ArrayLike<number>,
  ) {
    if (w0.length !== objective.dim)
      throw new RangeError(`${new.target.name}: start point has ${w0.length} values, the objective ${objective.dim}`);
    const w = Float64Array.from(w0);
    const r = this.evaluate(w);
    this.current = { w, value: r.value, grad: r.grad };
  }

  get w(): Float64Array {
    return this.current.w.slice();
  }
  get value(): number {
    return this.current.value;
  }
  get grad(): Float64Array {
    return this.current.grad.slice();
  }

  /**
   * Everything the method carries between iterations, as JSON-able data (f64 arrays as number
   * lists, which JSON round-trips exactly). restore(save()) on a fresh instance over the same
   * objective continues the trajectory bit for bit.
   */
  save(): MinimizerState {
    return {
      method: this.name,
      iteration: this.iteration,
      evaluations: this.evaluations,
      w: Array.from(this.current.w),
      value: this.current.value,
      grad: Array.from(this.current.grad),
      extra: this.saveExtra(),
    };
  }

  restore(state: MinimizerState): void {
    if (state.method !== this.name)
      throw new RangeError(`${this.name}: cannot restore a state saved by ${state.method}`);
    if (state.w.length !== this.objective.dim)
      throw new RangeError(
        `${this.name}: saved point has ${state.w.length} values, the objective ${this.objective.dim}`,
      );
    this.iteration = state.iteration;
    this.evaluations = state.evaluations;
    this.current = { w: Float64Array.from(state.w), value: state.value, grad: Float64Array.from(state.grad) };
    this.restoreExtra(state.extra);
  }

  /** The method's own state (history, damping, moments...). */
  protected abstract saveExtra(): Record<string, unknown>;
  protected abstract restoreExtra(extra: Record<string, unknown>): void;

  /** One iteration; returns false when the method cannot make progress (converged or stuck). */
  abstract step(): boolean;

  /** Iterates until ‖∇f‖ ≤ gradTol, no progress, or maxIterations. */
  run({ maxIterations = 1000, gradTol = 1e-10 } = {}): {
    iterations: number;
    converged: boolean;
    value: number;
    w: Float64Array;
  } {
    while (this.iteration < maxIterations && norm(this.current.grad) > gradTol) {
      if (!this.step()) break;
    }
    return {
      iterations: this.iteration,
      converged: norm(this.current.grad) <= gradTol,
      value: this.current.value,
      w: this.w,
    };
  }

  protected evaluate(w: Float64Array): { value: number; grad: Float64Array } {
    this.evaluations++;
    return this.objective.valueAndGrad(w);
  }

  protected hvp(w: Float64Array, v: Float64Array): Float64Array {
    if (!this.objective.hvp) throw new Error(`${this.name}: the objective provides no Hessian-vector product`);
    return this.objective.hvp(w, v);
  }
}
