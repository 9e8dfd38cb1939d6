/**
 * Batch normalization (Ioffe & Szegedy 2015), with PyTorch's conventions: in training, normalize
 * by the batch mean and biased variance over every axis but the channel one, and move the running
 * statistics by momentum 0.1 (running variance with the unbiased estimate); in evaluation,
 * normalize by the running statistics. ε = 1e-5. Composed from engine ops, with the per-channel
 * vectors broadcast to rows of [N, C·S] (S: spatial size), the layout the engine broadcasts.
 */
import type { Tensor } from "../../tensor/tensor.ts";
import { add, addScalar, broadcastTo, mul, mulScalar, pow, reshape, square, sub, sum } from "../ops.ts";
import type { Builder, Slot } from "../parameters.ts";
import { checkCount, expectShape, type ForwardContext, type Layer, type LayerConfig } from "../layer.ts";

export interface BatchNormOptions {
  momentum?: number;
  eps?: number;
}

abstract class BatchNorm implements Layer {
  readonly momentum: number;
  readonly eps: number;
  private gamma: Slot | null = null;
  private beta: Slot | null = null;
  private runningMean: Slot | null = null;
  private runningVar: Slot | null = null;

  constructor(
    readonly features: number,
    { momentum = 0.1, eps = 1e-5 }: BatchNormOptions,
  ) {
    const where = this.constructor.name;
    checkCount(where, "features", features);
    if (!(momentum >= 0 && momentum <= 1))
      throw new RangeError(`${where}: momentum must be in [0, 1], got ${momentum}`);
    if (!(eps > 0)) throw new RangeError(`${where}: eps must be positive, got ${eps}`);
    this.momentum = momentum;
    this.eps = eps;
  }

  declare(b: Builder): void {
    const owner = String(this),
      c = [this.features];
    this.gamma = b.param("weight", c, { init: "ones", decay: false, owner });
    this.beta = b.param("bias", c, { init: "zeros", decay: false, owner });
    this.runningMean = b.buffer("runningMean", c, "zeros", owner);
    this.runningVar = b.buffer("runningVar", c, "ones", owner);
  }

  protected abstract checkInput(x: Tensor): void;
  abstract toConfig(): LayerConfig;

  forward(x: Tensor, { training }: ForwardContext): Tensor {
    this.checkInput(x);
    const n = x.shape[0],
      c = this.features,
      s = x.size / (n * c);
    const flat = x.rank === 2 ? x : reshape(x, [n, c * s]);
    // [C] → a row of [N, C·S]: each channel's value repeated over its S positions.
    const row = (v: Tensor) => (s === 1 ? v : reshape(broadcastTo(reshape(v, [c, 1]), [c, s]), [c * s]));
    const channelMean = (t: Tensor) =>
      mulScalar([s === 1 ? sum(t, 0) : sum(reshape(sum(t, 0), [c, s]), 1)], 1 / (n * s));
    let y: Tensor;
    if (training) {
      if (n * s < 2)
        throw new RangeError(
          `${this}: training needs more than one value per channel, got input [${x.shape.join(",")}]`,
        );
      const mu = channelMean(flat);
      const centered = sub(flat, row(mu));
      const variance = channelMean(square(centered));
      const scale = mul(pow(addScalar([variance], this.eps), -0.5), this.gamma!.tensor);
      y = add(mul(centered, row(scale)), row(this.beta!.tensor));
      this.updateRunning(mu.toArray(), variance.toArray(), n * s);
    } else {
      const scale = mul(pow(addScalar([this.runningVar!.tensor], this.eps), -0.5), this.gamma!.tensor);
      const shift = sub(this.beta!.tensor, mul(this.runningMean!.tensor, scale));
      y = add(mul(flat, row(scale)), row(shift));
    }
    return x.rank === 2 ? y : reshape(y, x.shape);
  }

  private updateRunning(mu: Float32Array, variance: Float32Array, count: number): void {
    const m = this.momentum,
      unbiased = count / (count - 1);
    const rm = this.runningMean!.tensor,
      rv = this.runningVar!.tensor;
    const mean = rm.toArray(),
      vr = rv.toArray();
    for (let i = 0; i < mean.length; i++) {
      mean[i] = (1 - m) * mean[i] + m * mu[i];
      vr[i] = (1 - m) * vr[i] + m * variance[i] * unbiased;
    }
    rm.write(mean);
    rv.write(vr);
  }

  protected config(type: string): LayerConfig {
    return { type, features: this.features, momentum: this.momentum, eps: this.eps };
  }
}

const options = (c: LayerConfig): BatchNormOptions => ({ momentum: c.momentum as number, eps: c.eps as number });

/** Over features: input [N, C] (or [N, C, L], normalized per channel over N and L). */
export class BatchNorm1d extends BatchNorm {
  constructor(features: number, opts: BatchNormOptions = {}) {
    super(features, opts);
  }
  protected override checkInput(x: Tensor): void {
    if (x.rank === 3) expectShape(this, x, [null, this.features, null], "[batch, channels, length]");
    else expectShape(this, x, [null, this.features], "[batch, features]");
  }
  override toConfig(): LayerConfig {
    return this.config("batchNorm1d");
  }
  static fromConfig(c: LayerConfig): BatchNorm1d {
    return new BatchNorm1d(c.features as number, options(c));
  }
  override toString(): string {
    return `BatchNorm1d(${this.features})`;
  }
}

/** Over channels: input [N, C, H, W]. */
export class BatchNorm2d extends BatchNorm {
  constructor(channels: number, opts: BatchNormOptions = {}) {
    super(channels, opts);
  }
  protected override checkInput(x: Tensor): void {
    expectShape(this, x, [null, this.features, null, null], "[batch, channels, height, width]");
  }
  override toConfig(): LayerConfig {
    return this.config("batchNorm2d");
  }
  static fromConfig(c: LayerConfig): BatchNorm2d {
    return new BatchNorm2d(c.features as number, options(c));
  }
  override toString(): string {
    return `BatchNorm2d(${this.features})`;
  }
}
