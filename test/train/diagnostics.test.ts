import { describe, expect, it, vi } from "vitest";
import { Random } from "../../src/random.ts";
import { Activation, Linear, Model, Sequential } from "../../src/nn/index.ts";
import { crossEntropy } from "../../src/nn/losses.ts";
import { adam } from "../../src/optim/adam.ts";
import { sgd } from "../../src/optim/sgd.ts";
import type { BaseOptions, Optimizer } from "../../src/optim/optimizer.ts";
import { fit } from "../../src/train/trainer.ts";
import { quantiles, UpdateDiagnostics, type StepDiagnostics } from "../../src/train/diagnostics.ts";
import { gradientNoiseScale, measureNoiseScale } from "../../src/train/noise-scale.ts";
import { tensor } from "../../src/tensor/tensor.ts";

// Exact references are formed by the dozen HVPs: slow on a loaded machine, not a speed test.
vi.setConfig({ testTimeout: 60_000 });

const rng = new Random(21);
const n = 32;
const data = {
  x: Float32Array.from({ length: n * 3 }, () => rng.normal()),
  y: Int32Array.from({ length: n }, () => rng.int(3)),
  n,
  featureShape: [3],
  classes: 3,
};
const newModel = () =>
  new Model(new Sequential([new Linear(3, 5), new Activation("tanh"), new Linear(5, 3)]), { seed: 4 });

/** Runs fit and records, per step, the diagnostics and the plain facts to check them by: w before, w after, g. */
async function run(optimizer: Optimizer<BaseOptions>, epochs: number) {
  const model = newModel();
  const diag = new UpdateDiagnostics(model);
  const seen: { d: StepDiagnostics; before: Float32Array; after: Float32Array; g: Float32Array }[] = [];
  let before = model.parameters.flat();
  try {
    await fit(model, data, {
      optimizer,
      epochs,
      batch: 8,
      onStep: ({ state }) => {
        const d = diag.observe(state.step);
        const after = model.parameters.flat();
        seen.push({ d, before, after, g: model.parameters.flatGrads() });
        before = after;
      },
    });
    return { seen, layer0: model.parameters.params.slice(0, 2).map((p) => [p.offset, p.offset + p.size] as const) };
  } finally {
    model.free();
  }
}

const norm = (xs: ArrayLike<number>) => Math.sqrt(Array.from(xs).reduce((s, v) => s + v * v, 0));
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((s, v, i) => s + v * b[i], 0);
const pick = (xs: Float32Array, ranges: readonly (readonly [number, number])[]) =>
  ranges.flatMap(([s, e]) => Array.from(xs.subarray(s, e)));

describe("UpdateDiagnostics", () => {
  it("SGD: effective lr is lr everywhere, the update is along −g, the ratio ‖Δw‖/‖w‖ as computed plainly (layer 0)", async () => {
    const { seen, layer0 } = await run(sgd({ lr: 0.1 }), 1);
    expect(seen).toHaveLength(4);
    for (const { d, before, after, g } of seen) {
      expect(d.layers.map((l) => l.name)).toEqual(["0", "2"]);
      const l = d.layers[0];
      for (const q of Object.values(l.effectiveLr!)) expect(q).toBeCloseTo(0.1, 3);
      expect(l.cosGradient).toBeCloseTo(1, 5);
      const dw = pick(after, layer0).map((a, i) => a - pick(before, layer0)[i]);
      expect(l.updateRatio).toBeCloseTo(norm(dw) / norm(pick(before, layer0)), 6);
      expect(l.updateRatio).toBeCloseTo((0.1 * norm(pick(g, layer0))) / norm(pick(before, layer0)), 4);
    }
  });

  it("Adam: the first step's effective lr is lr/(|g| + ε) (quantiles of it), cosines of successive updates as computed plainly", async () => {
    const { seen } = await run(adam({ lr: 0.01 }), 1);
    const first = seen[0];
    const g = Float64Array.from([...first.g].filter((v) => v !== 0).map((v) => 0.01 / (Math.abs(v) + 1e-8)));
    const ref = quantiles(g)!;
    for (const [k, v] of Object.entries(first.d.whole.effectiveLr!))
      expect(v / ref[k as keyof typeof ref]).toBeCloseTo(1, 2);
    expect(first.d.whole.cosPrevious).toBeNaN();
    for (let t = 1; t < seen.length; t++) {
      const d = seen[t].after.map((a, i) => a - seen[t].before[i]),
        p = seen[t - 1].after.map((a, i) => a - seen[t - 1].before[i]);
      expect(seen[t].d.whole.cosPrevious).toBeCloseTo(dot(d, p) / (norm(d) * norm(p)), 5);
      expect(seen[t].d.whole.cosGradient).toBeCloseTo(-dot(d, seen[t].g) / (norm(d) * norm(seen[t].g)), 5);
    }
  });

  it("quantiles interpolate linearly", () => {
    expect(quantiles(Float64Array.from([4, 0, 1, 3, 2]))).toEqual({ p05: 0.2, p25: 1, p50: 2, p75: 3, p95: 3.8 });
    expect(quantiles(new Float64Array(0))).toBeNull();
  });
});

describe("gradient noise scale", () => {
  it("synthetic batches G + N(0, σ²I/B): tr Σ and |G|² recovered, B_simple = dσ²/|G|² within 5%", () => {
    const r = new Random(1),
      d = 40,
      sigma = 2,
      B = 8,
      G = Float64Array.from({ length: d }, () => r.normal());
    const grads = Array.from({ length: 4000 }, () => G.map((x) => x + (sigma / Math.sqrt(B)) * r.normal()));
    const s = gradientNoiseScale(grads, B);
    const g2 = dot(G, G);
    expect(Math.abs(s.traceSigma / (d * sigma * sigma) - 1)).toBeLessThan(0.05);
    expect(Math.abs(s.gradSquared / g2 - 1)).toBeLessThan(0.05);
    expect(Math.abs(s.bSimple / ((d * sigma * sigma) / g2) - 1)).toBeLessThan(0.05);
    expect(() => gradientNoiseScale([G], B)).toThrow(/at least 2 batches, got 1/);
  });

  it("batches of one covering the data: tr Σ is exactly the sample covariance trace of per-example gradients", () => {
    const model = newModel();
    try {
      const s = measureNoiseScale(model, data, (out, y) => crossEntropy(out, y), {
        batches: n,
        batchSize: 1,
        rng: new Random(3),
      });
      const per = Array.from({ length: n }, (_, i) => {
        const x = tensor(data.x.slice(i * 3, i * 3 + 3), [1, 3]);
        try {
          model.lossAndGrad(x, data.y.slice(i, i + 1), (out, y) => crossEntropy(out, y));
        } finally {
          x.free();
        }
        return model.parameters.flatGrads();
      });
      const mean = per[0].map((_, k) => per.reduce((acc, g) => acc + g[k], 0) / n);
      const trace = per.reduce((acc, g) => acc + g.reduce((s2, v, k) => s2 + (v - mean[k]) ** 2, 0), 0) / (n - 1);
      expect(s.traceSigma / trace).toBeCloseTo(1, 4);
      expect(s.gradSquared).toBeCloseTo(dot(mean, mean) - trace / n, 5);
    } finally {
      model.free();
    }
  });
});
