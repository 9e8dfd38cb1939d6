/**
 * A single-layer LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000)
 * for sequence classification: input [N, T, F], output the last hidden state h_T [N, H].
 * Per step: [i f o | g] = x_t·Wx + h·Wh + b; c = σ(f)⊙c + σ(i)⊙tanh(g); h = σ(o)⊙tanh(c).
 * The input projection of every step is one GEMM up front; each step then adds one h·Wh GEMM.
 * Biases start at 0 (the forget-bias-of-1 trick of Jozefowicz et al. 2015 is not applied).
 */
import type { Tensor } from "../../tensor/tensor.ts";
import { add, matmul, mul, reshape, sigmoid, slice, tanh } from "../ops.ts";
import type { Builder, Slot } from "../parameters.ts";
import { checkInit, type Init } from "../init.ts";
import { checkCount, expectShape, type Layer, type LayerConfig } from "../layer.ts";

export class LSTM implements Layer {
  private wx: Slot | null = null;
  private wh: Slot | null = null;
  private b: Slot | null = null;

  constructor(
    readonly inputSize: number,
    readonly hiddenSize: number,
    readonly init: Init = "glorotUniform",
  ) {
    checkCount("LSTM", "inputSize", inputSize);
    checkCount("LSTM", "hiddenSize", hiddenSize);
    checkInit(init, "LSTM");
  }

  declare(b: Builder): void {
    const f = this.inputSize,
      h = this.hiddenSize,
      owner = String(this);
    this.wx = b.param("inputWeight", [f, 4 * h], {
      init: this.init,
      fans: { fanIn: f, fanOut: 4 * h },
      decay: true,
      owner,
    });
    this.wh = b.param("hiddenWeight", [h, 4 * h], {
      init: this.init,
      fans: { fanIn: h, fanOut: 4 * h },
      decay: true,
      owner,
    });
    this.b = b.param("bias", [4 * h], { init: "zeros", decay: false, owner });
  }

  forward(x: Tensor): Tensor {
    expectShape(this, x, [null, null, this.inputSize], "[batch, time, features]");
    const [n, steps] = x.shape,
      h = this.hiddenSize;
    if (steps === 0) throw new RangeError(`${this}: the sequences are empty (input [${x.shape.join(",")}])`);
    const projected = reshape(add(matmul(reshape(x, [n * steps, this.inputSize]), this.wx!.tensor), this.b!.tensor), [
      n,
      steps * 4 * h,
    ]);
    let hidden: Tensor | null = null,
      cell: Tensor | null = null;
    for (let t = 0; t < steps; t++) {
      let z = slice(projected, 1, t * 4 * h, (t + 1) * 4 * h);
      if (hidden) z = add(z, matmul(hidden, this.wh!.tensor));
      const gates = sigmoid(slice(z, 1, 0, 3 * h));
      const candidate = tanh(slice(z, 1, 3 * h, 4 * h));
      const input = mul(slice(gates, 1, 0, h), candidate);
      cell = cell ? add(mul(slice(gates, 1, h, 2 * h), cell), input) : input;
      hidden = mul(slice(gates, 1, 2 * h, 3 * h), tanh(cell));
    }
    return hidden!;
  }

  toConfig(): LayerConfig {
    return { type: "lstm", inputSize: this.inputSize, hiddenSize: this.hiddenSize, init: this.init };
  }
  static fromConfig(c: LayerConfig): LSTM {
    return new LSTM(c.inputSize as number, c.hiddenSize as number, c.init as Init);
  }
  toString(): string {
    return `LSTM(${this.inputSize}→${this.hiddenSize})`;
  }
}
