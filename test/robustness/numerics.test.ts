/**
 * Numerical faults: a NaN or Inf is caught where it first appears (the loss, the gradient, or the
 * parameters after an update), reported with the epoch, step, parameter and value, and a loop of
 * runs survives a diverging one. The stable functions stay finite and correct at logits of ±1e4.
 */
import { describe, expect, it } from "vitest";
import * as E from "../../src/index.ts";
import { Random } from "../../src/random.ts";
import {
  Model,
  Sequential,
  Linear,
  Activation,
  crossEntropy,
  binaryCrossEntropyWithLogits,
  mse,
} from "../../src/nn/index.ts";
import { sgd, adam, rmsprop, type Optimizer, type BaseOptions } from "../../src/optim/index.ts";
import { fit, type LossFn } from "../../src/train/index.ts";
import { makeBlobs, makeRegression } from "../../src/data/synthetic.ts";
import { heap } from "../../src/wasm/module.ts";
import * as R from "../autodiff/reference.ts";

const regression = () => makeRegression({ n: 40, features: 3, seed: 7 });
const linear = () => new Model(new Linear(3, 1), { seed: 2 });

/** mse, with a fault injected at the given call (1-based): the batches of one epoch are calls 1, 2, ... */
function faultyLoss(at: number, fault: (loss: E.Tensor, out: E.Tensor) => E.Tensor): LossFn {
  let calls = 0;
  return (out, y) => {
    const loss = mse(out, y as E.Tensor);
    return ++calls === at ? fault(loss, out) : loss;
  };
}

describe("non-finite values are caught where they arise", () => {
  it("in the loss: epoch, step and the value", async () => {
    const model = linear();
    const before = model.parameters.flat();
    const r = await fit(model, regression(), {
      optimizer: sgd({ lr: 0.01 }),
      loss: faultyLoss(7, (l) => E.mul(l, Infinity)),
      epochs: 3,
      batch: 8,
    });
    expect(r.stoppedBy).toBe("diverged");
    expect(r.diverged).toEqual({ epoch: 2, step: 2, where: "loss", value: Infinity });
    expect(r.steps).toBe(6); // six good updates, none from the faulty step
    expect(model.parameters.flat()).not.toEqual(before);
    expect([...model.parameters.flat()].every(Number.isFinite)).toBe(true);
    model.free();
  });

  it("in the gradient while the loss is finite: the parameter, its first bad value, and the parameters left untouched", async () => {
    const model = linear();
    let atFault: Float32Array | null = null;
    // + sqrt(|0·out|): adds 0 to the loss but NaN to every gradient (d√u/du = ∞ at 0, times 0).
    const loss = faultyLoss(3, (l, out) => E.add(l, E.sum(E.sqrt(E.abs(E.mul(out, 0))))));
    const r = await fit(model, regression(), {
      optimizer: sgd({ lr: 0.01 }),
      loss,
      epochs: 2,
      batch: 8,
      onStep: ({ step }) => {
        if (step === 2) atFault = model.parameters.flat();
      },
    });
    expect(r.stoppedBy).toBe("diverged");
    expect(r.diverged).toMatchObject({ epoch: 1, step: 3, where: "gradient", parameter: "weight", index: 0 });
    expect(r.diverged!.value).toBeNaN();
    expect(model.parameters.flat()).toEqual(atFault);
    model.free();
  });

  it("in the parameters after an update (overflow to ±Inf): the parameter and the value", async () => {
    const model = linear();
    // A finite learning rate that overflows f32 in the update at step 4.
    const r = await fit(model, regression(), {
      optimizer: sgd({ lr: (t) => (t === 3 ? 1e300 : 0.01) }),
      loss: "mse",
      epochs: 2,
      batch: 8,
    });
    expect(r.stoppedBy).toBe("diverged");
    expect(r.diverged).toMatchObject({ epoch: 1, step: 4, where: "parameters", parameter: "weight" });
    expect(Number.isFinite(r.diverged!.value)).toBe(false);
    model.free();
  });

  it("the caller chooses: skip the bad step, or stop the run", async () => {
    const skipped = linear();
    const nanAt3 = () => faultyLoss(3, (l, out) => E.add(l, E.sum(E.sqrt(E.abs(E.mul(out, 0))))));
    const a = await fit(skipped, regression(), {
      optimizer: sgd({ lr: 0.01, onNonFinite: "skip" }),
      loss: nanAt3(),
      epochs: 2,
      batch: 8,
    });
    expect(a.stoppedBy).toBe("epochs");
    expect(a.diverged).toBeNull();
    expect([...skipped.parameters.flat()].every(Number.isFinite)).toBe(true);
    const stopped = linear();
    const b = await fit(stopped, regression(), {
      optimizer: sgd({ lr: 0.01, onNonFinite: "stop" }),
      loss: nanAt3(),
      epochs: 2,
      batch: 8,
    });
    expect(b.stoppedBy).toBe("optimizer-stopped");
    expect(b.diverged).toMatchObject({ epoch: 1, step: 3, where: "gradient", parameter: "weight", index: 0 });
    expect(b.diverged!.value).toBeNaN();
    skipped.free();
    stopped.free();
  });

  it("a study-like loop of runs with one diverging optimizer finishes every run, and shows which diverged when", async () => {
    const data = makeBlobs({ n: 60, classes: 3, features: 4, seed: 3 });
    const optimizers: [string, Optimizer<BaseOptions>][] = [
      ["sgd", sgd({ lr: 0.1 })],
      ["sgd lr=1e4", sgd({ lr: 1e4 })],
      ["adam", adam({ lr: 0.01 })],
      ["rmsprop", rmsprop({ lr: 0.01 })],
    ];
    const inUse = heap.inUse;
    const rows: { name: string; stoppedBy: string; epochs: number; diverged: unknown }[] = [];
    for (const [name, optimizer] of optimizers) {
      const model = new Model(new Sequential([new Linear(4, 16), new Activation("relu"), new Linear(16, 3)]), {
        seed: 1,
      });
      const r = await fit(model, data, { optimizer, epochs: 40, batch: 10, seed: 1 });
      rows.push({ name, stoppedBy: r.stoppedBy, epochs: r.history.length, diverged: r.diverged });
      model.free();
    }
    expect(heap.inUse).toBe(inUse);
    expect(rows.map((r) => r.stoppedBy)).toEqual(["epochs", "diverged", "epochs", "epochs"]);
    const bad = rows[1].diverged as { epoch: number; step: number; where: string };
    expect(bad.epoch).toBeGreaterThanOrEqual(1);
    expect(bad.epoch).toBeLessThan(40);
    expect(rows[1].epochs).toBe(bad.epoch - 1); // the epochs it completed before diverging
  });
});

