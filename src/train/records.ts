/**
 * What a training run records: one row per epoch, and where it diverged. Below trainer.ts, step.ts
 * and snapshot.ts, which all use them.
 */
import type { Evaluation } from "./metrics.ts";

export interface EpochRecord extends Partial<Evaluation> {
  epoch: number;
  trainLoss: number;
  lr: number;
  seconds: number;
  validationLoss?: number;
  validationAccuracy?: number;
  validationAuc?: number;
}

/**
 * Where a run first went non-finite: the loss value, or, for the gradient and the parameters after
 * an update, the first offending element (its parameter's name, flat index within it, and value).
 */
export interface Divergence {
  epoch: number;
  step: number;
  where: "loss" | "gradient" | "parameters";
  value?: number;
  parameter?: string;
  index?: number;
}
