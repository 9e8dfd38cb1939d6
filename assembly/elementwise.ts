// Elementwise kernels: binary ops (also broadcast over rows or columns), unary ops, axpy, fill and
// the activation backwards. Every loop reads a whole f32x4 before writing it, so out may be the same
// pointer as any input (in-place updates); partially overlapping buffers are not supported.
// The op is chosen by a switch outside the loop: each op has its own branch-free loop.
import { hoisted, hoistedSplat } from "./hoist";
import { ELEMENTWISE_TAIL, scratchAt } from "./scratch";
import { expLoop, logLoop, sigmoidLoop, tanhLoop } from "./simd-math";

// Op codes: mirror Binary and Unary in src/wasm/abi.ts.
const ADD = 0, SUB = 1, MUL = 2, DIV = 3, RSUB = 4, RDIV = 5;
const NEG = 0, ABS = 1, SQRT = 2, EXP = 3, LOG = 4, TANH = 5, SIGMOID = 6, RELU = 7,
  LEAKY_RELU = 8, POW = 9, STEP = 10, SIGN = 11, SQUARE = 12, RECIPROCAL = 13;

const ONE_BITS: i32 = 0x3f800000;
const SIGN_BITS: i32 = 0x80000000;

@inline function binaryOp(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    case RSUB: return f32x4.sub(b, a);
    default: return f32x4.div(b, a); // RDIV
  }
}

// Inlined with a constant op, so the optimizer drops the switch in binaryOp: one plain loop per op.
// Loops cover whole f32x4 groups only; the exports finish the last n % 4 elements through the scratch.
@inline function binaryLoop(op: i32, out: usize, a: usize, b: usize, bytes: usize): void {
  for (let i: usize = 0; i < bytes; i += 16) v128.store(out + i, binaryOp(op, v128.load(a + i), v128.load(b + i)));
}

@inline function binaryScalarLoop(op: i32, out: usize, a: usize, s: f32, bytes: usize): void {
  const sv = f32x4.splat(s);
  for (let i: usize = 0; i < bytes; i += 16) v128.store(out + i, binaryOp(op, v128.load(a + i), sv));
}

// The tail (n % 4 elements) is copied into the instance's scratch (scratch.ts) and run through the
// same vector code as the body, so tail and body agree bit for bit and each op's code exists once.
// Two slots of 4 lanes.
// @ts-ignore: decorator
@inline function tailA(): usize {
  return scratchAt(ELEMENTWISE_TAIL);
}
// @ts-ignore: decorator
@inline function tailB(): usize {
  return scratchAt(ELEMENTWISE_TAIL + 16);
}

@inline function copyFloats(dst: usize, src: usize, count: i32): void {
  for (let k = 0; k < count; k++) store<f32>(dst + (<usize>k << 2), load<f32>(src + (<usize>k << 2)));
}

/** out[i] = a[i] op b[i], i < n. out may be a or b. */
export function binary(op: i32, out: usize, a: usize, b: usize, n: i32): void {
  const bytes = <usize>(n & ~3) << 2;
  switch (op) {
    case ADD: binaryLoop(ADD, out, a, b, bytes); break;
    case SUB: binaryLoop(SUB, out, a, b, bytes); break;
    case MUL: binaryLoop(MUL, out, a, b, bytes); break;
    case DIV: binaryLoop(DIV, out, a, b, bytes); break;
    // b - a and b / a are Sub and Div with the inputs swapped.
    case RSUB: binaryLoop(SUB, out, b, a, bytes); break;
    case RDIV: binaryLoop(DIV, out, b, a, bytes); break;
  }
  const rest = n & 3;
  if (rest != 0) {
    copyFloats(tailA(), a + bytes, rest);
    copyFloats(tailB(), b + bytes, rest);
    binary(op, tailA(), tailA(), tailB(), 4);
    copyFloats(out + bytes, tailA(), rest);
  }
}

/** out[i] = a[i] op s (RSub: s - a[i], RDiv: s / a[i]). out may be a. */
export function binaryScalar(op: i32, out: usize, a: usize, s: f32, n: i32): void {
  const bytes = <usize>(n & ~3) << 2;
  switch (op) {
    case ADD: binaryScalarLoop(ADD, out, a, s, bytes); break;
    case SUB: binaryScalarLoop(SUB, out, a, s, bytes); break;
    case MUL: binaryScalarLoop(MUL, out, a, s, bytes); break;
    case DIV: binaryScalarLoop(DIV, out, a, s, bytes); break;
    case RSUB: binaryScalarLoop(RSUB, out, a, s, bytes); break;
    case RDIV: binaryScalarLoop(RDIV, out, a, s, bytes); break;
  }
  const rest = n & 3;
  if (rest != 0) {
    copyFloats(tailA(), a + bytes, rest);
    binaryScalar(op, tailA(), tailA(), s, 4);
    copyFloats(out + bytes, tailA(), rest);
  }
}

