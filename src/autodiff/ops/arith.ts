/** Arithmetic with broadcasting: add, sub, mul, div (tensor or number operands), neg, and scalar forms. */
import { kernels } from "../../wasm/module.ts";
import { Binary, Unary } from "../../wasm/abi.ts";
import { empty, type Tensor } from "../../tensor/tensor.ts";
import { broadcastBlock, shapeStr } from "../../tensor/shape.ts";
import { defineOp, type Op } from "../node.ts";
import { launchBroadcast, sumTo } from "./broadcast.ts";

/** Where the operands swap (a is the smaller one), the kernel applies the reversed op. */
const REVERSED: Record<Binary, Binary> = {
  [Binary.Add]: Binary.Add,
  [Binary.Mul]: Binary.Mul,
  [Binary.Sub]: Binary.RSub,
  [Binary.Div]: Binary.RDiv,
  [Binary.RSub]: Binary.Sub,
  [Binary.RDiv]: Binary.Div,
};

function broadcastBinary(name: string, op: Binary) {
  return ([a, b]: Tensor[]): Tensor => {
    let block = broadcastBlock(b.shape, a.shape);
    if (block) {
      const out = empty(a.shape, name);
      launchBroadcast(op, out, a, b, block);
      return out;
    }
    block = broadcastBlock(a.shape, b.shape);
    if (!block) throw new RangeError(`${name}: shapes ${shapeStr(a.shape)} and ${shapeStr(b.shape)} do not broadcast`);
    const out = empty(b.shape, name);
    launchBroadcast(REVERSED[op], out, b, a, block);
    return out;
  };
}

const addOp = defineOp("add", broadcastBinary("add", Binary.Add), (g, { inputs: [a, b], needs }) => [
  needs[0] ? sumTo(g, a.shape) : null,
  needs[1] ? sumTo(g, b.shape) : null,
]);

const subOp = defineOp("sub", broadcastBinary("sub", Binary.Sub), (g, { inputs: [a, b], needs }) => [
  needs[0] ? sumTo(g, a.shape) : null,
  needs[1] ? sumTo(neg(g), b.shape) : null,
]);

const mulOp = defineOp("mul", broadcastBinary("mul", Binary.Mul), (g, { inputs: [a, b], needs }) => [
  needs[0] ? sumTo(mul(g, b), a.shape) : null,
  needs[1] ? sumTo(mul(g, a), b.shape) : null,
]);

// d(a/b)/db = -a/b² = -out/b
const divOp = defineOp("div", broadcastBinary("div", Binary.Div), (g, { inputs: [a, b], out, needs }) => [
  needs[0] ? sumTo(div(g, b), a.shape) : null,
  needs[1] ? sumTo(neg(mul(g, div(out, b))), b.shape) : null,
]);

/** x · s for a number s. */
export const mulScalar: Op<number> = defineOp<number>(
  "mulScalar",
  ([x], s) => scalarKernel("mulScalar", Binary.Mul, x, s),
  (g, { params: s }) => [mulScalar([g], s)],
);

/** x + s for a number s. */
export const addScalar = defineOp<number>(
  "addScalar",
  ([x], s) => scalarKernel("addScalar", Binary.Add, x, s),
  (g) => [g],
);

/** x / s for a number s, a true division: for the |s| whose f32 reciprocal overflows or is subnormal. */
const divScalar: Op<number> = defineOp<number>(
  "divScalar",
  ([x], s) => scalarKernel("divScalar", Binary.Div, x, s),
  (g, { params: s }) => [divScalar([g], s)],
);

function scalarKernel(name: string, op: Binary, x: Tensor, s: number): Tensor {
  if (typeof s !== "number") throw new TypeError(`${name}: the scalar must be a number, got ${typeof s}`);
  const out = empty(x.shape, name);
  if (out.size > 0) kernels.binaryScalar(op, out.ptr, x.ptr, s, x.size);
  return out;
}

const negOp = defineOp(
  "neg",
  ([x]) => {
    const out = empty(x.shape, "neg");
    if (out.size > 0) kernels.unary(Unary.Neg, out.ptr, x.ptr, x.size, 0);
    return out;
  },
  (g) => [neg(g)],
);

export function add(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === "number" ? addScalar([a], b) : addOp([a, b], undefined);
}
export function sub(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === "number" ? addScalar([a], -b) : subOp([a, b], undefined);
}
export function mul(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === "number" ? mulScalar([a], b) : mulOp([a, b], undefined);
}
export function div(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b !== "number") return divOp([a, b], undefined);
  // Multiplying by 1/b is the fast path, and as exact as dividing while 1/b is a normal f32;
  // near the f32 limits (|b| < 2^-126 or so) 1/b overflows and x·(1/b) would be ±Inf where x/b is not.
  const r = Math.fround(1 / b);
  return Number.isFinite(r) && (r === 0 || Math.abs(r) >= 2 ** -126) ? mulScalar([a], 1 / b) : divScalar([a], b);
}
export function neg(x: Tensor): Tensor {
  return negOp([x], undefined);
}
