// The training step the benchmarks time (bench/train.ts and bench/threads.ts in Node,
// bench/browser/page.mjs in a page): the 784-500-10 ReLU MLP, softmax cross-entropy, SGD, ours and
// TF.js's from the same initial weights on the same resident batch. Nothing here imports Node's
// modules, so a page bundles it as it is.
import { Random, tensor, type Tensor } from "../src/index.ts";
import { Activation, Linear, Model, Sequential, crossEntropy } from "../src/nn/index.ts";
import { sgd } from "../src/optim/index.ts";
import type { Tf } from "./tfjs.ts";

export const MLP = [784, 500, 10] as const;
const LR = 0.01;

export interface Batch {
  x: Float32Array;
  labels: Int32Array;
  size: number;
}

export function randomBatch(rng: Random, size: number): Batch {
  const x = new Float32Array(size * MLP[0]);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  return { x, labels: Int32Array.from({ length: size }, () => rng.int(MLP[2])), size };
}

export function mlpModel(seed: number): Model {
  return new Model(new Sequential([new Linear(MLP[0], MLP[1]), new Activation("relu"), new Linear(MLP[1], MLP[2])]), {
    seed,
  });
}

export interface Stepper {
  step: () => number;
  firstLoss: number;
  tensorsAdded: () => number;
  dispose: () => void;
}

/** Our step: lossAndGrad into the gradient region, then sgd().update; taken once for the first loss. */
export function ourStep(batch: Batch, seed: number): Stepper {
  const model = mlpModel(seed);
  const x: Tensor = tensor(batch.x, [batch.size, MLP[0]]);
  const opt = sgd({ lr: LR });
  const state = opt.init(model.parameters.values.length);
  const step = () => {
    const loss = model.lossAndGrad(x, batch.labels, crossEntropy);
    opt.update(model.parameters.values, model.parameters.grads, state);
    return loss;
  };
  const dispose = () => {
    x.free();
    model.free();
  };
  try {
    return { step, firstLoss: step(), tensorsAdded: () => 0, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** TF.js's step from the same initial weights: optimizer.minimize with tf.train.sgd, the loss read back. */
export function theirStep(tf: Tf, batch: Batch, seed: number): Stepper {
  const init = mlpModel(seed);
  const weights = init.parameters.params.map((p) => tf.variable(tf.tensor(p.tensor.toArray(), [...p.shape])));
  init.free();
  const [w1, b1, w2, b2] = weights;
  const x = tf.tensor(batch.x, [batch.size, MLP[0]]);
  const labels = tf.tensor(batch.labels, [batch.size], "int32");
  const onehot = tf.oneHot(labels, MLP[2]);
  const opt = tf.train.sgd(LR);
  const loss = () =>
    tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2));
  const step = () => {
    const cost = opt.minimize(loss, true, weights)!;
    const value = cost.dataSync()[0];
    cost.dispose();
    return value;
  };
  const dispose = () => {
    for (const t of [...weights, x, labels, onehot]) t.dispose();
    opt.dispose();
  };
  try {
    const firstLoss = step();
    const before = tf.memory().numTensors;
    return { step, firstLoss, tensorsAdded: () => tf.memory().numTensors - before, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}
