import { describe, expect, it } from "vitest";
import * as E from "../../src/index.ts";
import { Random } from "../../src/random.ts";
import { heap } from "../../src/wasm/module.ts";
import * as N from "../../src/nn/index.ts";
import { randArray, train } from "./helpers.ts";
import { encodeF32 } from "../../src/nn/base64.ts";

const mlp = (hidden = 6) =>
  new N.Sequential([
    new N.Linear(4, hidden),
    new N.Activation("relu"),
    new N.Dropout(0.2),
    new N.BatchNorm1d(hidden),
    new N.Linear(hidden, 3),
  ]);
const bits = (a: Float32Array) => new Uint32Array(a.buffer.slice(0));

describe("ParameterSet: one value region, one gradient region", () => {
  it("hands out 16-byte-aligned views into the regions, in declaration order, with decay flags", () => {
    const model = new N.Model(mlp());
    const { values, grads, params } = model.parameters;
    expect(params.map((p) => [p.name, p.shape, p.decay])).toEqual([
      ["0.weight", [4, 6], true],
      ["0.bias", [6], false],
      ["3.weight", [6], false],
      ["3.bias", [6], false],
      ["4.weight", [6, 3], true],
      ["4.bias", [3], false],
    ]);
    for (const p of params) {
      expect(p.tensor.ptr).toBe(values.ptr + p.offset * 4);
      expect(p.grad.ptr).toBe(grads.ptr + p.offset * 4);
      expect(p.tensor.ptr % 16).toBe(0);
      expect(p.offset + p.size).toBeLessThanOrEqual(values.length);
    }
    expect(model.parameters.count).toBe(24 + 6 + 6 + 6 + 18 + 3);
    expect(model.buffers.buffers.map((b) => b.name)).toEqual(["3.runningMean", "3.runningVar"]);
    const mask = model.parameters.decayMask();
    expect(mask.reduce((a, b) => a + b)).toBe(24 + 18);
    // flat/load round trip
    const before = model.parameters.flat();
    model.parameters.load(new Float32Array(values.length).fill(2));
    expect(params[0].tensor.toArray()[0]).toBe(2);
    model.parameters.load(before);
    expect(bits(model.parameters.flat())).toEqual(bits(before));
    expect(() => model.parameters.load(new Float32Array(3))).toThrow(/got 3 values, the region holds/);
    model.free();
  });

  it("lossAndGrad fills the gradient region with the gradient of the loss", () => {
    const model = new N.Model(new N.Sequential([new N.Linear(3, 2), new N.Activation("tanh")]), { seed: 3 });
    const x = E.tensor(randArray(new Random(1), 12), [4, 3]),
      y = E.tensor(randArray(new Random(2), 8), [4, 2]);
    const value = model.lossAndGrad(x, y, N.mse);
    const ref = E.valueAndGrad(() => N.mse(model.forward(x), y), model.parameters.tensors);
    expect(value).toBe(ref.value);
    model.parameters.params.forEach((p, i) => {
      expect(p.grad.toArray()).toEqual(ref.grads[i].toArray());
      ref.grads[i].free();
    });
    model.free();
    x.free();
    y.free();
  });

  it("frees its regions: memory returns to where it was", () => {
    const before = heap.inUse;
    const model = new N.Model(mlp(32));
    expect(heap.inUse).toBeGreaterThan(before);
    model.free();
    expect(heap.inUse).toBe(before);
    expect(() => model.parameters.params[0].tensor.ptr).toThrow(/freed tensor/);
  });
});

describe("cost", () => {
  it("a 784-500-10 MLP with cross-entropy records 8 ops forward: matmul, add, relu, matmul, add, logSoftmax, mul, sum", () => {
    const model = new N.Model(
      new N.Sequential([new N.Linear(784, 500), new N.Activation("relu"), new N.Linear(500, 10)]),
    );
    const x = E.zeros([64, 784]),
      labels = Int32Array.from({ length: 64 }, (_, i) => i % 10);
    const names: string[] = [];
    E.valueAndGrad(() => {
      const loss = N.crossEntropy(model.forward(x), labels);
      const seen = new Set<E.Tensor>();
      const walk = (t: E.Tensor) => {
        if (!t.node || seen.has(t)) return;
        seen.add(t);
        names.push(t.node.name);
        t.node.inputs.forEach(walk);
      };
      walk(loss);
      return loss;
    }, model.parameters.tensors).grads.forEach((g) => g.free());
    expect(names.sort()).toEqual(["add", "add", "logSoftmax", "matmul", "matmul", "mul", "relu", "sum"]);
    model.free();
    x.free();
  });
});

