// Composed optimizers plug into what a fused one does: the non-finite guard, parameter groups,
// saved state, ArrayOptimizer. Each primitive against its written equation, chain()'s errors, and
// ADOPT against the paper's equation and its rate on a quadratic.
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { heap, f32View } from "../../src/wasm/module.ts";
import { ArrayOptimizer } from "../../src/optim/arrays.ts";
import { NonFiniteGradientError } from "../../src/optim/optimizer.ts";
import { freeState, inspectState, loadState, saveState } from "../../src/optim/state.ts";
import { adam } from "../../src/optim/adam.ts";
import { composed } from "../../src/optim/chain-optimizer.ts";
import { adamChain, adopt } from "../../src/optim/composed.ts";
import {
  addWeightDecay,
  biasCorrection,
  chain,
  clip,
  clipNorm,
  decoupledWeightDecay,
  divideByRoot,
  ema,
  emaSquare,
  jsTransformation,
  maxAccumulator,
  nesterov,
  scale,
  scaleByLearningRate,
  scaleBySchedule,
  sign,
  trace,
  type Transformation,
} from "../../src/optim/transforms.ts";

const f32 = Math.fround;

/** One update of `tr` from state `state0` (by buffer name) on w, g: returns u (= w_before − w_after), the state and scalars after. */
function oneStep(tr: Transformation, w: number[], g: number[], state0: Record<string, number[]> = {}, t = 1, lr = 0.5) {
  const opt = composed("probe", { lr, onNonFinite: "throw" }, () => tr)();
  const n = w.length;
  const state = opt.init(n);
  for (const [name, values] of Object.entries(state0)) f32View(state.buffers[name], n).set(values);
  state.step = t - 1;
  const pw = heap.alloc(n * 4),
    pg = heap.alloc(n * 4);
  f32View(pw, n).set(w);
  f32View(pg, n).set(g);
  opt.update({ ptr: pw, length: n }, { ptr: pg, length: n }, state);
  const after = f32View(pw, n).slice();
  const out = {
    u: Array.from(w, (x, i) => f32(x) - after[i]),
    state: inspectState(state),
    scalars: { ...state.scalars[0] },
  };
  freeState(state);
  heap.release(pw);
  heap.release(pg);
  return out;
}

