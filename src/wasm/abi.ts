/**
 * The module's exports, as TypeScript sees them. Pointers are byte offsets into linear
 * memory, counts are element counts; TypeScript checks every precondition before a call.
 * One interface per kernel family, in the order of assembly/index.ts.
 */

export interface MemoryExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  /** dst[0..n) = src[0..n), bytes (memory.copy; the regions may overlap). */
  copyBytes(dst: number, src: number, n: number): void;
}

/** Op codes for the elementwise families; the AssemblyScript side mirrors these numbers. */
export enum Binary { Add = 0, Sub = 1, Mul = 2, Div = 3, RSub = 4, RDiv = 5 }
export enum Unary {
  Neg = 0, Abs = 1, Sqrt = 2, Exp = 3, Log = 4, Tanh = 5, Sigmoid = 6, Relu = 7,
  LeakyRelu = 8, Pow = 9, Step = 10, Sign = 11, Square = 12, Reciprocal = 13,
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
  /** a viewed as [outer, len, inner]; out[o, i] = sum over l of a[o, l, i]. */
  sumAxis(out: number, a: number, outer: number, len: number, inner: number): void;
  /** Same layout; out[o, i] = max over l (NaN if any NaN). */
  maxAxis(out: number, a: number, outer: number, len: number, inner: number): void;
  /** Same layout; outI32[o, i] = first l reaching the max. */
  argmaxAxis(outI32: number, a: number, outer: number, len: number, inner: number): void;
  /** Sum of a[0..n), accumulated in f64. */
  sumAll(a: number, n: number): number;
  /** Dot product of a and b, accumulated in f64. */
  dot(a: number, b: number, n: number): number;
}

export interface SoftmaxExports {
  /** Numerically stable softmax of each row of a [rows, cols]. */
  softmaxRows(out: number, a: number, rows: number, cols: number): void;
  /** Numerically stable log-softmax of each row. */
  logSoftmaxRows(out: number, a: number, rows: number, cols: number): void;
}

export interface LayoutExports {
  /** out [cols, rows] = transpose of a [rows, cols]. out must not alias a. */
  transpose2d(out: number, a: number, rows: number, cols: number): void;
  /** dst[r*dstStride + c] (+)= src[r*srcStride + c] for r < rows, c < cols; strides in elements. */
  copy2d(dst: number, dstStride: number, src: number, srcStride: number, rows: number, cols: number, accumulate: number): void;
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
  gemm(c: number, a: number, b: number, m: number, n: number, k: number, transA: number, transB: number, accumulate: number, work: number): void;
  gemmWorkBytes(): number;
  /** A register-resident f32x4 mul+add loop: this machine's ceiling for our kernels. Returns a checksum. */
  fmaCeiling(iterations: number): number;
}

export type Exports = MemoryExports & ElementwiseExports & ReduceExports & SoftmaxExports & LayoutExports & GemmExports;
