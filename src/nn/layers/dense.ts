/** The dense (fully connected) layer: y = x·W + b, W stored [in, out] so the forward GEMM needs no transpose. */
import type { Tensor } from "../../tensor/tensor.ts";
import { add, matmul } from "../ops.ts";
import type { Builder, Slot } from "../parameters.ts";
import { checkInit, type Init } from "../init.ts";
import { checkCount, expectShape, type Layer, type LayerConfig } from "../layer.ts";

export interface LinearOptions {
  bias?: boolean;
  init?: Init;
}

export class Linear implements Layer {
  readonly bias: boolean;
  readonly init: Init;
  private w: Slot | null = null;
  private b: Slot | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    { bias = true, init = "glorotUniform" }: LinearOptions = {},
  ) {
    checkCount("Linear", "inFeatures", inFeatures);
    checkCount("Linear", "outFeatures", outFeatures);
    this.bias = bias;
    checkInit(init, "Linear");
    this.init = init;
  }

  declare(b: Builder): void {
    const owner = String(this);
    this.w = b.param("weight", [this.inFeatures, this.outFeatures], {
      init: this.init,
      fans: { fanIn: this.inFeatures, fanOut: this.outFeatures },
      decay: true,
      owner,
    });
    this.b = this.bias ? b.param("bias", [this.outFeatures], { init: "zeros", decay: false, owner }) : null;
  }

  forward(x: Tensor): Tensor {
    expectShape(this, x, [null, this.inFeatures], "[batch, features]");
    const y = matmul(x, this.w!.tensor);
    return this.b ? add(y, this.b.tensor) : y;
  }

  toConfig(): LayerConfig {
    return {
      type: "linear",
      inFeatures: this.inFeatures,
      outFeatures: this.outFeatures,
      bias: this.bias,
      init: this.init,
    };
  }

  static fromConfig(c: LayerConfig): Linear {
    return new Linear(c.inFeatures as number, c.outFeatures as number, {
      bias: c.bias as boolean,
      init: c.init as Init,
    });
  }

  toString(): string {
    return `Linear(${this.inFeatures}→${this.outFeatures})`;
  }
}
