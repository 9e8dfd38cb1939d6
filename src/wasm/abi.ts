/**
 * The module's exports, as TypeScript sees them. Pointers are byte offsets into linear
 * memory, counts are element counts; TypeScript checks every precondition before a call.
 * One interface per kernel family, in the order of assembly/index.ts.
 */

export interface MemoryExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  /** Points this instance's kernel scratch at ptr (scratchBytes() bytes, 16-aligned): each thread's instance needs its own. */
  setScratch(ptr: number): void;
  scratchBytes(): number;
}

/** Op codes for the elementwise families; the AssemblyScript side mirrors these numbers. */
export enum Binary {
  Add = 0,
  Sub = 1,
  Mul = 2,
  Div = 3,
  RSub = 4,
  RDiv = 5,
}
export enum Unary {
  Neg = 0,
  Abs = 1,
  Sqrt = 2,
  Exp = 3,
  Log = 4,
  Tanh = 5,
  Sigmoid = 6,
  Relu = 7,
  LeakyRelu = 8,
  Pow = 9,
  Step = 10,
  Sign = 11,
  Square = 12,
  Reciprocal = 13,
}

export interface ElementwiseExports {
  /** out[i] = a[i] op b[i], i < n. out may alias a or b. */
  binary(op: Binary, out: number, a: number, b: number, n: number): void;
  /** out[r,c] = a[r,c] op row[c]: a bias broadcast over rows. */
  binaryRow(op: Binary, out: number, a: number, row: number, rows: number, cols: number): void;
  /** out[r,c] = a[r,c] op col[r]: a per-row value broadcast over columns. */
  binaryCol(op: Binary, out: number, a: number, col: number, rows: number, cols: number): void;
  /** out[i] = a[i] op s. */
  binaryScalar(op: Binary, out: number, a: number, s: number, n: number): void;
  /** out[i] = f(a[i]); p is the parameter of LeakyRelu (slope) and Pow (exponent). */
  unary(op: Unary, out: number, a: number, n: number, p: number): void;
  /** y[i] += alpha * x[i]. */
  axpy(y: number, alpha: number, x: number, n: number): void;
  fill(out: number, value: number, n: number): void;
  /** out[i] = g[i] * (x[i] > 0 ? 1 : slope): ReLU (slope 0) and leaky ReLU backward. */
  reluBackward(out: number, x: number, g: number, n: number, slope: number): void;
  /** out[i] = g[i] * (1 - y[i]^2), y = tanh(x). */
  tanhBackward(out: number, y: number, g: number, n: number): void;
  /** out[i] = g[i] * y[i] * (1 - y[i]), y = sigmoid(x). */
  sigmoidBackward(out: number, y: number, g: number, n: number): void;
}

export interface ReduceExports {
  /** a viewed as [outer, len, inner]; out[o, i] = sum over l of a[o, l, i] (in f64, rounded once; 0 if len is 0). */
  sumAxis(out: number, a: number, outer: number, len: number, inner: number): void;
  /** Same layout; out[o, i] = max over l (NaN if any NaN; -Inf if len is 0). */
  maxAxis(out: number, a: number, outer: number, len: number, inner: number): void;
  /** Same layout; outI32[o, i] = first l reaching the max (a NaN counts as the max; 0 if len is 0). */
  argmaxAxis(outI32: number, a: number, outer: number, len: number, inner: number): void;
  /** Sum of a[0..n), accumulated in f64. */
  sumAll(a: number, n: number): number;
  /** Dot product of a and b, accumulated in f64. */
  dot(a: number, b: number, n: number): number;
}

export interface SoftmaxExports {
  /** Numerically stable softmax of each row of a [rows, cols]; a row holding +Inf or NaN, or only -Inf, gives NaN. out may be a. */
  softmaxRows(out: number, a: number, rows: number, cols: number): void;
  /** Numerically stable log-softmax of each row; same NaN rows as softmaxRows. out may be a. */
  logSoftmaxRows(out: number, a: number, rows: number, cols: number): void;
}

