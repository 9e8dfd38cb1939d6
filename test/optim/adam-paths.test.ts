// The adam kernel has two vector loops: plain Adam (wd = 0, decay = 1) and the general one with
// coupled or decoupled weight decay. Both must equal, bit for bit, one step of the equation
// evaluated in f32 in the kernel's order of operations, on the SIMD body and the scalar tail.
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { f32View, heap, kernels } from "../../src/wasm/module.ts";

const f = Math.fround;
const LENGTHS = [0, 1, 3, 5, 17, 33, 1001];

function referenceStep(
  w: Float32Array,
  g: Float32Array,
  m: Float32Array,
  v: Float32Array,
  beta1: number,
  beta2: number,
  s: number,
  r: number,
  e: number,
  wd: number,
  decay: number,
): void {
  const b1 = f(beta1),
    b2 = f(beta2),
    c1 = f(1 - beta1),
    c2 = f(1 - beta2);
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(f(wd) * w[i]));
    m[i] = f(f(b1 * m[i]) + f(c1 * gi));
    v[i] = f(f(b2 * v[i]) + f(c2 * f(gi * gi)));
    const den = f(f(f(Math.sqrt(v[i])) * f(r)) + f(e));
    w[i] = f(f(f(decay) * w[i]) - f(f(s) * f(m[i] / den)));
  }
}

const PATHS = [
  { label: "plain Adam (wd = 0, decay = 1)", wd: 0, decay: 1 },
  { label: "coupled weight decay", wd: 0.01, decay: 1 },
  { label: "decoupled weight decay (AdamW)", wd: 0, decay: 0.9999 },
];

describe.each(PATHS)("adam kernel, $label", ({ wd, decay }) => {
  it.each(LENGTHS)("equals the f32 equation bit for bit over 3 steps, n = %i", (n) => {
    const rng = new Random(77 + n);
    const draw = (scale: number) => Float32Array.from({ length: n }, () => scale * rng.normal());
    const w = draw(1),
      m = draw(0.1),
      v = Float32Array.from(draw(0.1), (x) => x * x);
    const ptrs = [w, w, m, v].map(() => heap.alloc(4 * n));
    const [pw, pg, pm, pv] = ptrs;
    f32View(pw, n).set(w);
    f32View(pm, n).set(m);
    f32View(pv, n).set(v);
    const beta1 = 0.9,
      beta2 = 0.999,
      s = 1e-2,
      r = 1.3,
      e = 1e-7;
    for (let step = 0; step < 3; step++) {
      const g = draw(0.5);
      f32View(pg, n).set(g);
      kernels.adam(pw, pg, pm, pv, n, beta1, 1 - beta1, beta2, 1 - beta2, s, r, e, wd, decay);
      referenceStep(w, g, m, v, beta1, beta2, s, r, e, wd, decay);
    }
    expect(f32View(pw, n).slice()).toEqual(w);
    expect(f32View(pm, n).slice()).toEqual(m);
    expect(f32View(pv, n).slice()).toEqual(v);
    ptrs.forEach((p) => heap.release(p));
  });
});
