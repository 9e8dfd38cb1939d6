// Sophia: its Hutchinson estimate against the exact Hessian diagonal of a small network, its update
// against the paper's equation written out, and its rate on a condition-100 quadratic.
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { Sophia, hutchinsonDiagonal, tensorObjective, type Objective } from "../../src/optim/second-order/index.ts";
import { Model, Sequential, Linear, Activation, crossEntropy } from "../../src/nn/index.ts";
import { tensor } from "../../src/tensor/tensor.ts";

describe("Hutchinson's estimate of diag(H) on a small network", () => {
  it("agrees with the exact diagonal (from HVPs with unit vectors) within 4 standard errors, every coordinate", () => {
    const model = new Model(new Sequential([new Linear(3, 4), new Activation("tanh"), new Linear(4, 3)]), { seed: 5 });
    const rng = new Random(9);
    const n = 12;
    const X = tensor(
      Float32Array.from({ length: n * 3 }, () => rng.normal()),
      [n, 3],
    );
    const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
    const params = model.parameters.tensors;
    const objective = tensorObjective(() => crossEntropy(model.forward(X, { training: false }), labels), params);
    const d = objective.dim;
    const w = new Float64Array(d);
    let at = 0;
    for (const p of params) {
      w.set(p.toArray(), at);
      at += p.size;
    }
    // The exact Hessian, one column per unit vector.
    const H = Array.from({ length: d }, (_, j) =>
      objective.hvp(
        w,
        Float64Array.from({ length: d }, (_, i) => (i === j ? 1 : 0)),
      ),
    );
    const samples = 4000;
    const estimate = hutchinsonDiagonal((v) => objective.hvp(w, v), d, samples, new Random(1));
    for (let i = 0; i < d; i++) {
      // For Gaussian u, Var(u_i·(Hu)_i) = 2·H_ii² + Σ_{j≠i} H_ij².
      let variance = 2 * H[i][i] ** 2;
      for (let j = 0; j < d; j++) if (j !== i) variance += H[j][i] ** 2;
      expect(Math.abs(estimate[i] - H[i][i]), `coordinate ${i}`).toBeLessThanOrEqual(
        4 * Math.sqrt(variance / samples) + 1e-6,
      );
    }
    // Not a vacuous check: the diagonal is far from zero somewhere, and the bound is tighter than it.
    const biggest = Math.max(...H.map((col, i) => Math.abs(col[i])));
    expect(biggest).toBeGreaterThan(0.05);
    X.free();
    model.free();
  }, 60_000);
});

// f(w) = ½ Σ λ_i w_i², λ log-spaced from 1 to 100.
function quadratic(d: number): Objective & { lambda: Float64Array } {
  const lambda = Float64Array.from({ length: d }, (_, i) => 100 ** (i / (d - 1)));
  return {
    dim: d,
    lambda,
    valueAndGrad: (w) => ({
      value: w.reduce((s, x, i) => s + 0.5 * lambda[i] * x * x, 0),
      grad: w.map((x, i) => lambda[i] * x),
    }),
    hvp: (_w, v) => v.map((x, i) => lambda[i] * x),
  };
}

describe("Sophia", () => {
  it("follows the paper's Algorithm 3, written out, over 60 iterations", () => {
    const q = quadratic(8),
      o = { lr: 0.05, beta1: 0.9, beta2: 0.95, gamma: 0.05, eps: 1e-12, weightDecay: 0.01, every: 3, seed: 4 };
    const opt = new Sophia(q, new Array(8).fill(1), o);
    // Reference: the same Gaussian draws (same generator, same seed), the equations as printed.
    const rng = new Random(o.seed);
    let w = new Float64Array(8).fill(1);
    const m = new Float64Array(8),
      h = new Float64Array(8);
    for (let t = 1; t <= 60; t++) {
      const g = q.valueAndGrad(w).grad;
      if ((t - 1) % o.every === 0) {
        const u = Float64Array.from({ length: 8 }, () => rng.normal());
        const hu = q.hvp!(w, u);
        for (let i = 0; i < 8; i++) h[i] = o.beta2 * h[i] + (1 - o.beta2) * u[i] * hu[i];
      }
      w = w.map((wi, i) => {
        m[i] = o.beta1 * m[i] + (1 - o.beta1) * g[i];
        const decayed = wi - o.lr * o.weightDecay * wi;
        return decayed - o.lr * Math.max(-1, Math.min(1, m[i] / Math.max(o.gamma * h[i], o.eps)));
      });
      opt.step();
      for (let i = 0; i < 8; i++) expect(opt.w[i]).toBeCloseTo(w[i], 12);
    }
  });

  // Unclipped (|m| < γh), with h ≈ λ, the step is η·m/(γh) with η = lr/γ, and each coordinate obeys
  // w_{t+1} = w_t − (η/s)·m_t, m_t = β1·m_{t−1} + (1 − β1)·w_t (s = h/λ, the estimate's error). Its
  // characteristic polynomial z² − (1 + β1 − (η/s)(1 − β1))·z + β1 has complex roots of modulus √β1
  // for every η/s in (0.01, 99): the loss falls as β1^t whatever λ is, so the condition number drops out.
  // Before that, steps are clipped to ±lr: |w0| = 1 takes 1/lr = 20 steps (plus the momentum's lag).
  // Claimed: loss ≤ 1e-6·f0 after 500 iterations (β1^480 ≈ 3e-9, times ≤ 100 for the oscillation
  // constant and the entry point); GD at its best fixed step 1/L gets only (1 − 1/κ)^1000 ≈ 4e-5.
  it("converges at rate √β1 per iteration on a condition-100 quadratic, whatever the condition number", () => {
    const q = quadratic(16);
    const opt = new Sophia(q, new Array(16).fill(1), { lr: 0.05, gamma: 0.05, seed: 1 });
    const f0 = opt.value;
    for (let t = 0; t < 500; t++) opt.step();
    expect(opt.value / f0).toBeLessThanOrEqual(1e-6);
    expect(opt.value / f0).toBeLessThan((1 - 1 / 100) ** 1000);
  });

  it("refuses invalid hyperparameters with the parameter, its value and the range", () => {
    const q = quadratic(2);
    expect(() => new Sophia(q, [0, 0], { beta1: 1 })).toThrow(/Sophia: beta1 must be in \[0, 1\), got 1/);
    expect(() => new Sophia(q, [0, 0], { gamma: 0 })).toThrow(/Sophia: gamma must be > 0, got 0/);
    expect(() => new Sophia(q, [0, 0], { every: 1.5 })).toThrow(/Sophia: every must be an integer ≥ 1, got 1.5/);
  });
});
