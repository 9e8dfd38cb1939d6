/**
 * The whole Hessian, formed column by column from Hessian-vector products (H·eᵢ) and diagonalized
 * in f64 by Jacobi: the exact reference every estimator of src/analysis is checked against. Costs
 * `dim` HVPs and O(dim³) work, so it is for small networks (a few hundred parameters) only.
 */
import type { HessianVectorProduct } from "./hessian.ts";
import { symmetricEigen } from "./eigen.ts";

/**
 * H with H[i] = (H·eᵢ)ᵀ, symmetrized as (H + Hᵀ)/2; `asymmetry` is max |Hᵢⱼ − Hⱼᵢ| / max |Hᵢⱼ|
 * before that, the rounding error of the HVPs (an f32 engine gives about 1e-6).
 */
export function denseHessian(hv: HessianVectorProduct, dim: number): { h: Float64Array[]; asymmetry: number } {
  if (!Number.isInteger(dim) || dim < 1)
    throw new RangeError(`denseHessian: dim must be a positive integer, got ${dim}`);
  const rows: Float64Array[] = [];
  for (let i = 0; i < dim; i++) {
    const e = new Float64Array(dim);
    e[i] = 1;
    const col = hv(e);
    if (col.length !== dim)
      throw new RangeError(`denseHessian: the HVP returned ${col.length} values for dimension ${dim}`);
    rows.push(Float64Array.from(col));
  }
  let scale = 0,
    skew = 0;
  for (let i = 0; i < dim; i++)
    for (let j = 0; j < dim; j++) {
      scale = Math.max(scale, Math.abs(rows[i][j]));
      if (j > i) skew = Math.max(skew, Math.abs(rows[i][j] - rows[j][i]));
    }
  const h = rows.map((r, i) => r.map((x, j) => (x + rows[j][i]) / 2));
  return { h, asymmetry: scale > 0 ? skew / scale : 0 };
}

/** The eigenvalues of a symmetric matrix, ascending, with their eigenvectors. */
export function exactSpectrum(h: readonly Float64Array[]): { values: Float64Array; vectors: Float64Array[] } {
  const { values, vectors } = symmetricEigen(h);
  const order = Array.from(values.keys()).sort((a, b) => values[a] - values[b]);
  return { values: Float64Array.from(order, (i) => values[i]), vectors: order.map((i) => vectors[i]) };
}

/** tr(H^k)/n for k = 0..maxPower: the moments of the spectral measure that SLQ approximates. */
export function spectralMoments(values: ArrayLike<number>, maxPower: number): number[] {
  return Array.from({ length: maxPower + 1 }, (_, k) => {
    let s = 0;
    for (let i = 0; i < values.length; i++) s += values[i] ** k;
    return s / values.length;
  });
}

/**
 * The exact variance of one Hutchinson draw zᵀHz over Rademacher z: 2·(‖H‖²_F − Σᵢ Hᵢᵢ²).
 * The standard error of a mean of s draws is √(variance/s).
 */
export function hutchinsonVariance(h: readonly Float64Array[]): number {
  let frob = 0,
    diag = 0;
  h.forEach((row, i) => {
    for (const x of row) frob += x * x;
    diag += row[i] ** 2;
  });
  return 2 * (frob - diag);
}
