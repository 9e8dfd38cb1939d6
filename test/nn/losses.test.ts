import { describe, expect, it } from "vitest";
import * as E from "../../src/index.ts";
import { Random } from "../../src/random.ts";
import * as N from "../../src/nn/index.ts";
import { randArray } from "./helpers.ts";

const rng = new Random(31);

/** log Σ exp in f64. */
const logSumExp = (row: number[]) => {
  const m = Math.max(...row);
  return m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0));
};
const rows = (a: ArrayLike<number>, c: number) =>
  Array.from({ length: a.length / c }, (_, i) => Array.from(a).slice(i * c, (i + 1) * c));

function valueAndGradOf(f: (z: E.Tensor) => E.Tensor, z: E.Tensor) {
  const { value, grads } = E.valueAndGrad(() => f(z), [z]);
  const g = grads[0].toArray();
  grads[0].free();
  return { value, g };
}

describe("losses against f64 references", () => {
  it("MSE is the mean of squared differences; gradient 2(y−t)/n", () => {
    const y = randArray(rng, 12),
      t = randArray(rng, 12);
    const yt = E.tensor(y, [4, 3]),
      tt = E.tensor(t, [4, 3]);
    const { value, g } = valueAndGradOf((z) => N.mse(z, tt), yt);
    expect(value).toBeCloseTo(y.reduce((s, v, i) => s + (v - t[i]) ** 2, 0) / 12, 6);
    g.forEach((gi, i) => expect(gi).toBeCloseTo((2 * (y[i] - t[i])) / 12, 6));
    expect(() => N.mse(yt, E.tensor(t, [12]))).toThrow(/mse: output \[4,3\] and target \[12\] differ/);
    yt.free();
    tt.free();
  });

  it("cross-entropy from integer labels and from probability rows; gradient (softmax − target)/N", () => {
    const [n, c] = [5, 4],
      z = randArray(rng, n * c, -3, 3),
      labels = Int32Array.of(0, 3, 1, 1, 2);
    const zt = E.tensor(z, [n, c]);
    const want = rows(z, c).reduce((s, r, i) => s + logSumExp(r) - r[labels[i]], 0) / n;
    const a = valueAndGradOf((x) => N.crossEntropy(x, labels), zt);
    expect(a.value).toBeCloseTo(want, 5);
    rows(z, c).forEach((r, i) =>
      r.forEach((v, j) =>
        expect(a.g[i * c + j]).toBeCloseTo((Math.exp(v - logSumExp(r)) - (labels[i] === j ? 1 : 0)) / n, 6),
      ),
    );
    // probability targets
    const p = rows(randArray(rng, n * c, 0.1, 1), c).flatMap((r) => {
      const s = r.reduce((x, y) => x + y);
      return r.map((v) => v / s);
    });
    const pt = E.tensor(p, [n, c]);
    const b = valueAndGradOf((x) => N.crossEntropy(x, pt), zt);
    expect(b.value).toBeCloseTo(
      rows(z, c).reduce((s, r, i) => s + r.reduce((q, v, j) => q - p[i * c + j] * (v - logSumExp(r)), 0), 0) / n,
      5,
    );
    // one-hot targets equal integer labels
    const onehot = E.tensor(
      Array.from({ length: n * c }, (_, k) => (labels[Math.floor(k / c)] === k % c ? 1 : 0)),
      [n, c],
    );
    expect(valueAndGradOf((x) => N.crossEntropy(x, onehot), zt).value).toBeCloseTo(a.value, 6);
    for (const t of [zt, pt, onehot]) t.free();
  });

  it("cross-entropy is finite and correct for logits of ±1e4", () => {
    const z = [1e4, -1e4, 0, -1e4, 1e4, 1e4, 5e3, -5e3, 1e4];
    const zt = E.tensor(z, [3, 3]),
      labels = Int32Array.of(1, 2, 0);
    const { value, g } = valueAndGradOf((x) => N.crossEntropy(x, labels), zt);
    const want = rows(z, 3).reduce((s, r, i) => s + logSumExp(r) - r[labels[i]], 0) / 3; // (2e4 + ln 2 + 5e3) / 3
    expect(Number.isFinite(value)).toBe(true);
    expect(Math.abs(value - want)).toBeLessThanOrEqual(1e-6 * want);
    const wantG = rows(z, 3).flatMap((r, i) =>
      r.map((v, j) => (Math.exp(v - logSumExp(r)) - (labels[i] === j ? 1 : 0)) / 3),
    );
    // f32 spacing at 1e4 is 2^-10 ≈ 1e-3: the probabilities are only defined to that relative precision.
    g.forEach((gi, i) => {
      expect(Number.isFinite(gi)).toBe(true);
      expect(Math.abs(gi - wantG[i])).toBeLessThanOrEqual(1e-3 * Math.abs(wantG[i]) + 1e-7);
    });
    zt.free();
  });

  it("binary cross-entropy with logits matches the f64 formula, also at ±1e4, and its gradient is σ(z) − y (even at z = 0)", () => {
    const z = [0, 0, 2.5, -1.25, 1e4, -1e4, 1e4, -1e4, 30, -30, 0.001, -7];
    const y = [1, 0, 0.3, 1, 1, 0, 0, 1, 1, 0, 0.5, 0.2];
    const zt = E.tensor(z, [6, 2]),
      yt = E.tensor(y, [6, 2]);
    const { value, g } = valueAndGradOf((x) => N.binaryCrossEntropyWithLogits(x, yt), zt);
    const perElement = z.map((v, i) => Math.max(v, 0) - v * y[i] + Math.log1p(Math.exp(-Math.abs(v))));
    const want = perElement.reduce((a, b) => a + b) / z.length;
    expect(Number.isFinite(value)).toBe(true);
    expect(Math.abs(value - want)).toBeLessThanOrEqual(1e-6 * want);
    z.forEach((v, i) => expect(g[i]).toBeCloseTo((1 / (1 + Math.exp(-v)) - y[i]) / z.length, 7));
    zt.free();
    yt.free();
  });

  it("names the bad label, the bad shape and the empty batch", () => {
    const zt = E.tensor(randArray(rng, 6), [2, 3]);
    expect(() => N.crossEntropy(zt, Int32Array.of(0, 3))).toThrow(
      "crossEntropy: label 3 at position 1 is outside [0, 3) (3 classes)",
    );
    expect(() => N.crossEntropy(zt, [0, -1])).toThrow(/label -1 at position 1 is outside \[0, 3\)/);
    expect(() => N.crossEntropy(zt, Int32Array.of(0))).toThrow("crossEntropy: 1 labels for a batch of 2");
    const empty = E.zeros([0, 3]);
    expect(() => N.crossEntropy(empty, new Int32Array(0))).toThrow(/the batch is empty/);
    expect(() => N.binaryCrossEntropyWithLogits(empty, empty)).toThrow(/the batch is empty/);
    zt.free();
    empty.free();
  });
});

