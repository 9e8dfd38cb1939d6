/**
 * Convex quadratic programs with Lagrange multipliers:
 *   minimize f(x) = ½xᵀQx + cᵀx   subject to   Ax = b,  Gx ≤ h,
 * with Lagrangian ℒ(x, ν, λ) = f(x) + νᵀ(Ax − b) + λᵀ(Gx − h). The KKT conditions are
 *   stationarity  Qx + c + Aᵀν + Gᵀλ = 0,   primal feasibility  Ax = b, Gx ≤ h,
 *   dual feasibility  λ ≥ 0,               complementary slackness  λᵢ(Gx − h)ᵢ = 0;
 * for Q positive semidefinite they are sufficient for a global minimum (Boyd & Vandenberghe §5.5.3).
 * Three solvers: the KKT linear system when there are only equalities; the primal active-set
 * method (Nocedal & Wright, Algorithm 16.3) from a feasible point; and the augmented Lagrangian
 * (method of multipliers, N&W §17.3–17.4) whose piecewise-quadratic inner problem is solved
 * exactly by a semismooth Newton iteration on its active pattern.
 */
import { dot, matTVec, matVec, norm, solve, zerosMatrix, type Matrix } from "./dense.ts";

export interface QuadraticProgram {
  q: Matrix;
  c: Float64Array;
  /** Equality constraints Ax = b (rows of A). */
  a?: Matrix;
  b?: Float64Array;
  /** Inequality constraints Gx ≤ h (rows of G). */
  g?: Matrix;
  h?: Float64Array;
}

export interface KktPoint {
  x: Float64Array;
  nu: Float64Array;
  lambda: Float64Array;
}

export interface KktResiduals {
  /** ‖Qx + c + Aᵀν + Gᵀλ‖₂ */
  stationarity: number;
  /** ‖Ax − b‖₂ */
  equality: number;
  /** max(0, maxᵢ (Gx − h)ᵢ) */
  inequality: number;
  /** max(0, maxᵢ −λᵢ) */
  dualFeasibility: number;
  /** maxᵢ |λᵢ (Gx − h)ᵢ| */
  complementarity: number;
}

const rowsOf = (m: Matrix | undefined) => m ?? [];
const valuesOf = (v: Float64Array | undefined) => v ?? new Float64Array(0);

export function objective(p: QuadraticProgram, x: Float64Array): number {
  return 0.5 * dot(x, matVec(p.q, x)) + dot(p.c, x);
}

export function validateProgram(p: QuadraticProgram): number {
  const n = p.c.length;
  if (p.q.length !== n || p.q.some((r) => r.length !== n)) throw new RangeError(`qp: Q must be ${n}×${n} to match c`);
  const check = (name: string, m: Matrix | undefined, v: Float64Array | undefined) => {
    if ((m?.length ?? 0) !== (v?.length ?? 0))
      throw new RangeError(`qp: ${name} has ${m?.length ?? 0} rows but its right side ${v?.length ?? 0} values`);
    m?.forEach((r, i) => {
      if (r.length !== n) throw new RangeError(`qp: row ${i} of ${name} has ${r.length} values, expected ${n}`);
    });
  };
  check("A", p.a, p.b);
  check("G", p.g, p.h);
  return n;
}

export function kktResiduals(p: QuadraticProgram, { x, nu, lambda }: KktPoint): KktResiduals {
  const n = p.c.length;
  const grad = matVec(p.q, x);
  for (let i = 0; i < n; i++) grad[i] += p.c[i];
  const aT = matTVec(rowsOf(p.a), nu, n),
    gT = matTVec(rowsOf(p.g), lambda, n);
  for (let i = 0; i < n; i++) grad[i] += aT[i] + gT[i];
  const eq = matVec(rowsOf(p.a), x).map((v, i) => v - valuesOf(p.b)[i]);
  const slack = matVec(rowsOf(p.g), x).map((v, i) => v - valuesOf(p.h)[i]);
  let inequality = 0,
    dualFeasibility = 0,
    complementarity = 0;
  slack.forEach((s, i) => {
    inequality = Math.max(inequality, s);
    dualFeasibility = Math.max(dualFeasibility, -lambda[i]);
    complementarity = Math.max(complementarity, Math.abs(lambda[i] * s));
  });
  return { stationarity: norm(grad), equality: norm(eq), inequality, dualFeasibility, complementarity };
}

