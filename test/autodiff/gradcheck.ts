/**
 * Gradient checking: the engine's gradient (f32) against central finite differences of the f64
 * reference, for the scalar L = Σ op(inputs) ⊙ W with fixed random weights W.
 */
import { expect } from "vitest";
import { Random } from "../../src/random.ts";
import { tensor, type Tensor } from "../../src/tensor/tensor.ts";
import { mul, sum, valueAndGrad } from "../../src/index.ts";
import { broadcast2, ref, size, type Ref } from "./reference.ts";

export type Domain = "any" | "positive" | "awayFromZero";

export function sample(rng: Random, n: number, domain: Domain): Float32Array {
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (domain === "positive") x[i] = rng.range(0.3, 2);
    else if (domain === "awayFromZero") x[i] = (rng.uniform() < 0.5 ? -1 : 1) * rng.range(0.1, 2);
    else x[i] = rng.range(-2, 2);
  }
  return x;
}

export interface Case {
  inputs: { shape: number[]; data: Float32Array }[];
  run: (xs: Tensor[]) => Tensor;
  ref: (xs: Ref[]) => Ref;
}

const loss = (out: Ref, w: Ref) => broadcast2(out, w, (a, b) => a * b).data.reduce((s, x) => s + x, 0);

/** Checks forward values against the reference and every input's gradient against finite differences. */
export function checkGradient(c: Case, rng: Random, label: string): void {
  const refs = c.inputs.map((x) => ref(x.shape, x.data));
  const expected = c.ref(refs);
  const w = ref(
    expected.shape,
    Array.from({ length: size(expected.shape) }, () => rng.range(-1, 1)),
  );
  const ts = c.inputs.map((x) => tensor(x.data, x.shape));
  const wt = tensor(Float32Array.from(w.data), w.shape);
  try {
    const out = c.run(ts);
    expect(out.shape, `${label}: shape`).toEqual(expected.shape);
    const got = out.toArray();
    const scale = Math.max(1, ...Array.from(expected.data, Math.abs));
    got.forEach((v, i) =>
      expect(Math.abs(v - expected.data[i]), `${label}: forward[${i}]`).toBeLessThanOrEqual(2e-5 * scale),
    );
    out.free();

    const { value, grads } = valueAndGrad(() => sum(mul(c.run(ts), wt)), ts);
    expect(Math.abs(value - loss(expected, w))).toBeLessThanOrEqual(
      1e-4 * Math.max(1, Math.abs(value)) * Math.sqrt(got.length + 1),
    );
    grads.forEach((g, k) => {
      const gv = g.toArray();
      const x = refs[k].data;
      for (let i = 0; i < x.length; i++) {
        const h = 1e-6 * Math.max(1, Math.abs(x[i]));
        const keep = x[i];
        x[i] = keep + h;
        const up = loss(c.ref(refs), w);
        x[i] = keep - h;
        const down = loss(c.ref(refs), w);
        x[i] = keep;
        const fd = (up - down) / (2 * h);
        expect(
          Math.abs(gv[i] - fd),
          `${label}: ∂L/∂x${k}[${i}] = ${gv[i]}, finite difference ${fd}`,
        ).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(fd)));
      }
      g.free();
    });
  } finally {
    for (const t of [...ts, wt]) t.free();
  }
}
