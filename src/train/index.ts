export {
  fit,
  type FitOptions,
  type FitResult,
  type EpochRecord,
  type StopReason,
  type Divergence,
  type LossName,
  type StepInfo,
} from "./trainer.ts";
export { checkSnapshot, type Snapshot } from "./snapshot.ts";
export { batchSizeOf, stepsPerEpoch, makeBatch, type BatchMode, type Batch } from "./batches.ts";
export { evaluate, binaryAuc, type Evaluation, type LossFn } from "./metrics.ts";
export { type AdaptiveStopping, type EarlyStopping } from "./stopping.ts";
