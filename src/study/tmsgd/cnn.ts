/**
 * The image task with a small CNN, as in the paper's image experiments (our scale): the MNIST
 * digits as 1×28×28 images through Conv2d(1→c, 5×5) → ReLU → MaxPool(2) → Linear(c·12·12 → 10).
 */
import type { Dataset } from "../../data/dataset.ts";
import { Sequential } from "../../nn/layers/sequential.ts";
import { Conv2d } from "../../nn/layers/conv.ts";
import { MaxPool2d } from "../../nn/layers/pooling.ts";
import { Activation } from "../../nn/layers/activation.ts";
import { Flatten } from "../../nn/layers/flatten.ts";
import { Linear } from "../../nn/layers/dense.ts";
import { Model } from "../../nn/model.ts";

/** The same rows seen as one-channel images (no copy). */
export const asImages = (ds: Dataset): Dataset => ({ ...ds, featureShape: [1, 28, 28] });

export function cnnModel(channels: number, seed: number): Model {
  return new Model(
    new Sequential([
      new Conv2d(1, channels, 5),
      new Activation("relu"),
      new MaxPool2d(2),
      new Flatten(),
      new Linear(channels * 12 * 12, 10),
    ]),
    { seed },
  );
}

export const describeCnn = (channels: number) =>
  `CNN Conv2d(1→${channels}, 5×5) → ReLU → MaxPool(2) → Linear(${channels * 144} → 10)`;
