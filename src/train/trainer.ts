/**
 * The training loop: epochs of seeded shuffled batches, one optimizer update per batch, an
 * evaluation per epoch, the stopping criteria, checkpoints at epoch boundaries, and a report of
 * what happened. A diverging run (NaN or Inf in the loss, the gradient or the parameters) stops
 * and says where; it never throws out of fit, so a study of many runs survives it.
 * An optimizer that evaluates elsewhere than it trains (schedule-free: toEvaluationPoint) is
 * evaluated at its evaluation point, and fit returns the model there.
 */
import { validateDataset, split as splitDataset, type Dataset } from "../data/dataset.ts";
import type { Model } from "../nn/model.ts";
import { crossEntropy, mse, binaryCrossEntropyWithLogits } from "../nn/losses.ts";
import type { BaseOptions, Optimizer } from "../optim/optimizer.ts";
import { freeState, loadState, saveState, type OptimState } from "../optim/state.ts";
import type { ReduceOnPlateau } from "../optim/schedules.ts";
import { Random } from "../random.ts";
import { setThreads, threadCount, threadsUnavailable } from "../threads/threads.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { batchSizeOf, makeBatch, stepsPerEpoch, type BatchMode } from "./batches.ts";
import { evaluate, type Evaluation, type LossFn } from "./metrics.ts";
import {
  checkStoppingOptions,
  initialStopping,
  observeEpoch,
  type AdaptiveStopping,
  type EarlyStopping,
} from "./stopping.ts";
import { checkSnapshot, type Snapshot } from "./snapshot.ts";
import { trainStep, type Halt, type StepSetup } from "./step.ts";
import type { Divergence, EpochRecord } from "./records.ts";

export type { Divergence, EpochRecord } from "./records.ts";

export type LossName = "cross-entropy" | "mse" | "bce";
const LOSSES: Record<LossName, LossFn> = {
  "cross-entropy": (out, y) => crossEntropy(out, y),
  mse: (out, y) => mse(out, y as Tensor),
  bce: (out, y) => binaryCrossEntropyWithLogits(out, y as Tensor),
};

export interface StepInfo {
  epoch: number;
  step: number;
  loss: number;
  stepsPerEpoch: number;
  /** The optimizer state after this step's update: for diagnostics to read, never to change. */
  state: Readonly<OptimState>;
}

export interface FitOptions {
  optimizer: Optimizer<BaseOptions>;
  loss?: LossName | LossFn;
  epochs: number;
  batch?: BatchMode;
  seed?: number;
  /** A validation set, or the fraction of the training data to hold out (seeded split). */
  validation?: Dataset | number;
  l1?: number;
  l2?: number;
  clipNorm?: number;
  stopping?: AdaptiveStopping;
  earlyStopping?: EarlyStopping;
  /** Fed the validation loss (or the training loss) after every epoch. */
  plateau?: ReduceOnPlateau;
  /** Compute ROC AUC on the validation set (binary targets). */
  auc?: boolean;
  adjacency?: Tensor;
  onStep?: (info: StepInfo) => void;
  onEpoch?: (record: EpochRecord) => void;
  /** Called after every `every` epochs with a snapshot to store; resume with `resume`. */
  checkpoint?: { every?: number; save: (snapshot: Snapshot) => void | Promise<void> };
  resume?: Snapshot;
  signal?: AbortSignal;
  /** Yield to the event loop after this many milliseconds of work (a page stays responsive). */
  yieldEveryMs?: number;
  /**
   * Threads to train on (see setThreads): the products and optimizer passes split across them,
   * with results bit-identical to one thread. The engine's thread count is restored afterwards.
   * Where threads are unavailable, asking for more than one throws before any work.
   */
  threads?: number;
}

export type StopReason = "epochs" | "converged" | "early-stopping" | "diverged" | "aborted" | "optimizer-stopped";

export interface FitResult {
  history: EpochRecord[];
  stoppedBy: StopReason;
  /** The epoch at which the stopping criterion fired (the survey's epochs to converge), else null. */
  convergedEpoch: number | null;
  diverged: Divergence | null;
  steps: number;
  secondsPerEpoch: number;
  totalSeconds: number;
}

const now = () => globalThis.performance.now();

/** The training rows, the validation rows (given, or a seeded split of the training data) and the batch size. */
function trainingData(
  data: Dataset,
  options: FitOptions,
  seed: number,
): { train: Dataset; validation?: Dataset; batchSize: number } {
  let train = validateDataset(data, "training data");
  let validation: Dataset | undefined;
  if (typeof options.validation === "number") {
    const v = options.validation;
    if (!(v > 0 && v < 1)) throw new RangeError(`fit: validation fraction must be in (0, 1), got ${v}`);
    ({ train, validation } = splitDataset(train, { validation: v, seed }));
  } else if (options.validation) validation = validateDataset(options.validation, "validation data");
  const batchSize = batchSizeOf(options.batch ?? Math.min(64, train.n), train.n);
  if (batchSize > train.n)
    throw new RangeError(`fit: batch size ${batchSize} is larger than the ${train.n} training rows`);
  return { train, validation, batchSize };
}

export async function fit(model: Model, data: Dataset, options: FitOptions): Promise<FitResult> {
  const { threads } = options;
  if (threads === undefined) return fitOnThreads(model, data, options);
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`fit: threads must be a whole number ≥ 1, got ${threads}`);
  const reason = threads > 1 ? threadsUnavailable() : null;
  if (reason !== null) throw new Error(`fit: threads = ${threads} cannot run here: ${reason}`);
  const before = threadCount();
  await setThreads(threads);
  try {
    return await fitOnThreads(model, data, options);
  } finally {
    await setThreads(before);
  }
}

