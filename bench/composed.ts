// The price of composition: each optimizer written as a chain of transformations (src/optim/composed.ts:
// one SIMD pass per primitive, plus the copy of g into u and the final w ← w − u) against its fused
// kernel (one pass), whole update() each (the non-finite guard included), sampled in turn, ratio per round.
import { adam, adamw, amsgrad, lion, rmsprop, sgd, type BaseOptions, type Optimizer } from "../src/optim/index.ts";
import { adamChain, adamwChain, amsgradChain, lionChain, rmspropChain, sgdChain } from "../src/optim/composed.ts";
import { heap } from "../src/wasm/module.ts";
import {
  measureInterleaved,
  msFields,
  ratioPerRound,
  spread,
  text,
  timingOptions,
  type Row,
  type Suite,
  type TimeOptions,
} from "./lib.ts";
import { fillParamsAndGrads } from "./params.ts";

const LR = 1e-3;
type Any = Optimizer<BaseOptions>;
interface Case {
  name: string;
  fused: () => Any;
  composed: () => Any;
  passes: string;
}

const as = (o: unknown) => o as Any;
const CASES: Case[] = [
  {
    name: "momentum (PyTorch)",
    fused: () => as(sgd({ lr: LR, momentum: 0.9 })),
    composed: () => as(sgdChain({ lr: LR, momentum: 0.9 })),
    passes: "copy, trace, scale, w − u",
  },
  {
    name: "rmsprop",
    fused: () => as(rmsprop({ lr: LR })),
    composed: () => as(rmspropChain({ lr: LR })),
    passes: "copy, emaSquare, divideByRoot, scale, w − u",
  },
  {
    name: "adam",
    fused: () => as(adam({ lr: LR })),
    composed: () => as(adamChain({ lr: LR })),
    passes: "copy, emaSquare, ema, biasCorrection, divideByRoot, scale, w − u",
  },
  {
    name: "adamw",
    fused: () => as(adamw({ lr: LR })),
    composed: () => as(adamwChain({ lr: LR })),
    passes: "as adam + decoupledWeightDecay",
  },
  {
    name: "amsgrad",
    fused: () => as(amsgrad({ lr: LR })),
    composed: () => as(amsgradChain({ lr: LR })),
    passes: "as adam + maxAccumulator",
  },
  {
    name: "lion",
    fused: () => as(lion({ lr: 1e-4 })),
    composed: () => as(lionChain({ lr: 1e-4 })),
    passes: "copy, ema (look-ahead), sign, scale, w − u",
  },
];

function timePair(c: Case, n: number, timing: TimeOptions) {
  const wf = heap.alloc(n * 4),
    wc = heap.alloc(n * 4),
    g = heap.alloc(n * 4);
  const fused = c.fused(),
    comp = c.composed();
  const sf = fused.init(n),
    sc = comp.init(n);
  try {
    fillParamsAndGrads(wf, g, n);
    fillParamsAndGrads(wc, g, n);
    const { timings, rounds } = measureInterleaved(
      [
        () => {
          fused.update(wf, g, sf);
        },
        () => {
          comp.update(wc, g, sc);
        },
      ],
      timing,
    );
    return { fused: timings[0], composed: timings[1], ratio: ratioPerRound(rounds, 1, 0) };
  } finally {
    for (const ptr of [wf, wc, g, ...Object.values(sf.buffers), ...Object.values(sc.buffers)]) heap.release(ptr);
  }
}

export const composedSuite: Suite = {
  name: "composed",
  about:
    "each optimizer as a chain of transformations vs its fused kernel, 1e6 and 1e7 parameters (the price of composition)",
  async run(opts) {
    const timing = timingOptions(opts);
    const notes = [
      "both: the whole update() (non-finite guard, then the kernel or the chain); fused and composed sampled in turn, the ratio taken within each round, median (min–max) over rounds",
      "the composed step makes one pass over memory per transformation, plus the copy of g into the updates buffer and w ← w − u: its cost grows with the number of passes, the fused one's does not",
    ];
    const rows: Row[] = [];
    for (const n of opts.quick ? [1e6] : [1e6, 1e7]) {
      for (const c of CASES) {
        const r = timePair(c, n, timing);
        rows.push({
          optimizer: c.name,
          params: n.toExponential(0),
          passes: c.passes,
          ...msFields("fusedMs", r.fused),
          ...msFields("composedMs", r.composed),
          ratio: r.ratio.median,
          ratioMin: r.ratio.min,
          ratioMax: r.ratio.max,
        });
        process.stderr.write(".");
      }
    }
    process.stderr.write("\n");
    return {
      title: "Composed (chain of transformations) vs fused optimizer steps, ms per step median (min–max)",
      columns: [
        text("optimizer", "optimizer"),
        text("params", "params"),
        spread("fused ms", "fusedMs", 2),
        spread("composed ms", "composedMs", 2),
        spread("composed/fused", "ratio", 2),
        text("composed passes", "passes"),
      ],
      rows,
      notes,
    };
  },
};
