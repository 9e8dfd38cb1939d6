import { afterAll, describe, expect, it, vi } from "vitest";
import { Random } from "../../src/random.ts";
import { Activation, Flatten, Linear, Model, Sequential } from "../../src/nn/index.ts";
import { factoredPlaneLoss } from "../../src/landscape/factored-plane.ts";
import { crossEntropy } from "../../src/nn/losses.ts";
import { tensor } from "../../src/tensor/tensor.ts";
import { symmetricEigen } from "../../src/analysis/eigen.ts";
import {
  filterNormalizedDirection,
  interpolate,
  modelPointLoss,
  pcaDirections,
  planeLoss,
  project,
  surface,
} from "../../src/landscape/network.ts";

// Exact references are formed by the dozen HVPs: slow on a loaded machine, not a speed test.
vi.setConfig({ testTimeout: 60_000 });

const rng = new Random(9);
const n = 16;
const x = tensor(
  Float32Array.from({ length: n * 3 }, () => rng.normal()),
  [n, 3],
);
const labels = Int32Array.from({ length: n }, () => rng.int(3));
const model = new Model(new Sequential([new Linear(3, 6), new Activation("tanh"), new Linear(6, 3)]), { seed: 2 });
const loss = modelPointLoss(model, () => crossEntropy(model.forward(x, { training: false }), labels));
afterAll(() => {
  x.free();
  model.free();
});

/** The loss at w by a second model built to hold exactly w: no shared code with modelPointLoss. */
function referenceLoss(w: Float32Array): number {
  const m = new Model(new Sequential([new Linear(3, 6), new Activation("tanh"), new Linear(6, 3)]));
  try {
    m.parameters.load(w);
    const out = m.predict(x),
      l = crossEntropy(out, labels),
      v = l.item();
    out.free();
    l.free();
    return v;
  } finally {
    m.free();
  }
}

