// Each fused kernel against the plain-TypeScript reference of its documented equation:
// 200 steps on random data, lengths that exercise the SIMD loop and the scalar tail.
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { heap, f32View } from "../../src/wasm/module.ts";
import { freeState, inspectState } from "../../src/optim/state.ts";
import { cases } from "./cases.ts";
import { inF32, inF64, type Round } from "./reference.ts";

const LENGTHS = [0, 1, 3, 5, 17, 33, 1001];
const STEPS = 200;

/** max |a − b| / max |b|: the error relative to the vector's scale (∞-norm). */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let err = 0,
    scale = 0;
  for (let i = 0; i < expected.length; i++) {
    err = Math.max(err, Math.abs(actual[i] - expected[i]));
    scale = Math.max(scale, Math.abs(expected[i]));
  }
  return scale === 0 ? err : err / scale;
}

describe.each(cases)("$label", ({ make, reference }) => {
  it.each(LENGTHS)("matches the f32 and f64 references over 200 steps, n = %i", (n) => {
    const rng = new Random(1000 + n);
    const opt = make();
    const state = opt.init(n);
    const params = heap.alloc(n * 4),
      grads = heap.alloc(n * 4);
    const w0 = Float32Array.from({ length: n }, () => rng.normal());
    f32View(params, n).set(w0);
    const refs = [inF32, inF64].map((round: Round) => {
      const buf: Record<string, Float64Array> = {};
      for (const [name, values] of Object.entries(inspectState(state))) buf[name] = Float64Array.from(values);
      return { round, w: Float64Array.from(w0), s: { t: 0, buf, scalars: {} } };
    });
    for (let step = 0; step < STEPS; step++) {
      // Gradients of a noisy quadratic, so the parameters feel their own values as in training.
      const w = f32View(params, n);
      const g = Float32Array.from({ length: n }, (_, i) => Math.fround(0.5 * w[i] + rng.normal()));
      f32View(grads, n).set(g);
      const lr = opt.lrAt(step);
      expect(opt.update({ ptr: params, length: n }, { ptr: grads, length: n }, state)).toBe("updated");
      for (const r of refs) {
        r.s.t = step + 1;
        reference(opt.options, lr, r.w, Float64Array.from(g), r.s, r.round);
      }
    }
    const finalW = f32View(params, n).slice(),
      buffers = inspectState(state);
    const [r32, r64] = refs;
    expect(relativeError(finalW, r32.w)).toBeLessThanOrEqual(1e-6);
    expect(relativeError(finalW, r64.w)).toBeLessThanOrEqual(1e-4);
    for (const [name, values] of Object.entries(buffers)) {
      expect(relativeError(values, r32.s.buf[name]), name).toBeLessThanOrEqual(1e-6);
      expect(relativeError(values, r64.s.buf[name]), name).toBeLessThanOrEqual(1e-4);
    }
    expect(state.step).toBe(STEPS);
    freeState(state);
    heap.release(params);
    heap.release(grads);
  });
});
