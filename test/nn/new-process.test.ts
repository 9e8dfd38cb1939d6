import { describe, expect, it } from "vitest";
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Model, Sequential, Linear, Activation, Dropout, BatchNorm1d } from "../../src/nn/index.ts";
import { adam } from "../../src/optim/index.ts";
import { fit } from "../../src/train/index.ts";
import { makeBlobs } from "../../src/data/synthetic.ts";
import { tensor } from "../../src/index.ts";

describe("a saved model", () => {
  it("loaded in a new process and evaluated gives identical predictions", async () => {
    const data = makeBlobs({ n: 200, classes: 3, features: 6, seed: 4 });
    const model = new Model(
      new Sequential([
        new Linear(6, 32),
        new BatchNorm1d(32),
        new Activation("relu"),
        new Dropout(0.3),
        new Linear(32, 3),
      ]),
      { seed: 2 },
    );
    await fit(model, data, { optimizer: adam({ lr: 0.01 }), epochs: 5, batch: 20, seed: 1 });
    const dir = mkdtempSync(join(tmpdir(), "descent-model-"));
    const modelPath = join(dir, "model.json"),
      inputPath = join(dir, "input.json");
    writeFileSync(modelPath, JSON.stringify(model.toJSON()));
    const x = Array.from(data.x.subarray(0, 50 * 6));
    writeFileSync(inputPath, JSON.stringify({ shape: [50, 6], data: x }));
    const here = model.predict(tensor(Float32Array.from(x), [50, 6])).toArray();
    const tsx = join(process.cwd(), "node_modules", ".bin", "tsx");
    const there = execFileSync(tsx, [join(process.cwd(), "test/nn/fixtures/predict.ts"), modelPath, inputPath], {
      encoding: "utf8",
    });
    expect(there).toBe(Buffer.from(here.buffer).toString("base64"));
    model.free();
  }, 30_000);
});