export interface LayoutExports {
  /** out [cols, rows] = transpose of a [rows, cols]. out must not alias a. */
  transpose2d(out: number, a: number, rows: number, cols: number): void;
  /** dst[r*dstStride + c] (+)= src[r*srcStride + c] for r < rows, c < cols; strides in elements. */
  copy2d(
    dst: number,
    dstStride: number,
    src: number,
    srcStride: number,
    rows: number,
    cols: number,
    accumulate: number,
  ): void;
  /** out[i, :] = table[idx[i], :]; idx is i32, every index already checked in range. */
  gatherRows(out: number, table: number, idx: number, n: number, cols: number): void;
  /** table[idx[i], :] += g[i, :]. */
  scatterAddRows(table: number, idx: number, g: number, n: number, cols: number): void;
}

export interface GemmExports {
  /**
   * C[m,n] (+)= op(A) · op(B), row-major, op(A) m×k, op(B) k×n. transA: A is stored k×m;
   * transB: B is stored n×k. C must not alias A or B. work: gemmWorkBytes() scratch bytes, 16-aligned.
   */
  gemm(
    c: number,
    a: number,
    b: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    accumulate: number,
    work: number,
  ): void;
  /**
   * The block of gemm's C at rows [row0, row0 + rows), columns [col0, col0 + cols), bit-identical
   * to the same block of gemm's result: one thread's share of a split product. A product with
   * m = 1 or n = 1 is never split (pass the whole C).
   */
  gemmBlock(
    c: number,
    a: number,
    b: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    accumulate: number,
    work: number,
    row0: number,
    rows: number,
    col0: number,
    cols: number,
  ): void;
  gemmWorkBytes(): number;
}

/**
 * Fused first-order optimizer updates (assembly/optim/): one pass over params w, gradients g and the
 * state buffers, all n f32 elements, 4-aligned byte offsets (16 fastest), non-overlapping. Step-dependent scalars (bias
 * corrections, rectification, the scheduled lr) come folded from TypeScript; src/optim/ documents each.
 */
