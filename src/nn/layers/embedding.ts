/**
 * Embedding: a table of vectors looked up by integer id. The input is a tensor of ids (stored as
 * f32, exact up to 2^24); the output appends the embedding dimension: [..., dim]. The gradient
 * flows into the table rows only (ids are not differentiable).
 */
import type { Tensor } from "../../tensor/tensor.ts";
import { shapeStr } from "../../tensor/shape.ts";
import { gather, reshape } from "../ops.ts";
import type { Builder, Slot } from "../parameters.ts";
import { checkInit, type Init } from "../init.ts";
import { checkCount, type Layer, type LayerConfig } from "../layer.ts";

export class Embedding implements Layer {
  private table: Slot | null = null;

  constructor(
    readonly count: number,
    readonly dim: number,
    readonly init: Init = "glorotNormal",
  ) {
    checkCount("Embedding", "count", count);
    checkCount("Embedding", "dim", dim);
    checkInit(init, "Embedding");
  }

  declare(b: Builder): void {
    // Embedding rows are usually not decayed (sparse updates); we follow that convention.
    this.table = b.param("weight", [this.count, this.dim], {
      init: this.init,
      fans: { fanIn: 1, fanOut: this.dim },
      decay: false,
      owner: String(this),
    });
  }

  forward(x: Tensor): Tensor {
    if (x.rank === 0 || x.shape[0] === 0)
      throw new RangeError(`${this}: expected a non-empty batch of ids, got shape ${shapeStr(x.shape)}`);
    const ids = x.toArray();
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (!Number.isInteger(id) || id < 0 || id >= this.count)
        throw new RangeError(`${this}: id ${id} at position ${i} is outside [0, ${this.count})`);
    }
    const rows = gather(this.table!.tensor, ids);
    return x.rank === 1 ? rows : reshape(rows, [...x.shape, this.dim]);
  }

  toConfig(): LayerConfig {
    return { type: "embedding", count: this.count, dim: this.dim, init: this.init };
  }
  static fromConfig(c: LayerConfig): Embedding {
    return new Embedding(c.count as number, c.dim as number, c.init as Init);
  }
  toString(): string {
    return `Embedding(${this.count}×${this.dim})`;
  }
}
