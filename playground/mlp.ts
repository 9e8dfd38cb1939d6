/**
 * A 784-H-10 ReLU MLP on MNIST digits, built from engine ops directly. All parameters live in one
 * flat WASM buffer (W1 | b1 | W2 | b2) and their gradients in another of the same layout, so the
 * optimizer update is a single fused call over the whole model. The browser worker and the Node
 * test run this same code; only the engine build differs (the ES bundle versus the TS source).
 */
import {
  add,
  argmax,
  heap,
  logSoftmax,
  matmul,
  mean,
  mul,
  neg,
  noGrad,
  Random,
  relu,
  scoped,
  sum,
  valueAndGradInto,
  viewOf,
  type Tensor,
} from "../src/index.ts";
import { freeState, type OptimState } from "../src/index.ts";
import { namedOptimizer, type NamedOptimizer } from "../src/landscape/index.ts";
import { tensorObjective, topEigenvalue } from "../src/index.ts";
import { DIGIT_PIXELS, digitBatch, type Digits } from "./digits.ts";

export interface MlpOptions {
  hidden: number;
  batch: number;
  seed: number;
  optimizer: NamedOptimizer;
}

export interface Evaluation {
  loss: number;
  accuracy: number;
}

export class MlpTrainer {
  readonly n: number;
  readonly optimizerName: string;
  step = 0;
  private readonly params: number;
  private readonly grads: number;
  private readonly weights: Tensor[];
  private readonly gradients: Tensor[];
  private readonly xb: Tensor;
  private readonly yb: Tensor;
  private readonly rng: Random;
  private readonly opt: ReturnType<typeof namedOptimizer>;
  private readonly state: OptimState;
  private order: Int32Array = new Int32Array(0);
  private cursor = 0;
  private test: { x: Tensor; onehot: Tensor; labels: Int32Array } | null = null;

  constructor(
    private readonly digits: Digits,
    private readonly options: MlpOptions,
  ) {
    const { hidden: H, batch: B, seed } = options;
    if (!Number.isInteger(H) || H < 1) throw new RangeError(`mlp: hidden must be a positive integer, got ${H}`);
    if (!Number.isInteger(B) || B < 1 || B > digits.nTrain)
      throw new RangeError(`mlp: batch must be an integer in [1, ${digits.nTrain}], got ${B}`);
    this.opt = namedOptimizer(options.optimizer); // validates first: nothing to release on a bad hyperparameter
    const shapes = [[DIGIT_PIXELS, H], [H], [H, 10], [10]];
    this.n = shapes.reduce((s, sh) => s + sh.reduce((a, b) => a * b, 1), 0);
    this.params = heap.alloc(this.n * 4);
    this.grads = heap.alloc(this.n * 4);
    this.weights = [];
    this.gradients = [];
    let offset = 0;
    for (const shape of shapes) {
      this.weights.push(viewOf(this.params + offset * 4, shape));
      this.gradients.push(viewOf(this.grads + offset * 4, shape));
      offset += shape.reduce((a, b) => a * b, 1);
    }
    // He initialisation for the ReLU layer, Glorot-like scale for the output; zero biases.
    this.rng = new Random(seed);
    const init = (t: Tensor, scale: number) =>
      t.write(Float32Array.from({ length: t.size }, () => scale * this.rng.normal()));
    init(this.weights[0], Math.sqrt(2 / DIGIT_PIXELS));
    this.weights[1].write(new Float32Array(H));
    init(this.weights[2], Math.sqrt(1 / H));
    this.weights[3].write(new Float32Array(10));
    this.xb = viewOf(heap.alloc(B * DIGIT_PIXELS * 4), [B, DIGIT_PIXELS]);
    this.yb = viewOf(heap.alloc(B * 10 * 4), [B, 10]);
    this.state = this.opt.init(this.n);
    this.optimizerName = this.opt.name;
  }

  private logits(x: Tensor): Tensor {
    const [W1, b1, W2, b2] = this.weights;
    return add(matmul(relu(add(matmul(x, W1), b1)), W2), b2);
  }

  // Cross-entropy without gather: −mean over rows of Σ onehot ⊙ log softmax(z).
  private loss(x: Tensor, onehot: Tensor): Tensor {
    return neg(mean(sum(mul(onehot, logSoftmax(this.logits(x))), 1)));
  }

  /** ‖Δw‖/‖w‖ of the last update, per layer (W1 | b1, then W2 | b2): the microscope's update-to-weight ratio. */
  updateRatio: [number, number] = [NaN, NaN];

  /** The sharpness: top Hessian eigenvalue of the last batch's loss, by power iteration on HVPs. */
  sharpness(iterations = 10, tol = 1e-2): number {
    const objective = tensorObjective(() => this.loss(this.xb, this.yb), this.weights);
    const w = Float64Array.from(viewOf(this.params, [this.n]).toArray());
    return topEigenvalue((v) => objective.hvp(w, v), this.n, { iterations, tol, seed: this.step }).value;
  }

  /** One mini-batch update (batches walk a fresh seeded permutation each epoch); returns the batch loss before it. */
  trainStep(): number {
    const B = this.options.batch;
    if (this.cursor + B > this.order.length) {
      this.order = this.rng.permutation(this.digits.nTrain);
      this.cursor = 0;
    }
    const batch = digitBatch(this.digits, this.order.slice(this.cursor, this.cursor + B));
    this.cursor += B;
    this.xb.write(batch.x);
    this.yb.write(batch.onehot);
    const loss = valueAndGradInto(() => this.loss(this.xb, this.yb), this.weights, this.gradients);
    const before = this.parameters();
    this.opt.update({ ptr: this.params, length: this.n }, { ptr: this.grads, length: this.n }, this.state);
    const after = this.parameters(),
      split = this.weights[0].size + this.weights[1].size;
    const ratio = (s: number, e: number) => {
      let dd = 0,
        ww = 0;
      for (let i = s; i < e; i++) {
        dd += (after[i] - before[i]) ** 2;
        ww += before[i] ** 2;
      }
      return Math.sqrt(dd / ww);
    };
    this.updateRatio = [ratio(0, split), ratio(split, this.n)];
    this.step++;
    return loss;
  }

  /** Loss and accuracy on the held-out rows [nTrain, n). */
  evaluate(): Evaluation {
    if (!this.test) {
      const rows = Array.from({ length: this.digits.n - this.digits.nTrain }, (_, i) => this.digits.nTrain + i);
      const b = digitBatch(this.digits, rows);
      const x = viewOf(heap.alloc(b.x.length * 4), [rows.length, DIGIT_PIXELS]).write(b.x);
      const onehot = viewOf(heap.alloc(b.onehot.length * 4), [rows.length, 10]).write(b.onehot);
      this.test = { x, onehot, labels: b.labels };
    }
    const { x, onehot, labels } = this.test;
    return noGrad(() =>
      scoped(() => {
        const z = this.logits(x);
        const loss = neg(mean(sum(mul(onehot, logSoftmax(z)), 1))).item();
        const predicted = argmax(z, 1);
        let right = 0;
        for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
        return { loss, accuracy: right / labels.length };
      }),
    );
  }

  /** A copy of all parameters (W1 | b1 | W2 | b2). */
  parameters(): Float32Array {
    return viewOf(this.params, [this.n]).toArray();
  }

  dispose(): void {
    freeState(this.state);
    for (const ptr of [this.params, this.grads, this.xb.ptr, this.yb.ptr]) heap.release(ptr);
    if (this.test) {
      heap.release(this.test.x.ptr);
      heap.release(this.test.onehot.ptr);
    }
  }
}
