/**
 * What every optimizer shares: hyperparameters fixed and validated at construction, parameter
 * groups, the non-finite guard, the step count and the learning-rate schedule. A family supplies
 * only its equation: which state buffers it needs and one fused kernel call per group.
 *
 *   const opt = adam({ lr: 1e-3 });
 *   const state = opt.init(n);
 *   opt.update(params, grads, state);   // params, grads: WASM f32 buffers of n elements
 */
import { kernels, f32View } from "../wasm/module.ts";
import { allocState, type OptimState } from "./state.ts";
import { count, learningRate as checkLearningRate, oneOf } from "./validate.ts";
import type { Schedule } from "./schedules.ts";

/** A constant learning rate, or a schedule: a function of the number of updates already applied. */
export type LearningRate = number | Schedule;

/** What to do when a gradient holds NaN or ±Inf; in every case the parameters are left untouched. */
export type OnNonFinite = "throw" | "skip" | "stop";

/** The outcome of one update call. */
export type StepResult = "updated" | "skipped" | "stopped";

/** An f32 buffer in WASM memory: a byte pointer and an element count. */
export interface F32Buffer {
  readonly ptr: number;
  readonly length: number;
}

/** Every optimizer's options include these. */
export interface BaseOptions {
  lr: LearningRate;
  onNonFinite: OnNonFinite;
}

/** A parameter group: elements [offset, offset + length) of the flat buffer with their own options. */
export type GroupSpec<O> = { offset: number; length: number } & Partial<O>;

export interface Group<O> {
  readonly offset: number;
  readonly length: number;
  readonly options: Readonly<O>;
}

export class NonFiniteGradientError extends Error {
  constructor(
    readonly optimizer: string,
    readonly step: number,
    readonly group: number,
  ) {
    super(
      `${optimizer}: non-finite gradient (NaN or Inf) in group ${group} at step ${step}; parameters left untouched`,
    );
    this.name = "NonFiniteGradientError";
  }
}

/** One optimizer's equation, as the shared machinery needs it. */
export interface Family<O extends BaseOptions> {
  readonly name: string;
  readonly defaults: Readonly<O>;
  /** Throws a RangeError naming any invalid hyperparameter; lr and onNonFinite are already checked. */
  validate(o: O): void;
  /** State buffers these options need. */
  buffers(o: O): readonly string[];
  /** A buffer's starting value (AdaGrad's initial accumulator); 0 if absent. */
  initialValue?(name: string, o: O): number;
  /** One group's fused update at step t (1-based) with learning rate lr. Pointers already offset. */
  apply(args: ApplyArgs<O>): void;
  /**
   * The state buffer holding the point to evaluate the model at, when that is not the point the
   * gradients are taken at (schedule-free methods train at y and evaluate at the average x).
   */
  evaluationBuffer?: string;
}

export interface ApplyArgs<O> {
  o: O;
  /** The learning rate for this step (the schedule already evaluated). */
  lr: number;
  /** 1 for the first update. */
  t: number;
  w: number;
  g: number;
  /** Buffer name → pointer at this group's offset. */
  buf: Record<string, number>;
  n: number;
  /** This group's step-carried scalars, to read and update. */
  scalars: Record<string, number>;
}

export interface Optimizer<O extends BaseOptions> {
  readonly name: string;
  /** The complete, validated options (defaults filled in). */
  readonly options: Readonly<O>;
  /** The groups given at construction; none means one group over all n parameters. */
  readonly groupSpecs: readonly Group<O>[];
  init(n: number): OptimState;
  /** One step: params ← params − update(grads, state). */
  update(params: number | F32Buffer, grads: number | F32Buffer, state: OptimState): StepResult;
  /** The learning rate group `group` uses at the state's next step. */
  lrAt(step: number, group?: number): number;
  /**
   * Present only for optimizers that evaluate elsewhere than they train (schedule-free): swaps the
   * parameters with the evaluation point, and returns the function that swaps them back. A trainer
   * calls it around every evaluation, and leaves the model at the evaluation point when it is done.
   */
  toEvaluationPoint?(params: number | F32Buffer, state: OptimState): () => void;
}

