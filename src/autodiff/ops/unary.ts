/**
 * Elementwise functions. Each rule is written with engine ops, so it is itself differentiable
 * (what the Hessian-vector product needs). ReLU, sigmoid and tanh backward are fused ops of their
 * own, with their own rules, so the first-order pass costs one kernel each.
 */
import { kernels } from "../../wasm/module.ts";
import { Unary } from "../../wasm/abi.ts";
import { empty, type Tensor } from "../../tensor/tensor.ts";
import { defineOp, type Op } from "../node.ts";
import { addScalar, div, mul, mulScalar, neg } from "./arith.ts";

function unaryKernel(name: string, op: Unary, x: Tensor, p = 0): Tensor {
  const out = empty(x.shape, name);
  if (out.size > 0) kernels.unary(op, out.ptr, x.ptr, x.size, p);
  return out;
}

/** A constant (never differentiated) function of x: masks such as sign(x) and step(x). */
function constant(op: Unary, x: Tensor): Tensor {
  return unaryKernel("constant", op, x);
}

const expOp = defineOp(
  "exp",
  ([x]) => unaryKernel("exp", Unary.Exp, x),
  (g, { out }) => [mul(g, out)],
);
const logOp = defineOp(
  "log",
  ([x]) => unaryKernel("log", Unary.Log, x),
  (g, { inputs: [x] }) => [div(g, x)],
);
const sqrtOp = defineOp(
  "sqrt",
  ([x]) => unaryKernel("sqrt", Unary.Sqrt, x),
  (g, { out }) => [div(g, mulScalar([out], 2))],
);
const absOp = defineOp(
  "abs",
  ([x]) => unaryKernel("abs", Unary.Abs, x),
  (g, { inputs: [x] }) => [mul(g, constant(Unary.Sign, x))],
);

// d/dx x^p = p·x^(p−1); the exponent is a constant.
const powOp: Op<number> = defineOp<number>(
  "pow",
  ([x], p) => {
    if (typeof p !== "number" || !Number.isFinite(p))
      throw new RangeError(`pow: exponent must be a finite number, got ${p}`);
    return unaryKernel("pow", Unary.Pow, x, p);
  },
  (g, { inputs: [x], params: p }) => [p === 0 ? null : mul(g, mulScalar([powOp([x], p - 1)], p))],
);

/** g · (x > 0 ? 1 : slope): the ReLU family's backward, linear in g. */
const reluGrad: Op<number> = defineOp<number>(
  "reluGrad",
  ([g, x], slope) => {
    const out = empty(x.shape, "reluGrad");
    if (out.size > 0) kernels.reluBackward(out.ptr, x.ptr, g.ptr, x.size, slope);
    return out;
  },
  (gg, { inputs: [, x], params: slope }) => [reluGrad([gg, x], slope), null],
);

/** g · y(1 − y), y = sigmoid(x). */
const sigmoidGrad: Op<undefined> = defineOp(
  "sigmoidGrad",
  ([g, y]) => {
    const out = empty(y.shape, "sigmoidGrad");
    if (out.size > 0) kernels.sigmoidBackward(out.ptr, y.ptr, g.ptr, y.size);
    return out;
  },
  (gg, { inputs: [g, y], needs }) => [
    sigmoidGrad([gg, y], undefined),
    needs[1] ? mul(mul(gg, g), addScalar([mulScalar([y], -2)], 1)) : null,
  ],
);

/** g · (1 − y²), y = tanh(x). */
const tanhGrad: Op<undefined> = defineOp(
  "tanhGrad",
  ([g, y]) => {
    const out = empty(y.shape, "tanhGrad");
    if (out.size > 0) kernels.tanhBackward(out.ptr, y.ptr, g.ptr, y.size);
    return out;
  },
  (gg, { inputs: [g, y], needs }) => [
    tanhGrad([gg, y], undefined),
    needs[1] ? mulScalar([mul(mul(gg, g), y)], -2) : null,
  ],
);

const reluOp = defineOp<number>(
  "relu",
  ([x], slope) => unaryKernel(slope === 0 ? "relu" : "leakyRelu", slope === 0 ? Unary.Relu : Unary.LeakyRelu, x, slope),
  (g, { inputs: [x], params: slope }) => [reluGrad([g, x], slope)],
);
const sigmoidOp = defineOp(
  "sigmoid",
  ([x]) => unaryKernel("sigmoid", Unary.Sigmoid, x),
  (g, { out }) => [sigmoidGrad([g, out], undefined)],
);
const tanhOp = defineOp(
  "tanh",
  ([x]) => unaryKernel("tanh", Unary.Tanh, x),
  (g, { out }) => [tanhGrad([g, out], undefined)],
);

export const exp = (x: Tensor) => expOp([x], undefined);
export const log = (x: Tensor) => logOp([x], undefined);
export const sqrt = (x: Tensor) => sqrtOp([x], undefined);
export const abs = (x: Tensor) => absOp([x], undefined);
export const pow = (x: Tensor, p: number) => powOp([x], p);
export const square = (x: Tensor) => powOp([x], 2);
export const relu = (x: Tensor) => reluOp([x], 0);
export const sigmoid = (x: Tensor) => sigmoidOp([x], undefined);
export const tanh = (x: Tensor) => tanhOp([x], undefined);

export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  if (typeof slope !== "number" || !Number.isFinite(slope))
    throw new RangeError(`leakyRelu: slope must be a finite number, got ${slope}`);
  return reluOp([x], slope);
}

export { neg };
