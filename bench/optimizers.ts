// Every first-order optimizer's whole step (`update`: the non-finite guard, then its fused kernel)
// over a flat buffer, against TF.js's applyGradients for the six it shares with us. Each step
// reads w, g and every state buffer and writes w and the state: (3 + 2·buffers)·4 bytes a parameter.
import {
  adadelta,
  adagrad,
  adam,
  adamax,
  amsgrad,
  lion,
  nadam,
  radam,
  rmsprop,
  sgd,
  tmsgd,
  type BaseOptions,
  type Optimizer,
} from "../src/optim/index.ts";
import { heap } from "../src/wasm/module.ts";
import {
  measureInterleaved,
  msFields,
  num,
  rate,
  ratioPerRound,
  spread,
  text,
  timingOptions,
  type Row,
  type Suite,
  type TimeOptions,
} from "./lib.ts";
import { fillParamsAndGrads } from "./params.ts";
import { peerFor, tfOptimizerStep, type Peer, type Tf, type TfOptimizer } from "./tfjs.ts";

const LR = 1e-3;

interface Case {
  name: string;
  ours: () => Optimizer<BaseOptions>;
  theirs?: (tf: Tf) => TfOptimizer;
}

// Hyperparameters as each library's defaults or the TF.js convention (compat: "tfjs"), so the two
// sides compute the same update where both exist.
const CASES: Case[] = [
  { name: "sgd", ours: () => sgd({ lr: LR }), theirs: (tf) => tf.train.sgd(LR) },
  { name: "momentum 0.9", ours: () => sgd({ lr: LR, momentum: 0.9 }), theirs: (tf) => tf.train.momentum(LR, 0.9) },
  { name: "adagrad", ours: () => adagrad({ lr: LR, compat: "tfjs" }), theirs: (tf) => tf.train.adagrad(LR) },
  { name: "rmsprop", ours: () => rmsprop({ lr: LR, compat: "tfjs" }), theirs: (tf) => tf.train.rmsprop(LR) },
  { name: "adadelta", ours: () => adadelta({ lr: LR, compat: "tfjs" }), theirs: (tf) => tf.train.adadelta(LR) },
  { name: "adam", ours: () => adam({ lr: LR, compat: "tfjs" }), theirs: (tf) => tf.train.adam(LR) },
  { name: "adamax", ours: () => adamax({ lr: LR, compat: "tfjs" }), theirs: (tf) => tf.train.adamax(LR) },
  { name: "amsgrad", ours: () => amsgrad({ lr: LR }) },
  { name: "nadam", ours: () => nadam({ lr: LR }) },
  { name: "radam", ours: () => radam({ lr: LR }) },
  { name: "lion", ours: () => lion({ lr: 1e-4 }) },
  { name: "tm-sgd", ours: () => tmsgd({ lr: LR }) },
];

/** Our step and, where TF.js has the optimizer, its step, in alternating samples over n parameters. */
function timeBoth(c: Case, peer: Peer | null, n: number, timing: TimeOptions) {
  const w = heap.alloc(n * 4),
    g = heap.alloc(n * 4);
  const opt = c.ours();
  const state = opt.init(n);
  const theirs = peer && c.theirs ? tfOptimizerStep(peer, n, c.theirs) : null;
  try {
    fillParamsAndGrads(w, g, n);
    const fns: (() => void)[] = [
      () => {
        opt.update(w, g, state);
      },
    ];
    if (theirs) fns.push(theirs.step);
    const { timings, rounds } = measureInterleaved(fns, timing);
    return {
      ours: timings[0],
      buffers: Object.keys(state.buffers).length,
      tfjs: theirs ? timings[1] : null,
      ratio: theirs ? ratioPerRound(rounds, 1, 0) : null,
      leaked: theirs ? theirs.tensorsAdded() : 0,
    };
  } finally {
    theirs?.dispose();
    heap.release(w);
    heap.release(g);
    for (const ptr of Object.values(state.buffers)) heap.release(ptr);
  }
}

export const optimizersSuite: Suite = {
  name: "optimizers",
  about: "every first-order optimizer's step over 1e6 and 1e7 parameters, vs TF.js where it has one",
  async run(opts) {
    const timing = timingOptions(opts);
    const notes: string[] = [];
    const peer = await peerFor(notes, ": tf.train.<name>(lr).applyGradients on one variable of n elements");
    notes.push(
      "ours: the whole update() (non-finite guard over g, then the fused kernel); GB/s counts (3 + 2·state buffers)·4 bytes a parameter, the guard's extra read of g not included",
    );
    notes.push(
      "ours and TF.js are sampled in turn; the ratio is taken within each round, median (min–max) over rounds",
    );
    notes.push("momentum: the PyTorch convention, v ← μv + g; w ← w − lr·v, which is TF.js's");
    const rows: Row[] = [];
    for (const n of opts.quick ? [1e6] : [1e6, 1e7]) {
      for (const c of CASES) {
        const r = timeBoth(c, peer, n, timing);
        if (r.leaked) notes.push(`${c.name}, n = ${n}: TF.js left ${r.leaked} tensors behind while timed`);
        const bytes = (3 + 2 * r.buffers) * 4;
        rows.push({
          optimizer: c.name,
          params: n.toExponential(0),
          n,
          bytesPerParam: bytes,
          ...msFields("oursMs", r.ours),
          oursGBs: rate(r.ours, bytes * n).median / 1e9,
          ...(r.tfjs ? msFields("tfjsMs", r.tfjs) : { tfjsMs: null }),
          ...(r.ratio ? { ratio: r.ratio.median, ratioMin: r.ratio.min, ratioMax: r.ratio.max } : { ratio: null }),
        });
        process.stderr.write(".");
      }
    }
    process.stderr.write("\n");
    return {
      title: "First-order optimizer steps, ms per step median (min–max)",
      columns: [
        text("optimizer", "optimizer"),
        text("params", "params"),
        num("B/param", "bytesPerParam", 0),
        spread("ours ms", "oursMs", 2),
        num("GB/s", "oursGBs", 1),
        spread("TF.js ms", "tfjsMs", 1),
        spread("TF.js/ours", "ratio", 1),
      ],
      rows,
      notes,
    };
  },
};
