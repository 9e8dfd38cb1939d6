/** Ops that move data: reshape, transpose, slice (and its adjoint, pad), concat, gather (and scatter). */
import { kernels, heap, i32View } from "../../wasm/module.ts";
import { empty, type Tensor } from "../../tensor/tensor.ts";
import { checkShape, normalizeAxis, shapeStr, sizeOf, splitAt, type Shape } from "../../tensor/shape.ts";
import { defineOp, type Op } from "../node.ts";
import { reshapeCopy } from "./broadcast.ts";

/** x under a new shape of the same size; one dimension may be -1 (inferred). */
export function reshape(x: Tensor, shape: Shape): Tensor {
  const known = shape.filter((d) => d !== -1);
  const holes = shape.length - known.length;
  checkShape("reshape", known);
  if (holes > 1) throw new RangeError(`reshape: at most one -1 allowed, got ${shapeStr(shape)}`);
  let target = shape;
  if (holes === 1) {
    const rest = sizeOf(known);
    if (rest === 0 || x.size % rest !== 0)
      throw new RangeError(`reshape: cannot reshape ${shapeStr(x.shape)} to ${shapeStr(shape)}`);
    target = shape.map((d) => (d === -1 ? x.size / rest : d));
  }
  return reshapeCopy([x], target);
}

const transposeOp: Op<undefined> = defineOp(
  "transpose",
  ([x]) => {
    if (x.rank !== 2) throw new RangeError(`transpose: expects a 2-D tensor, got ${shapeStr(x.shape)}`);
    const [r, c] = x.shape;
    const out = empty([c, r], "transpose");
    if (out.size > 0) kernels.transpose2d(out.ptr, x.ptr, r, c);
    return out;
  },
  (g) => [transposeOp([g], undefined)],
);

/** The transpose of a 2-D tensor. */
export const transpose = (x: Tensor) => transposeOp([x], undefined);

interface Window {
  axis: number;
  start: number;
  end: number;
  full: number;
}

/** Copies the window [start, end) of the axis between a tensor with `full` entries there and one with end−start. */
function copyWindow(
  dst: Tensor,
  src: Tensor,
  shape: Shape,
  { axis, start, end, full }: Window,
  intoFull: boolean,
): void {
  const { outer, inner } = splitAt(shape, axis);
  const width = (end - start) * inner;
  if (outer === 0 || width === 0) return;
  const fullStride = full * inner,
    offset = start * inner * 4;
  if (intoFull) kernels.copy2d(dst.ptr + offset, fullStride, src.ptr, width, outer, width, 0);
  else kernels.copy2d(dst.ptr, width, src.ptr + offset, fullStride, outer, width, 0);
}

// slice and pad are each other's adjoint.
const sliceOp: Op<Window> = defineOp<Window>(
  "slice",
  ([x], w) => {
    const out = empty(
      x.shape.map((d, i) => (i === w.axis ? w.end - w.start : d)),
      "slice",
    );
    copyWindow(out, x, x.shape, w, false);
    return out;
  },
  (g, { params: w }) => [padOp([g], w)],
);

const padOp: Op<Window> = defineOp<Window>(
  "pad",
  ([x], w) => {
    const shape = x.shape.map((d, i) => (i === w.axis ? w.full : d));
    const out = empty(shape, "pad");
    if (out.size > 0) kernels.fill(out.ptr, 0, out.size);
    copyWindow(out, x, shape, w, true);
    return out;
  },
  (g, { params: w }) => [sliceOp([g], w)],
);

/** Elements [start, end) along an axis. */
export function slice(x: Tensor, axis: number, start: number, end: number): Tensor {
  const ax = normalizeAxis("slice", axis, x.rank);
  const full = x.shape[ax];
  if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > full || start > end) {
    throw new RangeError(
      `slice: range [${start}, ${end}) is not inside axis ${axis} of length ${full} of ${shapeStr(x.shape)}`,
    );
  }
  return sliceOp([x], { axis: ax, start, end, full });
}

// The gradient of each input is its window of g.
const concatOp = defineOp<number>(
  "concat",
  (xs, axis) => {
    const shape = xs[0].shape.map((d, i) => (i === axis ? xs.reduce((s, x) => s + x.shape[axis], 0) : d));
    const out = empty(shape, "concat");
    let start = 0;
    for (const x of xs) {
      const end = start + x.shape[axis];
      copyWindow(out, x, shape, { axis, start, end, full: shape[axis] }, true);
      start = end;
    }
    return out;
  },
  (g, { inputs, params: axis, needs }) => {
    let start = 0;
    return inputs.map((x, i) => {
      const w = { axis, start, end: start + x.shape[axis], full: g.shape[axis] };
      start = w.end;
      return needs[i] ? sliceOp([g], w) : null;
    });
  },
);

/** Joins tensors along an axis; all other dimensions must agree. */
export function concat(xs: Tensor[], axis = 0): Tensor {
  if (xs.length === 0) throw new RangeError("concat: needs at least one tensor");
  const rank = xs[0].rank;
  const ax = normalizeAxis("concat", axis, rank);
  for (const x of xs) {
    if (x.rank !== rank || x.shape.some((d, i) => i !== ax && d !== xs[0].shape[i])) {
      throw new RangeError(`concat: shapes ${xs.map((t) => shapeStr(t.shape)).join(", ")} differ outside axis ${axis}`);
    }
  }
  return concatOp(xs, ax);
}

interface Rows {
  indices: Int32Array;
  rows: number;
}

function withIndices(indices: Int32Array, fn: (ptr: number) => void): void {
  const ptr = heap.alloc(indices.length * 4);
  try {
    i32View(ptr, indices.length).set(indices);
    fn(ptr);
  } finally {
    heap.release(ptr);
  }
}

// gather and scatter-add are each other's adjoint.
const gatherOp: Op<Rows> = defineOp<Rows>(
  "gather",
  ([table], { indices }) => {
    const cols = table.shape[1];
    const out = empty([indices.length, cols], "gather");
    if (out.size > 0) withIndices(indices, (idx) => kernels.gatherRows(out.ptr, table.ptr, idx, indices.length, cols));
    return out;
  },
  (g, { params }) => [scatterOp([g], params)],
);

const scatterOp: Op<Rows> = defineOp<Rows>(
  "scatterAdd",
  ([g], { indices, rows }) => {
    const cols = g.shape[1];
    const out = empty([rows, cols], "scatterAdd");
    if (out.size > 0) kernels.fill(out.ptr, 0, out.size);
    if (g.size > 0) withIndices(indices, (idx) => kernels.scatterAddRows(out.ptr, idx, g.ptr, indices.length, cols));
    return out;
  },
  (gg, { params }) => [gatherOp([gg], params)],
);

/** Rows of a 2-D table picked by index: an embedding lookup. */
export function gather(table: Tensor, indices: ArrayLike<number>): Tensor {
  if (table.rank !== 2) throw new RangeError(`gather: expects a 2-D table, got ${shapeStr(table.shape)}`);
  const rows = table.shape[0];
  const idx = Int32Array.from(indices);
  for (let i = 0; i < indices.length; i++) {
    const k = indices[i];
    if (!Number.isInteger(k) || k < 0 || k >= rows)
      throw new RangeError(
        `gather: index ${k} at position ${i} is outside [0, ${rows}) for table ${shapeStr(table.shape)}`,
      );
  }
  return gatherOp([table], { indices: idx, rows });
}
