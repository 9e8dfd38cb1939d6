/** Reductions: sum, mean and max over everything or along one axis. */
import { kernels, heap, i32View, f32View } from "../../wasm/module.ts";
import { empty, type Tensor } from "../../tensor/tensor.ts";
import { composite } from "../../tensor/scope.ts";
import { normalizeAxis, splitAt, type Shape } from "../../tensor/shape.ts";
import { defineOp } from "../node.ts";
import { expand, reduceSum } from "./broadcast.ts";
import { mul, mulScalar } from "./arith.ts";

interface Reduction {
  outer: number;
  len: number;
  inner: number;
  shape: Shape;
}

function plan(op: string, x: Tensor, axis: number | undefined, keepdims: boolean): Reduction {
  if (axis === undefined) {
    return { outer: 1, len: x.size, inner: 1, shape: keepdims ? x.shape.map(() => 1) : [] };
  }
  const ax = normalizeAxis(op, axis, x.rank);
  const shape = keepdims ? x.shape.map((d, i) => (i === ax ? 1 : d)) : x.shape.filter((_, i) => i !== ax);
  return { ...splitAt(x.shape, ax), shape };
}

/** Sum of all elements (shape []), or along an axis. */
export function sum(x: Tensor, axis?: number, keepdims = false): Tensor {
  return reduceSum([x], plan("sum", x, axis, keepdims));
}

/** Mean of all elements, or along an axis. An empty reduction gives NaN, as 0/0. */
export function mean(x: Tensor, axis?: number, keepdims = false): Tensor {
  const p = plan("mean", x, axis, keepdims);
  return composite(() => mulScalar([reduceSum([x], p)], 1 / p.len));
}

/** Indices of the first maximum along [outer, len, inner], as a JS array. */
function argmaxOf(x: Tensor, { outer, len, inner }: Reduction): Int32Array {
  const n = outer * inner;
  const ptr = heap.alloc(n * 4);
  try {
    if (n > 0) kernels.argmaxAxis(ptr, x.ptr, outer, len, inner);
    return i32View(ptr, n).slice();
  } finally {
    heap.release(ptr);
  }
}

// The gradient flows to the first maximum only: a constant one-hot mask times the broadcast g.
const maxOp = defineOp<Reduction>(
  "max",
  ([x], p) => {
    if (p.len === 0) throw new RangeError(`max: cannot take the max over an empty axis of ${x.toString()}`);
    const out = empty(p.shape, "max");
    if (out.size > 0) kernels.maxAxis(out.ptr, x.ptr, p.outer, p.len, p.inner);
    return out;
  },
  (g, { inputs: [x], params: p }) => {
    const idx = argmaxOf(x, p);
    const mask = empty(x.shape, "max");
    kernels.fill(mask.ptr, 0, mask.size);
    const m = f32View(mask.ptr, mask.size);
    for (let o = 0; o < p.outer; o++) {
      for (let i = 0; i < p.inner; i++) m[(o * p.len + idx[o * p.inner + i]) * p.inner + i] = 1;
    }
    return [mul(expand([g], { ...p, shape: x.shape }), mask)];
  },
);

/** Max of all elements, or along an axis. */
export function max(x: Tensor, axis?: number, keepdims = false): Tensor {
  return maxOp([x], plan("max", x, axis, keepdims));
}

/** Index of the first maximum along an axis (default: the last), not differentiable. */
export function argmax(x: Tensor, axis = -1): Int32Array {
  const ax = normalizeAxis("argmax", axis, x.rank);
  if (x.shape[ax] === 0) throw new RangeError(`argmax: axis ${axis} of ${x.toString()} is empty`);
  return argmaxOf(x, { ...splitAt(x.shape, ax), shape: [] });
}
