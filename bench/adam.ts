// The Adam update over a flat parameter buffer, ours (the fused kernel: one pass reading w, g, m,
// v and writing w, m, v, 28 bytes a parameter; and the whole optimizer step, its non-finite guard
// included) against TF.js's tf.train.adam applyGradients, timed in alternating samples so the
// ratios are taken per round; and against the bandwidth a plain copy of the same 28 bytes a
// parameter gets in this run, and the core's sqrt + div rate.
import { adam } from "../src/optim/index.ts";
import { f32View, heap, kernels } from "../src/wasm/module.ts";
import {
  measure,
  measureInterleaved,
  msFields,
  num,
  pct,
  rate,
  ratioPerRound,
  spread,
  text,
  timingOptions,
  type Rate,
  type Row,
  type Suite,
  type TimeOptions,
  type Timing,
} from "./lib.ts";
import { measureSqrtDiv } from "./ceiling.ts";
import { bench, copyBuffers } from "./kernels.ts";
import { fillParamsAndGrads } from "./params.ts";
import { peerFor, tfOptimizerStep, type Peer } from "./tfjs.ts";

const BYTES_PER_PARAM = 28;
const TARGET_RATIO = 8;
const TARGET_OF_COPY = 0.7;
const LR = 1e-3,
  BETA1 = 0.9,
  BETA2 = 0.999,
  EPS = 1e-7;
// The step-1 constants, folded as src/optim/adam.ts does; the step count does not change the cost.
const S = LR / (1 - BETA1),
  R = 1 / Math.sqrt(1 - BETA2);

interface Measured {
  kernel: Timing;
  update: Timing;
  tfjs: Timing | null;
  kernelRatio: Rate | null;
  updateRatio: Rate | null;
  leaked: number;
}

/** Ours (kernel alone, whole step) and TF.js's step in alternating samples, n parameters. */
function timeAdam(peer: Peer | null, n: number, timing: TimeOptions): Measured {
  const w = heap.alloc(n * 4),
    g = heap.alloc(n * 4);
  const opt = adam({ lr: LR, beta1: BETA1, beta2: BETA2, eps: EPS });
  const state = opt.init(n);
  const theirs = peer ? tfOptimizerStep(peer, n, (tf) => tf.train.adam(LR, BETA1, BETA2, EPS)) : null;
  try {
    fillParamsAndGrads(w, g, n);
    const { m, v } = state.buffers;
    const fns: (() => void)[] = [
      () => kernels.adam(w, g, m, v, n, BETA1, 1 - BETA1, BETA2, 1 - BETA2, S, R, EPS, 0, 1),
      () => {
        opt.update(w, g, state);
      },
    ];
    if (theirs) fns.push(theirs.step);
    const { timings, rounds } = measureInterleaved(fns, timing);
    return {
      kernel: timings[0],
      update: timings[1],
      tfjs: theirs ? timings[2] : null,
      kernelRatio: theirs ? ratioPerRound(rounds, 2, 0) : null,
      updateRatio: theirs ? ratioPerRound(rounds, 2, 1) : null,
      leaked: theirs ? theirs.tensorsAdded() : 0,
    };
  } finally {
    theirs?.dispose();
    heap.release(w);
    heap.release(g);
    for (const ptr of Object.values(state.buffers)) heap.release(ptr);
  }
}

/**
 * The kernel over 1e4 parameters (160 KB, cache-resident), as ms per 1e7: its compute floor. Set
 * against the 1e7 row it shows how much of that row is memory and how much is the kernel's own work.
 */
function timeKernelInCache(timing: TimeOptions): number {
  const n = 1e4;
  const w = heap.alloc(n * 4),
    g = heap.alloc(n * 4),
    m = heap.alloc(n * 4),
    v = heap.alloc(n * 4);
  try {
    fillParamsAndGrads(w, g, n);
    f32View(m, n).fill(0);
    f32View(v, n).fill(0);
    return (
      1e3 *
      (1e7 / n) *
      measure(() => kernels.adam(w, g, m, v, n, BETA1, 1 - BETA1, BETA2, 1 - BETA2, S, R, EPS, 0, 1), timing).median
    );
  } finally {
    for (const ptr of [w, g, m, v]) heap.release(ptr);
  }
}

