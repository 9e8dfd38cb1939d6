// One full training step (forward, backward, SGD update) of the 784-500-10 ReLU MLP with softmax
// cross-entropy, ours against TF.js (wasm, one thread) on the same data from the same weights.
// Both sides keep the batch resident: neither time includes copying a batch in.
import { Random, tensor, type Tensor } from "../src/index.ts";
import { Activation, Linear, Model, Sequential, crossEntropy } from "../src/nn/index.ts";
import { sgd } from "../src/optim/index.ts";
import {
  measureInterleaved,
  msFields,
  ratioPerRound,
  num,
  spread,
  text,
  timingOptions,
  type Row,
  type Suite,
  type Timing,
} from "./lib.ts";
import { peerFor, type Peer } from "./tfjs.ts";

export const MLP = [784, 500, 10] as const;
const LR = 0.01;
/** The target: at least this many times TF.js's samples per second at batch 64. */
const TARGET_RATIO = 6;

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
export function theirStep(peer: Peer, batch: Batch, seed: number): Stepper {
  const { tf } = peer;
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

export const trainSuite: Suite = {
  name: "train",
  about: "full SGD training step of the 784-500-10 MLP vs TF.js (wasm, 1 thread)",
  async run(opts) {
    const timing = timingOptions(opts);
    const notes: string[] = [];
    const peer = await peerFor(notes, ": optimizer.minimize(tf.train.sgd), loss read with dataSync()");
    notes.push(
      "ours: Model.lossAndGrad (forward, backward into the gradient region) + sgd().update over the flat region; the loss read back too",
    );
    notes.push("both start from the same weights and keep the batch resident (no batch copy timed)");
    notes.push(
      "ours and TF.js are sampled in turn; TF.js/ours is taken within each round, median (min–max) over rounds",
    );
    const rows: Row[] = [];
    for (const size of [64, 256]) {
      const batch = randomBatch(new Random(size), size);
      const ours = ourStep(batch, 7);
      const theirs = peer ? theirStep(peer, batch, 7) : null;
      let timings: Timing[],
        rounds: number[][],
        leaked = 0;
      try {
        ({ timings, rounds } = measureInterleaved(theirs ? [ours.step, theirs.step] : [ours.step], timing));
        leaked = theirs?.tensorsAdded() ?? 0;
      } finally {
        ours.dispose();
        theirs?.dispose();
      }
      const speedup = theirs ? ratioPerRound(rounds, 1, 0) : null;
      const ratio = speedup?.median ?? null;
      rows.push({
        batch: size,
        ...msFields("oursMs", timings[0]),
        oursSamples: size / timings[0].median,
        ...(theirs ? msFields("tfjsMs", timings[1]) : { tfjsMs: null }),
        tfjsSamples: theirs ? size / timings[1].median : null,
        ...(speedup ? { ratio, ratioMin: speedup.min, ratioMax: speedup.max } : { ratio: null }),
        target: size === 64 ? TARGET_RATIO : null,
        met: size === 64 && ratio !== null ? (ratio >= TARGET_RATIO ? "yes" : "no") : null,
        oursFirstLoss: ours.firstLoss,
        tfjsFirstLoss: theirs?.firstLoss ?? null,
      });
      if (theirs) {
        notes.push(
          `batch ${size}: first-step loss ours ${ours.firstLoss.toFixed(6)}, TF.js ${theirs.firstLoss.toFixed(6)}` +
            (leaked ? `; TF.js left ${leaked} tensors behind while timed` : ""),
        );
      }
      process.stderr.write(".");
    }
    process.stderr.write("\n");
    return {
      title: "Training step, 784-500-10 ReLU MLP, softmax cross-entropy, SGD: ms per step median (min–max)",
      columns: [
        num("batch", "batch", 0),
        spread("ours ms", "oursMs", 2),
        num("ours samples/s", "oursSamples", 0),
        spread("TF.js ms", "tfjsMs", 2),
        num("TF.js samples/s", "tfjsSamples", 0),
        spread("TF.js/ours", "ratio", 2),
        num("target", "target", 0),
        text("met", "met"),
      ],
      rows,
      notes,
    };
  },
};
