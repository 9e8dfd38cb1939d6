/**
 * One training run as a study records it: fit() with progress, then plain JSON (history, stop
 * reason, divergence, timings, final losses and accuracy) that crosses threads and machines.
 */
import type { Dataset } from "../../data/index.ts";
import type { Model } from "../../nn/index.ts";
import type { BaseOptions, Optimizer } from "../../optim/index.ts";
import { evaluate, fit, type AdaptiveStopping, type BatchMode, type EpochRecord } from "../../train/index.ts";
import { crossEntropy } from "../../nn/index.ts";
import type { RunContext } from "../study.ts";
import type { OptimizerContext } from "./optimizers.ts";

export interface EpochPoint {
  epoch: number;
  trainLoss: number;
  validationLoss?: number;
  validationAccuracy?: number;
  seconds: number;
}

export interface TrainOutcome {
  lr: number;
  seed: number;
  history: EpochPoint[];
  stoppedBy: string;
  /** The epoch where the adaptive criterion fired (the survey's "epochs to converge"), else null. */
  convergedEpoch: number | null;
  diverged: { epoch: number; step: number; where: string } | null;
  epochs: number;
  steps: number;
  secondsPerEpoch: number;
  totalSeconds: number;
  /** Training loss over the whole training set in evaluation mode (no dropout, no penalty); NaN if diverged. */
  finalTrainLoss: number;
  finalValidationLoss: number;
  finalAccuracy: number;
}

export interface TrainRunOptions {
  model: Model;
  train: Dataset;
  validation: Dataset;
  optimizer: (ctx: OptimizerContext) => Optimizer<BaseOptions>;
  lr: number;
  epochs: number;
  batch: BatchMode;
  seed: number;
  stopping?: AdaptiveStopping;
  l1?: number;
  l2?: number;
  ctx: RunContext;
}

/** Progress at most every PROGRESS_MS: a worker posts each call to the main thread. */
const PROGRESS_MS = 100;

export async function trainRun(o: TrainRunOptions): Promise<TrainOutcome> {
  const n = o.train.n;
  const batchSize = o.batch === "full" ? n : o.batch === "stochastic" ? 1 : Math.min(o.batch, n);
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const optimizer = o.optimizer({ stepsPerEpoch, parameters: o.model.parameters.params });
  let last = 0;
  const total = o.epochs * stepsPerEpoch;
  const result = await fit(o.model, o.train, {
    optimizer,
    epochs: o.epochs,
    batch: batchSize,
    seed: o.seed,
    validation: o.validation,
    stopping: o.stopping,
    l1: o.l1,
    l2: o.l2,
    signal: o.ctx.signal,
    yieldEveryMs: 100,
    onStep: ({ epoch, step, loss }) => {
      const t = performance.now();
      if (t - last < PROGRESS_MS) return;
      last = t;
      o.ctx.progress(
        ((epoch - 1) * stepsPerEpoch + step) / total,
        `epoch ${epoch}/${o.epochs} step ${step}/${stepsPerEpoch} loss ${loss.toPrecision(4)}`,
      );
    },
  });
  if (result.stoppedBy === "aborted") throw new DOMException("the run was interrupted", "AbortError");
  const history = result.history.map(point);
  const ok = result.diverged === null;
  const trainEval = ok ? evaluate(o.model, o.train, (out, y) => crossEntropy(out, y)) : null;
  const lastEpoch = result.history.at(-1);
  return {
    lr: o.lr,
    seed: o.seed,
    history,
    stoppedBy: result.stoppedBy,
    convergedEpoch: result.convergedEpoch,
    diverged: result.diverged && {
      epoch: result.diverged.epoch,
      step: result.diverged.step,
      where: result.diverged.where,
    },
    epochs: result.history.length + (result.diverged ? 1 : 0),
    steps: result.steps,
    secondsPerEpoch: result.secondsPerEpoch,
    totalSeconds: result.totalSeconds,
    finalTrainLoss: trainEval?.loss ?? NaN,
    finalValidationLoss: ok ? (lastEpoch?.validationLoss ?? NaN) : NaN,
    finalAccuracy: ok ? (lastEpoch?.validationAccuracy ?? NaN) : NaN,
  };
}

const point = (r: EpochRecord): EpochPoint => {
  const p: EpochPoint = { epoch: r.epoch, trainLoss: r.trainLoss, seconds: r.seconds };
  if (r.validationLoss !== undefined) p.validationLoss = r.validationLoss;
  if (r.validationAccuracy !== undefined) p.validationAccuracy = r.validationAccuracy;
  return p;
};

/** Per-epoch metric rows of a run, for metrics.csv and TensorBoard. */
export function epochMetrics(
  run: string,
  outcome: TrainOutcome,
): { run: string; step: number; [k: string]: number | string }[] {
  return outcome.history.map((h) => {
    const row: { run: string; step: number; [k: string]: number | string } = {
      run,
      step: h.epoch,
      trainLoss: h.trainLoss,
    };
    if (h.validationLoss !== undefined) row.validationLoss = h.validationLoss;
    if (h.validationAccuracy !== undefined) row.validationAccuracy = h.validationAccuracy;
    return row;
  });
}
