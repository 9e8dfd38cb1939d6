/** Evaluation metrics over a whole dataset, computed in evaluation mode in batches. */
import type { Dataset } from "../data/dataset.ts";
import { rocAuc } from "../data/link-prediction.ts";
import type { Model } from "../nn/model.ts";
import type { Tensor } from "../tensor/tensor.ts";
import { noGrad } from "../autodiff/grad.ts";
import { scoped } from "../tensor/scope.ts";
import { argmax } from "../autodiff/ops/reduce.ts";
import { identityOrder, makeBatch } from "./batches.ts";

export type LossFn = (output: Tensor, target: Int32Array | Tensor) => Tensor;
export interface Evaluation {
  loss: number;
  accuracy?: number;
  auc?: number;
}

/** Mean loss over the dataset (batch losses weighted by batch size), and accuracy or AUC where they apply. */
export function evaluate(model: Model, ds: Dataset, loss: LossFn, { batchSize = 1024, auc = false } = {}): Evaluation {
  const order = identityOrder(ds.n);
  let total = 0,
    correct = 0;
  const scores: number[] = [];
  for (let start = 0; start < ds.n; start += batchSize) {
    const end = Math.min(ds.n, start + batchSize);
    const batch = makeBatch(ds, order, start, end);
    try {
      scoped(() =>
        noGrad(() => {
          const out = model.predict(batch.x);
          total += loss(out, batch.y).item() * batch.size;
          if (batch.y instanceof Int32Array) {
            const pred = argmax(out, -1);
            for (let i = 0; i < pred.length; i++) if (pred[i] === batch.y[i]) correct++;
          } else if (auc) scores.push(...out.toArray());
          out.free();
        }),
      );
    } finally {
      batch.free();
    }
  }
  const result: Evaluation = { loss: total / ds.n };
  if (ds.y instanceof Int32Array) result.accuracy = correct / ds.n;
  else if (auc) result.auc = binaryAuc(scores, ds.y);
  return result;
}

/** ROC AUC of scores against 0/1 targets. */
export function binaryAuc(scores: ArrayLike<number>, targets: ArrayLike<number>): number {
  const pos: number[] = [],
    neg: number[] = [];
  for (let i = 0; i < targets.length; i++) (targets[i] > 0.5 ? pos : neg).push(scores[i]);
  return rocAuc(pos, neg);
}
