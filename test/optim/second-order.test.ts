import { describe, expect, it } from "vitest";
import * as E from "../../src/index.ts";
import {
  AdaHessian,
  Lbfgs,
  Newton,
  NewtonCG,
  NonlinearCG,
  tensorObjective,
  type Objective,
} from "../../src/optim/second-order/index.ts";
import { dot, norm } from "../../src/optim/second-order/linalg.ts";

const rosenbrock: Objective = {
  dim: 2,
  valueAndGrad: ([x, y]) => ({
    value: (1 - x) ** 2 + 100 * (y - x * x) ** 2,
    grad: Float64Array.of(-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)),
  }),
  hvp: ([x, y], [u, v]) =>
    Float64Array.of((2 - 400 * (y - x * x) + 800 * x * x) * u - 400 * x * v, -400 * x * u + 200 * v),
};

/** f(w) = Σ log(1 + exp(aᵢ·w)) + ½‖w‖²: strictly convex, smooth, with a closed-form gradient and HVP. */
function softplusRidge(a: Float64Array[]): Objective {
  const sig = (z: number) => 1 / (1 + Math.exp(-z));
  const n = a[0].length;
  return {
    dim: n,
    valueAndGrad(w) {
      const grad = Float64Array.from(w);
      let value = 0.5 * dot(w, w);
      for (const ai of a) {
        const z = dot(ai, w);
        value += Math.log1p(Math.exp(z));
        for (let j = 0; j < n; j++) grad[j] += sig(z) * ai[j];
      }
      return { value, grad };
    },
    hvp(w, v) {
      const out = Float64Array.from(v);
      for (const ai of a) {
        const s = sig(dot(ai, w));
        const c = s * (1 - s) * dot(ai, v);
        for (let j = 0; j < n; j++) out[j] += c * ai[j];
      }
      return out;
    },
  };
}

/** ½ Σ λᵢ wᵢ², λ log-spaced from 1 to 100 (condition number 100). */
function illQuadratic(n: number): Objective & { lambda: Float64Array } {
  const lambda = Float64Array.from({ length: n }, (_, i) => 100 ** (i / (n - 1)));
  return {
    dim: n,
    lambda,
    valueAndGrad: (w) => ({
      value: 0.5 * w.reduce((s, x, i) => s + lambda[i] * x * x, 0),
      grad: w.map((x, i) => lambda[i] * x),
    }),
    hvp: (_w, v) => v.map((x, i) => lambda[i] * x),
  };
}

