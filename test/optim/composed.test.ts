// The library's optimizers written as chains of transformations follow the fused kernels'
// trajectories: 200 steps, lengths 0 … 1001, both driven by the same gradients (the fused run's, so
// a difference is the update's alone and is not amplified by the landscape).
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { heap, f32View } from "../../src/wasm/module.ts";
import { freeState, inspectState } from "../../src/optim/state.ts";
import type { BaseOptions, Optimizer } from "../../src/optim/optimizer.ts";
import { sgd } from "../../src/optim/sgd.ts";
import { rmsprop } from "../../src/optim/rmsprop.ts";
import { adam, adamw, amsgrad } from "../../src/optim/adam.ts";
import { lion } from "../../src/optim/lion.ts";
import { cosineAnnealing, linearWarmup } from "../../src/optim/schedules.ts";
import { adamChain, adamwChain, amsgradChain, lionChain, rmspropChain, sgdChain } from "../../src/optim/composed.ts";

export const LENGTHS = [0, 1, 2, 3, 4, 5, 7, 8, 15, 16, 17, 33, 64, 255, 1001];
const STEPS = 200;
const schedule = linearWarmup(cosineAnnealing(0.05, 150, 0.001), 10);

type Any = Optimizer<BaseOptions>;
interface Pair {
  label: string;
  fused: () => Any;
  composed: () => Any;
  /** Fused buffer name → the chain's name for the same state. */
  buffers: Record<string, string>;
  /** Bound on max|w_chain − w_fused| / max|w_fused| after 200 steps. */
  tol: number;
}
const p = (
  label: string,
  fused: () => unknown,
  composed: () => unknown,
  buffers: Record<string, string>,
  tol: number,
): Pair => ({ label, fused: fused as () => Any, composed: composed as () => Any, buffers, tol });

// β values whose 1 − β is the same number in f32 and in f64 (β = 1 − 2⁻ᵏ): there the fused kernels'
// f32 "1 − β" equals the chains' f64 one, and the two differ only by the order of their roundings.
const exactBetas = { beta1: 1 - 2 ** -3, beta2: 1 - 2 ** -10 };
// Two bounds on max|w_chain − w_fused| / max|w_fused| after 200 steps (u = 2⁻²⁴, uT = 1.2e-5):
// F32_ROUNDING where the fused kernel's constants are exact, so only the order of roundings differs;
// F32_CONSTANTS where the fused kernel rounds a constant in f32 that the chain computes in f64: 1 − β
// from the rounded β (for 0.999: 9.99987e-4, 1.3e-5 relative off, moving every step by ~6e-6
// relative), and the decoupled decay factor 1 − lr·λ (whose rounding is a fixed bias on lr·λ·w).
const F32_ROUNDING = 2.5e-6,
  F32_CONSTANTS = 3e-5;

