/**
 * The training loop: epochs of seeded shuffled batches, one optimizer update per batch, an
 * evaluation per epoch, the stopping criteria, checkpoints at epoch boundaries, and a report of
 * what happened. A diverging run (NaN or Inf in the loss, the gradient or the parameters) stops
 * and says where; it never throws out of fit, so a study of many runs survives it.
 */
import { validateDataset, split as splitDataset, type Dataset } from "../data/dataset.ts";
import type { Model, ModelJSON } from "../nn/model.ts";
import { crossEntropy, mse, binaryCrossEntropyWithLogits } from "../nn/losses.ts";
import { NonFiniteGradientError, type BaseOptions, type Optimizer } from "../optim/optimizer.ts";
import { freeState, loadState, saveState, type OptimState, type SavedState } from "../optim/state.ts";
import type { ReduceOnPlateau } from "../optim/schedules.ts";
import { clipByGlobalNorm } from "../optim/clip.ts";
import { Random } from "../random.ts";
import { kernels, f32View } from "../wasm/module.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { batchSizeOf, makeBatch, stepsPerEpoch, type BatchMode } from "./batches.ts";
import { evaluate, type Evaluation, type LossFn } from "./metrics.ts";
import { checkStoppingOptions, initialStopping, observeEpoch, type AdaptiveStopping, type EarlyStopping, type StoppingState } from "./stopping.ts";

export type LossName = "cross-entropy" | "mse" | "bce";
const LOSSES: Record<LossName, LossFn> = {
  "cross-entropy": (out, y) => crossEntropy(out, y),
  mse: (out, y) => mse(out, y as Tensor),
  bce: (out, y) => binaryCrossEntropyWithLogits(out, y as Tensor),
};

export interface EpochRecord extends Partial<Evaluation> {
  epoch: number;
  trainLoss: number;
  lr: number;
  seconds: number;
  validationLoss?: number;
  validationAccuracy?: number;
  validationAuc?: number;
}

export interface StepInfo { epoch: number; step: number; loss: number; stepsPerEpoch: number }

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
}

export type StopReason = "epochs" | "converged" | "early-stopping" | "diverged" | "aborted" | "optimizer-stopped";

/**
 * Where a run first went non-finite: the loss value, or, for the gradient and the parameters after
 * an update, the first offending element (its parameter's name, flat index within it, and value).
 */
export interface Divergence { epoch: number; step: number; where: "loss" | "gradient" | "parameters"; value?: number; parameter?: string; index?: number }

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

export interface Snapshot {
  format: "descent-checkpoint";
  version: 1;
  epoch: number;
  steps: number;
  model: ModelJSON;
  optimizer: SavedState;
  rng: number[];
  history: EpochRecord[];
  stopping: StoppingState;
  plateau?: unknown;
}

const now = () => globalThis.performance.now();