describe("second-order and line-search methods", () => {
  it("L-BFGS solves 2-D Rosenbrock from (−1.5, 2) to 1e-8 in under 100 iterations", () => {
    const opt = new Lbfgs(rosenbrock, [-1.5, 2]);
    const r = opt.run({ maxIterations: 100, gradTol: 1e-9 });
    expect(Math.hypot(r.w[0] - 1, r.w[1] - 1)).toBeLessThan(1e-8);
    expect(r.iterations).toBeLessThan(100);
  });

  it("nonlinear CG (Fletcher–Reeves and Polak–Ribière+) solve Rosenbrock and an ill-conditioned quadratic", () => {
    for (const formula of ["fletcher-reeves", "polak-ribiere+"] as const) {
      const r = new NonlinearCG(rosenbrock, [-1.5, 2], formula).run({ maxIterations: 2000, gradTol: 1e-8 });
      expect(r.converged, formula).toBe(true);
      expect(Math.hypot(r.w[0] - 1, r.w[1] - 1)).toBeLessThan(1e-6);
    }
    // GD at its best fixed step needs about κ·ln(1/tol) ≈ 100·ln(1e8) ≈ 1,840 iterations here; CG, even with an
    // inexact (strong-Wolfe, c2 = 0.1) search and restarts every n steps, needs an order of magnitude fewer.
    const q = illQuadratic(16);
    const r = new NonlinearCG(q, new Array(16).fill(1)).run({ maxIterations: 200, gradTol: 1e-8 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThan(184);
  });

  it("Newton converges quadratically on a strictly convex function", () => {
    const a = Array.from({ length: 20 }, (_, i) =>
      Float64Array.from({ length: 5 }, (_, j) => Math.sin(3 * i + 7 * j + 1) * 2),
    );
    const obj = softplusRidge(a);
    const opt = new Newton(obj, new Float64Array(5).fill(3));
    const norms: number[] = [norm(opt.grad)];
    while (norms[norms.length - 1] > 1e-12 && opt.iteration < 50) {
      opt.step();
      norms.push(norm(opt.grad));
    }
    expect(opt.iteration).toBeLessThanOrEqual(8);
    // Quadratic: once ‖g‖ < 0.1, each step at least squares it (up to a constant).
    const tail = norms.filter((g) => g < 0.1 && g > 1e-13);
    for (let i = 1; i < tail.length; i++) expect(tail[i]).toBeLessThan(10 * tail[i - 1] ** 2);
    expect(tail.length).toBeGreaterThanOrEqual(2);
  });

  it("Newton with the Hessian formed from engine HVPs solves a small logistic regression", () => {
    const rng = new E.Random(3);
    const X = E.randn([40, 4], rng),
      Y = E.tensor(
        Float32Array.from({ length: 40 }, () => rng.int(2)),
        [40, 1],
      );
    const w = E.zeros([4, 1]);
    const f = () =>
      E.add(
        E.mean(E.add(E.log(E.add(E.exp(E.matmul(X, w)), 1)), E.neg(E.mul(Y, E.matmul(X, w))))),
        E.mul(E.sum(E.mul(w, w)), 0.05),
      );
    const r = new Newton(tensorObjective(f, [w]), [0, 0, 0, 0]).run({ maxIterations: 20, gradTol: 1e-5 });
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThanOrEqual(8);
    for (const t of [X, Y, w]) t.free();
  });

  it("Newton–CG beats plain gradient descent in iterations on an ill-conditioned logistic regression", () => {
    const rng = new E.Random(11);
    const n = 200,
      d = 8;
    // Feature scales from 1 to 30 make the Hessian's condition number ~10³.
    const x = Float32Array.from({ length: n * d }, (_, i) => rng.normal() * 30 ** ((i % d) / (d - 1)));
    const X = E.tensor(x, [n, d]),
      Y = E.tensor(
        Float32Array.from({ length: n }, () => rng.int(2)),
        [n, 1],
      );
    const w = E.zeros([d, 1]);
    const f = () =>
      E.add(
        E.mean(E.add(E.log(E.add(E.exp(E.matmul(X, w)), 1)), E.neg(E.mul(Y, E.matmul(X, w))))),
        E.mul(E.sum(E.mul(w, w)), 0.005),
      );
    const obj = tensorObjective(f, [w]);
    const tol = 1e-3;
    const ncg = new NewtonCG(obj, new Float64Array(d)).run({ maxIterations: 100, gradTol: tol });
    expect(ncg.converged).toBe(true);
    // GD at its largest safe step 1/L, L = the largest Hessian eigenvalue over the path (bounded by ‖X‖²/4n + 0.01).
    let L = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += x[i * d + j] ** 2;
      L += s;
    }
    L = L / (4 * n) + 0.01; // trace bound ≥ λmax
    let wgd = new Float64Array(d),
      gdIterations = 0;
    for (; gdIterations < 20 * ncg.iterations; gdIterations++) {
      const { grad } = obj.valueAndGrad(wgd);
      if (norm(grad) <= tol) break;
      wgd = wgd.map((v, i) => v - grad[i] / L);
    }
    expect(ncg.iterations * 20).toBeLessThanOrEqual(gdIterations);
    for (const t of [X, Y, w]) t.free();
  });

  it("AdaHessian makes progress on a condition-100 quadratic", () => {
    // On a diagonal Hessian, z ⊙ Hz is exactly diag(H), so each coordinate moves at a rate set by its
    // own curvature: the condition number stops mattering and Adam-like steps of size ≈ lr shrink the loss fast.
    const q = illQuadratic(16);
    const opt = new AdaHessian(q, new Array(16).fill(1), { lr: 0.15, seed: 1 });
    const start = opt.value;
    for (let i = 0; i < 300; i++) opt.step();
    expect(opt.value).toBeLessThan(start * 1e-4);
    expect(Array.from(opt.diagonal)).toEqual(Array.from(q.lambda));
  });

  it("refuses invalid hyperparameters with the parameter, its value and the range", () => {
    expect(() => new Lbfgs(rosenbrock, [0, 0], { history: 0 })).toThrow(
      /L-BFGS: history must be an integer ≥ 1, got 0/,
    );
    expect(() => new Newton(rosenbrock, [0, 0], { damping: -1 })).toThrow(
      /Newton: damping must be a finite number ≥ 0, got -1/,
    );
    expect(() => new NewtonCG(rosenbrock, [0, 0], { maxCg: 0 })).toThrow(/maxCg must be an integer ≥ 1, got 0/);
    expect(() => new AdaHessian(rosenbrock, [0, 0], { beta1: 1 })).toThrow(
      /AdaHessian: beta1 must be in \[0, 1\), got 1/,
    );
    expect(() => new AdaHessian(rosenbrock, [0, 0], { lr: NaN })).toThrow(/AdaHessian: lr must be > 0, got NaN/);
    expect(() => new Lbfgs(rosenbrock, [0, 0, 0])).toThrow(/start point has 3 values, the objective 2/);
  });
});

describe("second-order state", () => {
  const makers: [
    string,
    (w0: number[]) => { step(): boolean; save(): unknown; restore(s: never): void; w: Float64Array },
  ][] = [
    ["L-BFGS", (w0) => new Lbfgs(rosenbrock, w0, { history: 3 })],
    ["CG", (w0) => new NonlinearCG(rosenbrock, w0)],
    ["Newton", (w0) => new Newton(rosenbrock, w0)],
    ["Newton-CG", (w0) => new NewtonCG(rosenbrock, w0)],
    ["AdaHessian", (w0) => new AdaHessian(rosenbrock, w0, { lr: 0.05, seed: 3 })],
  ];
  for (const [name, make] of makers) {
    it(`${name}: save → JSON → restore → continue is bit-identical to an uninterrupted run`, () => {
      const a = make([-1.5, 2]);
      for (let i = 0; i < 4; i++) a.step();
      const saved = JSON.parse(JSON.stringify(a.save()));
      const b = make([0.3, 0.3]);
      b.restore(saved as never);
      for (let i = 0; i < 6; i++) {
        a.step();
        b.step();
      }
      expect(Array.from(b.w)).toEqual(Array.from(a.w));
    });
  }
  it("refuses a state saved by another method", () => {
    const saved = new Lbfgs(rosenbrock, [0, 0]).save();
    expect(() => new Newton(rosenbrock, [0, 0]).restore(saved)).toThrow(
      /Newton: cannot restore a state saved by L-BFGS/,
    );
  });
});
