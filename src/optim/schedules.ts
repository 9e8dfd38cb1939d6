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
  if (!Number.isInteger(stepSize) || stepSize < 1)
    throw new RangeError(`stepDecay: stepSize = ${stepSize} is outside the valid range the integers ≥ 1`);
  positive("stepDecay", "gamma", gamma);
  return (step) => lr * gamma ** Math.floor(step / stepSize);
}

/** lr·γ^step (PyTorch ExponentialLR). */
export function exponentialDecay(lr: number, gamma: number): Schedule {
  positive("exponentialDecay", "lr", lr);
  positive("exponentialDecay", "gamma", gamma);
  return (step) => lr * gamma ** step;
}

function positiveInteger(owner: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${owner}: ${name} = ${value} is outside the valid range the integers ≥ 1`);
}

function floorAtMost(owner: string, minLr: number, lr: number): void {
  nonNegative(owner, "minLr", minLr);
  if (minLr > lr) throw new RangeError(`${owner}: minLr = ${minLr} is outside the valid range [0, lr = ${lr}]`);
}

/** From hi at pct = 0 down (or up) to lo at pct = 1 along half a cosine. */
const cosineBetween = (hi: number, lo: number, pct: number): number =>
  lo + ((hi - lo) * (1 + Math.cos(Math.PI * pct))) / 2;

/**
 * minLr + (lr − minLr)·(1 + cos(π·step/period))/2 (the closed form of PyTorch's CosineAnnealingLR).
 * Past the period it holds minLr, unless `periodic`: then it follows the cosine back up, as
 * PyTorch's CosineAnnealingLR does when stepped past T_max (period 2·period, no restart).
 */
export function cosineAnnealing(lr: number, period: number, minLr = 0, options: { periodic?: boolean } = {}): Schedule {
  positive("cosineAnnealing", "lr", lr);
  positiveInteger("cosineAnnealing", "period", period);
  floorAtMost("cosineAnnealing", minLr, lr);
  const periodic = options.periodic ?? false;
  oneOf("cosineAnnealing", "periodic", periodic, [true, false]);
  return (step) => cosineBetween(lr, minLr, (periodic ? step : Math.min(step, period)) / period);
}

/**
 * Cosine annealing with warm restarts, SGDR (Loshchilov & Hutter 2017; PyTorch
 * CosineAnnealingWarmRestarts): the cosine from lr to minLr over `period` steps, then again from lr
 * over period·periodMult steps, and so on.
 */
export function cosineWarmRestarts(lr: number, period: number, periodMult = 1, minLr = 0): Schedule {
  positive("cosineWarmRestarts", "lr", lr);
  positiveInteger("cosineWarmRestarts", "period", period);
  positiveInteger("cosineWarmRestarts", "periodMult", periodMult);
  floorAtMost("cosineWarmRestarts", minLr, lr);
  return (step) => {
    if (periodMult === 1) return cosineBetween(lr, minLr, (step % period) / period);
    let start = 0,
      length = period;
    while (step >= start + length) {
      start += length;
      length *= periodMult;
    }
    return cosineBetween(lr, minLr, (step - start) / length);
  };
}

export interface OneCycleOptions {
  /** The fraction of the steps spent rising to maxLr. */
  pctStart: number;
  anneal: "cos" | "linear";
  /** The starting lr is maxLr/divFactor. */
  divFactor: number;
  /** The final lr is the starting lr/finalDivFactor. */
  finalDivFactor: number;
  /** Rise, fall back to the starting lr, then anneal to the final lr (fast.ai's form); else rise, then anneal. */
  threePhase: boolean;
}

/**
 * The 1cycle policy (Smith & Topin 2018) as PyTorch's OneCycleLR computes its lr (the momentum
 * cycling is not part of a learning-rate schedule): from maxLr/divFactor up to maxLr over the first
 * pctStart·totalSteps steps, then down to maxLr/(divFactor·finalDivFactor) at step totalSteps − 1.
 * A step at or past totalSteps throws, as PyTorch does.
 */
export function oneCycle(maxLr: number, totalSteps: number, options: Partial<OneCycleOptions> = {}): Schedule {
  const o: OneCycleOptions = {
    pctStart: 0.3,
    anneal: "cos",
    divFactor: 25,
    finalDivFactor: 1e4,
    threePhase: false,
    ...options,
  };
  positive("oneCycle", "maxLr", maxLr);
  positiveInteger("oneCycle", "totalSteps", totalSteps);
  if (!(o.pctStart > 0 && o.pctStart < 1))
    throw new RangeError(`oneCycle: pctStart = ${o.pctStart} is outside the valid range (0, 1)`);
  oneOf("oneCycle", "anneal", o.anneal, ["cos", "linear"]);
  positive("oneCycle", "divFactor", o.divFactor);
  positive("oneCycle", "finalDivFactor", o.finalDivFactor);
  oneOf("oneCycle", "threePhase", o.threePhase, [true, false]);
  const initial = maxLr / o.divFactor,
    final = initial / o.finalDivFactor;
  const rise = o.pctStart * totalSteps - 1;
  // Each phase: the step it ends at, and the lr it goes from and to (PyTorch's phase table).
  const phases = o.threePhase
    ? [
        { end: rise, from: initial, to: maxLr },
        { end: 2 * o.pctStart * totalSteps - 2, from: maxLr, to: initial },
        { end: totalSteps - 1, from: initial, to: final },
      ]
    : [
        { end: rise, from: initial, to: maxLr },
        { end: totalSteps - 1, from: maxLr, to: final },
      ];
  const anneal =
    o.anneal === "cos" ? cosineBetween : (from: number, to: number, pct: number) => from + (to - from) * pct;
  return (step) => {
    if (step >= totalSteps) throw new RangeError(`oneCycle: step ${step} is past totalSteps = ${totalSteps}`);
    const found = phases.findIndex((phase) => step <= phase.end);
    const k = found === -1 ? phases.length - 1 : found;
    const start = k === 0 ? 0 : phases[k - 1].end,
      { end, from, to } = phases[k];
    return anneal(from, to, (step - start) / (end - start));
  };
}

/**
 * lr·factor, the factor going linearly from startFactor to endFactor over `steps` steps and
 * holding there (PyTorch LinearLR): a linear decay (1 → 0.1) or a linear warm-up (1/3 → 1).
 */
export function linearRamp(lr: number, steps: number, startFactor: number, endFactor: number): Schedule {
  positive("linearRamp", "lr", lr);
  positiveInteger("linearRamp", "steps", steps);
  positive("linearRamp", "startFactor", startFactor);
  nonNegative("linearRamp", "endFactor", endFactor);
  return (step) => lr * (startFactor + ((endFactor - startFactor) * Math.min(step, steps)) / steps);
}

/** lr·(1 − min(step, steps)/steps)^power: polynomial decay to 0 at `steps` (PyTorch PolynomialLR). */
export function polynomialDecay(lr: number, steps: number, power = 1): Schedule {
  positive("polynomialDecay", "lr", lr);
  positiveInteger("polynomialDecay", "steps", steps);
  positive("polynomialDecay", "power", power);
  return (step) => lr * (1 - Math.min(step, steps) / steps) ** power;
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

export interface PlateauState {
  lr: number;
  best: number;
  badEpochs: number;
  cooldownLeft: number;
  epochs: number;
}

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
    const o: PlateauOptions = {
      mode: "min",
      factor: 0.1,
      patience: 10,
      threshold: 1e-4,
      thresholdMode: "rel",
      cooldown: 0,
      minLr: 0,
      eps: 1e-8,
      ...options,
    };
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

  get lr(): number {
    return this.s.lr;
  }

  /** A schedule reading the current lr, to give an optimizer (composable with linearWarmup). */
  readonly schedule: Schedule = () => this.s.lr;

  /** Records one epoch's metric; returns the lr to use from now on. */
  observe(metric: number): number {
    const s = this.s,
      o = this.options;
    s.epochs++;
    if (this.improves(metric)) {
      s.best = metric;
      s.badEpochs = 0;
    } else s.badEpochs++;
    if (s.cooldownLeft > 0) {
      s.cooldownLeft--;
      s.badEpochs = 0;
    }
    if (s.badEpochs > o.patience) {
      const next = Math.max(s.lr * o.factor, o.minLr);
      if (s.lr - next > o.eps) s.lr = next;
      s.cooldownLeft = o.cooldown;
      s.badEpochs = 0;
    }
    return s.lr;
  }

  private improves(metric: number): boolean {
    const { mode, threshold, thresholdMode } = this.options,
      best = this.s.best;
    if (mode === "min") return thresholdMode === "rel" ? metric < best * (1 - threshold) : metric < best - threshold;
    return thresholdMode === "rel" ? metric > best * (1 + threshold) : metric > best + threshold;
  }

  /** Plain, JSON-able state (±Infinity best is stored as a string by JSON; use toJSON/fromJSON). */
  getState(): PlateauState {
    return { ...this.s };
  }
  setState(state: PlateauState): void {
    this.s = { ...state };
  }

  /** JSON-safe: the initial ±Infinity best becomes null. */
  toJSON(): Omit<PlateauState, "best"> & { best: number | null } {
    return { ...this.s, best: Number.isFinite(this.s.best) ? this.s.best : null };
  }
  static fromJSON(
    lr: number,
    options: Partial<PlateauOptions>,
    json: Omit<PlateauState, "best"> & { best: number | null },
  ): ReduceOnPlateau {
    const p = new ReduceOnPlateau(lr, options);
    p.setState({ ...json, best: json.best ?? (p.options.mode === "min" ? Infinity : -Infinity) });
    return p;
  }
}
