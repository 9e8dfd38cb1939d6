/**
 * The microscope's diagnostics for a path over a 2-D test function: the sharpness (top eigenvalue of
 * the Hessian) at every point, the update-to-weight ratio ‖Δw‖/‖w‖ and the cosine between
 * successive updates. The Hessian is central differences of the analytic gradient (ε = 1e-5, error
 * O(ε²) relative), as the landscape study's second-order methods use it. Portable: the playground runs it.
 */
import type { TestFunction } from "./functions.ts";

/** The symmetric 2×2 Hessian [[a, b], [b, c]] at (x, y). */
export function hessian2(f: TestFunction, x: number, y: number, eps = 1e-5): [number, number, number] {
  const [gxp, gyp] = f.gradient(x + eps, y),
    [gxm, gym] = f.gradient(x - eps, y);
  const [gxq, gyq] = f.gradient(x, y + eps),
    [gxr, gyr] = f.gradient(x, y - eps);
  const a = (gxp - gxm) / (2 * eps),
    c = (gyq - gyr) / (2 * eps);
  const b = (gyp - gym + (gxq - gxr)) / (4 * eps); // both mixed differences, averaged
  return [a, b, c];
}

/** The larger eigenvalue of [[a, b], [b, c]], in closed form. */
export function sharpness2(f: TestFunction, x: number, y: number): number {
  const [a, b, c] = hessian2(f, x, y);
  return (a + c) / 2 + Math.hypot((a - c) / 2, b);
}

export interface PathDiagnostics {
  /** At every point, the start included. */
  sharpness: number[];
  /** Per update k ≥ 1: ‖p_k − p_{k−1}‖ / ‖p_{k−1}‖ (NaN at the origin). */
  updateRatio: number[];
  /** Per update k ≥ 2: cos(p_k − p_{k−1}, p_{k−1} − p_{k−2}); NaN for the first, or a zero step. */
  cosPrevious: number[];
}

export function pathDiagnostics(f: TestFunction, points: readonly (readonly [number, number])[]): PathDiagnostics {
  const d = points.slice(1).map((p, k) => [p[0] - points[k][0], p[1] - points[k][1]] as const);
  return {
    sharpness: points.map(([x, y]) => sharpness2(f, x, y)),
    updateRatio: d.map(([dx, dy], k) => {
      const w = Math.hypot(...points[k]);
      return w > 0 ? Math.hypot(dx, dy) / w : NaN;
    }),
    cosPrevious: d.map(([dx, dy], k) => {
      if (k === 0) return NaN;
      const [px, py] = d[k - 1],
        n = Math.hypot(dx, dy) * Math.hypot(px, py);
      return n > 0 ? (dx * px + dy * py) / n : NaN;
    }),
  };
}
