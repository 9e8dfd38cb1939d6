// One full training step (forward, backward, SGD update) of the 784-500-10 ReLU MLP with softmax
// cross-entropy, ours against TF.js (wasm, one thread) on the same data from the same weights.
// Both sides keep the batch resident: neither time includes copying a batch in.
import { Random, tensor, type Tensor } from "../src/index.ts";
import { Activation, Linear, Model, Sequential, crossEntropy } from "../src/nn/index.ts";
import { sgd } from "../src/optim/index.ts";
import { measure, msFields, num, spread, text, timingOptions, type Row, type Suite, type TimeOptions, type Timing } from "./lib.ts";
import { peerFor, type Peer } from "./tfjs.ts";

export const MLP = [784, 500, 10] as const;
const LR = 0.01;
/** The target: at least this many times TF.js's samples per second at batch 64. */
const TARGET_RATIO = 6;

export interface Batch { x: Float32Array; labels: Int32Array; size: number }

export function randomBatch(rng: Random, size: number): Batch {
  const x = new Float32Array(size * MLP[0]);
  for (let i = 0; i < x.length; i++) x[i] = rng.uniform();
  return { x, labels: Int32Array.from({ length: size }, () => rng.int(MLP[2])), size };
}

export function mlpModel(seed: number): Model {
  return new Model(new Sequential([new Linear(MLP[0], MLP[1]), new Activation("relu"), new Linear(MLP[1], MLP[2])]), { seed });
}

/** Our step, timed; returns the timing and the loss of the very first step (for the cross-check). */
function timeOurs(batch: Batch, seed: number, timing: TimeOptions): { t: Timing; firstLoss: number } {
  const model = mlpModel(seed);
  const x: Tensor = tensor(batch.x, [batch.size, MLP[0]]);
  const opt = sgd({ lr: LR });
  const state = opt.init(model.parameters.values.length);
  try {
    const step = () => {
      const loss = model.lossAndGrad(x, batch.labels, crossEntropy);
      opt.update(model.parameters.values, model.parameters.grads, state);
      return loss;
    };
    const firstLoss = step();
    return { t: measure(step, timing), firstLoss };
  } finally {
    x.free();
    model.free();
  }
}

/** TF.js's step from the same initial weights: optimizer.minimize with tf.train.sgd, the loss read back. */
function timeTheirs(peer: Peer, batch: Batch, seed: number, timing: TimeOptions): { t: Timing; firstLoss: number; leaked: number } {
  const { tf } = peer;
  const init = mlpModel(seed);
  const weights = init.parameters.params.map((p) => tf.variable(tf.tensor(p.tensor.toArray(), [...p.shape])));
  init.free();
  const [w1, b1, w2, b2] = weights;
  const x = tf.tensor(batch.x, [batch.size, MLP[0]]);
  const labels = tf.tensor(batch.labels, [batch.size], "int32");
  const onehot = tf.oneHot(labels, MLP[2]);
  const opt = tf.train.sgd(LR);
  const loss = () => tf.losses.softmaxCrossEntropy(onehot, tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, w1), b1)), w2), b2));
  const step = () => {
    const cost = opt.minimize(loss, true, weights)!;
    const value = cost.dataSync()[0];
    cost.dispose();
    return value;
  };
  try {
    const firstLoss = step();
    const before = tf.memory().numTensors;
    const t = measure(step, timing);
    return { t, firstLoss, leaked: tf.memory().numTensors - before };
  } finally {
    for (const t of [...weights, x, labels, onehot]) t.dispose();
    opt.dispose();
  }
}

export const trainSuite: Suite = {
  name: "train",
  about: "full SGD training step of the 784-500-10 MLP vs TF.js (wasm, 1 thread)",
  async run(opts) {
    const timing = timingOptions(opts);
    const notes: string[] = [];
    const peer = await peerFor(notes, ": optimizer.minimize(tf.train.sgd), loss read with dataSync()");
    notes.push("ours: Model.lossAndGrad (forward, backward into the gradient region) + sgd().update over the flat region; the loss read back too");
    notes.push("both start from the same weights and keep the batch resident (no batch copy timed)");
    const rows: Row[] = [];
    for (const size of [64, 256]) {
      const batch = randomBatch(new Random(size), size);
      const ours = timeOurs(batch, 7, timing);
      const theirs = peer ? timeTheirs(peer, batch, 7, timing) : null;
      const ratio = theirs ? theirs.t.median / ours.t.median : null;
      rows.push({
        batch: size,
        ...msFields("oursMs", ours.t),
        oursSamples: size / ours.t.median,
        ...(theirs ? msFields("tfjsMs", theirs.t) : { tfjsMs: null }),
        tfjsSamples: theirs ? size / theirs.t.median : null,
        ratio,
        target: size === 64 ? TARGET_RATIO : null,
        met: size === 64 && ratio !== null ? (ratio >= TARGET_RATIO ? "yes" : "no") : null,
        oursFirstLoss: ours.firstLoss,
        tfjsFirstLoss: theirs?.firstLoss ?? null,
      });
      if (theirs) {
        notes.push(`batch ${size}: first-step loss ours ${ours.firstLoss.toFixed(6)}, TF.js ${theirs.firstLoss.toFixed(6)}` +
          (theirs.leaked ? `; TF.js left ${theirs.leaked} tensors behind while timed` : ""));
      }
      process.stderr.write(".");
    }
    process.stderr.write("\n");
    return {
      title: "Training step, 784-500-10 ReLU MLP, softmax cross-entropy, SGD: ms per step median (min–max)",
      columns: [
        num("batch", "batch", 0), spread("ours ms", "oursMs", 2), num("ours samples/s", "oursSamples", 0),
        spread("TF.js ms", "tfjsMs", 2), num("TF.js samples/s", "tfjsSamples", 0),
        num("ours/TF.js", "ratio", 2), num("target", "target", 0), text("met", "met"),
      ],
      rows,
      notes,
    };
  },
};