describe("determinism", () => {
  it("the same seed gives bit-identical parameters and bit-identical losses after N steps; another seed does not", () => {
    const x = E.tensor(randArray(new Random(8), 40), [10, 4]);
    const labels = Int32Array.from({ length: 10 }, (_, i) => i % 3);
    const runOnce = (seed: number) => {
      const model = new N.Model(mlp(), { seed });
      const init = model.parameters.flat();
      const rng = new Random(seed + 100);
      const losses = train(model, () => model.lossAndGrad(x, labels, N.crossEntropy, { rng, l2: 1e-3 }), 15, 0.05);
      const out = { init, losses, final: model.parameters.flat(), buffers: model.buffers.flat() };
      model.free();
      return out;
    };
    const a = runOnce(12),
      b = runOnce(12),
      c = runOnce(13);
    expect(bits(a.init)).toEqual(bits(b.init));
    expect(a.losses).toEqual(b.losses);
    a.losses.forEach((v, i) => expect(Object.is(v, b.losses[i])).toBe(true));
    expect(bits(a.final)).toEqual(bits(b.final));
    expect(bits(a.buffers)).toEqual(bits(b.buffers));
    expect(bits(a.init)).not.toEqual(bits(c.init));
    x.free();
  });

  it("initializers have the variances they promise", () => {
    const n = 40000,
      fans = { fanIn: 50, fanOut: 30 };
    const variance = (a: Float32Array) => a.reduce((s, v) => s + v * v, 0) / a.length;
    for (const [init, want] of [
      ["glorotUniform", 2 / 80],
      ["glorotNormal", 2 / 80],
      ["heUniform", 2 / 50],
      ["heNormal", 2 / 50],
    ] as const) {
      const a = new Float32Array(n);
      N.initialize(init, a, fans, new Random(1));
      expect(Math.abs(variance(a) / want - 1), init).toBeLessThan(0.03);
      const again = new Float32Array(n);
      N.initialize(init, again, fans, new Random(1));
      expect(bits(again)).toEqual(bits(a));
    }
    const bound = Math.sqrt(6 / 80),
      u = new Float32Array(n);
    N.initialize("glorotUniform", u, fans, new Random(2));
    expect(Math.max(...u)).toBeLessThanOrEqual(bound);
    expect(Math.min(...u)).toBeGreaterThanOrEqual(-bound);
    const k = new Float32Array(4);
    N.initialize({ constant: 0.5 }, k, fans, new Random(0));
    expect(Array.from(k)).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(() => new N.Linear(2, 2, { init: "xavier" as N.Init })).toThrow(/Linear: unknown initializer "xavier"/);
  });
});

describe("saving and loading", () => {
  const convNet = () =>
    new N.Sequential([
      new N.Conv2d(1, 2, 3, { padding: 1 }),
      new N.BatchNorm2d(2),
      new N.Activation("relu"),
      new N.MaxPool2d(2),
      new N.Flatten(),
      new N.Linear(8, 3),
    ]);

  it("round-trips architecture, weights and buffers through JSON text, bit for bit", () => {
    const model = new N.Model(convNet(), { seed: 6 });
    const x = E.tensor(randArray(new Random(3), 32), [2, 1, 4, 4]);
    E.scoped(() => model.forward(x)); // moves the running statistics away from their initial values
    const text = JSON.stringify(model.toJSON());
    const copy = N.Model.fromJSON(text);
    expect(copy.layer.toConfig()).toEqual(model.layer.toConfig());
    expect(bits(copy.parameters.flat())).toEqual(bits(model.parameters.flat()));
    expect(bits(copy.buffers.flat())).toEqual(bits(model.buffers.flat()));
    const [p, q] = [model.predict(x), copy.predict(x)];
    expect(bits(q.toArray())).toEqual(bits(p.toArray()));
    for (const t of [p, q, x]) t.free();
    model.free();
    copy.free();
  });

  it("refuses another architecture's weights, naming the parameter, its layer and both shapes", () => {
    const saved = new N.Model(new N.Sequential([new N.Linear(4, 5), new N.Activation("relu"), new N.Linear(5, 2)]));
    const json = saved.toJSON();
    const other = new N.Model(new N.Sequential([new N.Linear(4, 5), new N.Activation("relu"), new N.Linear(5, 3)]));
    const before = other.parameters.flat();
    expect(() => other.loadJSON(json)).toThrow(
      "loadJSON: parameter 2.weight of Linear(5→3) has shape [5,2] in the checkpoint, the model expects [5,3]",
    );
    expect(bits(other.parameters.flat())).toEqual(bits(before)); // nothing changed
    const tanh = new N.Model(new N.Sequential([new N.Linear(4, 5), new N.Activation("tanh"), new N.Linear(5, 2)]));
    expect(() => tanh.loadJSON(json)).toThrow(
      /architecture differs.*at layer model\.1, the model has \{"type":"activation","fn":"tanh"\}, the checkpoint \{"type":"activation","fn":"relu"\}/,
    );
    const bigger = new N.Model(
      new N.Sequential([new N.Linear(4, 5), new N.Activation("relu"), new N.Linear(5, 2), new N.Linear(2, 2)]),
    );
    expect(() => bigger.loadJSON(json)).toThrow(
      "loadJSON: the checkpoint has no parameter 3.weight (Linear(2→2), shape [2,2])",
    );
    expect(() => N.Model.fromJSON({ ...json, format: "x" } as unknown as N.ModelJSON)).toThrow(
      /not a descent model checkpoint/,
    );
    expect(() => N.fromConfig({ type: "capsule" })).toThrow(/unknown layer type "capsule"/);
    for (const m of [saved, other, tanh, bigger]) m.free();
  });
});

