/** Softmax and log-softmax along the last axis, each one fused, stable kernel. */
import { kernels } from "../../wasm/module.ts";
import { empty, type Tensor } from "../../tensor/tensor.ts";
import { defineOp } from "../node.ts";
import { mul, sub } from "./arith.ts";
import { sum } from "./reduce.ts";
import { exp } from "./unary.ts";

function rowsOf(name: string, x: Tensor): [number, number] {
  if (x.rank === 0) throw new RangeError(`${name}: expects at least one axis, got a scalar`);
  const cols = x.shape[x.rank - 1];
  return [cols === 0 ? 0 : x.size / cols, cols];
}

// ∂softmax: y ⊙ (g − Σ g⊙y)
const softmaxOp = defineOp(
  "softmax",
  ([x]) => {
    const [rows, cols] = rowsOf("softmax", x);
    const out = empty(x.shape, "softmax");
    if (out.size > 0) kernels.softmaxRows(out.ptr, x.ptr, rows, cols);
    return out;
  },
  (g, { out }) => [mul(out, sub(g, sum(mul(g, out), -1, true)))],
);

// ∂logsoftmax: g − softmax ⊙ Σ g
const logSoftmaxOp = defineOp(
  "logSoftmax",
  ([x]) => {
    const [rows, cols] = rowsOf("logSoftmax", x);
    const out = empty(x.shape, "logSoftmax");
    if (out.size > 0) kernels.logSoftmaxRows(out.ptr, x.ptr, rows, cols);
    return out;
  },
  (g, { out }) => [sub(g, mul(exp(out), sum(g, -1, true)))],
);

export const softmax = (x: Tensor) => softmaxOp([x], undefined);
export const logSoftmax = (x: Tensor) => logSoftmaxOp([x], undefined);
