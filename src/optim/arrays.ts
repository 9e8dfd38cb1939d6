/**
 * An optimizer on plain JS Float32Arrays, for studying one on your own function without a model:
 *
 *   const run = new ArrayOptimizer(adam({ lr: 0.1 }), 2);
 *   const w = new Float32Array([1, -1]);
 *   for (let i = 0; i < 100; i++) run.step(w, gradient(w));   // w is updated in place
 *
 * Each step copies params and grads into WASM memory, runs the fused update, and copies params back.
 */
import { heap, f32View } from "../wasm/module.ts";
import type { BaseOptions, Optimizer, StepResult } from "./optimizer.ts";
import { freeState, inspectState, loadState, saveState, type OptimState, type SavedState } from "./state.ts";

export class ArrayOptimizer<O extends BaseOptions> {
  private params: number;
  private grads: number;
  state: OptimState;

  constructor(
    readonly optimizer: Optimizer<O>,
    readonly n: number,
  ) {
    this.state = optimizer.init(n);
    this.params = heap.alloc(n * 4);
    this.grads = heap.alloc(n * 4);
  }

  /** One update of params (in place) with grads; both must hold n values. */
  step(params: Float32Array, grads: Float32Array): StepResult {
    if (params.length !== this.n)
      throw new RangeError(`${this.optimizer.name}: params has ${params.length} elements, expected ${this.n}`);
    if (grads.length !== this.n)
      throw new RangeError(`${this.optimizer.name}: grads has ${grads.length} elements, expected ${this.n}`);
    f32View(this.params, this.n).set(params);
    f32View(this.grads, this.n).set(grads);
    const result = this.optimizer.update(
      { ptr: this.params, length: this.n },
      { ptr: this.grads, length: this.n },
      this.state,
    );
    params.set(f32View(this.params, this.n));
    return result;
  }

  /** Copies of the state buffers by name (the step count is state.step). */
  inspect(): Record<string, Float32Array> {
    return inspectState(this.state);
  }

  save(): SavedState {
    return saveState(this.state);
  }

  /** Replaces the state with a saved one (same optimizer and n). */
  load(saved: SavedState): void {
    if (saved.optimizer !== this.optimizer.name || saved.n !== this.n) {
      throw new RangeError(
        `${this.optimizer.name}: cannot load a state of ${saved.optimizer} over ${saved.n} parameters into one over ${this.n}`,
      );
    }
    const next = loadState(saved);
    freeState(this.state);
    this.state = next;
  }

  dispose(): void {
    freeState(this.state);
    heap.release(this.params);
    heap.release(this.grads);
  }
}
