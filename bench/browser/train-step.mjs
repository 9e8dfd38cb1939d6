// The training step of bench/train.ts, in a page: the 784-500-10 ReLU MLP, softmax cross-entropy,
// SGD, ours and TF.js's from the same initial weights on the same resident batch. The same recipe
// as there (bench/train.ts imports Node's modules, so it cannot be bundled for a page); the batch and
// the weights come from the same seeds, so the first losses match the Node suite's.
import { Activation, Linear, Model, Random, Sequential, crossEntropy, sgd, tensor } from "../../src/index.ts";

const MLP = [784, 500, 10];
const LR = 0.01;

/** bench/train.ts's randomBatch: pixels uniform in [0, 1), labels uniform, from Random(size). */
export function randomBatch(size) {
  const rng = new Random(size);
  const x = new Float32Array(size * MLP[0]);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  return { x, labels: Int32Array.from({ length: size }, () => rng.int(MLP[2])), size };
}

function mlpModel(seed) {
  return new Model(new Sequential([new Linear(MLP[0], MLP[1]), new Activation("relu"), new Linear(MLP[1], MLP[2])]), {
    seed,
  });
}

/** Ours: lossAndGrad into the gradient region, then sgd().update over the flat parameter region. */
export function ourStep(batch, seed) {
  const model = mlpModel(seed);
  const x = tensor(batch.x, [batch.size, MLP[0]]);
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
    return { step, firstLoss: step(), dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

/** TF.js's: optimizer.minimize with tf.train.sgd from our initial weights, the loss read back with dataSync. */
export function theirStep(tf, batch, seed) {
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
    const cost = opt.minimize(loss, true, weights);
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