/** Builds an optimizer from its family, user options and optional parameter groups. */
export function makeOptimizer<O extends BaseOptions>(
  family: Family<O>,
  options: Partial<O>,
  groups: readonly GroupSpec<O>[] = [],
): Optimizer<O> {
  const complete = (extra: Partial<O>): O => {
    const o = { ...family.defaults, ...strip(options), ...strip(extra) } as O;
    checkLearningRate(family.name, o.lr);
    oneOf(family.name, "onNonFinite", o.onNonFinite, ["throw", "skip", "stop"]);
    family.validate(o);
    return Object.freeze(o);
  };
  const base = complete({});
  const groupSpecs = groups.map(({ offset, length, ...extra }, i): Group<O> => {
    count(family.name, `groups[${i}].offset`, offset);
    count(family.name, `groups[${i}].length`, length);
    return Object.freeze({ offset, length, options: complete(extra as unknown as Partial<O>) });
  });
  checkDisjoint(family.name, groupSpecs);

  const groupsFor = (n: number): readonly Group<O>[] => {
    if (groupSpecs.length === 0) return [{ offset: 0, length: n, options: base }];
    for (const [i, gr] of groupSpecs.entries()) {
      if (gr.offset + gr.length > n)
        throw new RangeError(
          `${family.name}: groups[${i}] = [${gr.offset}, ${gr.offset + gr.length}) passes the end of ${n} parameters`,
        );
    }
    return groupSpecs;
  };
  const lrOf = (o: O, step: number): number => {
    const lr = typeof o.lr === "function" ? o.lr(step) : o.lr;
    if (!Number.isFinite(lr) || lr < 0)
      throw new RangeError(`${family.name}: the lr schedule gave ${lr} at step ${step}; it must be finite and ≥ 0`);
    return lr;
  };

  // Swapping is its own inverse, so the way back is the same swap; before the first update the
  // evaluation buffer is not filled yet and the parameters already are the evaluation point.
  const swapWithEvaluationPoint =
    (buffer: string) =>
    (params: number | F32Buffer, state: OptimState): (() => void) => {
      const w = pointerOf(family.name, "params", params, state.n);
      const swap = (): void => {
        if (state.step === 0) return;
        for (const gr of groupsFor(state.n)) {
          const mine = f32View(w + gr.offset * 4, gr.length),
            other = f32View(state.buffers[buffer] + gr.offset * 4, gr.length);
          const held = mine.slice();
          mine.set(other);
          other.set(held);
        }
      };
      swap();
      return swap;
    };

  return {
    name: family.name,
    options: base,
    groupSpecs,
    ...(family.evaluationBuffer ? { toEvaluationPoint: swapWithEvaluationPoint(family.evaluationBuffer) } : {}),
    init(n: number): OptimState {
      count(family.name, "n", n);
      const gs = groupsFor(n);
      const names = [...new Set(gs.flatMap((gr) => family.buffers(gr.options)))];
      const state = allocState(family.name, n, names, gs.length);
      for (const gr of gs) {
        for (const name of family.buffers(gr.options)) {
          const value = family.initialValue?.(name, gr.options) ?? 0;
          if (value !== 0) f32View(state.buffers[name] + gr.offset * 4, gr.length).fill(value);
        }
      }
      return state;
    },
    update(params, grads, state): StepResult {
      if (state.optimizer !== family.name)
        throw new TypeError(`${family.name}: given a state made by ${state.optimizer}`);
      const w = pointerOf(family.name, "params", params, state.n);
      const g = pointerOf(family.name, "grads", grads, state.n);
      if (state.stopped) return "stopped";
      const gs = groupsFor(state.n);
      for (const [i, gr] of gs.entries()) {
        if (kernels.allFinite(g + gr.offset * 4, gr.length)) continue;
        const policy = gr.options.onNonFinite;
        if (policy === "throw") throw new NonFiniteGradientError(family.name, state.step, i);
        if (policy === "skip") {
          state.skipped++;
          return "skipped";
        }
        state.stopped = true;
        return "stopped";
      }
      const t = state.step + 1;
      for (const [i, gr] of gs.entries()) {
        const at = gr.offset * 4;
        const buf: Record<string, number> = {};
        for (const name of family.buffers(gr.options)) buf[name] = state.buffers[name] + at;
        family.apply({
          o: gr.options,
          lr: lrOf(gr.options, state.step),
          t,
          w: w + at,
          g: g + at,
          buf,
          n: gr.length,
          scalars: state.scalars[i],
        });
      }
      state.step = t;
      return "updated";
    },
    lrAt(step: number, group = 0): number {
      const o = groupSpecs.length === 0 ? base : groupSpecs[group]?.options;
      if (!o) throw new RangeError(`${family.name}: no group ${group}`);
      return lrOf(o, step);
    },
  };
}

function pointerOf(owner: string, what: string, b: number | F32Buffer, n: number): number {
  const ptr = typeof b === "number" ? b : b.ptr;
  if (typeof b !== "number" && b.length !== n)
    throw new RangeError(`${owner}: ${what} has ${b.length} elements, the state has ${n}`);
  if (!Number.isInteger(ptr) || ptr < 0 || ptr % 4 !== 0)
    throw new RangeError(`${owner}: ${what} pointer ${ptr} is not a 4-aligned byte offset`);
  // A range past the end of memory would trap inside the kernel: refuse it here, with the numbers.
  const memory = kernels.memory.buffer.byteLength;
  if (ptr + n * 4 > memory)
    throw new RangeError(`${owner}: ${what} [${ptr}, ${ptr + n * 4}) passes the end of WASM memory (${memory} bytes)`);
  return ptr;
}

function checkDisjoint<O>(owner: string, groups: readonly Group<O>[]): void {
  const sorted = groups.map((gr, i) => ({ ...gr, i })).sort((a, b) => a.offset - b.offset);
  for (let k = 1; k < sorted.length; k++) {
    const a = sorted[k - 1],
      b = sorted[k];
    if (a.offset + a.length > b.offset) throw new RangeError(`${owner}: groups[${a.i}] and groups[${b.i}] overlap`);
  }
}

// Drops keys explicitly set to undefined, so they do not hide the defaults.
function strip<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
