/**
 * Every layer type, in a small model, can drive the loss on a tiny fixed dataset close to zero
 * with plain momentum gradient descent over the flat regions: the layers' gradients are usable.
 */
import { describe, expect, it } from "vitest";
import * as E from "../../src/index.ts";
import { Random } from "../../src/random.ts";
import { heap } from "../../src/wasm/module.ts";
import * as N from "../../src/nn/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import { randArray, train } from "./helpers.ts";

const data = new Random(2025);
const labelsOf = (n: number, c: number) => Int32Array.from({ length: n }, (_, i) => (i * 7 + 3) % c);

/** A case whose loss takes targets of type Y (a tensor, or class indices). */
interface CaseOf<Y> {
  name: string;
  layer: () => N.Layer;
  x: () => Tensor;
  target: () => Y;
  loss: N.Loss<Y>;
  steps: number;
  lr: number;
  below: number;
  opts?: () => N.StepOptions;
  /** Measure the final loss in evaluation mode (dropout, batch norm). */
  evalLoss?: boolean;
}
/** A case with its target type hidden, so both kinds share one list: use(c) runs use on it. */
type SomeCase = (use: <Y extends Tensor | Int32Array>(c: CaseOf<Y>) => void) => void;
const some =
  <Y extends Tensor | Int32Array>(c: CaseOf<Y>): SomeCase =>
  (use) =>
    use(c);

const adjacency = N.normalizeAdjacency(
  Array.from({ length: 36 }, (_, k) => {
    const i = Math.floor(k / 6),
      j = k % 6;
    return Math.abs(i - j) === 1 ? 1 : 0;
  }),
  6,
);
const regress = (n: number, out: number) => () => E.tensor(randArray(data, n * out), [n, out]);
const dense = (fn: N.ActivationName) => () =>
  new N.Sequential([new N.Linear(3, 12), new N.Activation(fn), new N.Linear(12, 2)]);

const cases: SomeCase[] = [
  ...(["identity", "relu", "leakyRelu", "sigmoid", "tanh", "gelu"] as const)
    .map((fn): CaseOf<Tensor> => ({
      // identity makes the model affine (4 coefficients per output): 3 samples, so it can fit them exactly
      name: `Linear + ${fn}`,
      layer: dense(fn),
      x: () => E.tensor(randArray(data, fn === "identity" ? 9 : 18), [fn === "identity" ? 3 : 6, 3]),
      target: regress(fn === "identity" ? 3 : 6, 2),
      loss: N.mse,
      steps: 800,
      lr: fn === "sigmoid" ? 0.3 : 0.05,
      below: 1e-3,
    }))
    .map(some),
  some({
    name: "softmax output",
    layer: () => new N.Sequential([new N.Linear(3, 4), new N.Activation("softmax")]),
    x: () => E.tensor(randArray(data, 12), [4, 3]),
    target: () => E.tensor([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], [4, 4]),
    loss: N.mse,
    steps: 400,
    lr: 1,
    below: 1e-2,
  }),
  some({
    name: "cross-entropy MLP",
    layer: () => new N.Sequential([new N.Linear(5, 16), new N.Activation("relu"), new N.Linear(16, 3)]),
    x: () => E.tensor(randArray(data, 40), [8, 5]),
    target: () => labelsOf(8, 3),
    loss: N.crossEntropy,
    steps: 200,
    lr: 0.1,
    below: 1e-2,
  }),
  some({
    name: "binary cross-entropy",
    layer: () => new N.Sequential([new N.Linear(4, 8), new N.Activation("tanh"), new N.Linear(8, 1)]),
    x: () => E.tensor(randArray(data, 24), [6, 4]),
    target: () => E.tensor([1, 0, 0, 1, 1, 0], [6, 1]),
    loss: N.binaryCrossEntropyWithLogits,
    steps: 300,
    lr: 0.2,
    below: 1e-2,
  }),
  some({
    name: "Dropout",
    layer: () =>
      new N.Sequential([new N.Linear(4, 32), new N.Activation("relu"), new N.Dropout(0.1), new N.Linear(32, 3)]),
    x: () => E.tensor(randArray(data, 24), [6, 4]),
    target: () => labelsOf(6, 3),
    loss: N.crossEntropy,
    steps: 500,
    lr: 0.05,
    below: 2e-2,
    opts: () => ({ rng: new Random(1) }),
    evalLoss: true,
  }),
  some({
    name: "Embedding",
    layer: () => new N.Sequential([new N.Embedding(6, 4), new N.Flatten(), new N.Linear(8, 3)]),
    x: () => E.tensor([0, 1, 2, 3, 4, 5, 1, 0, 3, 2, 5, 4], [6, 2]),
    target: () => labelsOf(6, 3),
    loss: N.crossEntropy,
    steps: 200,
    lr: 0.2,
    below: 1e-2,
  }),
  some({
    name: "Conv1d + MaxPool1d + GlobalAvgPool",
    layer: () =>
      new N.Sequential([
        new N.Conv1d(2, 6, 3, { padding: 1 }),
        new N.Activation("relu"),
        new N.MaxPool1d(2),
        new N.Conv1d(6, 3, 3),
        new N.GlobalAvgPool(),
      ]),
    x: () => E.tensor(randArray(data, 6 * 2 * 8), [6, 2, 8]),
    target: () => labelsOf(6, 3),
    loss: N.crossEntropy,
    steps: 300,
    lr: 0.1,
    below: 2e-2,
  }),
  some({
    name: "Conv2d + MaxPool2d + Flatten",
    layer: () =>
      new N.Sequential([
        new N.Conv2d(1, 4, 3, { padding: 1 }),
        new N.Activation("relu"),
        new N.MaxPool2d(2),
        new N.Flatten(),
        new N.Linear(16, 3),
      ]),
    x: () => E.tensor(randArray(data, 6 * 16), [6, 1, 4, 4]),
    target: () => labelsOf(6, 3),
    loss: N.crossEntropy,
    steps: 200,
    lr: 0.1,
    below: 1e-2,
  }),
  some({
    name: "Conv2d stride 2 + AvgPool2d",
    layer: () =>
      new N.Sequential([
        new N.Conv2d(2, 4, 3, { stride: 2, padding: 1 }),
        new N.Activation("tanh"),
        new N.AvgPool2d(2),
        new N.Flatten(),
        new N.Linear(4, 3),
      ]),
    x: () => E.tensor(randArray(data, 6 * 2 * 16), [6, 2, 4, 4]),
    target: () => labelsOf(6, 3),
    loss: N.crossEntropy,
    steps: 300,
    lr: 0.1,
    below: 2e-2,
  }),
  some({
    name: "AvgPool1d",
    layer: () =>
      new N.Sequential([
        new N.Conv1d(1, 4, 2),
        new N.Activation("tanh"),
        new N.AvgPool1d(2),
        new N.Flatten(),
        new N.Linear(8, 3),
      ]),
    x: () => E.tensor(randArray(data, 6 * 5), [6, 1, 5]),
    target: () => labelsOf(6, 3),
    loss: N.crossEntropy,
    steps: 300,
    lr: 0.1,
    below: 2e-2,
  }),
  some({
    name: "BatchNorm1d",
    layer: () =>
      new N.Sequential([new N.Linear(4, 16), new N.BatchNorm1d(16), new N.Activation("relu"), new N.Linear(16, 3)]),
    x: () => E.tensor(randArray(data, 32), [8, 4]),
    target: () => labelsOf(8, 3),
    loss: N.crossEntropy,
    steps: 200,
    lr: 0.05,
    below: 1e-2,
  }),
  some({
    name: "BatchNorm2d",
    layer: () =>
      new N.Sequential([
        new N.Conv2d(1, 4, 3, { padding: 1 }),
        new N.BatchNorm2d(4),
        new N.Activation("relu"),
        new N.GlobalAvgPool(),
        new N.Linear(4, 3),
      ]),
    x: () => E.tensor(randArray(data, 6 * 9), [6, 1, 3, 3]),
    target: () => labelsOf(6, 3),
    loss: N.crossEntropy,
    steps: 300,
    lr: 0.05,
    below: 2e-2,
  }),
  some({
    name: "GraphConv (two layers, node classification)",
    layer: () => new N.Sequential([new N.GraphConv(6, 16), new N.Activation("tanh"), new N.GraphConv(16, 2)]),
    // featureless nodes (one-hot identity features, as in Kipf & Welling's setting without features)
    x: () =>
      E.tensor(
        Array.from({ length: 36 }, (_, k) => (k % 7 === 0 ? 1 : 0)),
        [6, 6],
      ),
    target: () => Int32Array.of(0, 1, 1, 0, 1, 0),
    loss: N.crossEntropy,
    steps: 600,
    lr: 0.3,
    below: 2e-2,
    opts: () => ({ adjacency }),
  }),
  some({
    name: "LSTM (sequence classification)",
    layer: () => new N.Sequential([new N.LSTM(2, 8), new N.Linear(8, 3)]),
    x: () => E.tensor(randArray(data, 6 * 4 * 2), [6, 4, 2]),
    target: () => labelsOf(6, 3),
    loss: N.crossEntropy,
    steps: 300,
    lr: 0.1,
    below: 1e-2,
  }),
];

