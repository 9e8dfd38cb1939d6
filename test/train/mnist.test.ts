import { describe, expect, it } from "vitest";
import { loadMnistPackage } from "../../src/data/mnist.node.ts";
import { Model, Sequential, Linear, Activation, Flatten } from "../../src/nn/index.ts";
import { adam } from "../../src/optim/index.ts";
import { fit } from "../../src/train/index.ts";

// Issue 4's proof: the 784-500-10 ReLU MLP, Adam (lr 1e-3, batch 64, 10 epochs), trained on 8,000 of the
// package's digits, reaches ≥ 94% on the 2,000 held out (a plain reference implementation gets about 95%).
describe("MNIST from the mnist package", () => {
  const { train, test } = loadMnistPackage({ count: 10_000, testFraction: 0.2, seed: 0 });
  const mlp = (activation: "relu" | "identity") =>
    new Model(new Sequential([new Flatten(), new Linear(784, 500), new Activation(activation), new Linear(500, 10)]), {
      seed: 0,
    });

  it("a 784-500-10 ReLU MLP with Adam reaches at least 94% test accuracy", async () => {
    expect([train.n, test.n]).toEqual([8000, 2000]);
    const model = mlp("relu");
    const r = await fit(model, train, {
      optimizer: adam({ lr: 1e-3 }),
      epochs: 10,
      batch: 64,
      seed: 0,
      validation: test,
    });
    const last = r.history.at(-1)!;
    console.log(
      `MNIST 784-500-10 ReLU, Adam: test accuracy ${(100 * last.validationAccuracy!).toFixed(2)}%, ${r.secondsPerEpoch.toFixed(2)} s/epoch`,
    );
    expect(last.validationAccuracy).toBeGreaterThanOrEqual(0.94);
    model.free();
  }, 120_000);

  it("the survey's linear-activation network is trainable too", async () => {
    const model = mlp("identity");
    const r = await fit(model, train, {
      optimizer: adam({ lr: 1e-3 }),
      epochs: 2,
      batch: 64,
      seed: 0,
      validation: test,
    });
    console.log(
      `MNIST 784-500-10 linear activation, Adam, 2 epochs: test accuracy ${(100 * r.history.at(-1)!.validationAccuracy!).toFixed(2)}%`,
    );
    // A linear model of the pixels (multinomial logistic regression) gets ~85-90% on MNIST.
    expect(r.history.at(-1)!.validationAccuracy).toBeGreaterThan(0.8);
    expect(r.history[1].trainLoss).toBeLessThan(r.history[0].trainLoss);
    model.free();
  }, 60_000);
});
