/** Curvature tracked during training, checked at every measurement against the exact Hessian of that moment. */
import { afterAll, describe, expect, it, vi } from "vitest";
import { Random } from "../../src/random.ts";
import { Activation, Linear, Model, Sequential } from "../../src/nn/index.ts";
import { crossEntropy } from "../../src/nn/losses.ts";
import { tensor } from "../../src/tensor/tensor.ts";
import { adam } from "../../src/optim/adam.ts";
import { sgd } from "../../src/optim/sgd.ts";
import type { BaseOptions, Optimizer } from "../../src/optim/optimizer.ts";
import { fit } from "../../src/train/trainer.ts";
import { curvatureTracker } from "../../src/train/curvature.ts";
import { denseHessian, exactSpectrum } from "../../src/analysis/exact-hessian.ts";
import { adamPreconditioner, preconditionedHvp } from "../../src/analysis/curvature.ts";
import { modelHessian, packRegion } from "../../src/analysis/model-hessian.ts";
import { f32View } from "../../src/wasm/module.ts";

// Exact references are formed by the dozen HVPs: slow on a loaded machine, not a speed test.
vi.setConfig({ testTimeout: 60_000 });

const rng = new Random(5);
const n = 24;
const data = {
  x: Float32Array.from({ length: n * 3 }, () => rng.normal()),
  y: Int32Array.from({ length: n }, () => rng.int(3)),
  n,
  featureShape: [3],
  classes: 3,
};
const x = tensor(data.x, [n, 3]);
afterAll(() => x.free());

async function track(optimizer: Optimizer<BaseOptions>) {
  const model = new Model(new Sequential([new Linear(3, 5), new Activation("tanh"), new Linear(5, 3)]), { seed: 1 });
  const loss = () => crossEntropy(model.forward(x, { training: false }), data.y);
  const tracker = curvatureTracker(model, loss, optimizer, { every: 2, iterations: 400, tol: 1e-8, hutchinson: 4 });
  const exact: { top: number; pre?: number }[] = [];
  try {
    tracker.initial();
    exact.push({ top: exactSpectrum(denseHessian(modelHessian(model, loss).hv, 38).h).values[37] });
    await fit(model, data, {
      optimizer,
      epochs: 6,
      batch: "full",
      onStep: (info) => {
        tracker.onStep(info);
        if (info.state.step % 2 !== 0) return;
        const mh = modelHessian(model, loss);
        const top = exactSpectrum(denseHessian(mh.hv, mh.dim).h).values[mh.dim - 1];
        let pre: number | undefined;
        if (info.state.buffers.v !== undefined && optimizer.name === "adam") {
          const p = adamPreconditioner(
            packRegion(model, f32View(info.state.buffers.v, info.state.n)),
            info.state.step,
            { beta1: 0.9, beta2: 0.999, eps: 1e-8 },
          );
          pre = exactSpectrum(denseHessian(preconditionedHvp(mh.hv, p), mh.dim).h).values[mh.dim - 1];
        }
        exact.push({ top, pre });
      },
    });
  } finally {
    model.free();
  }
  return { points: tracker.points, exact };
}

describe("curvatureTracker", () => {
  it("Adam: sharpness and preconditioned sharpness every 2 steps equal the exact ones, against 2/η and 38/η", async () => {
    const { points, exact } = await track(adam({ lr: 0.05 }));
    expect(points.map((p) => p.step)).toEqual([0, 2, 4, 6]);
    expect(points[0].preconditioned).toBeUndefined();
    points.forEach((p, i) => {
      expect(Math.abs(p.whole.top - exact[i].top) / exact[i].top).toBeLessThan(1e-4);
      expect(p.threshold).toBeCloseTo(2 / 0.05, 10);
      expect(p.layers.map((l) => l.name)).toEqual(["0", "2"]);
      if (i === 0) return;
      expect(Math.abs(p.preconditioned!.top - exact[i].pre!) / exact[i].pre!).toBeLessThan(1e-4);
      expect(p.preconditioned!.threshold).toBeCloseTo(38 / 0.05, 8);
    });
  }, 30_000);

  it("SGD with momentum 0.9: the plain threshold is (2 + 2β)/η, and no preconditioned sharpness", async () => {
    const { points, exact } = await track(sgd({ lr: 0.1, momentum: 0.9 }));
    points.forEach((p, i) => {
      expect(p.threshold).toBeCloseTo(3.8 / 0.1, 10);
      expect(p.preconditioned).toBeUndefined();
      expect(Math.abs(p.whole.top - exact[i].top) / exact[i].top).toBeLessThan(1e-4);
    });
  }, 30_000);

  it("refuses a bad interval", () => {
    expect(() =>
      curvatureTracker(null as never, () => x, sgd({ lr: 1 }) as unknown as Optimizer<BaseOptions>, { every: 0 }),
    ).toThrow(/every must be an integer ≥ 1, got 0/);
  });
});

describe("measureCurvature's spectra", () => {
  it("with Lanczos at full dimension, the nodes are eigenvalues of H and of each layer's block", async () => {
    const { measureCurvature } = await import("../../src/train/curvature.ts");
    const model = new Model(new Sequential([new Linear(3, 5), new Activation("tanh"), new Linear(5, 3)]), { seed: 1 });
    try {
      const loss = () => crossEntropy(model.forward(x, { training: false }), data.y);
      const p = measureCurvature(model, loss, sgd({ lr: 0.1 }), null, {
        iterations: 2,
        hutchinson: 1,
        lanczosSteps: 38,
      });
      const mh = modelHessian(model, loss),
        h = denseHessian(mh.hv, mh.dim).h;
      const near = (t: number, values: ArrayLike<number>) => Math.min(...Array.from(values, (v) => Math.abs(v - t)));
      const whole = exactSpectrum(h).values,
        scale = Math.abs(whole[37]);
      for (const t of p.spectrum!.whole.nodes) expect(near(t, whole)).toBeLessThan(1e-5 * scale);
      mh.groups.forEach((g, i) => {
        const block = exactSpectrum(
          h.slice(g.offset, g.offset + g.length).map((r) => r.slice(g.offset, g.offset + g.length)),
        ).values;
        expect(p.spectrum!.layers[i].name).toBe(g.name);
        for (const t of p.spectrum!.layers[i].nodes) expect(near(t, block)).toBeLessThan(1e-5 * scale);
      });
    } finally {
      model.free();
    }
  });
});

describe("curvatureTracker with spectra", () => {
  it("every measurement holds SLQ measures of the whole Hessian and each layer's block", async () => {
    const model = new Model(new Sequential([new Linear(3, 5), new Activation("tanh"), new Linear(5, 3)]), { seed: 1 });
    try {
      const optimizer = sgd({ lr: 0.1 }) as unknown as Optimizer<BaseOptions>;
      const tracker = curvatureTracker(
        model,
        () => crossEntropy(model.forward(x, { training: false }), data.y),
        optimizer,
        { every: 3, iterations: 5, hutchinson: 1, lanczosSteps: 6 },
      );
      await fit(model, data, { optimizer, epochs: 6, batch: "full", onStep: tracker.onStep });
      expect(tracker.points.map((p) => p.step)).toEqual([3, 6]);
      for (const p of tracker.points) {
        expect(p.spectrum!.layers.map((l) => l.name)).toEqual(["0", "2"]);
        for (const sp of [p.spectrum!.whole, ...p.spectrum!.layers]) {
          expect(sp.nodes.length).toBeLessThanOrEqual(6);
          expect(sp.weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 8);
        }
      }
    } finally {
      model.free();
    }
  });
});
