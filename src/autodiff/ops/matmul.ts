/**
 * Matrix product through the one GEMM kernel. No transpose is ever materialized: the backward
 * products are GEMMs with transpose flags, and the rule is itself made of matmuls (bilinear).
 */
import { gemm } from "../../threads/split.ts";
import { empty, type Tensor } from "../../tensor/tensor.ts";
import { shapeStr } from "../../tensor/shape.ts";
import { defineOp, type Op } from "../node.ts";

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}
type Flags = { transA: boolean; transB: boolean };

const matmulOp: Op<Flags> = defineOp<Flags>(
  "matmul",
  ([a, b], { transA, transB }) => {
    if (a.rank !== 2 || b.rank !== 2)
      throw new RangeError(`matmul: expects 2-D tensors, got ${shapeStr(a.shape)} and ${shapeStr(b.shape)}`);
    const [m, ka] = transA ? [a.shape[1], a.shape[0]] : a.shape;
    const [kb, n] = transB ? [b.shape[1], b.shape[0]] : b.shape;
    if (ka !== kb) {
      const name = (t: Tensor, tr: boolean) => shapeStr(t.shape) + (tr ? "ᵀ" : "");
      throw new RangeError(`matmul: inner dimensions differ: ${name(a, transA)} · ${name(b, transB)} (${ka} vs ${kb})`);
    }
    const out = empty([m, n], "matmul");
    if (m > 0 && n > 0) {
      gemm(out.ptr, a.ptr, b.ptr, m, n, ka, +transA, +transB, 0);
    }
    return out;
  },
  // C = op(A)·op(B). Each case is the product rule with the transposes moved onto the flags.
  (g, { inputs: [a, b], params: { transA, transB }, needs }) => {
    const mm = (x: Tensor, y: Tensor, tx: boolean, ty: boolean): Tensor => matmulOp([x, y], { transA: tx, transB: ty });
    let ga: Tensor | null = null,
      gb: Tensor | null = null;
    if (!transA && !transB) {
      if (needs[0]) ga = mm(g, b, false, true);
      if (needs[1]) gb = mm(a, g, true, false);
    }
    if (transA && !transB) {
      if (needs[0]) ga = mm(b, g, false, true);
      if (needs[1]) gb = mm(a, g, false, false);
    }
    if (!transA && transB) {
      if (needs[0]) ga = mm(g, b, false, false);
      if (needs[1]) gb = mm(g, a, true, false);
    }
    if (transA && transB) {
      if (needs[0]) ga = mm(b, g, true, true);
      if (needs[1]) gb = mm(g, a, true, true);
    }
    return [ga, gb];
  },
);

/** op(a) · op(b) for 2-D tensors, op being the transpose where the flag is set. */
export function matmul(a: Tensor, b: Tensor, { transA = false, transB = false }: MatmulOptions = {}): Tensor {
  return matmulOp([a, b], { transA, transB });
}
