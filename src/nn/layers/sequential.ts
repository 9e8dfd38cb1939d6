/** Sequential composition: each layer's output is the next one's input; parameters named "<index>.<name>". */
import type { Tensor } from "../../tensor/tensor.ts";
import type { Builder } from "../parameters.ts";
import type { ForwardContext, Layer, LayerConfig } from "../layer.ts";

export class Sequential implements Layer {
  readonly layers: readonly Layer[];

  constructor(layers: readonly Layer[]) {
    if (!Array.isArray(layers) || layers.length === 0) throw new RangeError("Sequential: needs at least one layer");
    this.layers = [...layers];
  }

  declare(b: Builder): void {
    this.layers.forEach((layer, i) => layer.declare(b.child(String(i))));
  }

  forward(x: Tensor, ctx: ForwardContext): Tensor {
    let y = x;
    for (const layer of this.layers) y = layer.forward(y, ctx);
    return y;
  }

  toConfig(): LayerConfig {
    return { type: "sequential", layers: this.layers.map((l) => l.toConfig()) };
  }
  toString(): string {
    return `Sequential(${this.layers.map(String).join(", ")})`;
  }
}
