export { fit, checkSnapshot, type FitOptions, type FitResult, type EpochRecord, type Snapshot, type StopReason, type Divergence, type LossName, type StepInfo } from "./trainer.ts";
export { batchSizeOf, stepsPerEpoch, makeBatch, type BatchMode, type Batch } from "./batches.ts";
export { evaluate, binaryAuc, type Evaluation, type LossFn } from "./metrics.ts";
export { type AdaptiveStopping, type EarlyStopping } from "./stopping.ts";
