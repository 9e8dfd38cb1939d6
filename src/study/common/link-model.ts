/**
 * Link prediction with a graph auto-encoder (Kipf & Welling 2016, "Variational graph
 * auto-encoders", the non-variational GAE): node embeddings Z = GCN(X, Â) from one-hot features X
 * through two GraphConv layers over the training graph's normalized adjacency Â, an inner-product
 * decoder score(u, v) = z_u·z_v, and binary cross-entropy with logits on the training edges
 * (label 1) and as many non-edges sampled afresh each epoch from the training-negative pool (label 0).
 */
import {
  Activation,
  GraphConv,
  Model,
  Sequential,
  binaryCrossEntropyWithLogits,
  normalizeAdjacency,
} from "../../nn/index.ts";
import { denseAdjacency, rocAuc, type LinkSplit } from "../../data/index.ts";
import { NonFiniteGradientError, freeState, type BaseOptions, type Optimizer } from "../../optim/index.ts";
import { gather, mul, noGrad, scoped, sum, tensor, type Tensor } from "../../nn/ops.ts";
import { Random } from "../../random.ts";
import { kernels } from "../../wasm/module.ts";
import type { BatchMode } from "../../train/index.ts";
import type { RunContext } from "../study.ts";
import type { OptimizerContext } from "./optimizers.ts";

export interface LinkModelOptions {
  optimizer: (ctx: OptimizerContext) => Optimizer<BaseOptions>;
  epochs: number;
  /** Pairs per step: "full" (all positives and their negatives), "stochastic" (one pair) or a count. */
  batch: BatchMode;
  hidden: number;
  embedding: number;
  seed: number;
  ctx?: RunContext;
}

export interface LinkEpoch {
  epoch: number;
  trainLoss: number;
  testAuc: number;
  testAccuracy: number;
}
export interface LinkOutcome {
  history: LinkEpoch[];
  diverged: { epoch: number; step: number; where: string } | null;
  trainLoss: number;
  testAuc: number;
  testAccuracy: number;
  steps: number;
  seconds: number;
}

/** Inner products z_u·z_v of flat pairs, as a [pairs, 1] column. */
function pairScores(z: Tensor, pairs: Int32Array): Tensor {
  const u = new Int32Array(pairs.length / 2),
    v = new Int32Array(pairs.length / 2);
  for (let i = 0; i < u.length; i++) {
    u[i] = pairs[2 * i];
    v[i] = pairs[2 * i + 1];
  }
  return sum(mul(gather(z, u), gather(z, v)), 1, true);
}

export async function trainLinkModel(split: LinkSplit, o: LinkModelOptions): Promise<LinkOutcome> {
  const n = split.train.nodes;
  const rng = new Random(o.seed);
  const model = new Model(
    new Sequential([new GraphConv(n, o.hidden), new Activation("relu"), new GraphConv(o.hidden, o.embedding)]),
    { seed: o.seed },
  );
  const adjacency = normalizeAdjacency(denseAdjacency(split.train), n);
  const eye = new Float32Array(n * n);
  for (let i = 0; i < n; i++) eye[i * n + i] = 1;
  const features = tensor(eye, [n, n]);
  const positives = split.train.edges,
    m = positives.length / 2;
  const pool = split.trainNegative,
    poolSize = pool.length / 2;
  const pairsPerEpoch = 2 * m;
  const batchSize =
    o.batch === "full" ? pairsPerEpoch : o.batch === "stochastic" ? 1 : Math.min(o.batch, pairsPerEpoch);
  const stepsPerEpoch = Math.ceil(pairsPerEpoch / batchSize);
  const optimizer = o.optimizer({ stepsPerEpoch, parameters: model.parameters.params });
  const state = optimizer.init(model.parameters.values.length);
  const params = model.parameters;
  const history: LinkEpoch[] = [];
  let diverged: LinkOutcome["diverged"] = null,
    steps = 0,
    last = 0;
  const started = performance.now();

  const evaluateTest = () =>
    scoped(() =>
      noGrad(() => {
        const z = model.predict(features, { adjacency });
        const pos = pairScores(z, split.testPositive).toArray(),
          neg = pairScores(z, split.testNegative).toArray();
        z.free();
        let correct = 0;
        for (const s of pos) if (s > 0) correct++;
        for (const s of neg) if (s <= 0) correct++;
        return { auc: rocAuc(pos, neg), accuracy: correct / (pos.length + neg.length) };
      }),
    );

  try {
    for (let epoch = 1; epoch <= o.epochs && !diverged; epoch++) {
      if (o.ctx?.signal?.aborted) throw new DOMException("the run was interrupted", "AbortError");
      // This epoch's pairs: every training edge and m fresh non-edges, in a seeded order.
      const pairs = new Int32Array(2 * pairsPerEpoch),
        labels = new Float32Array(pairsPerEpoch);
      pairs.set(positives);
      labels.fill(1, 0, m);
      for (let k = 0; k < m; k++) {
        const j = rng.int(poolSize);
        pairs[2 * (m + k)] = pool[2 * j];
        pairs[2 * (m + k) + 1] = pool[2 * j + 1];
      }
      const order = rng.permutation(pairsPerEpoch);
      let total = 0;
      for (let s = 0; s < stepsPerEpoch; s++) {
        const idx = order.subarray(s * batchSize, Math.min(pairsPerEpoch, (s + 1) * batchSize));
        const bp = new Int32Array(2 * idx.length),
          by = new Float32Array(idx.length);
        idx.forEach((p, i) => {
          bp[2 * i] = pairs[2 * p];
          bp[2 * i + 1] = pairs[2 * p + 1];
          by[i] = labels[p];
        });
        const y = tensor(by, [idx.length, 1]);
        let value: number;
        try {
          value = model.lossAndGrad(
            features,
            bp,
            (z, target: Int32Array) => binaryCrossEntropyWithLogits(pairScores(z, target), y),
            { adjacency },
          );
        } finally {
          y.free();
        }
        if (!Number.isFinite(value)) {
          diverged = { epoch, step: s + 1, where: "loss" };
          break;
        }
        try {
          optimizer.update(params.values, params.grads, state);
        } catch (e) {
          if (e instanceof NonFiniteGradientError) {
            diverged = { epoch, step: s + 1, where: "gradient" };
            break;
          }
          throw e;
        }
        if (!kernels.allFinite(params.values.ptr, params.values.length)) {
          diverged = { epoch, step: s + 1, where: "parameters" };
          break;
        }
        steps++;
        total += value * idx.length;
      }
      if (diverged) break;
      const test = evaluateTest();
      history.push({ epoch, trainLoss: total / pairsPerEpoch, testAuc: test.auc, testAccuracy: test.accuracy });
      const t = performance.now();
      if (o.ctx && t - last > 100) {
        last = t;
        o.ctx.progress(
          epoch / o.epochs,
          `epoch ${epoch}/${o.epochs} loss ${(total / pairsPerEpoch).toPrecision(4)} AUC ${test.auc.toFixed(3)}`,
        );
        await new Promise((r) => setTimeout(r, 0)); // let Ctrl-C in
      }
    }
    const end = history.at(-1);
    const ok = !diverged && end !== undefined;
    return {
      history,
      diverged,
      steps,
      seconds: (performance.now() - started) / 1000,
      trainLoss: ok ? end.trainLoss : NaN,
      testAuc: ok ? end.testAuc : NaN,
      testAccuracy: ok ? end.testAccuracy : NaN,
    };
  } finally {
    freeState(state);
    adjacency.free();
    features.free();
    model.free();
  }
}