describe("loss landscapes of a network", () => {
  it("1-D interpolation: the loss at (1 − α)·from + α·to, the model left as it was", () => {
    const from = model.parameters.flat(),
      to = from.map((v, i) => v + 0.3 * Math.sin(i));
    const line = interpolate(loss, from, to, { points: 5, range: [-0.5, 1.5] });
    expect(line.alpha).toEqual([-0.5, 0, 0.5, 1, 1.5]);
    line.alpha.forEach((a, k) =>
      expect(line.loss[k]).toBeCloseTo(referenceLoss(from.map((v, i) => (1 - a) * v + a * to[i])), 5),
    );
    expect(model.parameters.flat()).toEqual(from);
    expect(() => interpolate(loss, from, to.subarray(1))).toThrow(/points of \d+ and \d+ values/);
  });

  it("filter normalization: each neuron's slice has the norm of the weights' slice; biases and padding get zero", () => {
    const d = filterNormalizedDirection(model, new Random(1));
    const w = model.parameters.flat();
    const used = new Set<number>();
    for (const p of model.parameters.params) {
      if (p.shape.length === 1) {
        for (let i = 0; i < p.size; i++) {
          expect(d[p.offset + i]).toBe(0);
          used.add(p.offset + i);
        }
        continue;
      }
      const [rows, cols] = p.shape; // Linear: [in, out]; a neuron is a column
      for (let c = 0; c < cols; c++) {
        let dn = 0,
          wn = 0;
        for (let r = 0; r < rows; r++) {
          const i = p.offset + r * cols + c;
          dn += d[i] ** 2;
          wn += w[i] ** 2;
          used.add(i);
        }
        expect(Math.sqrt(dn) / Math.sqrt(wn)).toBeCloseTo(1, 5);
      }
    }
    d.forEach((v, i) => {
      if (!used.has(i)) expect(v).toBe(0);
    });
  });

  it("2-D surface: each node is the loss at origin + a·d1 + b·d2, with progress after every point", () => {
    const origin = model.parameters.flat();
    const d1 = filterNormalizedDirection(model, new Random(1)),
      d2 = filterNormalizedDirection(model, new Random(2));
    const progress: number[] = [];
    const s = surface(planeLoss(loss, origin, d1, d2), {
      points: 3,
      xRange: [-1, 1],
      yRange: [-0.5, 0.5],
      onProgress: (done, total) => {
        expect(total).toBe(9);
        progress.push(done);
      },
    });
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.y).toEqual([-0.5, 0, 0.5]);
    for (let j = 0; j < 3; j++)
      for (let i = 0; i < 3; i++) {
        expect(s.values[j * 3 + i]).toBeCloseTo(
          referenceLoss(origin.map((v, k) => v + s.x[i] * d1[k] + s.y[j] * d2[k])),
          5,
        );
      }
  });

  it("PCA directions: the top two eigenvectors of the centred offsets' covariance, and projection recovers plane coordinates", () => {
    const dim = 6,
      r = new Random(4),
      origin = Float32Array.from({ length: dim }, () => r.normal());
    const e1 = Float32Array.from([1, 2, 0, -1, 0, 1]).map((v) => v / Math.sqrt(7)),
      e2 = Float32Array.from([0, 1, 1, 2, 0, 0]).map((v) => v / Math.sqrt(6));
    const pts = Array.from({ length: 30 }, (_, k) =>
      origin.map((o, i) => o + 3 * Math.cos(k / 3) * e1[i] + 0.7 * Math.sin(k / 2) * e2[i] + 0.01 * r.normal()),
    );
    const { d1, d2, explained } = pcaDirections(pts, origin);
    // Reference: the dim×dim covariance of the centred offsets, diagonalized directly.
    const mean = Array.from({ length: dim }, (_, i) => pts.reduce((s, p) => s + p[i] - origin[i], 0) / pts.length);
    const cov = Array.from({ length: dim }, (_, i) =>
      Float64Array.from({ length: dim }, (_, j) =>
        pts.reduce((s, p) => s + (p[i] - origin[i] - mean[i]) * (p[j] - origin[j] - mean[j]), 0),
      ),
    );
    const { values, vectors } = symmetricEigen(cov);
    const order = Array.from(values.keys()).sort((a, b) => values[b] - values[a]);
    const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
    expect(Math.abs(dot(d1, vectors[order[0]]))).toBeCloseTo(1, 5);
    expect(Math.abs(dot(d2, vectors[order[1]]))).toBeCloseTo(1, 5);
    expect(explained[0]).toBeCloseTo(values[order[0]] / values.reduce((s, v) => s + Math.max(v, 0), 0), 5);
    expect(explained[0] + explained[1]).toBeGreaterThan(0.999);
    // non-orthogonal directions: the least-squares coordinates are still exact on the plane
    const a = Float32Array.from([1, 0, 0, 1, 0, 0]),
      b = Float32Array.from([1, 1, 0, 0, 0, 0]);
    const [pa, pb] = project(
      origin.map((o, i) => o + 0.25 * a[i] - 2 * b[i]),
      origin,
      a,
      b,
    );
    expect(pa).toBeCloseTo(0.25, 5);
    expect(pb).toBeCloseTo(-2, 5);
    expect(() => project(origin, origin, a, a)).toThrow(/parallel/);
    expect(() => pcaDirections(pts.slice(0, 2), origin)).toThrow(/at least 3 points, got 2/);
  });
});

describe("factoredPlaneLoss", () => {
  it("gives the same plane as loading every point, for a model that starts Flatten → Linear", () => {
    const m = new Model(new Sequential([new Flatten(), new Linear(4, 6), new Activation("relu"), new Linear(6, 3)]), {
      seed: 5,
    });
    const xi = tensor(
      Float32Array.from({ length: n * 4 }, () => rng.normal()),
      [n, 2, 2],
    );
    const f = () => crossEntropy(m.forward(xi, { training: false }), labels);
    try {
      const origin = m.parameters.flat(),
        r = new Random(3);
      const d1 = filterNormalizedDirection(m, r),
        d2 = filterNormalizedDirection(m, r);
      d1[m.parameters.get("1.bias").offset] = 0.5; // a bias direction too, which the factored form adds separately
      const slow = planeLoss(modelPointLoss(m, f), origin, d1, d2);
      const fast = factoredPlaneLoss(m, xi, (out) => crossEntropy(out, labels), origin, d1, d2);
      try {
        for (const [a, b] of [
          [0, 0],
          [0.7, -0.3],
          [-1, 1],
          [0.25, 0.5],
        ])
          expect(Math.abs(fast(a, b) - slow(a, b))).toBeLessThan(1e-5 * Math.max(1, slow(a, b)));
      } finally {
        fast.free();
      }
      expect(m.parameters.flat()).toEqual(origin);
    } finally {
      m.free();
      xi.free();
    }
    expect(() =>
      factoredPlaneLoss(model, x, (out) => out, new Float32Array(2), new Float32Array(2), new Float32Array(2)),
    ).toThrow(/origin has 2 values/);
  });
});
