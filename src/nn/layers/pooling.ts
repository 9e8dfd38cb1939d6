/**
 * Pooling over sliding windows (im2col.ts), and global average pooling. Max pooling pads with −∞
 * (padding never wins); average pooling pads with 0 and divides by the full window, as PyTorch's
 * default (count_include_pad). The gradient of max goes to the first maximum of each window.
 */
import type { Tensor } from "../../tensor/tensor.ts";
import { max, mean, reshape } from "../ops.ts";
import type { Builder } from "../parameters.ts";
import { checkCount, expectShape, type Layer, type LayerConfig } from "../layer.ts";
import { gatherWindows, geometry, IndexCache, windowIndices, type Window } from "./im2col.ts";

export interface PoolOptions {
  stride?: number;
  padding?: number;
}
type Mode = "max" | "avg";

abstract class Pool implements Layer {
  readonly stride: number;
  readonly padding: number;
  private readonly indices = new IndexCache<{ indices: Int32Array; padded: boolean }>();

  constructor(
    readonly mode: Mode,
    readonly dims: 1 | 2,
    readonly kernelSize: number,
    { stride, padding = 0 }: PoolOptions,
  ) {
    const where = this.constructor.name;
    checkCount(where, "kernel size", kernelSize);
    this.stride = checkCount(where, "stride", stride ?? kernelSize);
    this.padding = checkCount(where, "padding", padding, 0);
    if (2 * this.padding > kernelSize)
      throw new RangeError(`${where}: padding ${padding} must be at most half the kernel size ${kernelSize}`);
  }

  declare(_b: Builder): void {}

  forward(x: Tensor): Tensor {
    const k = this.kernelSize,
      s = this.stride,
      p = this.padding;
    let shape4: number[], win: Window;
    if (this.dims === 2) {
      expectShape(this, x, [null, null, null, null], "[batch, channels, height, width]");
      shape4 = [...x.shape];
      win = { kh: k, kw: k, sh: s, sw: s, ph: p, pw: p };
    } else {
      expectShape(this, x, [null, null, null], "[batch, channels, length]");
      shape4 = [x.shape[0], x.shape[1], 1, x.shape[2]];
      win = { kh: 1, kw: k, sh: 1, sw: s, ph: 0, pw: p };
    }
    const g = geometry(String(this), shape4, win);
    const windows = gatherWindows(
      x,
      this.indices.get(shape4, () => windowIndices(g, win, "pool")),
      win.kh * win.kw,
      this.mode === "max" ? -Infinity : 0,
    );
    const pooled = this.mode === "max" ? max(windows, 1) : mean(windows, 1);
    return reshape(pooled, this.dims === 2 ? [g.n, g.c, g.ho, g.wo] : [g.n, g.c, g.wo]);
  }

  toConfig(): LayerConfig {
    return {
      type: `${this.mode}Pool${this.dims}d`,
      kernelSize: this.kernelSize,
      stride: this.stride,
      padding: this.padding,
    };
  }

  toString(): string {
    return `${this.mode === "max" ? "Max" : "Avg"}Pool${this.dims}d(${this.kernelSize}, stride ${this.stride}, padding ${this.padding})`;
  }
}

const options = (c: LayerConfig): PoolOptions => ({ stride: c.stride as number, padding: c.padding as number });

export class MaxPool2d extends Pool {
  constructor(kernelSize: number, opts: PoolOptions = {}) {
    super("max", 2, kernelSize, opts);
  }
  static fromConfig(c: LayerConfig): MaxPool2d {
    return new MaxPool2d(c.kernelSize as number, options(c));
  }
}
export class AvgPool2d extends Pool {
  constructor(kernelSize: number, opts: PoolOptions = {}) {
    super("avg", 2, kernelSize, opts);
  }
  static fromConfig(c: LayerConfig): AvgPool2d {
    return new AvgPool2d(c.kernelSize as number, options(c));
  }
}
export class MaxPool1d extends Pool {
  constructor(kernelSize: number, opts: PoolOptions = {}) {
    super("max", 1, kernelSize, opts);
  }
  static fromConfig(c: LayerConfig): MaxPool1d {
    return new MaxPool1d(c.kernelSize as number, options(c));
  }
}
export class AvgPool1d extends Pool {
  constructor(kernelSize: number, opts: PoolOptions = {}) {
    super("avg", 1, kernelSize, opts);
  }
  static fromConfig(c: LayerConfig): AvgPool1d {
    return new AvgPool1d(c.kernelSize as number, options(c));
  }
}

/** Mean over every spatial position: [N, C, ...] → [N, C]. */
export class GlobalAvgPool implements Layer {
  declare(_b: Builder): void {}

  forward(x: Tensor): Tensor {
    if (x.rank < 3)
      throw new RangeError(
        `${this}: expected input [batch, channels, ...spatial], got rank ${x.rank} ([${x.shape.join(",")}])`,
      );
    if (x.shape[0] === 0) throw new RangeError(`${this}: the batch is empty (input [${x.shape.join(",")}])`);
    return mean(reshape(x, [x.shape[0], x.shape[1], -1]), 2);
  }

  toConfig(): LayerConfig {
    return { type: "globalAvgPool" };
  }
  static fromConfig(): GlobalAvgPool {
    return new GlobalAvgPool();
  }
  toString(): string {
    return "GlobalAvgPool";
  }
}