/** out[r,c] = a[r,c] op row[c] for a [rows, cols]: a bias broadcast over rows. out may be a. */
export function binaryRow(op: i32, out: usize, a: usize, row: usize, rows: i32, cols: i32): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * stride;
    binary(op, out + offset, a + offset, row, cols);
  }
}

/** out[r,c] = a[r,c] op col[r] for a [rows, cols]: a per-row value broadcast over columns. out may be a. */
export function binaryCol(op: i32, out: usize, a: usize, col: usize, rows: i32, cols: i32): void {
  const stride = <usize>cols << 2;
  for (let r = 0; r < rows; r++) {
    const offset = <usize>r * stride;
    binaryScalar(op, out + offset, a + offset, load<f32>(col + (<usize>r << 2)), cols);
  }
}

// p is the op's parameter; one (the bits of 1.0) and sign (the sign bit) come in hoisted, as V8
// rebuilt them on every pass (Step and Sign 10-20% faster). Splats of p it keeps once per two passes.
@inline function unaryOp(op: i32, x: v128, p: v128, one: v128, sign: v128): v128 {
  switch (op) {
    case NEG: return f32x4.neg(x);
    case ABS: return f32x4.abs(x);
    case SQRT: return f32x4.sqrt(x);
    // max propagates NaN, so relu(NaN) = NaN.
    case RELU: return f32x4.max(x, f32x4.splat(0.0));
    // NaN fails x > 0 and takes p * x, so stays NaN.
    case LEAKY_RELU: return v128.bitselect(x, f32x4.mul(x, p), f32x4.gt(x, f32x4.splat(0.0)));
    case STEP: return v128.and(f32x4.gt(x, f32x4.splat(0.0)), one);
    // ±1 with x's sign where x is nonzero and not NaN; ±0 and NaN pass through.
    case SIGN: return v128.bitselect(
      v128.or(v128.and(x, sign), one), x,
      v128.or(f32x4.gt(x, f32x4.splat(0.0)), f32x4.lt(x, f32x4.splat(0.0))));
    case SQUARE: return f32x4.mul(x, x);
    case RECIPROCAL: return f32x4.div(f32x4.splat(1.0), x);
    default: return x; // identity, used by Pow with p = 1
  }
}

const IDENTITY = -1;

@inline function unaryLoop(op: i32, out: usize, a: usize, bytes: usize, p: f32): void {
  const pv = f32x4.splat(p), one = hoisted(i32x4.splat(ONE_BITS)), sign = hoisted(i32x4.splat(SIGN_BITS));
  for (let i: usize = 0; i < bytes; i += 16) v128.store(out + i, unaryOp(op, v128.load(a + i), pv, one, sign));
}

/**
 * out[i] = f(a[i]); p is the slope of LeakyRelu and the exponent of Pow. out may be a.
 * Pow takes exact fast paths for p = 2 (x*x), 1 (copy), 0.5 (sqrt: so pow(-0, 0.5) = -0 and
 * pow(-Inf, 0.5) = NaN here, unlike IEEE pow) and -1 (1/x); any other p calls scalar Mathf.pow.
 */
export function unary(op: i32, out: usize, a: usize, n: i32, p: f32): void {
  if (op == POW) {
    // Exponents with an exact vector equivalent become that op; any other calls scalar pow.
    if (p == 2) op = SQUARE;
    else if (p == 1) op = IDENTITY;
    else if (p == 0.5) op = SQRT;
    else if (p == -1) op = RECIPROCAL;
    else {
      const all = <usize>n << 2;
      for (let i: usize = 0; i < all; i += 4) store<f32>(out + i, Mathf.pow(load<f32>(a + i), p));
      return;
    }
  }
  const bytes = <usize>(n & ~3) << 2;
  switch (op) {
    case NEG: unaryLoop(NEG, out, a, bytes, p); break;
    case ABS: unaryLoop(ABS, out, a, bytes, p); break;
    case SQRT: unaryLoop(SQRT, out, a, bytes, p); break;
    // The transcendentals load their constants before their loops (simd-math.ts).
    case EXP: expLoop(out, a, bytes); break;
    case LOG: logLoop(out, a, bytes); break;
    case TANH: tanhLoop(out, a, bytes); break;
    case SIGMOID: sigmoidLoop(out, a, bytes); break;
    case RELU: unaryLoop(RELU, out, a, bytes, p); break;
    case LEAKY_RELU: unaryLoop(LEAKY_RELU, out, a, bytes, p); break;
    case STEP: unaryLoop(STEP, out, a, bytes, p); break;
    case SIGN: unaryLoop(SIGN, out, a, bytes, p); break;
    case SQUARE: unaryLoop(SQUARE, out, a, bytes, p); break;
    case RECIPROCAL: unaryLoop(RECIPROCAL, out, a, bytes, p); break;
    case IDENTITY: unaryLoop(IDENTITY, out, a, bytes, p); break;
  }
  const rest = n & 3;
  if (rest != 0) {
    copyFloats(tailA(), a + bytes, rest);
    unary(op, tailA(), tailA(), 4, p); // op is no longer POW: the tail takes the same path
    copyFloats(out + bytes, tailA(), rest);
  }
}