const PAIRS: Pair[] = [
  p(
    "momentum, PyTorch convention, scheduled lr",
    () => sgd({ lr: schedule, momentum: 0.9, weightDecay: 1e-3 }),
    () => sgdChain({ lr: schedule, momentum: 0.9, weightDecay: 1e-3 }),
    { v: "momentum" },
    F32_ROUNDING,
  ),
  p(
    "Nesterov, PyTorch convention",
    () => sgd({ lr: 0.01, momentum: 0.9, nesterov: true }),
    () => sgdChain({ lr: 0.01, momentum: 0.9, nesterov: true }),
    { v: "momentum" },
    F32_ROUNDING,
  ),
  p(
    "momentum, Sutskever/TF convention (lr in the buffer), scheduled lr",
    () => sgd({ lr: schedule, momentum: 0.9, convention: "lr-in-buffer" }),
    () => sgdChain({ lr: schedule, momentum: 0.9, convention: "lr-in-buffer" }),
    { v: "momentum" },
    F32_ROUNDING,
  ),
  p(
    "Nesterov, Sutskever/TF convention",
    () => sgd({ lr: schedule, momentum: 0.9, convention: "lr-in-buffer", nesterov: true }),
    () => sgdChain({ lr: schedule, momentum: 0.9, convention: "lr-in-buffer", nesterov: true }),
    { v: "momentum" },
    F32_ROUNDING,
  ),
  p(
    "RMSProp (PyTorch: ε outside)",
    () => rmsprop({ lr: 0.01, alpha: 1 - 2 ** -7 }),
    () => rmspropChain({ lr: 0.01, alpha: 1 - 2 ** -7 }),
    { v: "v" },
    F32_ROUNDING,
  ),
  p(
    "RMSProp (TF.js: ε inside, lr in the momentum buffer)",
    () => rmsprop({ lr: schedule, compat: "tfjs", alpha: 1 - 2 ** -3, momentum: 0.5 }),
    () =>
      rmspropChain({
        lr: schedule,
        alpha: 1 - 2 ** -3,
        eps: 1e-7,
        epsilonPlacement: "inside",
        momentum: 0.5,
        lrInMomentum: true,
      }),
    { v: "v", momentum: "momentum" },
    F32_ROUNDING,
  ),
  p(
    "RMSProp, defaults α = 0.99",
    () => rmsprop({ lr: 0.01 }),
    () => rmspropChain({ lr: 0.01 }),
    { v: "v" },
    F32_CONSTANTS,
  ),
  p(
    "Adam, β = 1 − 2⁻ᵏ, coupled wd",
    () => adam({ lr: 0.01, ...exactBetas, weightDecay: 1e-2 }),
    () => adamChain({ lr: 0.01, ...exactBetas, weightDecay: 1e-2 }),
    { m: "m", v: "v" },
    F32_ROUNDING,
  ),
  p(
    "Adam, defaults",
    () => adam({ lr: 0.01 }),
    () => adamChain({ lr: 0.01 }),
    { m: "m", v: "v" },
    F32_CONSTANTS,
  ),
  p(
    "AdamW, β = 1 − 2⁻ᵏ, scheduled lr",
    () => adamw({ lr: schedule, ...exactBetas, weightDecay: 0.1 }),
    () => adamwChain({ lr: schedule, ...exactBetas, weightDecay: 0.1 }),
    { m: "m", v: "v" },
    F32_CONSTANTS,
  ),
  p(
    "AdamW, defaults",
    () => adamw({ lr: 0.01 }),
    () => adamwChain({ lr: 0.01 }),
    { m: "m", v: "v" },
    F32_CONSTANTS,
  ),
  p(
    "AMSGrad (PyTorch), β = 1 − 2⁻ᵏ",
    () => amsgrad({ lr: 0.01, ...exactBetas }),
    () => amsgradChain({ lr: 0.01, ...exactBetas }),
    { m: "m", v: "v", vmax: "vmax" },
    F32_ROUNDING,
  ),
  p(
    "AMSGrad (PyTorch), defaults",
    () => amsgrad({ lr: 0.01 }),
    () => amsgradChain({ lr: 0.01 }),
    { m: "m", v: "v", vmax: "vmax" },
    F32_CONSTANTS,
  ),
  p(
    "Lion, β = 1 − 2⁻ᵏ",
    () => lion({ lr: 1e-3, beta1: 1 - 2 ** -3, beta2: 1 - 2 ** -7 }),
    () => lionChain({ lr: 1e-3, beta1: 1 - 2 ** -3, beta2: 1 - 2 ** -7 }),
    { m: "m" },
    F32_ROUNDING,
  ),
  p(
    "Lion, β = 1 − 2⁻ᵏ, decoupled λ",
    () => lion({ lr: 1e-3, beta1: 1 - 2 ** -3, beta2: 1 - 2 ** -7, weightDecay: 0.1 }),
    () => lionChain({ lr: 1e-3, beta1: 1 - 2 ** -3, beta2: 1 - 2 ** -7, weightDecay: 0.1 }),
    { m: "m" },
    F32_CONSTANTS,
  ),
  p(
    "Lion, defaults",
    () => lion({ lr: 1e-3 }),
    () => lionChain({ lr: 1e-3 }),
    { m: "m" },
    F32_CONSTANTS,
  ),
];

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

/** Runs both optimizers from the same start on the fused run's gradients; returns the worst relative errors. */
export function compare(pair: Pair, n: number, steps = STEPS): { w: number; state: Record<string, number> } {
  const rng = new Random(4242 + n);
  const fused = pair.fused(),
    comp = pair.composed();
  const sf = fused.init(n),
    sc = comp.init(n);
  const wf = heap.alloc(n * 4),
    wc = heap.alloc(n * 4),
    g = heap.alloc(n * 4);
  const w0 = Float32Array.from({ length: n }, () => rng.normal());
  f32View(wf, n).set(w0);
  f32View(wc, n).set(w0);
  for (let t = 0; t < steps; t++) {
    const w = f32View(wf, n);
    f32View(g, n).set(Float32Array.from({ length: n }, (_, i) => 0.5 * w[i] + rng.normal()));
    expect(fused.update({ ptr: wf, length: n }, { ptr: g, length: n }, sf)).toBe("updated");
    expect(comp.update({ ptr: wc, length: n }, { ptr: g, length: n }, sc)).toBe("updated");
  }
  const out = { w: relativeError(f32View(wc, n).slice(), f32View(wf, n).slice()), state: {} as Record<string, number> };
  const bf = inspectState(sf),
    bc = inspectState(sc);
  for (const [f, c] of Object.entries(pair.buffers)) out.state[f] = relativeError(bc[c], bf[f]);
  freeState(sf);
  freeState(sc);
  for (const ptr of [wf, wc, g]) heap.release(ptr);
  return out;
}

describe("chains follow the fused optimizers within f32 rounding (200 steps, lengths 0 … 1001)", () => {
  for (const pair of PAIRS) {
    it(`${pair.label}: within ${pair.tol} of the fused trajectory`, () => {
      let worst = 0;
      for (const n of LENGTHS) {
        const e = compare(pair, n);
        worst = Math.max(worst, e.w, ...Object.values(e.state));
      }
      console.log(`fidelity ${pair.label}: ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(pair.tol);
    });
  }

  it("the two momentum conventions differ under a schedule, so the check above tells them apart", () => {
    const cross = p(
      "cross",
      () => sgd({ lr: schedule, momentum: 0.9 }),
      () => sgdChain({ lr: schedule, momentum: 0.9, convention: "lr-in-buffer" }),
      {},
      0,
    );
    expect(compare(cross, 64).w).toBeGreaterThan(1e-3);
  });
});
