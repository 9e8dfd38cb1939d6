/**
 * Inverted dropout (Srivastava et al. 2014, with the scaling moved to training time): in training
 * each element survives with probability 1−p and is scaled by 1/(1−p), so evaluation is the
 * identity. Masks come from the seeded Random of the forward context.
 */
import { tensor, type Tensor } from "../../tensor/tensor.ts";
import type { Shape } from "../../tensor/shape.ts";
import { sizeOf } from "../../tensor/shape.ts";
import type { Random } from "../../random.ts";
import { mul } from "../ops.ts";
import type { Builder } from "../parameters.ts";
import type { ForwardContext, Layer, LayerConfig } from "../layer.ts";

/** The mask dropout multiplies by: 0 with probability p, 1/(1−p) otherwise, one uniform draw per element in order. */
export function dropoutMask(shape: Shape, p: number, rng: Random): Tensor {
  const keep = 1 / (1 - p);
  const m = new Float32Array(sizeOf(shape));
  for (let i = 0; i < m.length; i++) m[i] = rng.uniform() < p ? 0 : keep;
  return tensor(m, shape);
}

export class Dropout implements Layer {
  constructor(readonly p: number) {
    if (typeof p !== "number" || !(p >= 0 && p < 1)) throw new RangeError(`Dropout: p must be in [0, 1), got ${p}`);
  }

  declare(_b: Builder): void {}

  forward(x: Tensor, { training, rng }: ForwardContext): Tensor {
    if (!training || this.p === 0) return x;
    if (!rng) throw new Error(`${this}: training mode needs a seeded rng in the forward context`);
    return mul(x, dropoutMask(x.shape, this.p, rng));
  }

  toConfig(): LayerConfig {
    return { type: "dropout", p: this.p };
  }
  static fromConfig(c: LayerConfig): Dropout {
    return new Dropout(c.p as number);
  }
  toString(): string {
    return `Dropout(${this.p})`;
  }
}