/** y[i] += alpha * x[i]. y may be x. */
export function axpy(y: usize, alpha: f32, x: usize, n: i32): void {
  const bytes = <usize>n << 2;
  const main = bytes & ~15;
  const av = hoistedSplat(alpha);
  let i: usize = 0;
  for (; i < main; i += 16) v128.store(y + i, f32x4.add(v128.load(y + i), f32x4.mul(av, v128.load(x + i))));
  for (; i < bytes; i += 4) store<f32>(y + i, load<f32>(y + i) + alpha * load<f32>(x + i));
}

/** out[i] = value. */
export function fill(out: usize, value: f32, n: i32): void {
  const bytes = <usize>n << 2;
  const main = bytes & ~15;
  const v = f32x4.splat(value);
  let i: usize = 0;
  for (; i < main; i += 16) v128.store(out + i, v);
  for (; i < bytes; i += 4) store<f32>(out + i, value);
}

/**
 * out[i] = x[i] > 0 ? g[i] : slope * g[i]: ReLU (slope 0) and leaky ReLU backward. out may be x or g.
 * With slope 0 the masked lanes are an exact +0 even where g is Inf or NaN (a select, not a product).
 */
export function reluBackward(out: usize, x: usize, g: usize, n: i32, slope: f32): void {
  const bytes = <usize>n << 2;
  const main = bytes & ~15;
  const sv = f32x4.splat(slope);
  const zero = f32x4.splat(0.0);
  let i: usize = 0;
  if (slope == 0) {
    for (; i < main; i += 16) v128.store(out + i, v128.and(v128.load(g + i), f32x4.gt(v128.load(x + i), zero)));
    for (; i < bytes; i += 4) store<f32>(out + i, load<f32>(x + i) > 0 ? load<f32>(g + i) : 0);
  } else {
    for (; i < main; i += 16) {
      const gv = v128.load(g + i);
      v128.store(out + i, v128.bitselect(gv, f32x4.mul(gv, sv), f32x4.gt(v128.load(x + i), zero)));
    }
    for (; i < bytes; i += 4) {
      const gs = load<f32>(g + i);
      store<f32>(out + i, load<f32>(x + i) > 0 ? gs : gs * slope);
    }
  }
}

/** out[i] = g[i] * (1 - y[i]^2), y = tanh(x). out may be y or g. */
export function tanhBackward(out: usize, y: usize, g: usize, n: i32): void {
  const bytes = <usize>n << 2;
  const main = bytes & ~15;
  const one = hoistedSplat(1.0);
  let i: usize = 0;
  for (; i < main; i += 16) {
    const yv = v128.load(y + i);
    v128.store(out + i, f32x4.mul(v128.load(g + i), f32x4.sub(one, f32x4.mul(yv, yv))));
  }
  for (; i < bytes; i += 4) {
    const ys = load<f32>(y + i);
    store<f32>(out + i, load<f32>(g + i) * (1 - ys * ys));
  }
}

/** out[i] = g[i] * y[i] * (1 - y[i]), y = sigmoid(x). out may be y or g. */
export function sigmoidBackward(out: usize, y: usize, g: usize, n: i32): void {
  const bytes = <usize>n << 2;
  const main = bytes & ~15;
  const one = hoistedSplat(1.0);
  let i: usize = 0;
  for (; i < main; i += 16) {
    const yv = v128.load(y + i);
    v128.store(out + i, f32x4.mul(f32x4.mul(v128.load(g + i), yv), f32x4.sub(one, yv)));
  }
  for (; i < bytes; i += 4) {
    const ys = load<f32>(y + i);
    store<f32>(out + i, load<f32>(g + i) * ys * (1 - ys));
  }
}
