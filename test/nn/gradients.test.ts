import { describe, it } from "vitest";
import * as E from "../../src/index.ts";
import { Random } from "../../src/random.ts";
import * as N from "../../src/nn/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import { checkLayerGradients, randArray, spread } from "./helpers.ts";

const rng = new Random(77);
const input = (shape: number[], data?: Float32Array) =>
  E.tensor(
    data ??
      randArray(
        rng,
        shape.reduce((a, b) => a * b, 1),
      ),
    shape,
  );
const adjacency = N.normalizeAdjacency([0, 1, 0, 0, 1, 1, 0, 1, 0, 0, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1, 0, 1, 0, 0], 5);

interface Case {
  name: string;
  layer: () => N.Layer;
  x: () => Tensor;
  inputGrad?: boolean;
  ctx?: () => Partial<N.ForwardContext>;
}

const cases: Case[] = [
  { name: "Linear", layer: () => new N.Linear(3, 4), x: () => input([5, 3]) },
  { name: "Linear without bias", layer: () => new N.Linear(4, 2, { bias: false }), x: () => input([3, 4]) },
  ...(["identity", "relu", "leakyRelu", "sigmoid", "tanh", "gelu", "softmax"] as const).map((fn): Case => ({
    name: `Activation ${fn}`,
    layer: () => new N.Activation(fn, 0.1),
    x: () => input([4, 5], spread(rng, 20, 0.15)),
  })),
  {
    name: "Dropout (fixed mask)",
    layer: () => new N.Dropout(0.4),
    x: () => input([4, 6]),
    ctx: () => ({ rng: new Random(9) }),
  },
  {
    name: "Embedding",
    layer: () => new N.Embedding(7, 3),
    x: () => E.tensor([1, 6, 0, 1, 3, 2], [2, 3]),
    inputGrad: false,
  },
  {
    name: "Conv1d stride 2 padding 1",
    layer: () => new N.Conv1d(2, 3, 3, { stride: 2, padding: 1 }),
    x: () => input([2, 2, 7]),
  },
  {
    name: "Conv2d 3×3 stride 2 padding 1",
    layer: () => new N.Conv2d(2, 3, 3, { stride: 2, padding: 1 }),
    x: () => input([2, 2, 5, 6]),
  },
  { name: "Conv2d 2×3 kernel, batch 1", layer: () => new N.Conv2d(1, 2, [2, 3]), x: () => input([1, 1, 4, 5]) },
  { name: "MaxPool2d 2", layer: () => new N.MaxPool2d(2), x: () => input([2, 2, 4, 4], spread(rng, 64)) },
  {
    name: "MaxPool2d 3 stride 2 padding 1",
    layer: () => new N.MaxPool2d(3, { stride: 2, padding: 1 }),
    x: () => input([1, 2, 5, 5], spread(rng, 50)),
  },
  {
    name: "AvgPool2d 2 stride 1 padding 1",
    layer: () => new N.AvgPool2d(2, { stride: 1, padding: 1 }),
    x: () => input([2, 1, 3, 4]),
  },
  {
    name: "MaxPool1d 3 stride 2",
    layer: () => new N.MaxPool1d(3, { stride: 2 }),
    x: () => input([2, 2, 7], spread(rng, 28)),
  },
  { name: "AvgPool1d 2", layer: () => new N.AvgPool1d(2), x: () => input([2, 3, 6]) },
  { name: "GlobalAvgPool", layer: () => new N.GlobalAvgPool(), x: () => input([2, 3, 2, 3]) },
  { name: "Flatten", layer: () => new N.Flatten(), x: () => input([2, 3, 2]) },
  { name: "BatchNorm1d training", layer: () => new N.BatchNorm1d(4), x: () => input([6, 4]) },
  { name: "BatchNorm1d [N,C,L] training", layer: () => new N.BatchNorm1d(3), x: () => input([4, 3, 5]) },
  { name: "BatchNorm2d training", layer: () => new N.BatchNorm2d(3), x: () => input([3, 3, 2, 2]) },
  {
    name: "BatchNorm2d evaluation",
    layer: () => new N.BatchNorm2d(2),
    x: () => input([2, 2, 2, 3]),
    ctx: () => ({ training: false }),
  },
  { name: "GraphConv 3→2", layer: () => new N.GraphConv(3, 2), x: () => input([5, 3]), ctx: () => ({ adjacency }) },
  { name: "GraphConv 2→4", layer: () => new N.GraphConv(2, 4), x: () => input([5, 2]), ctx: () => ({ adjacency }) },
  { name: "LSTM", layer: () => new N.LSTM(3, 4), x: () => input([2, 5, 3]) },
  {
    name: "Sequential",
    layer: () => new N.Sequential([new N.Linear(3, 5), new N.Activation("tanh"), new N.Linear(5, 2)]),
    x: () => input([4, 3]),
  },
];

describe("layer gradients against central finite differences", () => {
  for (const c of cases) {
    it(c.name, () => {
      const x = c.x();
      const model = checkLayerGradients(c.name, {
        layer: c.layer(),
        x,
        inputGrad: c.inputGrad,
        ctx: c.ctx,
        probes: 12,
      });
      model.free();
      x.free();
    });
  }
});