describe("clear errors at the edges", () => {
  it("refuses saved weights holding NaN or ±Inf, naming the tensor and its layer, loading nothing", () => {
    const saved = new N.Model(new N.Sequential([new N.Linear(3, 4), new N.Activation("relu"), new N.Linear(4, 2)]));
    for (const bad of [NaN, Infinity, -Infinity]) {
      const json = saved.toJSON();
      const values = new Float32Array(8).fill(0.5);
      values[5] = bad;
      json.parameters[2] = { ...json.parameters[2], data: encodeF32(values) };
      expect(() => N.Model.fromJSON(json)).toThrow(
        `loadJSON: parameter 2.weight of Linear(4→2) holds ${bad} at index 5 (1 of 8 values are not finite)`,
      );
      const target = new N.Model(new N.Sequential([new N.Linear(3, 4), new N.Activation("relu"), new N.Linear(4, 2)]));
      const before = target.parameters.flat();
      expect(() => target.loadJSON(json)).toThrow(/holds/);
      expect(bits(target.parameters.flat())).toEqual(bits(before));
      target.free();
    }
    saved.free();
  });

  it("names the layer and the shapes when features do not match, and rejects empty batches", () => {
    const model = new N.Model(new N.Sequential([new N.Linear(784, 10)]));
    const x = E.zeros([2, 100]);
    expect(() => model.predict(x)).toThrow(
      "Linear(784→10): expected input [batch, features] of shape [*,784], got [2,100]",
    );
    const empty = E.zeros([0, 784]);
    expect(() => model.predict(empty)).toThrow(/the batch is empty/);
    const conv = new N.Model(new N.Conv2d(3, 4, 5));
    const img = E.zeros([1, 3, 4, 4]);
    expect(() => conv.predict(img)).toThrow(
      "Conv2d(3→4, 5×5, stride 1, padding 0): input 4×4 with padding 0×0 is smaller than the 5×5 window",
    );
    const emb = new N.Model(new N.Embedding(5, 2));
    const ids = E.tensor([1, 5]);
    expect(() => emb.predict(ids)).toThrow("Embedding(5×2): id 5 at position 1 is outside [0, 5)");
    const bn = new N.Model(new N.BatchNorm1d(3));
    const one = E.zeros([1, 3]);
    expect(() => E.scoped(() => bn.forward(one))).toThrow(/training needs more than one value per channel/);
    const gcn = new N.Model(new N.GraphConv(2, 2));
    const nodes = E.zeros([3, 2]);
    expect(() => gcn.predict(nodes)).toThrow(/needs the normalized adjacency/);
    expect(() => new N.Dropout(1)).toThrow("Dropout: p must be in [0, 1), got 1");
    expect(() => new N.Linear(0, 3)).toThrow("Linear: inFeatures must be an integer ≥ 1, got 0");
    expect(() => new N.Model(model.layer)).toThrow(
      "Sequential(Linear(784→10)) already belongs to a live model: build a new layer (or free that model first)",
    );
    for (const t of [x, empty, img, ids, one, nodes]) t.free();
    for (const m of [model, conv, emb, bn, gcn]) m.free();
  });
});