describe("L1 and L2 penalties", () => {
  it("are λ‖θ‖² and λ‖θ‖₁ over weights only, with gradients 2λθ and λ·sign(θ); biases get none", () => {
    const model = new N.Model(new N.Sequential([new N.Linear(3, 4), new N.BatchNorm1d(4), new N.Linear(4, 2)]), {
      seed: 2,
    });
    const set = model.parameters;
    for (const p of set.params) p.tensor.write(randArray(rng, p.size)); // biases non-zero, so leaving them out is visible
    const decayed = set.params.filter((p) => p.decay);
    expect(decayed.map((p) => p.name)).toEqual(["0.weight", "2.weight"]);
    const all = decayed.flatMap((p) => Array.from(p.tensor.toArray()));
    const lam = 0.3;
    for (const [fn, value, grad] of [
      [N.l2Penalty, lam * all.reduce((s, v) => s + v * v, 0), (v: number) => 2 * lam * v],
      [N.l1Penalty, lam * all.reduce((s, v) => s + Math.abs(v), 0), (v: number) => lam * Math.sign(v)],
    ] as const) {
      const out = E.valueAndGrad(() => fn(set, lam), set.tensors);
      expect(out.value).toBeCloseTo(value, 5);
      set.params.forEach((p, k) => {
        const g = out.grads[k].toArray(),
          v = p.tensor.toArray();
        g.forEach((gi, i) => expect(gi).toBeCloseTo(p.decay ? grad(v[i]) : 0, 6));
        out.grads[k].free();
      });
    }
    expect(() => N.l2Penalty(set, -1)).toThrow(/λ must be a finite non-negative number, got -1/);
    model.free();
  });

  it("lossAndGrad adds them to the objective", () => {
    const model = new N.Model(new N.Linear(2, 1), { seed: 4 });
    const x = E.tensor([1, 2, -1, 0.5], [2, 2]),
      y = E.tensor([0.5, -1], [2, 1]);
    const plain = model.lossAndGrad(x, y, N.mse);
    const w = model.parameters.get("weight").tensor.toArray();
    const withL2 = model.lossAndGrad(x, y, N.mse, { l2: 0.1 });
    expect(withL2 - plain).toBeCloseTo(0.1 * (w[0] ** 2 + w[1] ** 2), 6);
    const withBoth = model.lossAndGrad(x, y, N.mse, { l1: 0.2, l2: 0.1 });
    expect(withBoth - withL2).toBeCloseTo(0.2 * (Math.abs(w[0]) + Math.abs(w[1])), 6);
    model.free();
    x.free();
    y.free();
  });
});