export interface OptimExports {
  sgd(w: number, g: number, n: number, lr: number, wd: number): void;
  sgdMomentum(
    w: number,
    g: number,
    v: number,
    n: number,
    mu: number,
    a: number,
    p: number,
    q: number,
    wd: number,
  ): void;
  adagrad(w: number, g: number, s: number, n: number, lr: number, e1: number, e2: number, wd: number): void;
  rmsprop(
    w: number,
    g: number,
    v: number,
    n: number,
    lr: number,
    alpha: number,
    oneMinusAlpha: number,
    e1: number,
    e2: number,
    wd: number,
  ): void;
  rmspropCentered(
    w: number,
    g: number,
    v: number,
    a: number,
    n: number,
    lr: number,
    alpha: number,
    oneMinusAlpha: number,
    e1: number,
    e2: number,
    wd: number,
  ): void;
  rmspropMomentum(
    w: number,
    g: number,
    v: number,
    b: number,
    n: number,
    alpha: number,
    oneMinusAlpha: number,
    e1: number,
    e2: number,
    wd: number,
    mu: number,
    c: number,
    k: number,
  ): void;
  rmspropCenteredMomentum(
    w: number,
    g: number,
    v: number,
    a: number,
    b: number,
    n: number,
    alpha: number,
    oneMinusAlpha: number,
    e1: number,
    e2: number,
    wd: number,
    mu: number,
    c: number,
    k: number,
  ): void;
  adadelta(
    w: number,
    g: number,
    v: number,
    u: number,
    n: number,
    lr: number,
    rho: number,
    oneMinusRho: number,
    eps: number,
    wd: number,
    previous: number,
  ): void;
  adam(
    w: number,
    g: number,
    m: number,
    v: number,
    n: number,
    beta1: number,
    c1: number,
    beta2: number,
    c2: number,
    s: number,
    r: number,
    e: number,
    wd: number,
    decay: number,
  ): void;
  amsgrad(
    w: number,
    g: number,
    m: number,
    v: number,
    vmax: number,
    n: number,
    beta1: number,
    c1: number,
    beta2: number,
    c2: number,
    k: number,
    s: number,
    r: number,
    e: number,
    wd: number,
    decay: number,
  ): void;
  adamax(
    w: number,
    g: number,
    m: number,
    u: number,
    n: number,
    beta1: number,
    c1: number,
    beta2: number,
    s: number,
    e1: number,
    e2: number,
    wd: number,
    decay: number,
  ): void;
  nadam(
    w: number,
    g: number,
    m: number,
    v: number,
    n: number,
    beta1: number,
    c1: number,
    beta2: number,
    c2: number,
    cg: number,
    cm: number,
    r: number,
    e: number,
    wd: number,
    decay: number,
  ): void;
  lion(
    w: number,
    g: number,
    m: number,
    n: number,
    lr: number,
    beta1: number,
    c1: number,
    beta2: number,
    c2: number,
    decay: number,
  ): void;
  tmsgd(
    w: number,
    g: number,
    h1: number,
    h2: number,
    n: number,
    a: number,
    b: number,
    c: number,
    lr: number,
    wd: number,
  ): void;
  tmsgdMomentum(
    w: number,
    g: number,
    v: number,
    h1: number,
    h2: number,
    n: number,
    a: number,
    b: number,
    c: number,
    lr: number,
    mu: number,
    wd: number,
  ): void;
  scheduleFreeSgd(
    w: number,
    g: number,
    z: number,
    x: number,
    n: number,
    lr: number,
    wd: number,
    c: number,
    oc: number,
    beta: number,
    ob: number,
  ): void;
  scheduleFreeAdamw(
    w: number,
    g: number,
    z: number,
    x: number,
    v: number,
    n: number,
    lr: number,
    wd: number,
    c: number,
    oc: number,
    beta: number,
    ob: number,
    beta2: number,
    c2: number,
    r: number,
    e: number,
  ): void;
  /** 1 if every x[i] is finite, else 0. */
  allFinite(x: number, n: number): number;
  /** Σ x[i]², accumulated in f64. */
  sumSquares(x: number, n: number): number;
  /** x[i] ← s·x[i]. */
  scaleBy(x: number, n: number, s: number): void;
  /** x[i] ← min(max(x[i], lo), hi). */
  clipByValue(x: number, n: number, lo: number, hi: number): void;
}

/**
 * Gradient transformations (assembly/optim/transforms.ts): passes over a composed optimizer's updates
 * u and one state buffer, n f32 elements each. 1 − β comes from TypeScript (c), computed in f64.
 */
export interface TransformExports {
  /** v ← β·v + c·u². */
  emaSquare(v: number, u: number, n: number, beta: number, c: number): void;
  /** u ← βa·m + ca·u; m ← β·m + c·u (both from the old m and u). */
  ema(m: number, u: number, n: number, betaAhead: number, cAhead: number, beta: number, c: number): void;
  /** v ← μ·v + u; u ← v, or u + μ·v with nesterov = 1. */
  trace(v: number, u: number, n: number, mu: number, nesterov: number): void;
  /** u ← u / max(√(v + e1)·r + e2, floor). */
  divideByRoot(u: number, v: number, n: number, r: number, e1: number, e2: number, floor: number): void;
  /** a ← max(a, k·v). */
  maxAccumulate(a: number, v: number, n: number, k: number): void;
}

export type Exports = MemoryExports &
  ElementwiseExports &
  ReduceExports &
  SoftmaxExports &
  LayoutExports &
  GemmExports &
  OptimExports &
  TransformExports;
