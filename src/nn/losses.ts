/**
 * Losses, each a mean over the batch, composed from engine ops so their gradients (and HVPs)
 * come from the engine. Cross-entropy goes through the fused, stable logSoftmax, so logits of
 * ±1e4 stay finite; binary cross-entropy uses the stable form on logits.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { sameShape, shapeStr } from "../tensor/shape.ts";
import {
  abs,
  add,
  addScalar,
  exp,
  log,
  logSoftmax,
  mean,
  mul,
  mulScalar,
  neg,
  square,
  sub,
  sum,
  tensor,
} from "./ops.ts";
import { composite } from "../tensor/scope.ts";

/** A loss: the model's output and the targets to a scalar tensor. */
export type Loss<Y = Tensor | Int32Array> = (output: Tensor, target: Y) => Tensor;

function checkBatch(name: string, x: Tensor): void {
  if (x.rank === 0 || x.shape[0] === 0)
    throw new RangeError(`${name}: the batch is empty (output ${shapeStr(x.shape)})`);
}

/** Mean squared error, ‖output − target‖² / (number of elements). */
export function mse(output: Tensor, target: Tensor): Tensor {
  checkBatch("mse", output);
  if (!sameShape(output.shape, target.shape))
    throw new RangeError(`mse: output ${shapeStr(output.shape)} and target ${shapeStr(target.shape)} differ in shape`);
  return composite(() => mean(square(sub(output, target))));
}

/**
 * Softmax cross-entropy from logits [N, C], mean over the batch: −(1/N) Σ_n Σ_c t_nc log softmax(z_n)_c.
 * Targets are integer labels (an Int32Array or number array of length N, each in [0, C)) or a
 * tensor [N, C] of one-hot or probability rows. The targets enter as a constant weight matrix, so
 * the whole loss is three ops: logSoftmax, mul, sum.
 */
export function crossEntropy(logits: Tensor, target: Tensor | Int32Array | readonly number[]): Tensor {
  checkBatch("crossEntropy", logits);
  if (logits.rank !== 2)
    throw new RangeError(`crossEntropy: expects logits [batch, classes], got ${shapeStr(logits.shape)}`);
  return composite(() => crossEntropyOf(logits, target));
}

function crossEntropyOf(logits: Tensor, target: Tensor | Int32Array | readonly number[]): Tensor {
  const [n, c] = logits.shape;
  let weights: Tensor;
  if (Array.isArray(target) || target instanceof Int32Array) {
    if (target.length !== n) throw new RangeError(`crossEntropy: ${target.length} labels for a batch of ${n}`);
    const w = new Float32Array(n * c);
    for (let i = 0; i < n; i++) {
      const k = target[i];
      if (!Number.isInteger(k) || k < 0 || k >= c)
        throw new RangeError(`crossEntropy: label ${k} at position ${i} is outside [0, ${c}) (${c} classes)`);
      w[i * c + k] = -1 / n;
    }
    weights = tensor(w, [n, c]);
  } else {
    const t = target as Tensor;
    if (!sameShape(t.shape, logits.shape))
      throw new RangeError(
        `crossEntropy: target ${shapeStr(t.shape)} does not match logits ${shapeStr(logits.shape)}; pass labels as an Int32Array or targets as [batch, classes]`,
      );
    weights = mulScalar([t], -1 / n);
  }
  return sum(mul(logSoftmax(logits), weights));
}

/**
 * Binary cross-entropy on logits z with targets y in [0, 1], mean over elements:
 * max(z, 0) − z·y + log(1 + exp(−|z|)), stable for any z. max(z, 0) is written (z + |z|)/2: the
 * same value, and its kink cancels against that of |z| in the last term, so the engine's
 * derivative is exactly σ(z) − y even at z = 0 (with relu the two subgradients would not match).
 */
export function binaryCrossEntropyWithLogits(z: Tensor, y: Tensor): Tensor {
  checkBatch("binaryCrossEntropyWithLogits", z);
  if (!sameShape(z.shape, y.shape))
    throw new RangeError(
      `binaryCrossEntropyWithLogits: logits ${shapeStr(z.shape)} and targets ${shapeStr(y.shape)} differ in shape`,
    );
  return composite(() => {
    const a = abs(z);
    const positivePart = mulScalar([add(z, a)], 0.5);
    const softplusOfMinusAbs = log(addScalar([exp(neg(a))], 1));
    return mean(add(sub(positivePart, mul(z, y)), softplusOfMinusAbs));
  });
}
