/**
 * Activation functions as layers. "identity" is the survey's linear activation. GELU uses the tanh
 * approximation of Hendrycks & Gimpel 2016, composed from engine ops:
 * gelu(x) ≈ ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))).
 */
import type { Tensor } from "../../tensor/tensor.ts";
import { add, addScalar, leakyRelu, mul, mulScalar, pow, relu, sigmoid, softmax, tanh } from "../ops.ts";
import type { Builder } from "../parameters.ts";
import type { Layer, LayerConfig } from "../layer.ts";

export type ActivationName = "identity" | "relu" | "leakyRelu" | "sigmoid" | "tanh" | "gelu" | "softmax";
const NAMES: readonly ActivationName[] = ["identity", "relu", "leakyRelu", "sigmoid", "tanh", "gelu", "softmax"];

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

export function gelu(x: Tensor): Tensor {
  const inner = mulScalar([add(x, mulScalar([pow(x, 3)], 0.044715))], SQRT_2_OVER_PI);
  return mul(mulScalar([x], 0.5), addScalar([tanh(inner)], 1));
}

export class Activation implements Layer {
  /** slope: the negative-side slope of leakyRelu (ignored otherwise). */
  constructor(
    readonly fn: ActivationName,
    readonly slope = 0.01,
  ) {
    if (!NAMES.includes(fn))
      throw new RangeError(`Activation: unknown function ${JSON.stringify(fn)}; expected one of ${NAMES.join(", ")}`);
    if (!Number.isFinite(slope)) throw new RangeError(`Activation: slope must be finite, got ${slope}`);
  }

  declare(_b: Builder): void {}

  forward(x: Tensor): Tensor {
    switch (this.fn) {
      case "identity":
        return x;
      case "relu":
        return relu(x);
      case "leakyRelu":
        return leakyRelu(x, this.slope);
      case "sigmoid":
        return sigmoid(x);
      case "tanh":
        return tanh(x);
      case "gelu":
        return gelu(x);
      case "softmax":
        return softmax(x);
    }
  }

  toConfig(): LayerConfig {
    return this.fn === "leakyRelu"
      ? { type: "activation", fn: this.fn, slope: this.slope }
      : { type: "activation", fn: this.fn };
  }

  static fromConfig(c: LayerConfig): Activation {
    return new Activation(c.fn as ActivationName, (c.slope as number | undefined) ?? 0.01);
  }

  toString(): string {
    return this.fn === "leakyRelu" ? `LeakyReLU(${this.slope})` : `Activation(${this.fn})`;
  }
}
