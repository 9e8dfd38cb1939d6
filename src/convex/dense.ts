/** Small dense f64 linear algebra for the constrained solvers: rows are Float64Arrays. */
export type Matrix = Float64Array[];

export const zerosMatrix = (rows: number, cols: number): Matrix =>
  Array.from({ length: rows }, () => new Float64Array(cols));

export function matVec(a: Matrix, x: ArrayLike<number>): Float64Array {
  return Float64Array.from(a, (row) => {
    let s = 0;
    for (let j = 0; j < row.length; j++) s += row[j] * x[j];
    return s;
  });
}

/** Aᵀy for A with `cols` columns (A may have no rows). */
export function matTVec(a: Matrix, y: ArrayLike<number>, cols: number): Float64Array {
  const out = new Float64Array(cols);
  a.forEach((row, i) => {
    for (let j = 0; j < cols; j++) out[j] += row[j] * y[i];
  });
  return out;
}

export { dot, norm } from "../optim/second-order/linalg.ts";
export const maxAbs = (a: ArrayLike<number>) => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]));
  return m;
};

/**
 * Solves A x = b by Gaussian elimination with partial pivoting; throws when A is singular to
 * working precision (a pivot below 1e-13 times the largest entry), naming the column.
 */
export function solve(a: Matrix, b: ArrayLike<number>): Float64Array {
  const n = a.length;
  if (b.length !== n || a.some((r) => r.length !== n))
    throw new RangeError(`solve: need an n×n matrix and n values, got ${n}×${a[0]?.length ?? 0} and ${b.length}`);
  const m = a.map((r) => Float64Array.from(r));
  const x = Float64Array.from(b);
  const scale = Math.max(1e-300, ...m.map(maxAbs));
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(m[i][k]) > Math.abs(m[p][k])) p = i;
    if (Math.abs(m[p][k]) < 1e-13 * scale)
      throw new RangeError(`solve: the matrix is singular (no pivot in column ${k})`);
    [m[k], m[p]] = [m[p], m[k]];
    [x[k], x[p]] = [x[p], x[k]];
    for (let i = k + 1; i < n; i++) {
      const f = m[i][k] / m[k][k];
      if (f === 0) continue;
      for (let j = k; j < n; j++) m[i][j] -= f * m[k][j];
      x[i] -= f * x[k];
    }
  }
  for (let i = n - 1; i >= 0; i--) {
    let s = x[i];
    for (let j = i + 1; j < n; j++) s -= m[i][j] * x[j];
    x[i] = s / m[i][i];
  }
  return x;
}
