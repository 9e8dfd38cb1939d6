import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Model, Sequential, Linear, Activation, Dropout } from "../../src/nn/index.ts";
import { sgd, adam } from "../../src/optim/index.ts";
import { fit, type Snapshot } from "../../src/train/index.ts";
import { saveCheckpoint, loadCheckpoint } from "../../src/train/checkpoint.node.ts";
import { makeBlobs, makeRegression } from "../../src/data/synthetic.ts";
import { heap } from "../../src/wasm/module.ts";

const blobs = () => makeBlobs({ n: 120, classes: 3, features: 4, seed: 1 });
const classifier = (seed = 0) =>
  new Model(new Sequential([new Linear(4, 16), new Activation("tanh"), new Dropout(0.2), new Linear(16, 3)]), { seed });

describe("fit", () => {
  it("runs the three batch modes: full batch, stochastic, mini-batch", async () => {
    const data = blobs();
    for (const [batch, perEpoch] of [
      ["full", 1],
      ["stochastic", 120],
      [50, 3],
    ] as const) {
      const model = classifier();
      let steps = 0;
      const r = await fit(model, data, { optimizer: sgd({ lr: 0.05 }), epochs: 2, batch, onStep: () => steps++ });
      expect(steps).toBe(2 * perEpoch);
      expect(r.steps).toBe(2 * perEpoch);
      model.free();
    }
  });

  it("learns: validation accuracy on separable blobs", async () => {
    const model = classifier();
    const r = await fit(model, blobs(), {
      optimizer: adam({ lr: 0.01 }),
      epochs: 30,
      batch: 16,
      validation: 0.25,
      seed: 3,
    });
    expect(r.history.at(-1)!.validationAccuracy).toBeGreaterThan(0.9);
    expect(r.history.at(-1)!.trainLoss).toBeLessThan(r.history[0].trainLoss);
    model.free();
  });

  it("stops by the adaptive criterion and records the epoch it converged", async () => {
    const data = makeRegression({ n: 64, features: 3, noise: 0.01, seed: 2 });
    const model = new Model(new Linear(3, 1), { seed: 1 });
    const r = await fit(model, data, {
      optimizer: sgd({ lr: 0.1 }),
      loss: "mse",
      epochs: 500,
      batch: "full",
      stopping: { threshold: 1e-6, patience: 2 },
    });
    expect(r.stoppedBy).toBe("converged");
    expect(r.convergedEpoch).toBe(r.history.length);
    expect(r.convergedEpoch!).toBeLessThan(500);
    const last = r.history.slice(-3).map((h) => h.trainLoss);
    expect(last[0] - last[1]).toBeLessThan(1e-6);
    expect(last[1] - last[2]).toBeLessThan(1e-6);
    expect(r.secondsPerEpoch).toBeGreaterThan(0);
    expect(r.totalSeconds).toBeGreaterThanOrEqual(r.secondsPerEpoch);
    model.free();
  });

  it("stops early on validation loss", async () => {
    const model = classifier();
    const r = await fit(model, blobs(), {
      optimizer: adam({ lr: 0.05 }),
      epochs: 200,
      batch: 8,
      validation: 0.3,
      earlyStopping: { patience: 3 },
    });
    expect(r.stoppedBy).toBe("early-stopping");
    expect(r.history.length).toBeLessThan(200);
    model.free();
  });

  it("reports a diverging run with its epoch and step, without throwing", async () => {
    const data = makeRegression({ n: 64, features: 3, seed: 2 });
    const model = new Model(new Linear(3, 1), { seed: 1 });
    const r = await fit(model, data, { optimizer: sgd({ lr: 50 }), loss: "mse", epochs: 50, batch: 8 });
    expect(r.stoppedBy).toBe("diverged");
    expect(r.diverged!.epoch).toBeGreaterThanOrEqual(1);
    expect(r.diverged!.step).toBeGreaterThanOrEqual(1);
    expect(["loss", "gradient", "parameters"]).toContain(r.diverged!.where);
    model.free();
  });

  it("is bit-identical for the same seed, and different for another", async () => {
    const run = async (seed: number) => {
      const model = classifier(seed);
      await fit(model, blobs(), { optimizer: adam({ lr: 0.01 }), epochs: 3, batch: 10, seed });
      const out = model.parameters.flat();
      model.free();
      return out;
    };
    const a = await run(5),
      b = await run(5),
      c = await run(6);
    expect(Buffer.from(a.buffer)).toEqual(Buffer.from(b.buffer));
    expect(Buffer.from(a.buffer)).not.toEqual(Buffer.from(c.buffer));
  });

  it("resumed from a checkpoint, ends exactly where an uninterrupted run does", async () => {
    const opts = () => ({ optimizer: adam({ lr: 0.01 }), epochs: 6, batch: 10, seed: 9, validation: 0.2 });
    const full = classifier(1);
    const snaps: Snapshot[] = [];
    const whole = await fit(full, blobs(), {
      ...opts(),
      checkpoint: {
        save: (s) => {
          snaps.push(JSON.parse(JSON.stringify(s)));
        },
      },
    });
    expect(snaps.map((s) => s.epoch)).toEqual([1, 2, 3, 4, 5, 6]);
    const resumedModel = classifier(77); // different init: everything must come from the checkpoint
    const resumed = await fit(resumedModel, blobs(), { ...opts(), resume: snaps[2] });
    expect(Buffer.from(resumedModel.parameters.flat().buffer)).toEqual(Buffer.from(full.parameters.flat().buffer));
    const strip = (h: { seconds: number }[]) => h.map(({ seconds: _s, ...rest }) => rest);
    expect(strip(resumed.history)).toEqual(strip(whole.history));
    full.free();
    resumedModel.free();
  });

  it("stops cleanly when aborted and keeps flat memory over a run", async () => {
    const model = classifier();
    const controller = new AbortController();
    const before = heap.inUse;
    const r = await fit(model, blobs(), {
      optimizer: sgd({ lr: 0.1 }),
      epochs: 100,
      batch: 10,
      onStep: ({ epoch }) => {
        if (epoch === 3) controller.abort();
      },
      signal: controller.signal,
    });
    expect(r.stoppedBy).toBe("aborted");
    expect(r.history.length).toBe(2);
    expect(heap.inUse).toBe(before);
    model.free();
  });

  it("refuses bad settings with the value and what was expected", async () => {
    const model = classifier();
    const data = blobs();
    await expect(fit(model, data, { optimizer: sgd(), epochs: 1, batch: 0 })).rejects.toThrow(
      /batch size must be an integer ≥ 1, "full" or "stochastic", got 0/,
    );
    await expect(fit(model, data, { optimizer: sgd(), epochs: 1, batch: 500 })).rejects.toThrow(
      /batch size 500 is larger than the 120 training rows/,
    );
    await expect(fit(model, data, { optimizer: sgd(), epochs: 0 })).rejects.toThrow(
      /epochs must be an integer ≥ 1, got 0/,
    );
    await expect(
      fit(model, { ...data, y: Int32Array.from(data.y, (v, i) => (i === 7 ? 5 : v)) }, { optimizer: sgd(), epochs: 1 }),
    ).rejects.toThrow(/training data: label 5 at row 7 is out of range, expected an integer in \[0, 2\]/);
    await expect(
      fit(model, { ...data, n: 0, x: new Float32Array(0), y: new Int32Array(0) }, { optimizer: sgd(), epochs: 1 }),
    ).rejects.toThrow(/empty dataset/);
    const wide = makeBlobs({ n: 20, classes: 3, features: 5, seed: 1 });
    await expect(fit(model, wide, { optimizer: sgd(), epochs: 1 })).rejects.toThrow(
      /Linear\(4→16\): expected input \[batch, features\] of shape \[\*,4\], got \[20,5\]/,
    );
    model.free();
  });
});

