/**
 * Model weights as safetensors, and interop with PyTorch through committed fixtures
 * (test/nn/fixtures/safetensors/make_fixtures.py, run once with Debian's python3-torch).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { tensor } from "../../src/tensor/tensor.ts";
import * as N from "../../src/nn/index.ts";
import { loadSafetensors, modelFromSafetensors, modelToSafetensors } from "../../src/nn/safetensors.ts";
import { parseSafetensors, serializeSafetensors, tensorValues } from "../../src/tensor/safetensors.ts";
import { descentMlp } from "./fixtures/safetensors/mlp.ts";

const dir = new URL("./fixtures/safetensors/", import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const torch = JSON.parse(readFileSync(new URL("torch-mlp.json", dir), "utf8")) as {
  x: number[];
  logits: number[];
  widened: Record<string, number[]>;
};
const torchOnDescent = JSON.parse(readFileSync(new URL("descent-mlp.torch-logits.json", dir), "utf8")) as {
  logits: number[];
};
const bits = (a: Float32Array) => new Uint32Array(a.buffer.slice(0));

function logits(model: N.Model): Float32Array {
  const x = tensor(torch.x, [4, 5]);
  const y = model.predict(x);
  const out = y.toArray();
  x.free();
  y.free();
  return out;
}

/** Agreement within f32 rounding of a 5-then-7-term dot product chain. */
function expectCloseToF32(actual: Float32Array, expected: number[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((a, i) =>
    expect(Math.abs(a - expected[i]), `logit ${i}: ${a} vs ${expected[i]}`).toBeLessThanOrEqual(
      1e-6 * Math.max(1, Math.abs(expected[i])),
    ),
  );
}

describe("PyTorch → descent", () => {
  it.each(["torch-mlp.safetensors", "torch-mlp.f64.safetensors"])(
    "%s (nn.Sequential of nn.Linear, weights out × in) loads and predicts PyTorch's logits",
    (name) => {
      const model = descentMlp();
      loadSafetensors(model, fixture(name), { layout: "pytorch", source: name });
      expectCloseToF32(logits(model), torch.logits);
      model.free();
    },
  );

  it("F16 and BF16 weights at unaligned offsets load as PyTorch widens them, transposed to in × out", () => {
    const model = descentMlp();
    loadSafetensors(model, fixture("torch-mlp.mixed.safetensors"), { layout: "pytorch" });
    const w = model.parameters.get("0.weight").tensor.toArray(); // [5, 7] here, [7, 5] in the file
    const transposed = Array.from({ length: 35 }, (_, i) => w[(i % 5) * 7 + Math.floor(i / 5)]);
    expect(transposed).toEqual(torch.widened["0.weight"]);
    expect([...model.parameters.get("0.bias").tensor.toArray()]).toEqual(torch.widened["0.bias"]);
    model.free();
  });
});

describe("descent → PyTorch", () => {
  it("writes the PyTorch layout byte for byte as the file PyTorch was checked against, whose logits it matches", () => {
    const model = descentMlp();
    const bytes = modelToSafetensors(model, { layout: "pytorch" });
    expect(bytes).toEqual(fixture("descent-mlp.safetensors"));
    const { tensors } = parseSafetensors(bytes);
    expect([...tensors.values()].map((t) => [t.name, t.shape])).toEqual([
      ["0.weight", [7, 5]],
      ["0.bias", [7]],
      ["2.weight", [3, 7]],
      ["2.bias", [3]],
    ]);
    expectCloseToF32(logits(model), torchOnDescent.logits);
    model.free();
  });
});

describe("the descent layout", () => {
  const withBuffers = () =>
    new N.Model(
      new N.Sequential([new N.Linear(4, 6), new N.BatchNorm1d(6), new N.Activation("tanh"), new N.Linear(6, 2)]),
      { seed: 5 },
    );

  it("records the architecture: modelFromSafetensors rebuilds the model, buffers included, bit for bit", () => {
    const model = withBuffers();
    model.buffers.buffers[0].tensor.write(Float32Array.from({ length: 6 }, (_, i) => i / 7)); // a running mean worth saving
    const again = modelFromSafetensors(modelToSafetensors(model), "m.safetensors");
    expect(again.layer.toConfig()).toEqual(model.layer.toConfig());
    expect(bits(again.parameters.flat())).toEqual(bits(model.parameters.flat()));
    expect(bits(again.buffers.flat())).toEqual(bits(model.buffers.flat()));
    const x = tensor(
      Float32Array.from({ length: 12 }, (_, i) => Math.sin(i)),
      [3, 4],
    );
    const [a, b] = [model.predict(x), again.predict(x)];
    expect(bits(b.toArray())).toEqual(bits(a.toArray()));
    for (const t of [x, a, b]) t.free();
    model.free();
    again.free();
  });

  it("an F64 file loads to the same f32 weights", () => {
    const model = withBuffers();
    const again = modelFromSafetensors(modelToSafetensors(model, { dtype: "F64" }));
    expect(bits(again.parameters.flat())).toEqual(bits(model.parameters.flat()));
    model.free();
    again.free();
  });

  it("never loads part of a file: a missing, misshapen or extra tensor changes nothing and names the file and the tensor", () => {
    const source = withBuffers();
    const file = parseSafetensors(modelToSafetensors(source));
    const all = [...file.tensors.values()].map((t) => ({ name: t.name, shape: t.shape, data: tensorValues(t) }));
    const target = new N.Model(
      new N.Sequential([new N.Linear(4, 6), new N.BatchNorm1d(6), new N.Activation("tanh"), new N.Linear(6, 2)]),
      { seed: 6 },
    );
    const before = [target.parameters.flat(), target.buffers.flat()].map(bits);
    const cases: [typeof all, RegExp][] = [
      [all.filter((t) => t.name !== "3.bias"), /w\.st: no tensor "3\.bias" \(Linear\(6→2\), shape \[2\]\)/],
      [
        all.map((t) => (t.name === "3.weight" ? { ...t, shape: [2, 6] } : t)),
        /w\.st: tensor "3\.weight" has shape \[2,6\], Linear\(6→2\) needs \[6,2\]/,
      ],
      [
        all.map((t) => (t.name === "1.runningVar" ? { ...t, shape: [3, 2] } : t)),
        /w\.st: tensor "1\.runningVar" has shape \[3,2\]/,
      ],
      [
        [...all, { name: "4.weight", shape: [1], data: new Float32Array(1) }],
        /w\.st: tensor "4\.weight" belongs to no parameter of the model/,
      ],
    ];
    for (const [tensors, message] of cases) {
      expect(() => loadSafetensors(target, serializeSafetensors(tensors), { source: "w.st" })).toThrow(message);
      expect([target.parameters.flat(), target.buffers.flat()].map(bits)).toEqual(before);
    }
    const truncated = modelToSafetensors(source).subarray(0, -3);
    expect(() => loadSafetensors(target, truncated, { source: "w.st" })).toThrow(
      /w\.st: truncated: tensor "1\.runningVar" needs data bytes/,
    );
    expect([target.parameters.flat(), target.buffers.flat()].map(bits)).toEqual(before);
    source.free();
    target.free();
  });

  it("a file without a descent architecture cannot rebuild a model, and says what to do instead", () => {
    expect(() => modelFromSafetensors(fixture("torch-mlp.safetensors"), "t.st")).toThrow(
      /t\.st: no descent architecture in __metadata__.*use loadSafetensors/,
    );
  });
});

describe("the PyTorch layout's limits", () => {
  it("refuses layers it has no mapping for, by name, on save and on load", () => {
    const model = new N.Model(new N.Sequential([new N.Linear(4, 6), new N.BatchNorm1d(6)]));
    expect(() => modelToSafetensors(model, { layout: "pytorch" })).toThrow(
      /BatchNorm1d\(6\)'s 1\.weight has no PyTorch mapping; only Linear/,
    );
    expect(() => loadSafetensors(model, fixture("torch-mlp.safetensors"), { layout: "pytorch" })).toThrow(
      /no PyTorch mapping/,
    );
    model.free();
  });

  it("refuses PyTorch's file for a model of another shape, naming the tensor and both shapes", () => {
    const model = new N.Model(new N.Sequential([new N.Linear(5, 8), new N.Activation("relu"), new N.Linear(8, 3)]));
    expect(() =>
      loadSafetensors(model, fixture("torch-mlp.safetensors"), { layout: "pytorch", source: "t.st" }),
    ).toThrow(/t\.st: tensor "0\.weight" has shape \[7,5\], Linear\(5→8\) needs \[8,5\] \(PyTorch's layout\)/);
    model.free();
  });
});

describe("the JSON format", () => {
  it("still loads a model saved before safetensors came (model-v1.json), predicting what it predicted", () => {
    const saved = JSON.parse(readFileSync(new URL("../model-v1.json", dir), "utf8")) as {
      model: N.ModelJSON;
      x: number[];
      predictions: number[];
    };
    const model = N.Model.fromJSON(saved.model);
    const x = tensor(saved.x, [2, 3]);
    const y = model.predict(x);
    expect([...y.toArray()]).toEqual(saved.predictions);
    x.free();
    y.free();
    model.free();
  });
});