export const worstResidual = (r: KktResiduals) =>
  Math.max(r.stationarity, r.equality, r.inequality, r.dualFeasibility, r.complementarity);

/**
 * Minimizes ½xᵀQx + cᵀx subject to Cx = d by solving the KKT system
 *   [Q  Cᵀ] [x]   [−c]
 *   [C  0 ] [μ] = [ d]
 * (nonsingular when C has full row rank and Q is positive definite on C's null space).
 */
export function solveEqualityQP(
  q: Matrix,
  c: ArrayLike<number>,
  rows: Matrix,
  d: ArrayLike<number>,
): { x: Float64Array; multipliers: Float64Array } {
  const n = c.length,
    m = rows.length;
  const k = zerosMatrix(n + m, n + m);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) k[i][j] = q[i][j];
  rows.forEach((r, i) => {
    for (let j = 0; j < n; j++) {
      k[n + i][j] = r[j];
      k[j][n + i] = r[j];
    }
  });
  const rhs = new Float64Array(n + m);
  for (let i = 0; i < n; i++) rhs[i] = -c[i];
  for (let i = 0; i < m; i++) rhs[n + i] = d[i];
  const sol = solve(k, rhs);
  return { x: sol.slice(0, n), multipliers: sol.slice(n) };
}

export interface SolverTrace {
  iteration: number;
  residuals: KktResiduals;
  objective: number;
}
export interface SolverResult extends KktPoint {
  iterations: number;
  converged: boolean;
  trace: SolverTrace[];
  activeSet: number[];
}

/**
 * The primal active-set method for a convex QP from a feasible x₀ (N&W Algorithm 16.3). The working
 * set W starts empty; each iteration solves the equality QP for a step p with Ap = 0 and G_W p = 0.
 * p = 0: if every multiplier of W is ≥ 0, x is optimal; else the constraint with the most negative
 * one leaves W. p ≠ 0: step as far as the nearest blocking constraint allows (it joins W).
 */
export function activeSetQP(
  p: QuadraticProgram,
  x0: ArrayLike<number>,
  { maxIterations = 200, tol = 1e-12 } = {},
): SolverResult {
  validateProgram(p);
  const a = rowsOf(p.a),
    g = rowsOf(p.g),
    h = valuesOf(p.h);
  let x: Float64Array = Float64Array.from(x0);
  const infeasible = Math.max(
    0,
    ...matVec(g, x).map((v, i) => v - h[i]),
    ...matVec(a, x).map((v, i) => Math.abs(v - valuesOf(p.b)[i])),
  );
  if (infeasible > 1e-9)
    throw new RangeError(`activeSetQP: the start point violates a constraint by ${infeasible}; it must be feasible`);
  let working: number[] = [];
  const trace: SolverTrace[] = [];
  let point: KktPoint = { x, nu: new Float64Array(a.length), lambda: new Float64Array(g.length) };
  for (let it = 1; it <= maxIterations; it++) {
    const grad = matVec(p.q, x).map((v, i) => v + p.c[i]);
    const rows = [...a, ...working.map((i) => g[i])];
    const step = solveEqualityQP(p.q, grad, rows, new Float64Array(rows.length));
    // The step's multipliers are those of the full problem at x + p (same constraint rows).
    const nu = step.multipliers.slice(0, a.length);
    const lambda = new Float64Array(g.length);
    working.forEach((i, k) => {
      lambda[i] = step.multipliers[a.length + k];
    });
    if (norm(step.x) <= tol * (1 + norm(x))) {
      point = { x, nu, lambda };
      trace.push({ iteration: it, residuals: kktResiduals(p, point), objective: objective(p, x) });
      let worst = -1;
      for (const i of working) if (lambda[i] < -tol && (worst < 0 || lambda[i] < lambda[worst])) worst = i;
      if (worst < 0)
        return { ...point, iterations: it, converged: true, trace, activeSet: [...working].sort((u, v) => u - v) };
      working = working.filter((i) => i !== worst);
      continue;
    }
    let alpha = 1,
      blocking = -1;
    g.forEach((row, i) => {
      if (working.includes(i)) return;
      const gp = dot(row, step.x);
      if (gp <= tol) return;
      const room = (h[i] - dot(row, x)) / gp;
      if (room < alpha) {
        alpha = Math.max(0, room);
        blocking = i;
      }
    });
    x = x.map((v, i) => v + alpha * step.x[i]);
    if (blocking >= 0) working.push(blocking);
    point = { x, nu, lambda };
    trace.push({ iteration: it, residuals: kktResiduals(p, point), objective: objective(p, x) });
  }
  return {
    ...point,
    iterations: maxIterations,
    converged: false,
    trace,
    activeSet: [...working].sort((u, v) => u - v),
  };
}

