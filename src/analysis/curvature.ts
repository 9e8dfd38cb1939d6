/**
 * Curvature of a loss from Hessian-vector products, split the way optimizer research reads it:
 * per parameter group (a layer's block H_gg of the Hessian) and for the whole model, and for an
 * adaptive method preconditioned by its own state.
 *
 * Preconditioned sharpness (Cohen et al. 2022, "Adaptive gradient methods at the edge of
 * stability", §2): Adam's update is w ← w − η·P⁻¹m with P = (1 − β1ᵗ)·diag(√v̂ + ε), and it is
 * stable on a quadratic only while λmax(P⁻¹H) < (2 + 2β1)/((1 − β1)·η), which is 38/η at β1 = 0.9.
 * P⁻¹H is not symmetric but is similar to P^{-1/2}·H·P^{-1/2}, whose eigenvalues we compute.
 */
import { hutchinsonTrace, topEigenvalue, type HessianVectorProduct } from "./hessian.ts";

/** A contiguous block [offset, offset + length) of the flat parameter vector, named. */
export interface ParameterGroup {
  name: string;
  offset: number;
  length: number;
}

/** v ↦ H_gg·v: the Hessian restricted to one group (the other coordinates held fixed). */
export function blockHvp(hv: HessianVectorProduct, dim: number, group: ParameterGroup): HessianVectorProduct {
  const { offset, length, name } = group;
  if (!Number.isInteger(offset) || !Number.isInteger(length) || offset < 0 || length < 1 || offset + length > dim) {
    throw new RangeError(
      `blockHvp: group ${name} = [${offset}, ${offset + length}) is not inside the ${dim} parameters`,
    );
  }
  return (v) => {
    if (v.length !== length)
      throw new RangeError(`blockHvp: group ${name} has ${length} parameters, the vector ${v.length}`);
    const full = new Float64Array(dim);
    full.set(v, offset);
    return hv(full).slice(offset, offset + length);
  };
}

/** v ↦ P^{-1/2}·H·P^{-1/2}·v for a positive diagonal P: its spectrum is that of P⁻¹H. */
export function preconditionedHvp(hv: HessianVectorProduct, p: Float64Array): HessianVectorProduct {
  p.forEach((x, i) => {
    if (!(x > 0) || !Number.isFinite(x))
      throw new RangeError(`preconditionedHvp: P[${i}] = ${x}; the preconditioner must be positive and finite`);
  });
  const r = p.map((x) => 1 / Math.sqrt(x));
  return (v) => {
    if (v.length !== p.length)
      throw new RangeError(`preconditionedHvp: vector has ${v.length} values, the preconditioner ${p.length}`);
    return hv(v.map((x, i) => x * r[i])).map((x, i) => x * r[i]);
  };
}

/**
 * Adam's preconditioner after t updates (Cohen et al. 2022 eq. 2): P = (1 − β1ᵗ)·(√(v/(1 − β2ᵗ)) + ε),
 * so that Adam's step is exactly η·P⁻¹m for our uncorrected first moment m.
 */
export function adamPreconditioner(
  v: ArrayLike<number>,
  t: number,
  { beta1, beta2, eps }: { beta1: number; beta2: number; eps: number },
): Float64Array {
  if (!Number.isInteger(t) || t < 1)
    throw new RangeError(`adamPreconditioner: step t must be an integer ≥ 1 (after the first update), got ${t}`);
  const bc1 = 1 - beta1 ** t,
    bc2 = 1 - beta2 ** t;
  return Float64Array.from(v, (x) => bc1 * (Math.sqrt(x / bc2) + eps));
}

/** Stability thresholds on a quadratic: 2/η for gradient descent, (2 + 2β)/η for heavy-ball momentum β (Cohen et al. 2021, App. B). */
export const gdThreshold = (lr: number, momentum = 0) => (2 + 2 * momentum) / lr;
/** Adam's on the preconditioned sharpness, (2 + 2β1)/((1 − β1)·η): 38/η at β1 = 0.9 (Cohen et al. 2022). */
export const adamThreshold = (lr: number, beta1: number) => (2 + 2 * beta1) / ((1 - beta1) * lr);

export interface CurvatureOptions {
  iterations?: number;
  tol?: number;
  hutchinson?: number;
  seed?: number;
}
export interface Curvature {
  top: number;
  trace: number;
  traceSE: number;
}

/** Sharpness (power iteration) and trace (Hutchinson) of one symmetric operator. */
export function curvatureOf(
  hv: HessianVectorProduct,
  dim: number,
  { iterations = 100, tol = 1e-4, hutchinson = 10, seed = 0 }: CurvatureOptions = {},
): Curvature {
  const top = topEigenvalue(hv, dim, { iterations, tol, seed });
  const tr = hutchinsonTrace(hv, dim, { samples: hutchinson, seed: seed + 7919 });
  return { top: top.value, trace: tr.value, traceSE: tr.standardError };
}

/** The whole model's curvature and each group's block, with the same estimator settings. */
export function curvatureByGroup(
  hv: HessianVectorProduct,
  dim: number,
  groups: readonly ParameterGroup[],
  options: CurvatureOptions = {},
) {
  return {
    whole: curvatureOf(hv, dim, options),
    groups: groups.map((g) => ({ name: g.name, ...curvatureOf(blockHvp(hv, dim, g), g.length, options) })),
  };
}