const W = [0.5, -1, 2, 0, 3, -0.25, 1.5];
const G = [1, -2, 0.5, 0, -3, 0.125, 4];
const close = (got: ArrayLike<number>, want: ArrayLike<number>, rel = 1e-6) => {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i]), `at ${i}: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      rel * Math.max(1, Math.abs(want[i])),
    );
};

/** Parameters sin(i + 1) and gradients cos(i + 1) in WASM memory. */
function setup(n: number) {
  const w = heap.alloc(n * 4),
    g = heap.alloc(n * 4);
  f32View(w, n).set(Float32Array.from({ length: n }, (_, i) => Math.sin(i + 1)));
  f32View(g, n).set(Float32Array.from({ length: n }, (_, i) => Math.cos(i + 1)));
  return {
    w: { ptr: w, length: n },
    g: { ptr: g, length: n },
    free: () => {
      heap.release(w);
      heap.release(g);
    },
  };
}

describe("each primitive is its equation (one step, 7 elements: SIMD body and tail)", () => {
  it("scale, scaleByLearningRate, scaleBySchedule", () => {
    close(
      oneStep(scale(-3), W, G).u,
      G.map((g) => -3 * g),
    );
    close(
      oneStep(scaleByLearningRate(), W, G, {}, 1, 0.5).u,
      G.map((g) => 0.5 * g),
    );
    close(
      oneStep(
        scaleBySchedule((s) => 10 + s),
        W,
        G,
        {},
        4,
      ).u,
      G.map((g) => 13 * g),
    );
  });

  it("coupled and decoupled weight decay add c·w", () => {
    close(
      oneStep(addWeightDecay(0.1), W, G).u,
      G.map((g, i) => g + 0.1 * W[i]),
    );
    close(
      oneStep(chain(decoupledWeightDecay(0.1), scaleByLearningRate()), W, G).u,
      G.map((g, i) => 0.5 * (g + 0.1 * W[i])),
    );
  });

  it("emaSquare keeps v ← βv + (1−β)u², or v₁ = g² with firstStep copy, from the gradient on request", () => {
    const v0 = [1, 2, 3, 4, 5, 6, 7];
    const r = oneStep(emaSquare(0.9), W, G, { v: v0 }, 3);
    close(
      r.state.v,
      v0.map((v, i) => 0.9 * v + 0.1 * G[i] ** 2),
    );
    close(r.u, G);
    close(
      oneStep(emaSquare(0.9, { firstStep: "copy" }), W, G, { v: v0 }, 1).state.v,
      G.map((g) => g * g),
    );
    const fromGradient = oneStep(chain(scale(2), emaSquare(0.5, { input: "gradient", name: "s" })), W, G, { s: v0 }, 2);
    close(
      fromGradient.state.s,
      v0.map((v, i) => 0.5 * v + 0.5 * G[i] ** 2),
    );
  });

  it("ema: u ← m ← βm + (1−β)u, and Lion's look-ahead", () => {
    const m0 = [0.5, 0.5, -1, 1, 0, 2, -2];
    const r = oneStep(ema(0.8), W, G, { m: m0 });
    close(
      r.state.m,
      m0.map((m, i) => 0.8 * m + 0.2 * G[i]),
    );
    close(r.u, r.state.m);
    const la = oneStep(ema(0.99, { lookAhead: 0.9 }), W, G, { m: m0 });
    close(
      la.u,
      m0.map((m, i) => 0.9 * m + 0.1 * G[i]),
    );
    close(
      la.state.m,
      m0.map((m, i) => 0.99 * m + 0.01 * G[i]),
    );
  });

  it("biasCorrection divides by 1 − βᵗ", () => {
    close(
      oneStep(biasCorrection(0.9), W, G, {}, 3).u,
      G.map((g) => g / (1 - 0.9 ** 3)),
    );
  });

  it("divideByRoot with ε outside, inside, as a floor, and bias-corrected", () => {
    const v = [4, 1, 0.25, 0, 9, 1e-12, 16];
    const run = (o: Parameters<typeof divideByRoot>[0], t = 1) =>
      oneStep(
        chain(emaSquare(0.5, { name: "x" }), divideByRoot({ of: "x", ...o })),
        W,
        G,
        { x: v.map((a) => 2 * a) },
        t,
      );
    // x after emaSquare(0.5) from 2v: v + g²/2.
    const x = v.map((a, i) => a + 0.5 * G[i] ** 2);
    close(
      run({ eps: 1e-3 }).u,
      G.map((g, i) => g / (Math.sqrt(x[i]) + 1e-3)),
      1e-5,
    );
    close(
      run({ eps: 1e-3, epsilon: "inside" }).u,
      G.map((g, i) => g / Math.sqrt(x[i] + 1e-3)),
      1e-5,
    );
    close(
      run({ eps: 1e-3, epsilon: "floor" }).u,
      G.map((g, i) => g / Math.max(Math.sqrt(x[i]), 1e-3)),
      1e-5,
    );
    close(
      run({ eps: 1e-3, biasCorrection: 0.99 }, 2).u,
      G.map((g, i) => g / (Math.sqrt(x[i] / (1 - 0.99 ** 2)) + 1e-3)),
      1e-5,
    );
  });

  it("sign (0 stays 0) and clip by value (a number or a schedule of the step)", () => {
    close(oneStep(sign(), W, G).u, G.map(Math.sign));
    close(
      oneStep(clip(1.5), W, G).u,
      G.map((g) => Math.min(1.5, Math.max(-1.5, g))),
    );
    close(
      oneStep(
        clip((s) => s / 2),
        W,
        G,
        {},
        3,
      ).u,
      G.map((g) => Math.min(1, Math.max(-1, g))),
    );
    expect(
      oneStep(
        clip(() => 0),
        W,
        G,
      ).u.every((x) => x === 0),
    ).toBe(true);
  });

  it("clipNorm scales to maxNorm/(‖u‖ + 1e-6) when above, keeps the norm as a scalar, leaves a smaller u alone", () => {
    const norm = Math.hypot(...G);
    const r = oneStep(clipNorm(1), W, G);
    close(
      r.u,
      G.map((g) => g / (norm + 1e-6)),
    );
    expect(r.scalars["clipNorm.norm"]).toBeCloseTo(norm, 5);
    close(oneStep(clipNorm(100), W, G).u, G);
  });

  it("maxAccumulator keeps max(vmax, v), or of the corrected v", () => {
    const v0 = [1, 0, 5, 1, 0, 0, 2],
      m0 = [2, 2, 2, 2, 2, 2, 2];
    const r = oneStep(chain(emaSquare(0.5), maxAccumulator()), W, G, { v: v0, vmax: m0 });
    const v = v0.map((a, i) => 0.5 * a + 0.5 * G[i] ** 2);
    close(
      r.state.vmax,
      v.map((a, i) => Math.max(m0[i], a)),
    );
    const c = oneStep(chain(emaSquare(0.5), maxAccumulator({ biasCorrection: 0.5 })), W, G, { v: v0, vmax: m0 }, 2);
    close(
      c.state.vmax,
      v.map((a, i) => Math.max(m0[i], a / 0.75)),
    );
  });

  it("trace (heavy ball) and Nesterov's look-ahead", () => {
    const v0 = [1, -1, 0.5, 0, 2, 3, -2];
    const hb = oneStep(trace(0.9), W, G, { momentum: v0 });
    const v = v0.map((a, i) => 0.9 * a + G[i]);
    close(hb.state.momentum, v);
    close(hb.u, v);
    close(
      oneStep(nesterov(0.9), W, G, { momentum: v0 }).u,
      G.map((g, i) => g + 0.9 * v[i]),
    );
  });

  it("jsTransformation runs TypeScript over Float32Array views of the group's slice and its own buffers", () => {
    const tr = jsTransformation("count-and-double", {
      buffers: ["seen"],
      update({ u, buf, t }) {
        for (let i = 0; i < u.length; i++) {
          u[i] *= 2;
          buf.seen[i] += t;
        }
      },
    });
    const r = oneStep(tr, W, G, { seen: [1, 1, 1, 1, 1, 1, 1] }, 5);
    close(
      r.u,
      G.map((g) => 2 * g),
    );
    close(r.state.seen, [6, 6, 6, 6, 6, 6, 6]);
  });
});

describe("chain() and composed() refuse what cannot work, naming it", () => {
  it("two transformations keeping one buffer name, a read of a buffer nobody keeps, a non-transformation", () => {
    expect(() => chain(ema(0.9), ema(0.5))).toThrow(/ema keeps a buffer named "m", which ema already keeps/);
    expect(() => chain(ema(0.9), ema(0.5, { name: "m2" }))).not.toThrow();
    expect(() => chain(divideByRoot({ eps: 1e-8 }))).toThrow(
      /divideByRoot reads a buffer "v" that no transformation in the chain keeps/,
    );
    expect(() => chain(emaSquare(0.9, { name: "updates" }))).toThrow(/reserved/);
    expect(() => chain(scale(1), {} as Transformation)).toThrow(/argument 1 is not a transformation/);
  });

  it("a bad hyperparameter throws at construction, with the primitive, the name and the value", () => {
    expect(() => ema(1)).toThrow("ema: beta = 1 is outside the valid range [0, 1)");
    expect(() => divideByRoot({ eps: 0 })).toThrow("divideByRoot: eps = 0 is outside the valid range (0, ∞)");
    expect(() => adamChain({ beta2: -0.1 })).toThrow("emaSquare: beta = -0.1 is outside the valid range [0, 1)");
    expect(() => adopt({ lr: -1 })).toThrow("adopt: lr = -1 is outside the valid range (0, ∞)");
    expect(() => scaleBySchedule(3 as never)).toThrow(/must be a function/);
  });

  it("a schedule that leaves the finite numbers stops the step with its value", () => {
    expect(() =>
      oneStep(
        clip(() => NaN),
        W,
        G,
      ),
    ).toThrow("clip: the schedule gave c = NaN at step 0; it must be ≥ 0 (∞: no clipping)");
    close(
      oneStep(
        clip(() => Infinity),
        W,
        G,
      ).u,
      G,
    );
  });
});

describe("a composed optimizer plugs in where a fused one does", () => {
  it("the non-finite guard: throw, skip and stop leave parameters and state untouched", () => {
    for (const policy of ["throw", "skip", "stop"] as const) {
      const opt = adamChain({ lr: 0.1, onNonFinite: policy });
      const { w, g, free } = setup(9);
      const state = opt.init(9);
      opt.update(w, g, state);
      const before = f32View(w.ptr, 9).slice(),
        stateBefore = inspectState(state);
      f32View(g.ptr, 9)[7] = NaN;
      if (policy === "throw") expect(() => opt.update(w, g, state)).toThrow(NonFiniteGradientError);
      else expect(opt.update(w, g, state)).toBe(policy === "skip" ? "skipped" : "stopped");
      expect(f32View(w.ptr, 9).slice()).toEqual(before);
      expect(inspectState(state)).toEqual(stateBefore);
      expect(state.step).toBe(1);
      f32View(g.ptr, 9)[7] = 1;
      expect(opt.update(w, g, state)).toBe(policy === "stop" ? "stopped" : "updated");
      freeState(state);
      free();
    }
  });

  it("parameter groups: per-group options follow the fused optimizer's groups; the gap between groups is untouched", () => {
    const groups = [
      { offset: 0, length: 6, lr: 0.1 },
      { offset: 8, length: 9, lr: 0.01, beta1: 0.5, weightDecay: 0.1 },
    ];
    const fused = adam({}, groups),
      comp = adamChain({}, groups);
    const a = setup(17),
      b = setup(17);
    const sa = fused.init(17),
      sb = comp.init(17);
    const start = f32View(a.w.ptr, 17).slice();
    for (let t = 0; t < 50; t++) {
      fused.update(a.w, a.g, sa);
      comp.update(b.w, a.g, sb);
    }
    const wf = f32View(a.w.ptr, 17).slice(),
      wc = f32View(b.w.ptr, 17).slice();
    close(wc, wf, 2e-5);
    expect([wc[6], wc[7]]).toEqual([start[6], start[7]]);
    expect(Math.abs(wc[0] - start[0])).toBeGreaterThan(10 * Math.abs(wc[8] - start[8]) * 0.1);
    for (const s of [sa, sb]) freeState(s);
    a.free();
    b.free();
  });

  it("saveState/loadState: a loaded state continues bit for bit, its buffers inspectable by name", () => {
    const opt = adopt({ lr: 0.05 });
    const a = setup(13),
      b = setup(13);
    const sa = opt.init(13);
    for (let t = 0; t < 5; t++) opt.update(a.w, a.g, sa);
    const saved = JSON.parse(JSON.stringify(saveState(sa)));
    expect(Object.keys(saved.buffers).sort()).toEqual(["m", "updates", "v"]);
    const sb = loadState(saved);
    f32View(b.w.ptr, 13).set(f32View(a.w.ptr, 13));
    for (let t = 0; t < 5; t++) {
      opt.update(a.w, a.g, sa);
      opt.update(b.w, a.g, sb);
    }
    expect(f32View(b.w.ptr, 13).slice()).toEqual(f32View(a.w.ptr, 13).slice());
    expect(inspectState(sb)).toEqual(inspectState(sa));
    for (const s of [sa, sb]) freeState(s);
    a.free();
    b.free();
  });

  it("ArrayOptimizer drives a chain on plain arrays", () => {
    const run = new ArrayOptimizer(adamChain({ lr: 0.1 }), 2);
    const w = new Float32Array([1, -1]);
    for (let i = 0; i < 200; i++)
      run.step(
        w,
        Float32Array.from(w, (x) => 2 * x),
      );
    expect(Math.hypot(w[0], w[1])).toBeLessThan(0.05);
    run.dispose();
  });
});

describe("ADOPT (Taniguchi et al. 2024)", () => {
  /** The paper's Algorithm 2 (clipped), in f64: update k = 0 only sets v₀ = g₀². */
  function adoptRef(
    w: Float64Array,
    g: Float64Array,
    s: { k: number; m: Float64Array; v: Float64Array },
    lr: number,
    b1 = 0.9,
    b2 = 0.9999,
    eps = 1e-6,
  ) {
    if (s.k === 0) {
      g.forEach((x, i) => (s.v[i] = x * x));
      s.k++;
      return;
    }
    const c = s.k ** 0.25;
    for (let i = 0; i < w.length; i++) {
      const normed = Math.min(c, Math.max(-c, g[i] / Math.max(Math.sqrt(s.v[i]), eps)));
      s.m[i] = b1 * s.m[i] + (1 - b1) * normed;
      w[i] -= lr * s.m[i];
      s.v[i] = b2 * s.v[i] + (1 - b2) * g[i] * g[i];
    }
    s.k++;
  }

  it("follows the paper's equation in f64 over 200 steps (lengths 0 … 1001), the first step only filling v", () => {
    for (const n of [0, 1, 3, 4, 5, 17, 1001]) {
      const rng = new Random(77 + n);
      const opt = adopt({ lr: 0.01 });
      const { w, g, free } = setup(n);
      const state = opt.init(n);
      const ref = {
        w: Float64Array.from(f32View(w.ptr, n)),
        s: { k: 0, m: new Float64Array(n), v: new Float64Array(n) },
      };
      for (let t = 0; t < 200; t++) {
        const cur = f32View(w.ptr, n);
        f32View(g.ptr, n).set(Float32Array.from({ length: n }, (_, i) => 0.5 * cur[i] + rng.normal()));
        const before = f32View(w.ptr, n).slice();
        opt.update(w, g, state);
        if (t === 0) expect(f32View(w.ptr, n).slice()).toEqual(before);
        // The reference takes the same f32 gradient, so only the update's arithmetic differs.
        adoptRef(ref.w, Float64Array.from(f32View(g.ptr, n)), ref.s, 0.01);
      }
      close(f32View(w.ptr, n), ref.w, 2e-5);
      close(inspectState(state).v, ref.s.v, 1e-5);
      freeState(state);
      free();
    }
  });

  it("rate on a quadratic: the same for every curvature, at the linear model's predicted root (GD's rates differ 100×)", () => {
    // On f = ½Σλᵢwᵢ² with β2 near 1, v stays ≈ g₀², so the normalized gradient is wᵢ/wᵢ(0) for every λ:
    // wₜ₊₁ = wₜ − α·mₜ/w₀, mₜ = β1·mₜ₋₁ + (1−β1)·wₜ/w₀. Its slow root ρ solves
    // ρ² − (1 + β1 − α(1−β1))ρ + β1 = 0, so log|w| falls at −ln ρ per step (β1's lag makes it 12% faster than α).
    const lambdas = [1, 100],
      alpha = 0.01,
      beta1 = 0.9;
    const b = 1 + beta1 - alpha * (1 - beta1);
    const predicted = -Math.log((b + Math.sqrt(b * b - 4 * beta1)) / 2);
    const run = new ArrayOptimizer(adopt({ lr: alpha, beta1 }), 2);
    const w = new Float32Array([1, 1]);
    const logs: number[][] = [];
    for (let t = 0; t <= 200; t++) {
      logs.push(Array.from(w, (x) => Math.log(Math.abs(x))));
      run.step(
        w,
        Float32Array.from(w, (x, i) => lambdas[i] * x),
      );
    }
    run.dispose();
    for (let i = 0; i < 2; i++) {
      const rate = -(logs[200][i] - logs[50][i]) / 150;
      expect(Math.abs(rate / predicted - 1), `λ = ${lambdas[i]}: rate ${rate}, predicted ${predicted}`).toBeLessThan(
        0.01,
      );
    }
  });
});
