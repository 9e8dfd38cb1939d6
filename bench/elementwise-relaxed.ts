// The elementwise maps built on exp (exp, tanh, sigmoid; softmax shares exp4): relaxed-SIMD build vs
// plain, in cache (8192 elements, 64 KB in and out), where their polynomial, not memory, sets the
// pace. Timed in alternating samples in CPU time, ratios per round. Needs relaxed SIMD (see gemm-relaxed.ts).
import { Unary } from "../src/wasm/abi.ts";
import { instantiateBuild, relaxedSimdSupported } from "../src/wasm/module.ts";
import {
  measureInterleavedCpu,
  num,
  ratioPerRound,
  spread,
  rateFields,
  spreadOf,
  text,
  timingOptions,
  type Row,
  type Suite,
} from "./lib.ts";

const N = 8192;
const MAPS = [
  ["exp", Unary.Exp],
  ["tanh", Unary.Tanh],
  ["sigmoid", Unary.Sigmoid],
] as const;

export const elementwiseRelaxedSuite: Suite = {
  name: "elementwise-relaxed",
  about: "exp, tanh, sigmoid in cache: relaxed-SIMD build vs plain, G elements/s",
  async run(opts) {
    if (!relaxedSimdSupported()) {
      return {
        title: "elementwise relaxed vs plain: not run",
        columns: [],
        rows: [],
        notes: [
          "this runtime does not compile relaxed SIMD (Node 20: node --experimental-wasm-relaxed-simd --import tsx bench/run.ts elementwise-relaxed)",
        ],
      };
    }
    const builds = await Promise.all([instantiateBuild("plain"), instantiateBuild("relaxed")]);
    const timing = { ...timingOptions(opts), samples: opts.quick ? 11 : 31, sampleMs: 20 };
    const inputs = builds.map((k) => {
      const a = (k.heapBase() + 63) & ~63;
      const v = new Float32Array(k.memory.buffer, a, N);
      for (let i = 0; i < N; i++) v[i] = ((i % 97) - 48) / 16;
      return a;
    });
    const rows: Row[] = MAPS.map(([name, op]) => {
      const rounds = measureInterleavedCpu(
        builds.map((k, b) => () => k.unary(op, inputs[b] + N * 4, inputs[b], N, 0)),
        timing,
      );
      const rate = (times: number[]) => spreadOf(times.map((t) => N / t));
      return {
        map: name,
        ...rateFields("plain", rate(rounds[0]), 1e9),
        ...rateFields("relaxed", rate(rounds[1]), 1e9),
        ...rateFields("speedup", ratioPerRound(rounds, 0, 1), 1),
        bestSpeedup: Math.min(...rounds[0]) / Math.min(...rounds[1]),
      };
    });
    return {
      title: `exp-family maps over ${N} elements in cache, G elements/s median (min–max), CPU time`,
      columns: [
        text("map", "map"),
        spread("plain", "plain", 2),
        spread("relaxed", "relaxed", 2),
        spread("relaxed/plain", "speedup", 2),
        num("best/best", "bestSpeedup", 2),
      ],
      rows,
      notes: ["the relaxed build fuses exp4's polynomial (five relaxed_madd a vector; assembly/simd-math.ts)"],
    };
  },
};