async function fitOnThreads(model: Model, data: Dataset, options: FitOptions): Promise<FitResult> {
  const { optimizer, epochs, seed = 0 } = options;
  if (!Number.isInteger(epochs) || epochs < 1)
    throw new RangeError(`fit: epochs must be an integer ≥ 1, got ${epochs}`);
  checkStoppingOptions(options.stopping, options.earlyStopping);
  const rng = new Random(seed);
  const { train, validation, batchSize } = trainingData(data, options, seed);
  const loss = typeof options.loss === "function" ? options.loss : LOSSES[options.loss ?? "cross-entropy"];
  if (!loss)
    throw new RangeError(`fit: unknown loss ${String(options.loss)}; valid: ${Object.keys(LOSSES).join(", ")}`);

  const setup: StepSetup = {
    model,
    loss,
    optimizer,
    rng,
    adjacency: options.adjacency,
    l1: options.l1,
    l2: options.l2,
    clipNorm: options.clipNorm,
  };
  let state: OptimState = optimizer.init(model.parameters.values.length);
  let stopping = initialStopping();
  const history: EpochRecord[] = [];
  let steps = 0,
    firstEpoch = 1;
  // Whatever throws from here on (out of memory, a callback, a failed save) must not leak the state.
  let released = false;
  try {
    if (options.resume) {
      const snap = checkSnapshot(options.resume);
      model.loadJSON(snap.model);
      const loaded = loadState(snap.optimizer);
      freeState(state);
      state = loaded;
      rng.setState(snap.rng);
      history.push(...snap.history);
      stopping = { ...snap.stopping };
      if (options.plateau && snap.plateau)
        options.plateau.setState(snap.plateau as ReturnType<ReduceOnPlateau["getState"]>);
      steps = snap.steps;
      firstEpoch = snap.epoch + 1;
    }

    const perEpoch = stepsPerEpoch(train.n, batchSize);
    let stoppedBy: StopReason = "epochs",
      diverged: Divergence | null = null,
      convergedEpoch: number | null = null;
    let lastYield = now();
    const started = now();
    const finish = (): FitResult => {
      optimizer.toEvaluationPoint?.(model.parameters.values, state);
      freeState(state);
      released = true;
      const seconds = history.map((h) => h.seconds);
      const total =
        (now() - started) / 1000 + (options.resume ? options.resume.history.reduce((s, h) => s + h.seconds, 0) : 0);
      return {
        history,
        stoppedBy,
        convergedEpoch,
        diverged,
        steps,
        secondsPerEpoch: seconds.length ? seconds.reduce((a, b) => a + b) / seconds.length : 0,
        totalSeconds: total,
      };
    };

    for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      const t0 = now();
      const order = rng.permutation(train.n);
      let sum = 0;
      for (let s = 0; s < perEpoch; s++) {
        if (options.signal?.aborted) {
          stoppedBy = "aborted";
          return finish();
        }
        const batch = makeBatch(train, order, s * batchSize, Math.min(train.n, (s + 1) * batchSize));
        let outcome: number | Halt;
        try {
          outcome = trainStep(setup, state, batch, { epoch, step: s + 1 });
        } finally {
          batch.free();
        }
        if (typeof outcome !== "number") {
          ({ stoppedBy, diverged } = outcome);
          return finish();
        }
        const value = outcome;
        steps++;
        sum += value * batch.size;
        options.onStep?.({ epoch, step: s + 1, loss: value, stepsPerEpoch: perEpoch, state });
        if (options.yieldEveryMs !== undefined && now() - lastYield >= options.yieldEveryMs) {
          await new Promise((r) => setTimeout(r, 0));
          lastYield = now();
        }
      }
      const record: EpochRecord = { epoch, trainLoss: sum / train.n, lr: optimizer.lrAt(state.step), seconds: 0 };
      if (validation) {
        const back = optimizer.toEvaluationPoint?.(model.parameters.values, state);
        let v: Evaluation;
        try {
          v = evaluate(model, validation, loss, { auc: options.auc });
        } finally {
          back?.();
        }
        record.validationLoss = v.loss;
        if (v.accuracy !== undefined) record.validationAccuracy = v.accuracy;
        if (v.auc !== undefined) record.validationAuc = v.auc;
      }
      record.seconds = (now() - t0) / 1000;
      history.push(record);
      options.plateau?.observe(record.validationLoss ?? record.trainLoss);
      options.onEpoch?.(record);
      const fired = observeEpoch(
        stopping,
        record.trainLoss,
        record.validationLoss,
        options.stopping,
        options.earlyStopping,
      );
      const last = fired !== null || epoch === epochs;
      if (options.checkpoint && (epoch % (options.checkpoint.every ?? 1) === 0 || last)) {
        await options.checkpoint.save({
          format: "descent-checkpoint",
          version: 1,
          epoch,
          steps,
          model: model.toJSON(),
          optimizer: saveState(state),
          rng: rng.getState(),
          history: history.map((h) => ({ ...h })),
          stopping: { ...stopping },
          plateau: options.plateau?.getState(),
        });
      }
      if (fired) {
        stoppedBy = fired;
        convergedEpoch = epoch;
        return finish();
      }
      if (options.signal?.aborted) {
        stoppedBy = "aborted";
        return finish();
      }
    }
    return finish();
  } catch (err) {
    if (!released) freeState(state);
    throw err;
  }
}
