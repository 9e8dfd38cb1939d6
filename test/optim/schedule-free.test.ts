// Schedule-free SGD and AdamW beyond the kernel-against-reference table (cases.ts): the rate the
// online-to-batch argument gives on a quadratic, the swap to the evaluation point, and fit using it.
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import {
  ArrayOptimizer,
  scheduleFreeAdamw,
  scheduleFreeSgd,
  type BaseOptions,
  type Optimizer,
} from "../../src/optim/index.ts";
import { f32View, heap } from "../../src/wasm/module.ts";
import { Model, Linear, Sequential, Activation } from "../../src/nn/index.ts";
import { fit } from "../../src/train/index.ts";
import { evaluate } from "../../src/train/metrics.ts";
import { makeBlobs } from "../../src/data/synthetic.ts";
import { crossEntropy } from "../../src/nn/losses.ts";

// The quadratic of progress.test.ts: f(w) = ½ Σ λ_i w_i², λ log-spaced from 1 to 100, minimum 0 at 0.
const D = 32,
  L = 100;
const lambda = Float64Array.from({ length: D }, (_, i) => L ** (i / (D - 1)));
const loss = (w: ArrayLike<number>) => Array.from(w).reduce((s, x, i) => s + 0.5 * lambda[i] * x * x, 0);
const gradient = (w: ArrayLike<number>) => Float32Array.from(w, (x, i) => lambda[i] * x);
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, x, i) => s + x * b[i], 0);

/** T updates; the loss at x, and Σ_{t ≤ T+1} ⟨g_t, z_t − 0⟩ (the z sequence's regret against the minimum) with Σ‖g_t‖². */
function run(opt: Optimizer<BaseOptions>, T: number) {
  const rng = new Random(7);
  const w = Float32Array.from({ length: D }, () => (rng.uniform() < 0.5 ? -1 : 1) * (0.5 + rng.uniform()));
  const w0 = w.slice(),
    f0 = loss(w);
  const arr = new ArrayOptimizer(opt, D);
  let regret = 0,
    gradSquares = 0;
  for (let t = 1; t <= T + 1; t++) {
    const g = gradient(w); // at y_t, the parameters
    const z = t === 1 ? w0 : arr.inspect().z;
    regret += dot(g, z);
    gradSquares += dot(g, g);
    if (t <= T) arr.step(w, g);
  }
  const x = arr.inspect().x;
  arr.dispose();
  return { f0, w0, lossAtX: loss(x), lossAtY: loss(w), regret, gradSquares };
}

describe("schedule-free on a quadratic with condition number 100", () => {
  // Online-to-batch (Defazio et al. 2024, Theorem 1, with c_t = 1/t): for any β and any z sequence,
  // f(x_T) − f* ≤ Σ_{t≤T} ⟨∇f(y_t), z_t − x*⟩ / T. For SGD, z is online gradient descent, whose regret
  // is at most ‖z_1 − x*‖²/(2γ) + (γ/2)·Σ‖g_t‖² (telescoping ‖z_t − x*‖²): the O(1/T) rate.
  it.each([0.9, 0.5, 0])(
    "sgd (lr = 1/L, β = %f): f(x_T) ≤ the OGD regret bound / T, below 1e-2·f0 at T = 1000",
    (beta) => {
      const lr = 1 / L,
        T = 1000;
      const r = run(scheduleFreeSgd({ lr, beta }), T);
      const bound = (dot(r.w0, r.w0) / (2 * lr) + (lr / 2) * r.gradSquares) / (T + 1);
      expect(r.lossAtX).toBeLessThanOrEqual((r.regret / (T + 1)) * (1 + 1e-5));
      expect(r.regret).toBeLessThanOrEqual(bound * (T + 1) * (1 + 1e-5));
      expect(bound / r.f0).toBeLessThan(1e-2);
    },
  );

  // AdamW: z is an Adam-preconditioned learner without a clean regret bound, so the conversion is checked
  // with its measured regret, and the rate claim is the adaptive methods' band (progress.test.ts): z moves
  // about γ per step, so 1.5/lr steps to arrive, after which x, the average of z, shrinks as 1/T.
  // With lr = 0.01 and T = 3000, x ≤ (150·1.5/2)/3000 ≈ 0.04 per coordinate: loss ≤ 4·0.04²·f0 < 1e-2·f0.
  it("adamw (lr = 0.01): f(x_T) ≤ its z sequence's measured regret / T, and below 1e-2·f0 at T = 3000", () => {
    const T = 3000;
    const r = run(scheduleFreeAdamw({ lr: 0.01 }), T);
    expect(r.lossAtX).toBeLessThanOrEqual((r.regret / (T + 1)) * (1 + 1e-5));
    expect(r.lossAtX / r.f0).toBeLessThan(1e-2);
  });
});

