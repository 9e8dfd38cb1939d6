// The parameters and gradients every optimizer benchmark updates, ours and TF.js's alike.
import { Random } from "../src/random.ts";
import { f32View } from "../src/wasm/module.ts";

/** n weights uniform in ±1 and n gradients uniform in ±0.01, seeded by n. */
export function paramsAndGrads(n: number): { w: Float32Array; g: Float32Array } {
  const rng = new Random(n);
  const w = new Float32Array(n),
    g = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    w[i] = 2 * (rng.uniform() - 0.5);
    g[i] = 0.02 * (rng.uniform() - 0.5);
  }
  return { w, g };
}

/** paramsAndGrads(n) written to w and g, n floats each in the engine's memory. */
export function fillParamsAndGrads(w: number, g: number, n: number): void {
  const data = paramsAndGrads(n);
  f32View(w, n).set(data.w);
  f32View(g, n).set(data.g);
}
