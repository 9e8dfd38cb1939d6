/**
 * Learning-rate schedules: functions of the step, the number of updates already applied (0 for the
 * first update). They compose: a warm-up wraps any schedule. Reduce-on-plateau is the one stateful
 * schedule; the metric, not the step, drives it.
 */
import { count, nonNegative, oneOf, positive, unitInterval } from "./validate.ts";

export type Schedule = (step: number) => number;

function baseOf(lr: number | Schedule): Schedule {
  if (typeof lr === "function") return lr;
  positive("schedule", "lr", lr);
  return () => lr;
}

export function constant(lr: number): Schedule {
  return baseOf(lr);
}

/** lr·γ^⌊step / stepSize⌋ (PyTorch StepLR). */
export function stepDecay(lr: number, stepSize: number, gamma: number): Schedule {
  positive("stepDecay", "lr", lr);
  if (!Number.isInteger(stepSize) || stepSize < 1) throw new RangeError(`stepDecay: stepSize = ${stepSize} is outside the valid range the integers ≥ 1`);
  positive("stepDecay", "gamma", gamma);
  return (step) => lr * gamma ** Math.floor(step / stepSize);
}

/** lr·γ^step (PyTorch ExponentialLR). */
export function exponentialDecay(lr: number, gamma: number): Schedule {
  positive("exponentialDecay", "lr", lr);
  positive("exponentialDecay", "gamma", gamma);
  return (step) => lr * gamma ** step;
}

/**
 * minLr + (lr − minLr)·(1 + cos(π·step/period))/2 for step ≤ period, minLr after
 * (the closed form of PyTorch's CosineAnnealingLR over one half-period, no restart).
 */
export function cosineAnnealing(lr: number, period: number, minLr = 0): Schedule {
  positive("cosineAnnealing", "lr", lr);
  if (!Number.isInteger(period) || period < 1) throw new RangeError(`cosineAnnealing: period = ${period} is outside the valid range the integers ≥ 1`);
  nonNegative("cosineAnnealing", "minLr", minLr);
  if (minLr > lr) throw new RangeError(`cosineAnnealing: minLr = ${minLr} is outside the valid range [0, lr = ${lr}]`);
  return (step) => minLr + ((lr - minLr) * (1 + Math.cos((Math.PI * Math.min(step, period)) / period))) / 2;
}

/**
 * Linear warm-up over the first `steps` updates, wrapping any schedule:
 * inner(step)·(step + 1)/steps while step < steps, inner(step) after. Never 0, so the first update moves.
 */
export function linearWarmup(inner: number | Schedule, steps: number): Schedule {
  const base = baseOf(inner);
  count("linearWarmup", "steps", steps);
  return (step) => (step < steps ? (base(step) * (step + 1)) / steps : base(step));
}

export interface PlateauOptions {
  mode: "min" | "max";
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: "rel" | "abs";
  cooldown: number;
  minLr: number;
  /** A reduction smaller than this is ignored (PyTorch's eps). */
  eps: number;
}

export interface PlateauState { lr: number; best: number; badEpochs: number; cooldownLeft: number; epochs: number }

/**
 * Reduce the learning rate when a metric stops improving (PyTorch ReduceLROnPlateau semantics).
 * Feed `observe(metric)` once per epoch; pass `schedule` (or the plateau itself via `lr`) to an optimizer.
 * Improvement: min/rel: metric < best·(1 − threshold); min/abs: metric < best − threshold; max mirrors.
 * After more than `patience` epochs without improvement, lr ← max(lr·factor, minLr), then `cooldown`
 * epochs during which bad epochs are not counted.
 */
export class ReduceOnPlateau {
  readonly options: Readonly<PlateauOptions>;
  private s: PlateauState;

  constructor(lr: number, options: Partial<PlateauOptions> = {}) {
    const o: PlateauOptions = { mode: "min", factor: 0.1, patience: 10, threshold: 1e-4, thresholdMode: "rel", cooldown: 0, minLr: 0, eps: 1e-8, ...options };
    positive("reduceOnPlateau", "lr", lr);
    oneOf("reduceOnPlateau", "mode", o.mode, ["min", "max"]);
    unitInterval("reduceOnPlateau", "factor", o.factor);
    if (o.factor === 0) throw new RangeError(`reduceOnPlateau: factor = 0 is outside the valid range (0, 1)`);
    count("reduceOnPlateau", "patience", o.patience);
    nonNegative("reduceOnPlateau", "threshold", o.threshold);
    oneOf("reduceOnPlateau", "thresholdMode", o.thresholdMode, ["rel", "abs"]);
    count("reduceOnPlateau", "cooldown", o.cooldown);
    nonNegative("reduceOnPlateau", "minLr", o.minLr);
    nonNegative("reduceOnPlateau", "eps", o.eps);
    this.options = Object.freeze(o);
    this.s = { lr, best: o.mode === "min" ? Infinity : -Infinity, badEpochs: 0, cooldownLeft: 0, epochs: 0 };
  }

  get lr(): number { return this.s.lr; }

  /** A schedule reading the current lr, to give an optimizer (composable with linearWarmup). */
  readonly schedule: Schedule = () => this.s.lr;

  /** Records one epoch's metric; returns the lr to use from now on. */
  observe(metric: number): number {
    const s = this.s, o = this.options;
    s.epochs++;
    if (this.improves(metric)) { s.best = metric; s.badEpochs = 0; }
    else s.badEpochs++;
    if (s.cooldownLeft > 0) { s.cooldownLeft--; s.badEpochs = 0; }
    if (s.badEpochs > o.patience) {
      const next = Math.max(s.lr * o.factor, o.minLr);
      if (s.lr - next > o.eps) s.lr = next;
      s.cooldownLeft = o.cooldown;
      s.badEpochs = 0;
    }
    return s.lr;
  }

  private improves(metric: number): boolean {
    const { mode, threshold, thresholdMode } = this.options, best = this.s.best;
    if (mode === "min") return thresholdMode === "rel" ? metric < best * (1 - threshold) : metric < best - threshold;
    return thresholdMode === "rel" ? metric > best * (1 + threshold) : metric > best + threshold;
  }

  /** Plain, JSON-able state (±Infinity best is stored as a string by JSON; use toJSON/fromJSON). */
  getState(): PlateauState { return { ...this.s }; }
  setState(state: PlateauState): void { this.s = { ...state }; }

  /** JSON-safe: the initial ±Infinity best becomes null. */
  toJSON(): Omit<PlateauState, "best"> & { best: number | null } {
    return { ...this.s, best: Number.isFinite(this.s.best) ? this.s.best : null };
  }
  static fromJSON(lr: number, options: Partial<PlateauOptions>, json: Omit<PlateauState, "best"> & { best: number | null }): ReduceOnPlateau {
    const p = new ReduceOnPlateau(lr, options);
    p.setState({ ...json, best: json.best ?? (p.options.mode === "min" ? Infinity : -Infinity) });
    return p;
  }
}
