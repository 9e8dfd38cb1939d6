/**
 * Plain f64 references of the engine's ops, written from their definitions with index arithmetic.
 * They are the oracle: forward values are compared to them, and finite differences are taken on them.
 */
export interface Ref {
  shape: number[];
  data: Float64Array;
}

export const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
export const ref = (shape: number[], data: ArrayLike<number>): Ref => ({ shape, data: Float64Array.from(data) });

function strides(shape: number[]): number[] {
  const s = new Array(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/** NumPy broadcasting, in full generality. */
export function broadcast2(a: Ref, b: Ref, f: (x: number, y: number) => number): Ref {
  const rank = Math.max(a.shape.length, b.shape.length);
  const pa = [...Array(rank - a.shape.length).fill(1), ...a.shape];
  const pb = [...Array(rank - b.shape.length).fill(1), ...b.shape];
  const shape = pa.map((d, i) => Math.max(d, pb[i]));
  const sa = strides(pa),
    sb = strides(pb),
    so = strides(shape);
  const out = new Float64Array(size(shape));
  for (let i = 0; i < out.length; i++) {
    let ia = 0,
      ib = 0;
    for (let k = 0; k < rank; k++) {
      const c = Math.floor(i / so[k]) % shape[k];
      if (pa[k] !== 1) ia += c * sa[k];
      if (pb[k] !== 1) ib += c * sb[k];
    }
    out[i] = f(a.data[ia], b.data[ib]);
  }
  return { shape, data: out };
}

export const map = (a: Ref, f: (x: number) => number): Ref => ({ shape: a.shape, data: a.data.map(f) });

export function matmul(a: Ref, b: Ref, transA: boolean, transB: boolean): Ref {
  const [m, k] = transA ? [a.shape[1], a.shape[0]] : a.shape;
  const n = transB ? b.shape[0] : b.shape[1];
  const A = (i: number, p: number) => (transA ? a.data[p * m + i] : a.data[i * k + p]);
  const B = (p: number, j: number) => (transB ? b.data[j * k + p] : b.data[p * n + j]);
  const out = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += A(i, p) * B(p, j);
      out[i * n + j] = s;
    }
  return { shape: [m, n], data: out };
}

/** Reduce along one axis (or all, axis undefined) with f over the values of each fibre. */
export function reduce(a: Ref, axis: number | undefined, keepdims: boolean, f: (xs: number[]) => number): Ref {
  if (axis === undefined)
    return { shape: keepdims ? a.shape.map(() => 1) : [], data: Float64Array.of(f(Array.from(a.data))) };
  const ax = axis < 0 ? axis + a.shape.length : axis;
  const outer = size(a.shape.slice(0, ax)),
    len = a.shape[ax],
    inner = size(a.shape.slice(ax + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const xs: number[] = [];
      for (let l = 0; l < len; l++) xs.push(a.data[(o * len + l) * inner + i]);
      out[o * inner + i] = f(xs);
    }
  const shape = keepdims ? a.shape.map((d, i) => (i === ax ? 1 : d)) : a.shape.filter((_, i) => i !== ax);
  return { shape, data: out };
}

export const sumOf = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

export function softmaxRows(a: Ref, log: boolean): Ref {
  const cols = a.shape[a.shape.length - 1];
  const out = new Float64Array(a.data.length);
  for (let r = 0; r < a.data.length / cols; r++) {
    const row = Array.from(a.data.subarray(r * cols, (r + 1) * cols));
    const m = Math.max(...row);
    const lse = m + Math.log(sumOf(row.map((x) => Math.exp(x - m))));
    row.forEach((x, c) => (out[r * cols + c] = log ? x - lse : Math.exp(x - lse)));
  }
  return { shape: a.shape, data: out };
}

export function transpose(a: Ref): Ref {
  const [r, c] = a.shape;
  const out = new Float64Array(r * c);
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) out[j * r + i] = a.data[i * c + j];
  return { shape: [c, r], data: out };
}

export function slice(a: Ref, axis: number, start: number, end: number): Ref {
  const outer = size(a.shape.slice(0, axis)),
    len = a.shape[axis],
    inner = size(a.shape.slice(axis + 1));
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (let l = start; l < end; l++) for (let i = 0; i < inner; i++) out.push(a.data[(o * len + l) * inner + i]);
  return { shape: a.shape.map((d, i) => (i === axis ? end - start : d)), data: Float64Array.from(out) };
}

export function concat(xs: Ref[], axis: number): Ref {
  const outer = size(xs[0].shape.slice(0, axis)),
    inner = size(xs[0].shape.slice(axis + 1));
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    for (const x of xs) {
      const len = x.shape[axis];
      for (let l = 0; l < len; l++) for (let i = 0; i < inner; i++) out.push(x.data[(o * len + l) * inner + i]);
    }
  const total = xs.reduce((s, x) => s + x.shape[axis], 0);
  return { shape: xs[0].shape.map((d, i) => (i === axis ? total : d)), data: Float64Array.from(out) };
}

export function gather(table: Ref, idx: number[]): Ref {
  const cols = table.shape[1];
  const out: number[] = [];
  for (const k of idx) for (let c = 0; c < cols; c++) out.push(table.data[k * cols + c]);
  return { shape: [idx.length, cols], data: Float64Array.from(out) };
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
