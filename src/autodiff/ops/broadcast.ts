/**
 * Broadcasting, in one place. A smaller operand broadcasts into a larger one when the dimensions
 * it lacks form one contiguous block: the larger shape is then [outer, len, inner] and the smaller
 * one [outer, inner]. That covers scalars, bias rows, per-row columns and keepdims reductions.
 * `expand` and `reduceSum` are each other's derivative.
 */
import { kernels } from "../../wasm/module.ts";
import { Binary } from "../../wasm/abi.ts";
import { empty, type Tensor } from "../../tensor/tensor.ts";
import { broadcastBlock, checkShape, sameShape, shapeStr, sizeOf, type Shape } from "../../tensor/shape.ts";
import { defineOp, type Op } from "../node.ts";

export interface Block {
  outer: number;
  len: number;
  inner: number;
}
type BlockTo = Block & { shape: Shape };

/** out = big op small, small broadcast over the len block. out may alias big. */
export function launchBroadcast(
  op: Binary,
  out: Tensor,
  big: Tensor,
  small: Tensor,
  { outer, len, inner }: Block,
): void {
  const n = out.size;
  if (n === 0) return;
  if (len === 1 && small.size === n) kernels.binary(op, out.ptr, big.ptr, small.ptr, n);
  else if (small.size === 1) kernels.binaryCol(op, out.ptr, big.ptr, small.ptr, 1, n);
  else if (outer === 1) kernels.binaryRow(op, out.ptr, big.ptr, small.ptr, len, inner);
  else if (inner === 1) kernels.binaryCol(op, out.ptr, big.ptr, small.ptr, outer, len);
  else {
    const stride = len * inner * 4;
    for (let o = 0; o < outer; o++)
      kernels.binaryRow(op, out.ptr + o * stride, big.ptr + o * stride, small.ptr + o * inner * 4, len, inner);
  }
}

/** Sums x, viewed as [outer, len, inner], over len; the result has `shape` (outer·inner values). */
export const reduceSum: Op<BlockTo> = defineOp<BlockTo>(
  "sum",
  ([x], { outer, len, inner, shape }) => {
    const out = empty(shape, "sum");
    if (out.size > 0) kernels.sumAxis(out.ptr, x.ptr, outer, len, inner);
    return out;
  },
  (g, { inputs: [x], params }) => [expand([g], { ...params, shape: x.shape })],
);

/** Repeats x, of outer·inner values, len times along the block, giving `shape`. */
export const expand: Op<BlockTo> = defineOp<BlockTo>(
  "broadcast",
  ([x], { outer, len, inner, shape }) => {
    const out = empty(shape, "broadcast");
    if (out.size === 0) return out;
    if (x.size === 1) kernels.fill(out.ptr, x.item(), out.size);
    else if (inner === 1) {
      kernels.fill(out.ptr, 0, out.size);
      kernels.binaryCol(Binary.Add, out.ptr, out.ptr, x.ptr, outer, len);
    } else {
      for (let o = 0; o < outer; o++)
        kernels.copy2d(out.ptr + o * len * inner * 4, inner, x.ptr + o * inner * 4, 0, len, inner, 0);
    }
    return out;
  },
  (g, { inputs: [x], params }) => [reduceSum([g], { ...params, shape: x.shape })],
);

/** Copies x under another shape of the same size. */
export const reshapeCopy: Op<Shape> = defineOp<Shape>(
  "reshape",
  ([x], shape) => {
    checkShape("reshape", shape);
    if (sizeOf(shape) !== x.size)
      throw new RangeError(
        `reshape: cannot reshape ${shapeStr(x.shape)} (${x.size} values) to ${shapeStr(shape)} (${sizeOf(shape)} values)`,
      );
    const out = empty(shape, "reshape"); // only once the shape is known good: a refused reshape allocates nothing
    if (out.size > 0) kernels.copy2d(out.ptr, out.size, x.ptr, out.size, 1, out.size, 0);
    return out;
  },
  (g, { inputs: [x] }) => [reshapeCopy([g], x.shape)],
);

/** The gradient of a broadcast operand: g summed back to the operand's shape. */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  if (sameShape(g.shape, shape)) return g;
  const block = broadcastBlock(shape, g.shape);
  if (!block) throw new Error(`sumTo: ${shapeStr(g.shape)} does not reduce to ${shapeStr(shape)}`);
  if (sizeOf(shape) === g.size) return reshapeCopy([g], shape);
  return reduceSum([g], { ...block, shape });
}

export function broadcastTo(x: Tensor, shape: Shape): Tensor {
  const block = broadcastBlock(x.shape, shape);
  if (!block) throw new RangeError(`broadcastTo: cannot broadcast ${shapeStr(x.shape)} to ${shapeStr(shape)}`);
  if (sameShape(x.shape, shape)) return reshapeCopy([x], shape);
  return expand([x], { ...block, shape });
}
