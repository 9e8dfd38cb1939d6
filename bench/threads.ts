// The engine on two threads against one (src/threads/), in one run, samples alternating:
//   - the training step of bench/train.ts (784-500-10 MLP, SGD) at batch 64 and 256, with
//     TF.js's wasm backend on one thread beside it;
//   - the Adam update over 1e7 parameters, set against the DRAM copy bandwidth the same run
//     measures with one thread and with two (Adam moves 28 bytes a parameter; memory-bound there).
// Thread counts switch between samples with setThreads, which takes effect at once once the
// workers run; both sides use the same (shared) engine memory.
import { Random } from "../src/random.ts";
import { adam } from "../src/optim/index.ts";
import { activePool, setThreads, threadCount } from "../src/threads/threads.ts";
import { ranges } from "../src/threads/split.ts";
import { engineBuild, heap } from "../src/wasm/module.ts";
import {
  measureInterleaved,
  msFields,
  num,
  ratioPerRound,
  spread,
  text,
  timingOptions,
  type Row,
  type Suite,
} from "./lib.ts";
import { fillParamsAndGrads } from "./params.ts";
import { peerFor } from "./tfjs.ts";
import { ourStep, randomBatch, theirStep } from "./train-step.ts";

const THREADS = 2;
const TARGET_SPEEDUP: Record<number, number> = { 64: 1.4, 256: 1.7 };
const TARGET_TFJS = 15;
const ADAM_PARAMS = 1e7;
const BYTES_PER_PARAM = 28;

/** fn, run with the engine on `threads` threads (the workers already started): one side of an interleaved pair. */
export const onThreads = (threads: number, fn: () => unknown) => () => {
  void setThreads(threads);
  fn();
};

export const threadsSuite: Suite = {
  name: "threads",
  about: `training step and Adam on ${THREADS} threads vs 1 (and TF.js wasm, 1 thread)`,
  async run(opts) {
    const timing = timingOptions(opts);
    await setThreads(THREADS);
    const notes: string[] = [`engine build: ${engineBuild()} (shared memory), ${THREADS} threads = main + 1 worker`];
    const peer = await peerFor(notes, ": optimizer.minimize(tf.train.sgd), loss read with dataSync()");
    const rows: Row[] = [];
    for (const size of [64, 256]) {
      const batch = randomBatch(new Random(size), size);
      const ours = ourStep(batch, 7);
      const theirs = peer ? theirStep(peer.tf, batch, 7) : null;
      try {
        const fns = [onThreads(1, ours.step), onThreads(THREADS, ours.step)];
        if (theirs) fns.push(theirs.step);
        const { timings, rounds } = measureInterleaved(fns, timing);
        const speedup = ratioPerRound(rounds, 0, 1);
        const overTfjs = theirs ? ratioPerRound(rounds, 2, 1) : null;
        rows.push({
          what: `training step, batch ${size}`,
          ...msFields("oneMs", timings[0]),
          ...msFields("twoMs", timings[1]),
          speedup: speedup.median,
          speedupMin: speedup.min,
          speedupMax: speedup.max,
          target: TARGET_SPEEDUP[size],
          met: speedup.median >= TARGET_SPEEDUP[size] ? "yes" : "no",
          ...(theirs ? msFields("tfjsMs", timings[2]) : { tfjsMs: null }),
          ...(overTfjs ? { overTfjs: overTfjs.median, overTfjsMin: overTfjs.min, overTfjsMax: overTfjs.max } : {}),
          tfjsTarget: size === 64 ? TARGET_TFJS : null,
          tfjsMet: size === 64 && overTfjs ? (overTfjs.median >= TARGET_TFJS ? "yes" : "no") : null,
        });
      } finally {
        ours.dispose();
        theirs?.dispose();
      }
      process.stderr.write(".");
    }

    // Adam at 1e7 and the copy bandwidth, one thread and two.
    const n = opts.quick ? ADAM_PARAMS / 10 : ADAM_PARAMS;
    const w = heap.alloc(n * 4),
      g = heap.alloc(n * 4);
    const copyBytes = (BYTES_PER_PARAM / 2) * n;
    const src = heap.alloc(copyBytes),
      dst = heap.alloc(copyBytes);
    const opt = adam({ lr: 1e-3 });
    const state = opt.init(n);
    try {
      fillParamsAndGrads(w, g, n);
      const pool = activePool();
      if (pool === null) throw new Error("threads suite: no pool");
      // A v128 copy (the engine's copy2d, one row) split as the engine splits an elementwise pass.
      const copyParts = (threads: number) =>
        ranges(copyBytes / 4, new Array<number>(threads).fill(1), 64).map(([start, count]) => [
          dst + start * 4,
          count,
          src + start * 4,
          count,
          1,
          count,
          0,
        ]);
      const fns = [
        onThreads(1, () => opt.update(w, g, state)),
        onThreads(THREADS, () => opt.update(w, g, state)),
        () => pool.run("copy2d", copyParts(1)),
        () => pool.run("copy2d", copyParts(THREADS)),
      ];
      const { timings, rounds } = measureInterleaved(fns, timing);
      const gbs = (seconds: number) => (BYTES_PER_PARAM * n) / seconds / 1e9;
      const speedup = ratioPerRound(rounds, 0, 1);
      rows.push({
        what: `Adam update, ${n.toExponential(0)} params`,
        ...msFields("oneMs", timings[0]),
        ...msFields("twoMs", timings[1]),
        speedup: speedup.median,
        speedupMin: speedup.min,
        speedupMax: speedup.max,
        oneGBs: gbs(timings[0].median),
        twoGBs: gbs(timings[1].median),
        copyOneGBs: gbs(timings[2].median),
        copyTwoGBs: gbs(timings[3].median),
        ofCopy: gbs(timings[1].median) / gbs(timings[3].median),
      });
      notes.push(
        `Adam: ${BYTES_PER_PARAM} B a parameter; copy: ${BYTES_PER_PARAM / 2} B a parameter read and written, split into ranges as the engine splits a pass`,
      );
    } finally {
      for (const ptr of [w, g, src, dst, ...Object.values(state.buffers)]) heap.release(ptr);
    }
    process.stderr.write("\n");
    await setThreads(1);
    notes.push(`threads after the suite: ${threadCount()}`);
    return {
      title: `${THREADS} threads against 1: ms per call median (min–max), speed-up per round`,
      columns: [
        text("what", "what"),
        spread("1 thread ms", "oneMs", 2),
        spread(`${THREADS} threads ms`, "twoMs", 2),
        spread("speed-up", "speedup", 2),
        num("target", "target", 1),
        text("met", "met"),
        spread("TF.js ms", "tfjsMs", 2),
        spread("TF.js/ours(2)", "overTfjs", 1),
        num("target", "tfjsTarget", 0),
        text("met", "tfjsMet"),
        num("GB/s 1", "oneGBs", 1),
        num("GB/s 2", "twoGBs", 1),
        num("copy GB/s 1", "copyOneGBs", 1),
        num("copy GB/s 2", "copyTwoGBs", 1),
        num("of copy (2)", "ofCopy", 2),
      ],
      rows,
      notes,
    };
  },
};
