// One full training step (forward, backward, SGD update) of the 784-500-10 ReLU MLP with softmax
// cross-entropy, ours against TF.js (wasm, one thread) on the same data from the same weights.
// Both sides keep the batch resident: neither time includes copying a batch in.
import { Random } from "../src/index.ts";
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
import { peerFor } from "./tfjs.ts";
import { ourStep, randomBatch, theirStep } from "./train-step.ts";

export { MLP, mlpModel, randomBatch } from "./train-step.ts";

/** The target: at least this many times TF.js's samples per second at batch 64. */
const TARGET_RATIO = 6;

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
      const theirs = peer ? theirStep(peer.tf, batch, 7) : null;
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