// ---------------------------------------------------------------------------------------------

const rng = new Random(404);
/** Logits mixing ±1e4, moderate values and near-ties with the extremes; f32-exact. */
function extremeLogits(n: number): number[] {
  const pool = [1e4, -1e4, 1e4 - 0.5, -1e4 + 3, 0, 7.25, -1e4, 1e4];
  return Array.from({ length: n }, () => Math.fround(rng.int(3) === 0 ? rng.normal() * 5 : pool[rng.int(pool.length)]));
}

/** f32 against f64: relative error, with an absolute floor for values near 0. */
function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel: number, what: string): void {
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    expect(Number.isFinite(got[i]), `${what}[${i}] = ${got[i]} is not finite`).toBe(true);
    const tol = rel * Math.max(1, Math.abs(want[i]));
    expect(Math.abs(got[i] - want[i]), `${what}[${i}]: got ${got[i]}, f64 reference ${want[i]}`).toBeLessThanOrEqual(
      tol,
    );
  }
}

function valueAndGrad(f: (z: E.Tensor) => E.Tensor, z: number[], shape: number[]) {
  const t = E.tensor(z, shape);
  const { value, grads } = E.valueAndGrad(() => f(t), [t]);
  const g = grads[0].toArray();
  grads[0].free();
  t.free();
  return { value, g };
}

const softmax64 = (z: number[], c: number) => Array.from(R.softmaxRows(R.ref([z.length / c, c], z), false).data);
const logSoftmax64 = (z: number[], c: number) => Array.from(R.softmaxRows(R.ref([z.length / c, c], z), true).data);

