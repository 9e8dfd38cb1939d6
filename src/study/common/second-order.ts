/**
 * Second-order methods on a model: full-batch minimizers (L-BFGS, Newton-CG, AdaHessian) over
 * the model's loss on the whole training set, through tensorObjective (f64 point, f32 engine).
 * One iteration is counted as one epoch (one full-batch gradient, plus the line search's extra
 * evaluations or the HVPs), and the same adaptive stopping rule decides convergence.
 */
import type { Dataset } from "../../data/index.ts";
import type { Model } from "../../nn/index.ts";
import { crossEntropy } from "../../nn/index.ts";
import {
  AdaHessian,
  Lbfgs,
  NewtonCG,
  Sophia,
  tensorObjective,
  type Minimizer,
} from "../../optim/second-order/index.ts";
import { evaluate, type AdaptiveStopping } from "../../train/index.ts";
import { initialStopping, observeEpoch } from "../../train/stopping.ts";
import { tensor } from "../../tensor/tensor.ts";
import { f32View } from "../../wasm/module.ts";
import type { RunContext } from "../study.ts";
import type { EpochPoint, TrainOutcome } from "./train.ts";

export interface SecondOrderOptions {
  method: "lbfgs" | "newton-cg" | "adahessian" | "sophia";
  model: Model;
  train: Dataset;
  validation: Dataset;
  lr: number;
  epochs: number;
  seed: number;
  stopping: AdaptiveStopping;
  ctx: RunContext;
}

function loadPoint(model: Model, w: Float64Array): void {
  let at = 0;
  for (const p of model.parameters.tensors) {
    f32View(p.ptr, p.size).set(w.subarray(at, at + p.size));
    at += p.size;
  }
}

export async function secondOrderRun(o: SecondOrderOptions): Promise<TrainOutcome & { evaluations: number }> {
  const loss = (out: Parameters<typeof crossEntropy>[0], y: Int32Array) => crossEntropy(out, y);
  const x = tensor(o.train.x, [o.train.n, ...o.train.featureShape]);
  const y = o.train.y as Int32Array;
  try {
    const params = o.model.parameters.tensors;
    const objective = tensorObjective(() => loss(o.model.forward(x, { training: false }), y), params);
    const w0 = new Float64Array(objective.dim);
    let at = 0;
    for (const p of params) {
      w0.set(p.toArray(), at);
      at += p.size;
    }
    const m: Minimizer =
      o.method === "lbfgs"
        ? new Lbfgs(objective, w0)
        : o.method === "newton-cg"
          ? new NewtonCG(objective, w0, { maxCg: 10 })
          : o.method === "sophia"
            ? new Sophia(objective, w0, { lr: o.lr, seed: o.seed })
            : new AdaHessian(objective, w0, { lr: o.lr, seed: o.seed });
    const history: EpochPoint[] = [];
    const stopping = initialStopping();
    let stoppedBy = "epochs",
      convergedEpoch: number | null = null,
      diverged: TrainOutcome["diverged"] = null;
    const started = performance.now();
    for (let epoch = 1; epoch <= o.epochs; epoch++) {
      if (o.ctx.signal?.aborted) throw new DOMException("the run was interrupted", "AbortError");
      const t0 = performance.now();
      const moved = m.step();
      if (!Number.isFinite(m.value)) {
        diverged = { epoch, step: epoch, where: "loss" };
        stoppedBy = "diverged";
        break;
      }
      loadPoint(o.model, m.w);
      const v = evaluate(o.model, o.validation, loss as never);
      history.push({
        epoch,
        trainLoss: m.value,
        validationLoss: v.loss,
        validationAccuracy: v.accuracy,
        seconds: (performance.now() - t0) / 1000,
      });
      o.ctx.progress(epoch / o.epochs, `iteration ${epoch}/${o.epochs} loss ${m.value.toPrecision(4)}`);
      const fired = observeEpoch(stopping, m.value, v.loss, o.stopping);
      if (fired) {
        stoppedBy = fired;
        convergedEpoch = epoch;
        break;
      }
      if (!moved) {
        stoppedBy = "no-progress";
        convergedEpoch = epoch;
        break;
      }
      await new Promise((r) => setTimeout(r, 0)); // let Ctrl-C in between iterations
    }
    const last = history.at(-1);
    const ok = diverged === null && last !== undefined;
    const totalSeconds = (performance.now() - started) / 1000;
    return {
      lr: o.lr,
      seed: o.seed,
      history,
      stoppedBy,
      convergedEpoch,
      diverged,
      epochs: history.length + (diverged ? 1 : 0),
      steps: m.iteration,
      evaluations: m.evaluations,
      secondsPerEpoch: history.length ? history.reduce((s, h) => s + h.seconds, 0) / history.length : 0,
      totalSeconds,
      finalTrainLoss: ok ? last.trainLoss : NaN,
      finalValidationLoss: ok ? last.validationLoss! : NaN,
      finalAccuracy: ok ? last.validationAccuracy! : NaN,
    };
  } finally {
    x.free();
  }
}
