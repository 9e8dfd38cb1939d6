/**
 * Every method on a convex quadratic with condition number 100: f(w) = ½ Σ λ_i w_i², 32 dims,
 * λ log-spaced from 1 to 100, w0_i = ±(0.5 … 1.5) so f0 ≥ ¼·½Σλ. Each row states the loss factor
 * and step budget its theory or behaviour predicts, and why; none is tuned to the observed value.
 */
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { ArrayOptimizer } from "../../src/optim/arrays.ts";
import type { BaseOptions, Optimizer } from "../../src/optim/optimizer.ts";
import {
  sgd,
  adagrad,
  rmsprop,
  adadelta,
  adam,
  adamw,
  amsgrad,
  adamax,
  nadam,
  radam,
  lion,
  tmsgd,
} from "../../src/optim/index.ts";

const D = 32,
  L = 100;
const lambda = Float64Array.from({ length: D }, (_, i) => L ** (i / (D - 1)));
const loss = (w: Float32Array) => w.reduce((s, x, i) => s + 0.5 * lambda[i] * x * x, 0);

/** Runs `steps` updates and returns the loss after each (index k = after k updates) and the iterates. */
function trajectory(opt: Optimizer<BaseOptions>, steps: number) {
  const rng = new Random(7);
  const w = Float32Array.from({ length: D }, () => (rng.uniform() < 0.5 ? -1 : 1) * (0.5 + rng.uniform()));
  const run = new ArrayOptimizer(opt, D);
  const losses = [loss(w)],
    maxAbs = [Math.max(...w.map(Math.abs))];
  for (let k = 0; k < steps; k++) {
    run.step(
      w,
      Float32Array.from(w, (x, i) => lambda[i] * x),
    );
    losses.push(loss(w));
    maxAbs.push(Math.max(...w.map(Math.abs)));
  }
  run.dispose();
  return { losses, maxAbs, f0: losses[0] };
}

/** Roots' largest modulus of a real polynomial (coefficients highest degree first), by Durand–Kerner. */
function spectralRadius(coeffs: number[]): number {
  const a = coeffs.map((c) => c / coeffs[0]),
    n = a.length - 1;
  let re = Array.from({ length: n }, (_, k) => 0.9 * Math.cos((2 * Math.PI * k) / n + 0.4));
  let im = Array.from({ length: n }, (_, k) => 0.9 * Math.sin((2 * Math.PI * k) / n + 0.4));
  for (let iter = 0; iter < 500; iter++) {
    const nr = [...re],
      ni = [...im];
    for (let i = 0; i < n; i++) {
      let pr = 1,
        pi = 0; // p(z_i) by Horner
      for (let j = 1; j <= n; j++) {
        const t = pr * re[i] - pi * im[i] + a[j];
        pi = pr * im[i] + pi * re[i];
        pr = t;
      }
      let dr = 1,
        di = 0; // Π (z_i − z_j)
      for (let j = 0; j < n; j++)
        if (j !== i) {
          const xr = re[i] - re[j],
            xi = im[i] - im[j];
          const t = dr * xr - di * xi;
          di = dr * xi + di * xr;
          dr = t;
        }
      const den = dr * dr + di * di;
      nr[i] = re[i] - (pr * dr + pi * di) / den;
      ni[i] = im[i] - (pi * dr - pr * di) / den;
    }
    re = nr;
    im = ni;
  }
  return Math.max(...re.map((r, i) => Math.hypot(r, im[i])));
}

/** TM-SGD's characteristic polynomial for one mode with h = lr·λ: (z³ − 1.5z² + z − 0.5)(z − μ) + h·z³. */
function tmsgdRadius(lr: number, mu: number): number {
  let worst = 0;
  for (const l of lambda) {
    const h = lr * l;
    // (z³ − 1.5z² + z − 0.5)(z − μ) = z⁴ − (1.5 + μ)z³ + (1 + 1.5μ)z² − (0.5 + μ)z + 0.5μ
    const coeffs = mu === 0 ? [1, -1.5 + h, 1, -0.5] : [1, -(1.5 + mu) + h, 1 + 1.5 * mu, -(0.5 + mu), 0.5 * mu];
    worst = Math.max(worst, spectralRadius(coeffs));
  }
  return worst;
}

interface Claim {
  label: string;
  make: () => Optimizer<BaseOptions>;
  steps: number;
  factor: number;
  why: string;
}

// Adaptive and sign-like methods: while a coordinate's gradient keeps its sign their step is about
// lr whatever λ_i is (the λ cancels between numerator and denominator), so reaching the minimum
// from |w0| ≤ 1.5 takes ≈ 1.5/lr steps; after that they stay in a band of a few lr. A band |w_i| ≤ 5·lr
// = 0.05 means loss ≤ 4·0.05²·f0 = 1e-2·f0 (since f0 ≥ ¼·½Σλ). With lr = 0.01 the travel is 150 steps;
// the budget of 300 leaves a factor 2 for momentum lag.
const BAND = "sign-like travel of 1.5/lr steps, then a band of a few lr: loss ≤ 4·(5·lr)²·f0";