describe("each layer type overfits a tiny dataset", () => {
  const check = <Y extends Tensor | Int32Array>(c: CaseOf<Y>) => {
    const model = new N.Model(c.layer(), { seed: 1 });
    const x = c.x(),
      t = c.target();
    const opts = c.opts?.() ?? {};
    const losses = train(model, () => model.lossAndGrad(x, t, c.loss, opts), c.steps, c.lr);
    let final = losses[losses.length - 1];
    if (c.evalLoss) final = E.scoped(() => E.noGrad(() => c.loss(model.forward(x, { training: false }), t).item()));
    expect(Number.isFinite(final)).toBe(true);
    expect(final, `${c.name}: first loss ${losses[0]}, last ${final}`).toBeLessThan(c.below);
    expect(final).toBeLessThan(losses[0] / 10);
    model.free();
    x.free();
    if (!(t instanceof Int32Array)) t.free();
  };
  for (const c of cases) c((c) => it(`${c.name}: loss below ${c.below}`, () => check(c)));

  it("a conv training loop runs in flat memory", () => {
    const model = new N.Model(
      new N.Sequential([
        new N.Conv2d(1, 2, 3, { padding: 1 }),
        new N.BatchNorm2d(2),
        new N.Activation("relu"),
        new N.MaxPool2d(2),
        new N.Dropout(0.2),
        new N.Flatten(),
        new N.Linear(8, 2),
      ]),
    );
    const x = E.tensor(randArray(data, 64), [4, 1, 4, 4]),
      labels = Int32Array.of(0, 1, 1, 0),
      rng = new Random(3);
    train(model, () => model.lossAndGrad(x, labels, N.crossEntropy, { rng, l1: 1e-4 }), 3, 0.01);
    const before = heap.inUse;
    train(model, () => model.lossAndGrad(x, labels, N.crossEntropy, { rng, l1: 1e-4 }), 20, 0.01);
    // train() allocates and releases its velocity: the same footprint either side
    expect(heap.inUse).toBe(before);
    model.free();
    x.free();
  });
});