describe("stable at logits of ±1e4, against f64 references", () => {
  const [n, c] = [6, 5];
  // f32 spacing at 1e4 is ~1e-3: results built from such inputs are known to ~1e-7 relative.
  const REL = 2e-6;

  it("softmax and log-softmax: values, and gradients of a weighted sum", () => {
    for (let trial = 0; trial < 5; trial++) {
      const z = extremeLogits(n * c),
        w = z.map(() => rng.normal());
      const sm = softmax64(z, c),
        lsm = logSoftmax64(z, c);
      const a = valueAndGrad((t) => E.sum(E.mul(E.softmax(t), E.tensor(w, [n, c]))), z, [n, c]);
      expect(a.value).toBeCloseTo(
        sm.reduce((s, p, i) => s + p * w[i], 0),
        5,
      );
      // ∂/∂z_j Σ w_k p_k = p_j (w_j − Σ_k w_k p_k), per row
      const gs = sm.map((p, i) => {
        const r = Math.floor(i / c) * c;
        let dot = 0;
        for (let k = r; k < r + c; k++) dot += w[k] * sm[k];
        return p * (w[i] - dot);
      });
      expectClose(a.g, gs, 1e-6, "softmax gradient");
      const y = E.tensor(z, [n, c]);
      const s = E.softmax(y),
        l = E.logSoftmax(y);
      expectClose(s.toArray(), sm, 1e-6, "softmax");
      expectClose(l.toArray(), lsm, REL, "logSoftmax");
      y.free();
      s.free();
      l.free();
      const b = valueAndGrad((t) => E.sum(E.mul(E.logSoftmax(t), E.tensor(w, [n, c]))), z, [n, c]);
      // ∂/∂z_j Σ w_k log p_k = w_j − p_j Σ_k w_k
      const gl = sm.map((p, i) => {
        const r = Math.floor(i / c) * c;
        let sw = 0;
        for (let k = r; k < r + c; k++) sw += w[k];
        return w[i] - p * sw;
      });
      expectClose(b.g, gl, 1e-5, "logSoftmax gradient");
    }
  });

  it("cross-entropy from labels: value and gradient (softmax − onehot)/N", () => {
    for (let trial = 0; trial < 5; trial++) {
      const z = extremeLogits(n * c),
        labels = Int32Array.from({ length: n }, () => rng.int(c));
      const lsm = logSoftmax64(z, c),
        sm = softmax64(z, c);
      const { value, g } = valueAndGrad((t) => crossEntropy(t, labels), z, [n, c]);
      const want = -Array.from(labels).reduce((s, k, i) => s + lsm[i * c + k], 0) / n;
      expectClose([value], [want], REL, "crossEntropy");
      expectClose(
        g,
        sm.map((p, i) => (p - (labels[Math.floor(i / c)] === i % c ? 1 : 0)) / n),
        1e-6,
        "crossEntropy gradient",
      );
    }
  });

  it("sigmoid and binary cross-entropy on logits: values and gradients", () => {
    for (let trial = 0; trial < 5; trial++) {
      const z = extremeLogits(n * c),
        y = z.map(() => (rng.int(3) === 0 ? rng.uniform() : rng.int(2)));
      const s = E.tensor(z, [n, c]),
        sig = E.sigmoid(s);
      expectClose(sig.toArray(), z.map(R.sigmoid), 1e-6, "sigmoid");
      s.free();
      sig.free();
      const a = valueAndGrad((t) => E.sum(E.sigmoid(t)), z, [n, c]);
      expectClose(
        a.g,
        z.map((v) => R.sigmoid(v) * (1 - R.sigmoid(v))),
        1e-6,
        "sigmoid gradient",
      );
      const yt = E.tensor(y, [n, c]);
      const { value, g } = valueAndGrad((t) => binaryCrossEntropyWithLogits(t, yt), z, [n, c]);
      yt.free();
      const bce =
        z.reduce((sum, v, i) => sum + Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v))), 0) / z.length;
      expectClose([value], [bce], REL, "binaryCrossEntropyWithLogits");
      expectClose(
        g,
        z.map((v, i) => (R.sigmoid(v) - y[i]) / z.length),
        1e-6,
        "binaryCrossEntropyWithLogits gradient",
      );
    }
  });
});