export async function fit(model: Model, data: Dataset, options: FitOptions): Promise<FitResult> {
  const { optimizer, epochs, seed = 0 } = options;
  if (!Number.isInteger(epochs) || epochs < 1) throw new RangeError(`fit: epochs must be an integer ≥ 1, got ${epochs}`);
  checkStoppingOptions(options.stopping, options.earlyStopping);
  const rng = new Random(seed);
  let train = validateDataset(data, "training data");
  let validation: Dataset | undefined;
  if (typeof options.validation === "number") {
    const v = options.validation;
    if (!(v > 0 && v < 1)) throw new RangeError(`fit: validation fraction must be in (0, 1), got ${v}`);
    ({ train, validation } = splitDataset(train, { validation: v, seed }));
  } else if (options.validation) validation = validateDataset(options.validation, "validation data");
  const batchSize = batchSizeOf(options.batch ?? Math.min(64, train.n), train.n);
  if (batchSize > train.n) throw new RangeError(`fit: batch size ${batchSize} is larger than the ${train.n} training rows`);
  const loss = typeof options.loss === "function" ? options.loss : LOSSES[options.loss ?? "cross-entropy"];
  if (!loss) throw new RangeError(`fit: unknown loss ${String(options.loss)}; valid: ${Object.keys(LOSSES).join(", ")}`);

  const params = model.parameters;
  let state: OptimState = optimizer.init(params.values.length);
  let stopping = initialStopping();
  const history: EpochRecord[] = [];
  let steps = 0, firstEpoch = 1;
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
      if (options.plateau && snap.plateau) options.plateau.setState(snap.plateau as ReturnType<ReduceOnPlateau["getState"]>);
      steps = snap.steps;
      firstEpoch = snap.epoch + 1;
    }

    const perEpoch = stepsPerEpoch(train.n, batchSize);
    let stoppedBy: StopReason = "epochs", diverged: Divergence | null = null, convergedEpoch: number | null = null;
    let lastYield = now();
    const started = now();
    const finish = (): FitResult => {
      freeState(state);
      released = true;
      const seconds = history.map((h) => h.seconds);
      const total = (now() - started) / 1000 + (options.resume ? options.resume.history.reduce((s, h) => s + h.seconds, 0) : 0);
      return { history, stoppedBy, convergedEpoch, diverged, steps, secondsPerEpoch: seconds.length ? seconds.reduce((a, b) => a + b) / seconds.length : 0, totalSeconds: total };
    };

    for (let epoch = firstEpoch; epoch <= epochs; epoch++) {
      const t0 = now();
      const order = rng.permutation(train.n);
      let sum = 0;
      for (let s = 0; s < perEpoch; s++) {
        if (options.signal?.aborted) { stoppedBy = "aborted"; return finish(); }
        const batch = makeBatch(train, order, s * batchSize, Math.min(train.n, (s + 1) * batchSize));
        let value: number;
        try {
          value = model.lossAndGrad(batch.x, batch.y, loss, { rng, adjacency: options.adjacency, l1: options.l1, l2: options.l2 });
        } finally {
          batch.free();
        }
        if (!Number.isFinite(value)) { diverged = { epoch, step: s + 1, where: "loss", value }; stoppedBy = "diverged"; return finish(); }
        if (options.clipNorm !== undefined) clipByGlobalNorm([params.grads], options.clipNorm);
        let result;
        try {
          result = optimizer.update(params.values, params.grads, state);
        } catch (err) {
          if (err instanceof NonFiniteGradientError) { diverged = { epoch, step: s + 1, where: "gradient", ...firstNonFinite(model, params.grads.ptr) }; stoppedBy = "diverged"; return finish(); }
          throw err;
        }
        if (result === "stopped") {
          // onNonFinite "stop": say where, as for "throw" (a state stopped earlier, by a resumed run, has nothing to point at).
          if (!kernels.allFinite(params.grads.ptr, params.grads.length)) diverged = { epoch, step: s + 1, where: "gradient", ...firstNonFinite(model, params.grads.ptr) };
          stoppedBy = "optimizer-stopped";
          return finish();
        }
        if (!kernels.allFinite(params.values.ptr, params.values.length)) { diverged = { epoch, step: s + 1, where: "parameters", ...firstNonFinite(model, params.values.ptr) }; stoppedBy = "diverged"; return finish(); }
        steps++;
        sum += value * batch.size;
        options.onStep?.({ epoch, step: s + 1, loss: value, stepsPerEpoch: perEpoch });
        if (options.yieldEveryMs !== undefined && now() - lastYield >= options.yieldEveryMs) {
          await new Promise((r) => setTimeout(r, 0));
          lastYield = now();
        }
      }
      const record: EpochRecord = { epoch, trainLoss: sum / train.n, lr: optimizer.lrAt(state.step), seconds: 0 };
      if (validation) {
        const v = evaluate(model, validation, loss, { auc: options.auc });
        record.validationLoss = v.loss;
        if (v.accuracy !== undefined) record.validationAccuracy = v.accuracy;
        if (v.auc !== undefined) record.validationAuc = v.auc;
      }
      record.seconds = (now() - t0) / 1000;
      history.push(record);
      options.plateau?.observe(record.validationLoss ?? record.trainLoss);
      options.onEpoch?.(record);
      const fired = observeEpoch(stopping, record.trainLoss, record.validationLoss, options.stopping, options.earlyStopping);
      const last = fired !== null || epoch === epochs;
      if (options.checkpoint && (epoch % (options.checkpoint.every ?? 1) === 0 || last)) {
        await options.checkpoint.save({
          format: "descent-checkpoint", version: 1, epoch, steps, model: model.toJSON(), optimizer: saveState(state),
          rng: rng.getState(), history: history.map((h) => ({ ...h })), stopping: { ...stopping }, plateau: options.plateau?.getState(),
        });
      }
      if (fired) { stoppedBy = fired; convergedEpoch = epoch; return finish(); }
      if (options.signal?.aborted) { stoppedBy = "aborted"; return finish(); }
    }
    return finish();
  } catch (err) {
    if (!released) freeState(state);
    throw err;
  }
}

/** The first NaN or ±Inf in a region laid out as the model's parameters (values or gradients): only read on the way out. */
function firstNonFinite(model: Model, region: number): Pick<Divergence, "parameter" | "index" | "value"> {
  for (const p of model.parameters.params) {
    const data = f32View(region + p.offset * 4, p.size);
    for (let i = 0; i < data.length; i++) if (!Number.isFinite(data[i])) return { parameter: p.name, index: i, value: data[i] };
  }
  return {};
}

/** Checks a snapshot's format before anything is loaded from it. */
export function checkSnapshot(s: unknown): Snapshot {
  const snap = s as Snapshot;
  if (!snap || snap.format !== "descent-checkpoint") throw new RangeError(`checkpoint: not a descent checkpoint (format ${JSON.stringify(snap?.format)})`);
  if (snap.version !== 1) throw new RangeError(`checkpoint: unsupported version ${JSON.stringify(snap.version)} (this build reads version 1)`);
  if (!Number.isInteger(snap.epoch) || snap.epoch < 0) throw new RangeError(`checkpoint: epoch ${snap.epoch} is not a count`);
  if (!Array.isArray(snap.rng) || !Array.isArray(snap.history) || !snap.optimizer || !snap.model) throw new RangeError("checkpoint: missing model, optimizer, rng or history");
  if (snap.model.format !== "descent-model" || snap.model.version !== 1) throw new RangeError(`checkpoint: its model is format ${JSON.stringify(snap.model.format)} version ${JSON.stringify(snap.model.version)}; this build reads descent-model version 1`);
  return snap;
}
