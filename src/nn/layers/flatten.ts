/** Flatten: [N, ...] → [N, rest], the bridge from convolutional features to dense layers. */
import type { Tensor } from "../../tensor/tensor.ts";
import { reshape } from "../ops.ts";
import type { Builder } from "../parameters.ts";
import type { Layer, LayerConfig } from "../layer.ts";

export class Flatten implements Layer {
  declare(_b: Builder): void {}

  forward(x: Tensor): Tensor {
    if (x.rank < 1 || x.shape[0] === 0)
      throw new RangeError(`${this}: expected a non-empty batch, got [${x.shape.join(",")}]`);
    return x.rank === 2 ? x : reshape(x, [x.shape[0], x.size / x.shape[0]]);
  }

  toConfig(): LayerConfig {
    return { type: "flatten" };
  }
  static fromConfig(): Flatten {
    return new Flatten();
  }
  toString(): string {
    return "Flatten";
  }
}
