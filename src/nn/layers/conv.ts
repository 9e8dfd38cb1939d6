/**
 * Convolutions (cross-correlation, as in every framework) with stride and zero padding, lowered
 * onto one GEMM by im2col: the windows of the batch form a [N·Ho·Wo, Cin·kh·kw] matrix, and
 * W [Cout, Cin·kh·kw] times its transpose gives [Cout, N·Ho·Wo]. A row gather then reorders
 * (Cout, N) to the NCHW output. Conv1d is Conv2d with a height of 1.
 */
import type { Tensor } from "../../tensor/tensor.ts";
import { add, gather, matmul, reshape } from "../ops.ts";
import type { Builder, Slot } from "../parameters.ts";
import { checkInit, type Init } from "../init.ts";
import { checkCount, expectShape, type Layer, type LayerConfig } from "../layer.ts";
import { gatherWindows, geometry, IndexCache, windowIndices, type Window } from "./im2col.ts";

export interface ConvOptions {
  stride?: number;
  padding?: number;
  bias?: boolean;
  init?: Init;
}

type Pair = [number, number];
const pair = (v: number | readonly number[]): Pair => (typeof v === "number" ? [v, v] : [v[0], v[1]]);

/** The shared machinery; `rank` 1 or 2 spatial dimensions. */
abstract class Conv implements Layer {
  readonly stride: number;
  readonly padding: number;
  readonly bias: boolean;
  readonly init: Init;
  protected w: Slot | null = null;
  protected b: Slot | null = null;
  private readonly indices = new IndexCache<{ indices: Int32Array; padded: boolean }>();
  private readonly orders = new IndexCache<Int32Array>();

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    protected readonly kernel: Pair,
    { stride = 1, padding = 0, bias = true, init = "heUniform" }: ConvOptions,
  ) {
    const where = this.constructor.name;
    checkCount(where, "inChannels", inChannels);
    checkCount(where, "outChannels", outChannels);
    checkCount(where, "kernel size", kernel[0]);
    checkCount(where, "kernel size", kernel[1]);
    this.stride = checkCount(where, "stride", stride);
    this.padding = checkCount(where, "padding", padding, 0);
    this.bias = bias;
    checkInit(init, where);
    this.init = init;
  }

  protected abstract get window(): Window;

  declare(b: Builder): void {
    const area = this.kernel[0] * this.kernel[1],
      owner = String(this);
    this.w = b.param("weight", [this.outChannels, this.inChannels * area], {
      init: this.init,
      fans: { fanIn: this.inChannels * area, fanOut: this.outChannels * area },
      decay: true,
      owner,
    });
    this.b = this.bias ? b.param("bias", [this.outChannels], { init: "zeros", decay: false, owner }) : null;
  }

  abstract forward(x: Tensor): Tensor;
  abstract toConfig(): LayerConfig;

  /** x as [n, c, h, w]; returns [n, outChannels, ho, wo] and the output size. */
  protected convolve(x: Tensor, shape4: number[]): { y: Tensor; ho: number; wo: number } {
    const win = this.window;
    const g = geometry(String(this), shape4, win);
    const { n, ho, wo } = g;
    const cols = gatherWindows(
      x,
      this.indices.get(shape4, () => windowIndices(g, win, "conv")),
      this.inChannels * win.kh * win.kw,
      0,
    );
    let y = matmul(this.w!.tensor, cols, { transB: true }); // [Cout, N·Ho·Wo]
    if (this.b) y = add(y, reshape(this.b.tensor, [this.outChannels, 1]));
    if (n > 1) {
      const cout = this.outChannels;
      const order = this.orders.get(shape4, () => {
        const o = new Int32Array(n * cout);
        for (let b = 0; b < n; b++) for (let c = 0; c < cout; c++) o[b * cout + c] = c * n + b;
        return o;
      });
      y = gather(reshape(y, [cout * n, ho * wo]), order);
    }
    return { y, ho, wo };
  }
}

export class Conv2d extends Conv {
  constructor(
    inChannels: number,
    outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions = {},
  ) {
    super(inChannels, outChannels, pair(kernelSize), options);
  }

  protected override get window(): Window {
    return {
      kh: this.kernel[0],
      kw: this.kernel[1],
      sh: this.stride,
      sw: this.stride,
      ph: this.padding,
      pw: this.padding,
    };
  }

  override forward(x: Tensor): Tensor {
    expectShape(this, x, [null, this.inChannels, null, null], "[batch, channels, height, width]");
    const { y, ho, wo } = this.convolve(x, [...x.shape]);
    return reshape(y, [x.shape[0], this.outChannels, ho, wo]);
  }

  override toConfig(): LayerConfig {
    return {
      type: "conv2d",
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: [...this.kernel],
      stride: this.stride,
      padding: this.padding,
      bias: this.bias,
      init: this.init,
    };
  }

  static fromConfig(c: LayerConfig): Conv2d {
    return new Conv2d(c.inChannels as number, c.outChannels as number, c.kernelSize as number[], {
      stride: c.stride as number,
      padding: c.padding as number,
      bias: c.bias as boolean,
      init: c.init as Init,
    });
  }

  override toString(): string {
    return `Conv2d(${this.inChannels}→${this.outChannels}, ${this.kernel[0]}×${this.kernel[1]}, stride ${this.stride}, padding ${this.padding})`;
  }
}

export class Conv1d extends Conv {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: ConvOptions = {}) {
    super(inChannels, outChannels, [1, kernelSize], options);
  }

  protected override get window(): Window {
    return { kh: 1, kw: this.kernel[1], sh: 1, sw: this.stride, ph: 0, pw: this.padding };
  }

  override forward(x: Tensor): Tensor {
    expectShape(this, x, [null, this.inChannels, null], "[batch, channels, length]");
    const [n, c, len] = x.shape;
    const { y, wo } = this.convolve(x, [n, c, 1, len]);
    return reshape(y, [n, this.outChannels, wo]);
  }

  override toConfig(): LayerConfig {
    return {
      type: "conv1d",
      inChannels: this.inChannels,
      outChannels: this.outChannels,
      kernelSize: this.kernel[1],
      stride: this.stride,
      padding: this.padding,
      bias: this.bias,
      init: this.init,
    };
  }

  static fromConfig(c: LayerConfig): Conv1d {
    return new Conv1d(c.inChannels as number, c.outChannels as number, c.kernelSize as number, {
      stride: c.stride as number,
      padding: c.padding as number,
      bias: c.bias as boolean,
      init: c.init as Init,
    });
  }

  override toString(): string {
    return `Conv1d(${this.inChannels}→${this.outChannels}, ${this.kernel[1]}, stride ${this.stride}, padding ${this.padding})`;
  }
}