const claims: Claim[] = [
  {
    label: "gd (sgd, lr = 1/L)",
    make: () => sgd({ lr: 1 / L }),
    steps: 500,
    factor: (1 - 1 / L) ** 1000,
    why: "each mode contracts by |1 − lr·λ_i| ≤ 1 − 1/κ per step: loss_k ≤ (1 − 1/κ)^(2k)·f0 exactly",
  },
  // Heavy ball with lr·λ ∈ [0.01, 1] ⊂ ((1−√μ)², (1+√μ)²) = (0.003, 3.8): every mode has complex
  // roots of modulus √μ, so the loss falls as μ^k = 0.9^300 ≈ 2e-14, times the oscillation constant
  // 1/sin²θ ≲ 400 at the slowest mode. Claimed: 1e-8.
  ...(["pytorch", "lr-in-buffer"] as const).flatMap((convention) => [
    {
      label: `momentum ${convention}`,
      make: () => sgd({ lr: 0.01, momentum: 0.9, convention }),
      steps: 300,
      factor: 1e-8,
      why: "rate √μ per step",
    },
    {
      label: `nesterov ${convention}`,
      make: () => sgd({ lr: 0.01, momentum: 0.9, convention, nesterov: true }),
      steps: 300,
      factor: 1e-8,
      why: "modulus √(μ(1 − lr·λ)) ≤ √μ",
    },
  ]),
  {
    label: "momentum ema (lr(1−μ) = 0.01)",
    make: () => sgd({ lr: 0.1, momentum: 0.9, convention: "ema" }),
    steps: 300,
    factor: 1e-8,
    why: "heavy ball with lr·(1−μ)",
  },
  {
    label: "momentum pytorch, dampening 0.5",
    make: () => sgd({ lr: 0.01, momentum: 0.9, dampening: 0.5 }),
    steps: 300,
    factor: 1e-8,
    why: "lr·(1−τ)·λ ∈ [0.005, 0.5], still complex roots of modulus √μ",
  },
  // AdaGrad on a diagonal quadratic: with ε ≪ |g| the step lr·λu/√(Σλ²u²) does not depend on λ, and
  // scaling w0 scales the whole path, so every coordinate follows u_k/u_0 of one 1-D recursion
  // u ← u(1 − lr/√S), S = Σ u². S grows to a limit, so the rate tends to ρ with ρ = 1 − lr·√(1 − ρ²):
  // ρ ≈ 0.98 for lr = 0.1, loss ≈ ρ^(2k) = 0.98^600 ≈ 5e-6. Claimed: 1e-4.
  {
    label: "adagrad",
    make: () => adagrad({ lr: 0.1 }),
    steps: 300,
    factor: 1e-4,
    why: "λ-invariant, geometric at ρ ≈ 0.98",
  },
  {
    label: "adagrad tfjs",
    make: () => adagrad({ lr: 0.1, compat: "tfjs" }),
    steps: 300,
    factor: 1e-4,
    why: "as above; the 0.1 start is small next to λ²w²",
  },
  { label: "rmsprop", make: () => rmsprop({ lr: 0.01 }), steps: 300, factor: 1e-2, why: BAND },
  { label: "rmsprop centered", make: () => rmsprop({ lr: 0.01, centered: true }), steps: 300, factor: 1e-2, why: BAND },
  {
    label: "rmsprop momentum (lr/(1−μ) = 0.01)",
    make: () => rmsprop({ lr: 0.001, momentum: 0.9 }),
    steps: 300,
    factor: 1e-2,
    why: BAND,
  },
  { label: "rmsprop tfjs", make: () => rmsprop({ lr: 0.01, compat: "tfjs" }), steps: 300, factor: 1e-2, why: BAND },
  // Adadelta (lr = 1, ρ = 0.9, ε = 1e-6): while g is steady, u grows by (1−ρ)ε per step, so the step
  // is ≈ √((1 + 0.1k)ε) and the distance after k steps ≈ 2e-4·k^1.5: 1.5 is reached near k = 370.
  // The band is then ≈ √(0.1kε) ≈ 8e-3 at k = 600: loss ≤ 1e-2·f0 by k = 600.
  {
    label: "adadelta",
    make: () => adadelta(),
    steps: 600,
    factor: 1e-2,
    why: "step grows as √(0.1kε): travel ≈ 370 steps",
  },
  { label: "adam", make: () => adam({ lr: 0.01 }), steps: 300, factor: 1e-2, why: BAND },
  {
    label: "adamw",
    make: () => adamw({ lr: 0.01 }),
    steps: 300,
    factor: 1e-2,
    why: BAND + "; decay lr·λ = 1e-4 per step only helps",
  },
  {
    label: "amsgrad reddi",
    make: () => amsgrad({ lr: 0.01, amsgrad: "reddi" }),
    steps: 300,
    factor: 1e-2,
    why: BAND + "; without correction the early steps are (1−β1ᵗ)/√(1−β2ᵗ)·lr ≥ lr",
  },
  {
    label: "amsgrad pytorch",
    make: () => amsgrad({ lr: 0.01 }),
    steps: 300,
    factor: 1e-2,
    why: BAND + "; raw v rises for ~1/(1−β2) steps, so its max is v and this is Adam",
  },
  // The max of the corrected v̂ keeps the first gradient's size: the step is ≈ lr·|g_k|/|g_0| = lr·w_k/w_0,
  // GD with rate 1 − lr/|w0| ≥ 1 − 0.01/0.5 … 1 − 0.01/1.5: loss ≤ (1 − 1/150)^(2k) ≈ 1.6e-6 at k = 1000.
  {
    label: "amsgrad corrected",
    make: () => amsgrad({ lr: 0.01, amsgrad: "corrected" }),
    steps: 1000,
    factor: 1e-4,
    why: "GD-like at rate 1 − lr/|w0|",
  },
  // Adamax's u ≈ max(0.999ᵗ|g_0|, |g_t|): the same GD-like rate as corrected AMSGrad, then faster as u decays.
  {
    label: "adamax",
    make: () => adamax({ lr: 0.01 }),
    steps: 1000,
    factor: 1e-4,
    why: "GD-like at rate ≥ 1 − lr/|w0|",
  },
  { label: "nadam", make: () => nadam({ lr: 0.01 }), steps: 300, factor: 1e-2, why: BAND },
  // RAdam's rectification is ≈ √(t/ρ∞) early (ρ∞ ≈ 2000 for β2 = 0.999): travel Σ lr·√(t/2000) ≈
  // 1.5e-4·t^1.5 reaches 1.5 near t = 470; then the Adam band. Budget 700.
  {
    label: "radam",
    make: () => radam({ lr: 0.01 }),
    steps: 700,
    factor: 1e-2,
    why: "rectified travel ≈ 470 steps, then the band",
  },
  // TM-SGD: each mode's recursion has characteristic polynomial z³ − (1.5 − h)z² + z − 0.5, h = lr·λ.
  // At h = 1 its roots are 0.5 and ±i: TM-SGD is stable only for lr < 1/L (GD: 2/L). With lr = 0.5/L the
  // slowest root is ≈ 1 − lr·λ_min. Claimed: loss ≤ 100·ρ^(2k)·f0, ρ the largest root over all λ_i,
  // the 100 covering the companion matrix's transient.
  {
    label: "tm-sgd (lr = 0.5/L)",
    make: () => tmsgd({ lr: 0.005 }),
    steps: 1000,
    factor: 100 * tmsgdRadius(0.005, 0) ** 2000,
    why: "spectral radius of the multistep",
  },
  {
    label: "tm-sgd switch at 100",
    make: () => tmsgd({ lr: 0.005, switchStep: 100 }),
    steps: 1000,
    factor: 100 * Math.max(tmsgdRadius(0.005, 0), 1 - 0.005) ** 2000,
    why: "GD then the multistep, each at its radius",
  },
  // TM-SGD-M: (z³ − 1.5z² + z − 0.5)(z − μ) + h·z³; the slow root ≈ 1 − h/(1 − μ).
  {
    label: "tm-sgd-m (μ = 0.5, lr = 0.25/L)",
    make: () => tmsgd({ lr: 0.0025, momentum: 0.5 }),
    steps: 1000,
    factor: 100 * tmsgdRadius(0.0025, 0.5) ** 2000,
    why: "spectral radius of the multistep with momentum",
  },
];

