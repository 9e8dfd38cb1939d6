/**
 * Plain f64 references for the kernels: the equations, written the obvious way, over the same f32
 * inputs. Results stay f64; each test decides how close the f32 kernel must come.
 */
import { Binary, Unary } from "../../src/wasm/abi.ts";

export function binaryRef(op: Binary, a: number, b: number): number {
  switch (op) {
    case Binary.Add:
      return a + b;
    case Binary.Sub:
      return a - b;
    case Binary.Mul:
      return a * b;
    case Binary.Div:
      return a / b;
    case Binary.RSub:
      return b - a;
    case Binary.RDiv:
      return b / a;
  }
}

export function unaryRef(op: Unary, x: number, p: number): number {
  switch (op) {
    case Unary.Neg:
      return -x;
    case Unary.Abs:
      return Math.abs(x);
    case Unary.Sqrt:
      return Math.sqrt(x);
    case Unary.Exp:
      return Math.exp(x);
    case Unary.Log:
      return Math.log(x);
    case Unary.Tanh:
      return Math.tanh(x);
    case Unary.Sigmoid:
      return 1 / (1 + Math.exp(-x));
    case Unary.Relu:
      return Number.isNaN(x) ? NaN : Math.max(x, 0);
    case Unary.LeakyRelu:
      return x > 0 ? x : p * x;
    case Unary.Pow:
      return Math.pow(x, p);
    case Unary.Step:
      return x > 0 ? 1 : 0;
    case Unary.Sign:
      return Math.sign(x);
    case Unary.Square:
      return x * x;
    case Unary.Reciprocal:
      return 1 / x;
  }
}

/** a viewed as [outer, len, inner], reduced over len by f. */
function reduceAxis(
  a: ArrayLike<number>,
  outer: number,
  len: number,
  inner: number,
  f: (column: number[]) => number,
): number[] {
  const out: number[] = [];
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const column: number[] = [];
      for (let l = 0; l < len; l++) column.push(a[(o * len + l) * inner + i]);
      out.push(f(column));
    }
  }
  return out;
}

export function sumAxisRef(a: ArrayLike<number>, outer: number, len: number, inner: number): number[] {
  return reduceAxis(a, outer, len, inner, (c) => c.reduce((s, x) => s + x, 0));
}

/** Sum of |a| along the axis: the scale a rounding error in a sum is measured against. */
export function absSumAxisRef(a: ArrayLike<number>, outer: number, len: number, inner: number): number[] {
  return reduceAxis(a, outer, len, inner, (c) => c.reduce((s, x) => s + Math.abs(x), 0));
}

export function maxAxisRef(a: ArrayLike<number>, outer: number, len: number, inner: number): number[] {
  return reduceAxis(a, outer, len, inner, (c) =>
    c.reduce((m, x) => (Number.isNaN(m) || Number.isNaN(x) ? NaN : Math.max(m, x)), -Infinity),
  );
}

/** First index of the max; a NaN counts as the max, so the first NaN wins. */
export function argmaxAxisRef(a: ArrayLike<number>, outer: number, len: number, inner: number): number[] {
  return reduceAxis(a, outer, len, inner, (c) => {
    const firstNaN = c.findIndex((x) => Number.isNaN(x));
    if (firstNaN >= 0) return firstNaN;
    let at = 0;
    for (let l = 1; l < c.length; l++) if (c[l] > c[at]) at = l;
    return at;
  });
}

export function softmaxRef(row: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(row));
  const e = Array.from(row, (x) => Math.exp(x - max));
  const sum = e.reduce((s, x) => s + x, 0);
  return e.map((x) => x / sum);
}

export function logSoftmaxRef(row: ArrayLike<number>): number[] {
  const max = Math.max(...Array.from(row));
  const logSum = Math.log(Array.from(row).reduce((s, x) => s + Math.exp(x - max), 0));
  return Array.from(row, (x) => x - max - logSum);
}

export function transposeRef(a: ArrayLike<number>, rows: number, cols: number): number[] {
  const out = new Array<number>(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = a[r * cols + c];
  return out;
}
