// Every first-order optimizer's whole step (`update`: the non-finite guard, then its fused kernel)
// over a flat buffer, against TF.js's applyGradients for the six it shares with us. Each step
// reads w, g and every state buffer and writes w and the state: (3 + 2·buffers)·4 bytes a parameter.
import { Random } from "../src/random.ts";
import { adadelta, adagrad, adam, adamax, amsgrad, lion, nadam, radam, rmsprop, sgd, tmsgd, type BaseOptions, type Optimizer } from "../src/optim/index.ts";
import { f32View, heap } from "../src/wasm/module.ts";
import { measure, msFields, num, rate, spread, text, timingOptions, type Row, type Suite, type TimeOptions, type Timing } from "./lib.ts";
import { peerFor, timeTfOptimizer, type Tf, type TfOptimizer } from "./tfjs.ts";

const LR = 1e-3;

interface Case { name: string; ours: () => Optimizer<BaseOptions>; theirs?: (tf: Tf) => TfOptimizer }

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

function timeOurs(make: () => Optimizer<BaseOptions>, n: number, timing: TimeOptions): { t: Timing; buffers: number } {
  const rng = new Random(n);
  const w = heap.alloc(n * 4), g = heap.alloc(n * 4);
  const opt = make();
  const state = opt.init(n);
  try {
    const wv = f32View(w, n), gv = f32View(g, n);
    for (let i = 0; i < n; i++) { wv[i] = 2 * (rng.uniform() - 0.5); gv[i] = 0.02 * (rng.uniform() - 0.5); }
    return { t: measure(() => opt.update(w, g, state), timing), buffers: Object.keys(state.buffers).length };
  } finally {
    heap.release(w); heap.release(g);
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
    notes.push("ours: the whole update() (non-finite guard over g, then the fused kernel); GB/s counts (3 + 2·state buffers)·4 bytes a parameter, the guard's extra read of g not included");
    notes.push("momentum: the PyTorch convention, v ← μv + g; w ← w − lr·v, which is TF.js's");
    const rows: Row[] = [];
    for (const n of opts.quick ? [1e6] : [1e6, 1e7]) {
      for (const c of CASES) {
        const ours = timeOurs(c.ours, n, timing);
        const theirs = peer && c.theirs ? timeTfOptimizer(peer, n, c.theirs, timing) : null;
        if (theirs?.leaked) notes.push(`${c.name}, n = ${n}: TF.js left ${theirs.leaked} tensors behind while timed`);
        const bytes = (3 + 2 * ours.buffers) * 4;
        rows.push({
          optimizer: c.name, params: n.toExponential(0), n, bytesPerParam: bytes,
          ...msFields("oursMs", ours.t), oursGBs: rate(ours.t, bytes * n).median / 1e9,
          ...(theirs ? msFields("tfjsMs", theirs.t) : { tfjsMs: null }),
          ratio: theirs ? theirs.t.median / ours.t.median : null,
        });
        process.stderr.write(".");
      }
    }
    process.stderr.write("\n");
    return {
      title: "First-order optimizer steps, ms per step median (min–max)",
      columns: [
        text("optimizer", "optimizer"), text("params", "params"), num("B/param", "bytesPerParam", 0),
        spread("ours ms", "oursMs", 2), num("GB/s", "oursGBs", 1), spread("TF.js ms", "tfjsMs", 1), num("ours/TF.js", "ratio", 1),
      ],
      rows,
      notes,
    };
  },
};