describe("progress on a quadratic with condition number 100", () => {
  it.each(claims)("$label: loss ≤ factor·f0 within the budget", ({ make, steps, factor }) => {
    const { losses, f0 } = trajectory(make(), steps);
    expect(factor).toBeLessThan(1); // a claim of no progress is no claim
    expect(losses[steps] / f0).toBeLessThanOrEqual(factor);
  });

  // Lion moves every coordinate by exactly lr per step: 1.5/lr steps to arrive. Then it overshoots until
  // c = β1m + (1−β1)g changes sign, i.e. until the slow momentum (β2 = 0.99, memory 100 steps), built up
  // over the whole travel, has shrunk below |g|/9 near the minimum: a factor ≈ e⁻⁴, so we allow four
  // memories (400 steps; a behavioural estimate, not a theorem). After that every coordinate stays within
  // 2·lr of the minimum: a sign method is only as precise as its step.
  it.each([0.01, 0.003])("lion (lr = %f) ends within 2·lr of the minimum in every coordinate", (lr) => {
    const arrive = Math.ceil(1.5 / lr) + 400;
    const { maxAbs } = trajectory(lion({ lr }), arrive + 100);
    expect(Math.max(...maxAbs.slice(arrive))).toBeLessThanOrEqual(2 * lr);
  });

  it("the TM-SGD stability limit is lr·λ = 1: at h = 1 the roots lie on the unit circle", () => {
    expect(spectralRadius([1, -0.5, 1, -0.5])).toBeCloseTo(1, 6);
    expect(spectralRadius([1, -1.5 + 0.9, 1, -0.5])).toBeLessThan(1);
    expect(spectralRadius([1, -1.5 + 1.1, 1, -0.5])).toBeGreaterThan(1);
  });
});
