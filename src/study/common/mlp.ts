/** The studies' multilayer perceptrons: flatten, then Linear + activation per hidden layer (+ dropout), then the logits. */
import {
  Activation,
  Dropout,
  Flatten,
  Linear,
  Model,
  Sequential,
  type ActivationName,
  type Layer,
} from "../../nn/index.ts";

export interface MlpOptions {
  inputs: number;
  hidden: readonly number[];
  classes: number;
  activation?: ActivationName;
  /** Dropout probability after each hidden activation (0: none). */
  dropout?: number;
  seed: number;
  /** Inputs arrive as images [n, h, w] and are flattened first. */
  flatten?: boolean;
}

export function mlp({
  inputs,
  hidden,
  classes,
  activation = "relu",
  dropout = 0,
  seed,
  flatten = true,
}: MlpOptions): Model {
  const layers: Layer[] = flatten ? [new Flatten()] : [];
  let width = inputs;
  for (const h of hidden) {
    layers.push(new Linear(width, h), new Activation(activation));
    if (dropout > 0) layers.push(new Dropout(dropout));
    width = h;
  }
  layers.push(new Linear(width, classes));
  return new Model(new Sequential(layers), { seed });
}

export const describeMlp = (inputs: number, hidden: readonly number[], classes: number) =>
  [inputs, ...hidden, classes].join("-");