describe("checkpoint files", () => {
  const dir = mkdtempSync(join(tmpdir(), "descent-ckpt-"));

  it("are written atomically and read back; bad files are refused naming the file", async () => {
    const model = classifier();
    let snap: Snapshot | undefined;
    await fit(model, blobs(), {
      optimizer: sgd({ lr: 0.1 }),
      epochs: 1,
      checkpoint: {
        save: (s) => {
          snap = s;
        },
      },
    });
    const path = join(dir, "run", "ckpt.json");
    saveCheckpoint(path, snap!);
    expect(existsSync(`${path}.tmp-${process.pid}`)).toBe(false);
    expect(loadCheckpoint(path).epoch).toBe(1);
    const text = readFileSync(path, "utf8");
    const cut = join(dir, "cut.json");
    writeFileSync(cut, text.slice(0, text.length / 2));
    expect(() => loadCheckpoint(cut)).toThrow(
      new RegExp(`checkpoint ${cut.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: not valid JSON`),
    );
    const empty = join(dir, "empty.json");
    writeFileSync(empty, "");
    expect(() => loadCheckpoint(empty)).toThrow(/the file is empty/);
    const other = join(dir, "other.json");
    writeFileSync(other, JSON.stringify({ format: "something-else" }));
    expect(() => loadCheckpoint(other)).toThrow(/other\.json: not a descent checkpoint/);
    const future = join(dir, "future.json");
    writeFileSync(future, JSON.stringify({ ...snap, version: 9 }));
    expect(() => loadCheckpoint(future)).toThrow(/unsupported version 9/);
    expect(() => loadCheckpoint(join(dir, "missing.json"))).toThrow(/missing\.json: cannot read it \(ENOENT\)/);
    model.free();
  });
});
