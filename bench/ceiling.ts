// What one core can do at best, the yardsticks the kernels are divided by: the f32x4 mul+add rate
// (every plain-build GEMM number), the relaxed_madd rate (the relaxed build's GEMM) and the rate of
// one f32x4 sqrt and one div (Adam and its kin). The loops live in the benchmark build.
import { bench, benchBuild } from "./kernels.ts";
import {
  measure,
  rate,
  rateFields,
  spread,
  text,
  timingOptions,
  type BenchOptions,
  type Rate,
  type Suite,
} from "./lib.ts";

/** Independent chains in fmaCeiling (assembly/ceilings.ts); each does one f32x4 mul + add per iteration. */
export const ACCUMULATORS = 12;
export const ITERATIONS = 200_000;
/** Chains in sqrtDivCeiling; each does one f32x4 sqrt and one f32x4 div per iteration. */
const SQRT_DIV_CHAINS = 8;
const SQRT_DIV_ITERATIONS = 50_000;

function timeChecked(f: (iterations: number) => number, iterations: number, opts: BenchOptions) {
  let sink = 0;
  const t = measure(() => {
    sink += f(iterations);
  }, timingOptions(opts));
  if (!Number.isFinite(sink)) throw new Error(`a ceiling loop returned ${sink}`);
  return t;
}

/** The register-resident mul+add rate, in flop/s. */
export function measureCeiling(opts: BenchOptions): Rate {
  return rate(timeChecked(bench.fmaCeiling, ITERATIONS, opts), ITERATIONS * ACCUMULATORS * 8);
}

/** The register-resident relaxed_madd rate, in flop/s (2 a lane); null where relaxed SIMD does not compile. */
export function measureMaddCeiling(opts: BenchOptions): Rate | null {
  if (benchBuild !== "relaxed") return null;
  return rate(timeChecked(bench.maddCeiling, ITERATIONS, opts), ITERATIONS * ACCUMULATORS * 8);
}

/** The divider's rate, as elements per second: one sqrt and one div for every 4 elements. */
export function measureSqrtDiv(opts: BenchOptions): Rate {
  return rate(timeChecked(bench.sqrtDivCeiling, SQRT_DIV_ITERATIONS, opts), SQRT_DIV_ITERATIONS * SQRT_DIV_CHAINS * 4);
}

export const ceilingSuite: Suite = {
  name: "ceiling",
  about: "one core's f32x4 mul+add rate (GFLOP/s) and its sqrt + div rate",
  async run(opts) {
    const fma = measureCeiling(opts),
      madd = measureMaddCeiling(opts),
      sqrtDiv = measureSqrtDiv(opts);
    // 1e7 elements at r elements/s, in ms: the fastest sample gives the least time.
    const msPer1e7: Rate = { median: 1e10 / sqrtDiv.median, min: 1e10 / sqrtDiv.max, max: 1e10 / sqrtDiv.min };
    return {
      title: "Ceilings of one core, median (min–max)",
      columns: [
        text("loop", "loop"),
        spread("rate", "rate"),
        text("unit", "unit"),
        spread("ms per 1e7 elements", "ms", 2),
      ],
      rows: [
        { loop: "f32x4 mul + add", ...rateFields("rate", fma, 1e9), unit: "GFLOP/s", ms: null },
        ...(madd ? [{ loop: "f32x4 relaxed_madd", ...rateFields("rate", madd, 1e9), unit: "GFLOP/s", ms: null }] : []),
        {
          loop: "f32x4 sqrt + div",
          ...rateFields("rate", sqrtDiv, 1e9),
          unit: "G elements/s",
          ...rateFields("ms", msPer1e7, 1),
        },
      ],
      notes: [
        `mul + add: ${ACCUMULATORS} independent chains x = x·s + t, each one f32x4 mul and one f32x4 add per iteration`,
        madd
          ? `relaxed_madd: the same chains, each one f32x4.relaxed_madd per iteration (2 flops a lane): ${(madd.median / fma.median).toFixed(2)}× mul + add`
          : "relaxed_madd: not measured, this runtime does not compile relaxed SIMD (Node 20: node --experimental-wasm-relaxed-simd --import tsx bench/run.ts ceiling)",
        `sqrt + div: ${SQRT_DIV_CHAINS} independent chains x = a/√x, each one f32x4 sqrt and one f32x4 div per iteration (4 elements)`,
      ],
    };
  },
};