/**
 * The augmented Lagrangian method (method of multipliers) with the inequalities handled by the
 * Rockafellar form: each outer iteration minimizes
 *   Φ(x) = f(x) + νᵀ(Ax − b) + (ρ/2)‖Ax − b‖² + (1/2ρ) Σᵢ [max(0, λᵢ + ρ(Gx − h)ᵢ)² − λᵢ²]
 * exactly (Φ is piecewise quadratic: Newton on the current pattern S = {i : λᵢ + ρ(Gx − h)ᵢ > 0}
 * until S repeats), then updates ν ← ν + ρ(Ax − b), λ ← max(0, λ + ρ(Gx − h)). After the update,
 * stationarity holds exactly and λ ≥ 0 by construction; feasibility and complementarity shrink
 * from one outer iteration to the next.
 */
export function augmentedLagrangian(
  p: QuadraticProgram,
  {
    rho = 10,
    maxIterations = 100,
    tol = 1e-10,
    x0,
  }: { rho?: number; maxIterations?: number; tol?: number; x0?: ArrayLike<number> } = {},
): SolverResult {
  const n = validateProgram(p);
  if (!(rho > 0)) throw new RangeError(`augmentedLagrangian: rho must be > 0, got ${rho}`);
  const a = rowsOf(p.a),
    b = valuesOf(p.b),
    g = rowsOf(p.g),
    h = valuesOf(p.h);
  let x: Float64Array = x0 ? Float64Array.from(x0) : new Float64Array(n);
  let nu = new Float64Array(a.length),
    lambda = new Float64Array(g.length);
  const trace: SolverTrace[] = [];
  const pattern = (xx: Float64Array) => g.map((row, i) => lambda[i] + rho * (dot(row, xx) - h[i]) > 0);
  for (let it = 1; it <= maxIterations; it++) {
    let active = pattern(x);
    for (let inner = 0; inner < 100; inner++) {
      // (Q + ρAᵀA + ρG_SᵀG_S) x = −c − Aᵀ(ν − ρb) − G_Sᵀ(λ_S − ρh_S)
      const m = p.q.map((r) => Float64Array.from(r));
      const rhs = Float64Array.from(p.c, (v) => -v);
      const addRow = (row: Float64Array, shift: number) => {
        for (let i = 0; i < n; i++) {
          rhs[i] -= row[i] * shift;
          for (let j = 0; j < n; j++) m[i][j] += rho * row[i] * row[j];
        }
      };
      a.forEach((row, i) => addRow(row, nu[i] - rho * b[i]));
      g.forEach((row, i) => {
        if (active[i]) addRow(row, lambda[i] - rho * h[i]);
      });
      x = solve(m, rhs);
      const next = pattern(x);
      if (next.every((v, i) => v === active[i])) break;
      active = next;
    }
    nu = nu.map((v, i) => v + rho * (dot(a[i], x) - b[i]));
    lambda = lambda.map((v, i) => Math.max(0, v + rho * (dot(g[i], x) - h[i])));
    const residuals = kktResiduals(p, { x, nu, lambda });
    trace.push({ iteration: it, residuals, objective: objective(p, x) });
    if (worstResidual(residuals) <= tol) {
      return {
        x,
        nu,
        lambda,
        iterations: it,
        converged: true,
        trace,
        activeSet: lambda.reduce<number[]>((s, v, i) => (v > 0 ? [...s, i] : s), []),
      };
    }
  }
  return {
    x,
    nu,
    lambda,
    iterations: maxIterations,
    converged: false,
    trace,
    activeSet: lambda.reduce<number[]>((s, v, i) => (v > 0 ? [...s, i] : s), []),
  };
}