/** memory.copy of 14 bytes a parameter: the same 28 bytes of traffic as one Adam update. */
function timeCopy(n: number, timing: TimeOptions): Timing {
  const bytes = (BYTES_PER_PARAM / 2) * n;
  const [dst, src] = copyBuffers(bytes);
  return measure(() => bench.copyBytes(dst, src, bytes), timing);
}

export const adamSuite: Suite = {
  name: "adam",
  about: "Adam update over 1e6 and 1e7 parameters vs TF.js and copy bandwidth (GB/s at 28 B/param)",
  async run(opts) {
    const timing = timingOptions(opts);
    const notes: string[] = [];
    const peer = await peerFor(notes, ": tf.train.adam(...).applyGradients on one variable of n elements");
    notes.push(`GB/s counts ${BYTES_PER_PARAM} bytes a parameter (read w, g, m, v; write w, m, v) for every column`);
    notes.push("ours step: the whole optimizer update (non-finite guard over g, then the same kernel)");
    notes.push(
      "kernel, step and TF.js are sampled in turn; each ratio is TF.js's time over ours within a round, median (min–max) over rounds",
    );
    notes.push("copy: memory.copy of 14 bytes a parameter (14 read + 14 written), measured in the same run");
    const rows: Row[] = [];
    for (const n of [1e6, 1e7]) {
      const traffic = BYTES_PER_PARAM * n;
      const r = timeAdam(peer, n, timing);
      const copy = timeCopy(n, timing);
      if (r.leaked) notes.push(`n = ${n}: TF.js left ${r.leaked} tensors behind while timed`);
      const oursGBs = rate(r.kernel, traffic).median / 1e9;
      const copyGBs = rate(copy, traffic).median / 1e9;
      const ratio = r.kernelRatio?.median ?? null;
      rows.push({
        params: n.toExponential(0),
        n,
        ...msFields("kernelMs", r.kernel),
        kernelGBs: oursGBs,
        ...msFields("updateMs", r.update),
        ...(r.tfjs ? msFields("tfjsMs", r.tfjs) : { tfjsMs: null }),
        tfjsGBs: r.tfjs ? rate(r.tfjs, traffic).median / 1e9 : null,
        ...(r.kernelRatio ? { ratio, ratioMin: r.kernelRatio.min, ratioMax: r.kernelRatio.max } : { ratio: null }),
        ...(r.updateRatio
          ? { updateRatio: r.updateRatio.median, updateRatioMin: r.updateRatio.min, updateRatioMax: r.updateRatio.max }
          : { updateRatio: null }),
        copyGBs,
        ofCopy: oursGBs / copyGBs,
        met:
          n === 1e7
            ? ratio !== null && ratio >= TARGET_RATIO && oursGBs / copyGBs >= TARGET_OF_COPY
              ? "yes"
              : "no"
            : null,
      });
      process.stderr.write(".");
    }
    process.stderr.write("\n");
    const inCache = timeKernelInCache(timing),
      divider = 1e10 / measureSqrtDiv(opts).median;
    notes.push(
      `ours kernel in cache (n = 1e4, repeated): ${inCache.toFixed(2)} ms per 1e7 parameters; the core's f32x4 sqrt + div alone (the ceiling suite) takes ${divider.toFixed(2)} ms for as many: ${((100 * divider) / inCache).toFixed(0)}% of the kernel`,
    );
    notes.push(
      `targets at 1e7: ≥ ${TARGET_RATIO}× TF.js (kernel against its applyGradients) and ≥ ${100 * TARGET_OF_COPY}% of the copy bandwidth`,
    );
    return {
      title: "Adam update, ms per step median (min–max), GB/s at 28 B/param",
      columns: [
        text("params", "params"),
        spread("ours kernel ms", "kernelMs", 2),
        num("GB/s", "kernelGBs", 1),
        spread("ours step ms", "updateMs", 2),
        spread("TF.js ms", "tfjsMs", 1),
        num("TF.js GB/s", "tfjsGBs", 1),
        spread("TF.js/kernel", "ratio", 1),
        spread("TF.js/step", "updateRatio", 1),
        num("copy GB/s", "copyGBs", 1),
        pct("kernel of copy", "ofCopy"),
        text("met", "met"),
      ],
      rows,
      notes,
    };
  },
};