describe("the evaluation point", () => {
  it("swaps the parameters with x and back, bit for bit; before the first update there is nothing to swap", () => {
    const n = 11,
      opt = scheduleFreeSgd({ lr: 0.1 }),
      state = opt.init(n);
    const w = heap.alloc(n * 4),
      g = heap.alloc(n * 4);
    f32View(w, n).set(Float32Array.from({ length: n }, (_, i) => i - 5));
    const before = f32View(w, n).slice();
    opt.toEvaluationPoint!(w, state)();
    expect(f32View(w, n).slice()).toEqual(before);
    for (let k = 0; k < 3; k++) {
      f32View(g, n).set(Float32Array.from(f32View(w, n), (x) => 2 * x + 1));
      opt.update(w, g, state);
    }
    const y = f32View(w, n).slice(),
      x = f32View(state.buffers.x, n).slice();
    expect(x).not.toEqual(y);
    const back = opt.toEvaluationPoint!({ ptr: w, length: n }, state);
    expect(f32View(w, n).slice()).toEqual(x);
    back();
    expect(f32View(w, n).slice()).toEqual(y);
    expect(f32View(state.buffers.x, n).slice()).toEqual(x);
    heap.release(w);
    heap.release(g);
  });

  it("swaps only inside the parameter groups", () => {
    const n = 10,
      opt = scheduleFreeAdamw({ lr: 0.1 }, [{ offset: 2, length: 5 }]),
      state = opt.init(n);
    const w = heap.alloc(n * 4),
      g = heap.alloc(n * 4);
    f32View(w, n).set(Float32Array.from({ length: n }, (_, i) => i + 1));
    f32View(g, n).fill(1);
    opt.update(w, g, state);
    opt.update(w, g, state);
    const y = f32View(w, n).slice();
    opt.toEvaluationPoint!(w, state);
    const swapped = f32View(w, n).slice();
    expect([...swapped.slice(0, 2), ...swapped.slice(7)]).toEqual([1, 2, 8, 9, 10]);
    expect(f32View(state.buffers.x + 2 * 4, 5).slice()).toEqual(y.slice(2, 7));
    expect(swapped.slice(2, 7)).not.toEqual(y.slice(2, 7));
    heap.release(w);
    heap.release(g);
  });

  it("optimizers that train where they evaluate have no evaluation point", async () => {
    const { adam } = await import("../../src/optim/index.ts");
    expect(adam().toEvaluationPoint).toBeUndefined();
  });
});

describe("fit with a schedule-free optimizer", () => {
  it.each([
    ["sgd", () => scheduleFreeSgd({ lr: 0.1 })],
    ["adamw", () => scheduleFreeAdamw({ lr: 0.01 })],
  ] as const)("%s: evaluates at x every epoch and returns the model at x", async (_name, make) => {
    const data = makeBlobs({ n: 90, classes: 3, features: 4, seed: 1 });
    const model = new Model(new Sequential([new Linear(4, 8), new Activation("tanh"), new Linear(8, 3)]), { seed: 2 });
    let y = new Float32Array(0);
    const r = await fit(model, data, {
      optimizer: make(),
      epochs: 3,
      batch: 30,
      validation: data,
      seed: 1,
      onStep: () => {
        y = f32View(model.parameters.values.ptr, model.parameters.values.length).slice();
      },
    });
    const final = f32View(model.parameters.values.ptr, model.parameters.values.length).slice();
    expect(final).not.toEqual(y); // x, not the last y
    // The last epoch's validation loss was taken at the same x the model now holds.
    expect(r.history.at(-1)!.validationLoss).toBe(evaluate(model, data, (out, t) => crossEntropy(out, t)).loss);
    model.free();
  });
});
