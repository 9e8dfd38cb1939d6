// This machine's f32x4 mul+add ceiling, the yardstick every GEMM number is divided by.
import { kernels } from "../src/wasm/module.ts";
import { measure, num, rate, rateFields, spread, timingOptions, type BenchOptions, type Rate, type Suite } from "./lib.ts";

/** Independent chains in fmaCeiling (assembly/gemm.ts); each does one f32x4 mul + add per iteration. */
const ACCUMULATORS = 12;
const ITERATIONS = 200_000;

/** The register-resident mul+add rate, in flop/s. */
export function measureCeiling(opts: BenchOptions): Rate {
  let sink = 0;
  const t = measure(() => { sink += kernels.fmaCeiling(ITERATIONS); }, timingOptions(opts));
  if (!Number.isFinite(sink)) throw new Error(`fmaCeiling returned ${sink}`);
  return rate(t, ITERATIONS * ACCUMULATORS * 8);
}

export const ceilingSuite: Suite = {
  name: "ceiling",
  about: "f32x4 mul+add ceiling of one core (GFLOP/s)",
  async run(opts) {
    const r = measureCeiling(opts);
    return {
      title: "f32x4 mul+add ceiling, one thread",
      columns: [spread("GFLOP/s median (min–max)", "gflops"), num("flops/call", "flopsPerCall", 0)],
      rows: [{ ...rateFields("gflops", r, 1e9), flopsPerCall: ITERATIONS * ACCUMULATORS * 8 }],
      notes: [`${ACCUMULATORS} independent chains x = x·s + t, each one f32x4 mul and one f32x4 add per iteration`],
    };
  },
};
