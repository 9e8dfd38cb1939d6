// The playground's Node-side parts, without a browser: the digits file, the MLP, the static server.
import { describe, expect, it } from "vitest";
import { heap } from "../../src/index.ts";
import { loadMnistPackage } from "../../src/data/mnist.node.ts";
import { decodeDigits, digitBatch, encodeDigits, sampleDigits } from "../../playground/digits.ts";
import { MlpTrainer } from "../../playground/mlp.ts";
import { startServer } from "../../playground/serve.mjs";

const { train, test } = loadMnistPackage({ count: 600, testFraction: 1 / 6, seed: 3 });
const digits = decodeDigits(encodeDigits(sampleDigits(train, test)));

describe("digits file", () => {
  it("round-trips labels and pixels (quantized to 1/255) in train-then-test order", () => {
    expect(digits.n).toBe(600);
    expect(digits.nTrain).toBe(500);
    expect(Array.from(digits.labels.subarray(0, 500))).toEqual(Array.from(train.y));
    expect(Array.from(digits.labels.subarray(500))).toEqual(Array.from(test.y));
    const { x, onehot, labels } = digitBatch(digits, [0, 599]);
    for (let p = 0; p < 784; p++) {
      expect(Math.abs(x[p] - train.x[p])).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
      expect(Math.abs(x[784 + p] - test.x[99 * 784 + p])).toBeLessThanOrEqual(0.5 / 255 + 1e-6);
    }
    expect(Array.from(labels)).toEqual([train.y[0], test.y[99]]);
    expect(onehot[labels[0]]).toBe(1);
    expect(onehot.reduce((a, b) => a + b)).toBe(2);
  });

  it("rejects a file that is not one", () => {
    expect(() => decodeDigits(new Uint8Array([1, 2, 3]))).toThrow(/not a DGT1 file/);
    expect(() => decodeDigits(encodeDigits(digits).subarray(0, 1000))).toThrow(/do not hold 600 digits/);
  });
});

describe("MlpTrainer", () => {
  const options = { hidden: 32, batch: 50, seed: 1, optimizer: { name: "adam", options: { lr: 3e-3 } } };

  it("learns (the test loss falls, accuracy beats chance), is deterministic, and frees its memory", () => {
    // A first step allocates the GEMM workspace, which the engine keeps for good.
    const warm = new MlpTrainer(digits, options);
    warm.trainStep();
    warm.evaluate();
    warm.dispose();
    const before = heap.inUse;
    const a = new MlpTrainer(digits, options),
      b = new MlpTrainer(digits, options);
    const start = a.evaluate();
    const la: number[] = [],
      lb: number[] = [];
    for (let k = 0; k < 40; k++) {
      la.push(a.trainStep());
      lb.push(b.trainStep());
    }
    expect(lb).toEqual(la);
    expect(b.parameters()).toEqual(a.parameters());
    const end = a.evaluate();
    expect(end.loss).toBeLessThan(0.6 * start.loss);
    expect(end.accuracy).toBeGreaterThan(0.5);
    expect(a.n).toBe(784 * 32 + 32 + 32 * 10 + 10);
    a.dispose();
    b.dispose();
    expect(heap.inUse).toBe(before);
  });

  it("rejects bad options with the optimizer's or its own message, leaking nothing", () => {
    const before = heap.inUse;
    expect(() => new MlpTrainer(digits, { ...options, optimizer: { name: "adam", options: { lr: -1 } } })).toThrow(
      "adam: lr = -1 is outside the valid range (0, ∞)",
    );
    expect(() => new MlpTrainer(digits, { ...options, hidden: 0 })).toThrow(/hidden must be a positive integer, got 0/);
    expect(() => new MlpTrainer(digits, { ...options, batch: 501 })).toThrow(
      /batch must be an integer in \[1, 500\], got 501/,
    );
    expect(heap.inUse).toBe(before);
  });
});

describe("serve.mjs", () => {
  it("serves the page and dist/, and nothing outside them", async () => {
    const { server, url } = await startServer(0);
    try {
      const page = await fetch(url);
      expect(page.status).toBe(200);
      expect(page.headers.get("content-type")).toMatch(/text\/html/);
      expect(await page.text()).toContain("/dist/playground/main.mjs");
      // Cross-origin isolation, on the worker's script as much as on the page (a worker takes its own).
      for (const response of [page, await fetch(new URL("dist/playground/worker.mjs", url))]) {
        expect(response.headers.get("cross-origin-opener-policy")).toBe("same-origin");
        expect(response.headers.get("cross-origin-embedder-policy")).toBe("require-corp");
        expect(response.headers.get("cross-origin-resource-policy")).toBe("same-origin");
      }
      expect((await fetch(new URL("style.css", url))).status).toBe(200);
      expect((await fetch(new URL("nope.html", url))).status).toBe(404);
      for (const sneaky of ["/%2e%2e/package.json", "/dist/%2e%2e/package.json", "/%E0%A4%A"])
        expect((await fetch(url.replace(/\/$/, "") + sneaky)).status, sneaky).toBe(404);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe("MlpTrainer's microscope", () => {
  it("sharpness: power iteration agrees with the top Ritz value of 40 Lanczos steps; update ratio of SGD is lr·‖g‖/‖w‖-sized and per layer", async () => {
    const { lanczosSpectrum, tensorObjective, viewOf } = await import("../../src/index.ts");
    const t = new MlpTrainer(digits, {
      hidden: 8,
      batch: 20,
      seed: 2,
      optimizer: { name: "sgd", options: { lr: 0.05 } },
    });
    try {
      const before = t.parameters();
      t.trainStep();
      const after = t.parameters(),
        split = 784 * 8 + 8;
      const ratio = (s: number, e: number) =>
        Math.hypot(...after.subarray(s, e).map((v, i) => v - before[s + i])) / Math.hypot(...before.subarray(s, e));
      expect(t.updateRatio[0]).toBeCloseTo(ratio(0, split), 6);
      expect(t.updateRatio[1]).toBeCloseTo(ratio(split, t.n), 6);
      const top = t.sharpness(300, 1e-7);
      // An independent estimate through the same loss: the largest Lanczos node.
      const priv = t as unknown as {
        weights: Parameters<typeof tensorObjective>[1];
        xb: unknown;
        yb: unknown;
        loss: (x: unknown, y: unknown) => ReturnType<Parameters<typeof tensorObjective>[0]>;
        params: number;
      };
      const objective = tensorObjective(() => priv.loss(priv.xb, priv.yb), priv.weights);
      const w = Float64Array.from(viewOf(priv.params, [t.n]).toArray());
      const s = lanczosSpectrum((v) => objective.hvp(w, v), t.n, { steps: 40, probes: 1, seed: 5 });
      expect(Math.abs(top - Math.max(...s.nodes)) / top).toBeLessThan(1e-2);
    } finally {
      t.dispose();
    }
  });
});
