/**
 * Study `convex`: optimization where the answer is known.
 *  - Linear regression: gradient descent against the closed form ŵ = (XᵀX)⁻¹Xᵀy, with the
 *    parameter error and loss gap per iteration against the bound for a μ-strongly convex,
 *    L-smooth quadratic: ‖w_k − ŵ‖ ≤ q^k ‖w_0 − ŵ‖, q = max|1 − ηλᵢ| = 1 − μ/L at η = 1/L and
 *    (κ − 1)/(κ + 1) at η = 2/(L + μ) (Nesterov, Introductory Lectures, Thm 2.1.15), and
 *    f(w_k) − f* ≤ q^{2k}(f(w_0) − f*) (every eigencomponent of the error contracts by ≤ q).
 *  - Logistic regression (ridge): GD, Nesterov's accelerated gradient, L-BFGS and Newton, loss gap
 *    on a log scale; the convex bounds f(w_k) − f* ≤ L‖w_0 − w*‖²/(2k) (GD, η = 1/L) and
 *    2L‖w_0 − w*‖²/(k + 1)² (Nesterov) are checked at every iteration.
 *  - Constrained QPs with closed-form solutions, solved by the KKT system, the active-set method
 *    and the augmented Lagrangian, reporting the KKT residuals (src/convex/qp.ts).
 */
import type { OptionSpec } from "../options/option.ts";
import { symmetricEigen } from "../analysis/eigen.ts";
import { Lbfgs } from "../optim/second-order/lbfgs.ts";
import { Newton } from "../optim/second-order/newton.ts";
import { lineChart } from "../report/svg/lineChart.ts";
import type { Table } from "../report/table.ts";
import { gram, leastSquares, logisticObjective, makeProblem, squaredLoss } from "../convex/regression.ts";
import { norm } from "../convex/dense.ts";
import {
  activeSetQP,
  augmentedLagrangian,
  kktResiduals,
  objective,
  solveEqualityQP,
  worstResidual,
  type KktResiduals,
} from "../convex/qp.ts";
import { hyperplaneProjection, simplexProjection, textbookExample, type KnownProblem } from "../convex/examples.ts";
import type { RunSpec, Study, StudyConfig, StudyReport } from "./study.ts";
import { groupByKey, numberOrStat, SEEDS_OPTION, statCell, withSeeds, type SeededSpec } from "./common/seeds.ts";

export const convexOptions = [
  { name: "n", type: "int", min: 2, default: 500, quickDefault: 100, help: "rows of the regression data" },
  { name: "d", type: "int", min: 1, max: 200, default: 10, quickDefault: 5, help: "features" },
  {
    name: "condition",
    type: "number",
    min: 1,
    default: 100,
    quickDefault: 20,
    help: "spread of the feature scales: XᵀX/n has eigenvalues over about this factor",
  },
  { name: "iterations", type: "int", min: 1, default: 2000, quickDefault: 400, help: "gradient-descent iterations" },
  { name: "ridge", type: "number", min: 0, default: 1e-3, help: "L2 strength of the logistic regression" },
  { name: "rho", type: "number", min: 1e-6, default: 10, help: "penalty parameter ρ of the augmented Lagrangian" },
  {
    ...SEEDS_OPTION,
    help: "repeat the two regressions over this many random data draws (seeds seed … seed+N−1) and report mean ± std; the constrained problems are fixed textbook cases with closed-form answers and run once",
  },
] as const satisfies readonly OptionSpec[];

type Config = StudyConfig<typeof convexOptions>;
/** What the two regressions read. */
export type Problem = Pick<Config, "n" | "d" | "condition" | "iterations" | "ridge">;

/** Every `stride`-th entry plus the last: curves stay small in JSON without losing their shape. */
const thin = (values: number[], stride: number) => values.filter((_, k) => k % stride === 0 || k === values.length - 1);

// ---------------------------------------------------------------- linear regression
export interface LinearResult {
  kind: "linear";
  eigenvalues: { mu: number; L: number };
  closedFormResidual: number;
  runs: {
    name: string;
    eta: number;
    bound: number;
    errors: number[];
    gaps: number[];
    measuredRate: number;
    boundHolds: boolean;
    finalRelativeError: number;
  }[];
}

export function runLinear(config: Problem, seed: number): LinearResult {
  const p = makeProblem({ n: config.n, d: config.d, condition: config.condition, kind: "linear", seed });
  const h = gram(p);
  const eig = symmetricEigen(h).values;
  const mu = Math.min(...eig),
    L = Math.max(...eig);
  const wHat = leastSquares(p);
  const fStar = squaredLoss(p, wHat).value;
  const runs = [
    { name: "GD, η = 1/L", eta: 1 / L, bound: 1 - mu / L },
    { name: "GD, η = 2/(L + μ)", eta: 2 / (L + mu), bound: (L - mu) / (L + mu) },
  ].map(({ name, eta, bound }) => {
    let w = new Float64Array(p.d);
    const errors: number[] = [],
      gaps: number[] = [];
    for (let k = 0; k <= config.iterations; k++) {
      const { value, grad } = squaredLoss(p, w);
      errors.push(norm(w.map((v, i) => v - wHat[i])));
      gaps.push(Math.max(value - fStar, 0));
      w = w.map((v, i) => v - eta * grad[i]);
    }
    const half = Math.floor(config.iterations / 2);
    // Geometric mean contraction over the second half, where the slowest mode dominates; stop where rounding takes over.
    const floor = errors.findIndex((e) => e < 1e-12 * norm(wHat));
    const end = floor > 0 ? Math.min(floor, config.iterations) : config.iterations;
    const start = Math.min(half, Math.floor(end / 2));
    const measuredRate = (errors[end] / errors[start]) ** (1 / (end - start));
    const boundHolds = errors.every((e, k) => e <= bound ** k * errors[0] * (1 + 1e-9) + 1e-13 * norm(wHat));
    return {
      name,
      eta,
      bound,
      errors: thin(errors, 10),
      gaps: thin(gaps, 10),
      measuredRate,
      boundHolds,
      finalRelativeError: errors[config.iterations] / norm(wHat),
    };
  });
  return { kind: "linear", eigenvalues: { mu, L }, closedFormResidual: norm(squaredLoss(p, wHat).grad), runs };
}

// ---------------------------------------------------------------- logistic regression
export interface LogisticResult {
  kind: "logistic";
  L: number;
  fStar: number;
  runs: { name: string; gaps: number[]; iterations: number; toTol: (number | null)[]; boundHolds: boolean | null }[];
}

export const GAP_TOLERANCES = [1e-4, 1e-8, 1e-12];

export function runLogistic(config: Problem, seed: number): LogisticResult {
  const p = makeProblem({ n: config.n, d: config.d, condition: config.condition, kind: "logistic", seed: seed + 1 });
  const obj = logisticObjective(p, config.ridge);
  const L = Math.max(...symmetricEigen(gram(p)).values) / 4 + config.ridge;
  const w0 = new Float64Array(p.d);
  // f*: Newton to the last bit.
  const reference = new Newton(obj, w0);
  reference.run({ maxIterations: 100, gradTol: 1e-13 });
  const wStar = reference.w;
  const values: Record<string, number[]> = {};

  const first = (name: string, accelerated: boolean) => {
    let w = w0.slice(),
      prev = w0.slice();
    const v: number[] = [];
    for (let k = 0; k <= config.iterations; k++) {
      // Nesterov (convex form): look ahead by (k − 1)/(k + 2) of the last move, step from there.
      const beta = accelerated && k > 0 ? (k - 1) / (k + 2) : 0;
      const y = w.map((x, i) => x + beta * (x - prev[i]));
      v.push(obj.valueAndGrad(w).value);
      const g = obj.valueAndGrad(y).grad;
      prev = w;
      w = y.map((x, i) => x - g[i] / L);
    }
    values[name] = v;
  };
  first("GD (η = 1/L)", false);
  first("Nesterov (η = 1/L)", true);
  for (const [name, m] of [
    ["L-BFGS", new Lbfgs(obj, w0)],
    ["Newton", new Newton(obj, w0)],
  ] as const) {
    const v = [m.value];
    while (m.iteration < 200 && norm(m.grad) > 1e-13 && m.step()) v.push(m.value);
    values[name] = v;
  }
  const fStar = Math.min(reference.value, ...Object.values(values).flat());
  const r0 = norm(wStar.map((x) => x)) ** 2; // ‖w_0 − w*‖² with w_0 = 0
  const runs = Object.entries(values).map(([name, v]) => {
    const gaps = v.map((x) => Math.max(x - fStar, 0));
    const bound = name.startsWith("GD")
      ? (k: number) => (L * r0) / (2 * k)
      : name.startsWith("Nesterov")
        ? (k: number) => (2 * L * r0) / (k + 1) ** 2
        : null;
    return {
      name,
      gaps: name.startsWith("GD") || name.startsWith("Nesterov") ? thin(gaps, 5) : gaps,
      iterations: v.length - 1,
      toTol: GAP_TOLERANCES.map((t) => {
        const k = gaps.findIndex((g) => g <= t);
        return k < 0 ? null : k;
      }),
      boundHolds: bound ? gaps.every((g, k) => k === 0 || g <= bound(k) * (1 + 1e-9) + 1e-14) : null,
    };
  });
  return { kind: "logistic", L, fStar, runs };
}

// ---------------------------------------------------------------- constrained
export interface ConstrainedRow {
  problem: string;
  method: string;
  iterations: number;
  converged: boolean;
  xError: number;
  multiplierError: number;
  objectiveGap: number;
  residuals: KktResiduals;
  trace: number[];
}

export const PROJECTED_POINT = [0.8, 0.6, -0.2, 0.1, 0.3];

export function runConstrained(rho: number): ConstrainedRow[] {
  const rows: ConstrainedRow[] = [];
  const problems: KnownProblem[] = [
    hyperplaneProjection(PROJECTED_POINT),
    simplexProjection(PROJECTED_POINT),
    textbookExample(),
  ];
  const dist = (a: ArrayLike<number>, b: ArrayLike<number>) => {
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
    return Math.sqrt(s);
  };
  for (const kp of problems) {
    const p = kp.program,
      sol = kp.solution;
    const record = (
      method: string,
      r: {
        x: Float64Array;
        nu: Float64Array;
        lambda: Float64Array;
        iterations: number;
        converged: boolean;
        trace: number[];
      },
    ) =>
      rows.push({
        problem: kp.name,
        method,
        iterations: r.iterations,
        converged: r.converged,
        xError: dist(r.x, sol.x),
        multiplierError: dist([...r.nu, ...r.lambda], [...sol.nu, ...sol.lambda]),
        objectiveGap: objective(p, r.x) - objective(p, sol.x),
        residuals: kktResiduals(p, r),
        trace: r.trace,
      });
    if (!p.g?.length) {
      const k = solveEqualityQP(p.q, p.c, p.a ?? [], p.b ?? new Float64Array(0));
      record("KKT system", {
        x: k.x,
        nu: k.multipliers,
        lambda: new Float64Array(0),
        iterations: 1,
        converged: true,
        trace: [],
      });
    }
    const as = activeSetQP(p, kp.feasibleStart);
    record("active set", { ...as, trace: as.trace.map((t) => worstResidual(t.residuals)) });
    const al = augmentedLagrangian(p, { rho });
    record(`augmented Lagrangian (ρ = ${rho})`, { ...al, trace: al.trace.map((t) => worstResidual(t.residuals)) });
  }
  return rows;
}

// ---------------------------------------------------------------- the study
export type ConvexResult = LinearResult | LogisticResult | { kind: "constrained"; rows: ConstrainedRow[] };

type Spec = (SeededSpec & { kind: "linear" | "logistic" }) | (RunSpec & { kind: "constrained" });

export const convexStudy: Study<ConvexResult, typeof convexOptions, Spec> = {
  name: "convex",
  summary:
    "Linear regression (GD vs the closed form, linear rate vs 1 − μ/L), logistic regression (GD, Nesterov, L-BFGS, Newton) and constrained QPs with Lagrange multipliers (KKT residuals)",
  options: convexOptions,
  // The regressions draw their data from the seed, so --seeds repeats them over data draws; the constrained problems are fixed.
  plan: (config) => [
    ...withSeeds(
      [
        { id: "linear-regression", kind: "linear" as const },
        { id: "logistic-regression", kind: "logistic" as const },
      ],
      config,
    ),
    { id: "constrained", kind: "constrained" as const },
  ],
  async run(spec, config, ctx) {
    let result: ConvexResult;
    if (spec.kind === "linear") result = runLinear(config, spec.seed);
    else if (spec.kind === "logistic") result = runLogistic(config, spec.seed);
    else result = { kind: "constrained", rows: runConstrained(config.rho) };
    ctx.progress(1, `${spec.id} done`);
    return result;
  },
  report(config, results) {
    const report: StudyReport = {
      title: "Convex optimization: closed forms, rates and KKT conditions",
      sections: [],
      metrics: [],
      stepUnit: "iteration",
    };
    for (const { results: rs } of groupByKey(results)) {
      if (rs[0].kind === "linear") report.sections.push(linearSection(rs as LinearResult[], config));
      else if (rs[0].kind === "logistic") report.sections.push(logisticSection(rs as LogisticResult[], config));
      else report.sections.push(constrainedSection((rs[0] as { rows: ConstrainedRow[] }).rows));
    }
    for (const { spec, result } of results) {
      if (result.kind === "linear")
        for (const r of result.runs)
          r.errors.forEach((e, i) =>
            report.metrics.push({
              run: `${spec.id}/${r.name}`,
              step: Math.min(i * 10, config.iterations),
              paramError: e,
              lossGap: r.gaps[i],
            }),
          );
      if (result.kind === "logistic")
        for (const r of result.runs)
          r.gaps.forEach((g, i) =>
            report.metrics.push({
              run: `${spec.id}/${r.name}`,
              step: r.name.startsWith("GD") || r.name.startsWith("Nesterov") ? Math.min(i * 5, r.iterations) : i,
              lossGap: g,
            }),
          );
    }
    return report;
  },
};

const int = (header: string) => ({ header, format: String });
const sci = (x: number) => (x === 0 ? "0" : x.toExponential(2));
const stepOf = (i: number, stride: number, last: number) => Math.min(i * stride, last);

/** "yes"/"no" for one draw; over several, how many held. */
const holdsCell = (flags: boolean[]) =>
  flags.length === 1
    ? flags[0]
      ? "yes"
      : "no"
    : `${flags.every(Boolean) ? "yes" : "no"} (${flags.filter(Boolean).length}/${flags.length})`;
/** A value written one way for one draw, as mean ± std over several. */
const over = (values: number[], one: (x: number) => string) =>
  values.length === 1 ? one(values[0]) : statCell(values);
const drawsLine = (config: StudyConfig, n: number) =>
  n > 1
    ? `\n\nOver ${n} data draws (seeds ${config.seed} … ${config.seed + n - 1}): cells are mean ± sample std; the plots show the draw of seed ${config.seed}.`
    : `\n\nOne data draw, seed ${config.seed}; use --seeds N to repeat over N draws.`;

function linearSection(rs: LinearResult[], config: Config) {
  const r = rs[0];
  const e = (f: (x: LinearResult) => number) => over(rs.map(f), (x) => x.toPrecision(4));
  const table: Table & { caption: string } = {
    caption: `Linear regression, n = ${config.n}, d = ${config.d}: μ = ${e((x) => x.eigenvalues.mu)}, L = ${e((x) => x.eigenvalues.L)} (κ = ${e((x) => x.eigenvalues.L / x.eigenvalues.mu)}), ${config.iterations} iterations from w₀ = 0; ‖∇f(ŵ)‖ of the closed form = ${over(
      rs.map((x) => x.closedFormResidual),
      sci,
    )}`,
    columns: [
      "Method",
      "Step η",
      { header: "Bound q", format: (x: number) => x.toPrecision(6) },
      { header: "Measured rate", format: (x: number) => x.toPrecision(6) },
      "q^k bound holds",
      "Final ‖w − ŵ‖/‖ŵ‖",
      "Final f − f*",
    ],
    rows: r.runs.map((x, i) => {
      const runs = rs.map((y) => y.runs[i]);
      return [
        x.name,
        numberOrStat(runs.map((y) => y.eta)),
        numberOrStat(runs.map((y) => y.bound)),
        numberOrStat(runs.map((y) => y.measuredRate)),
        holdsCell(runs.map((y) => y.boundHolds)),
        over(
          runs.map((y) => y.finalRelativeError),
          sci,
        ),
        over(
          runs.map((y) => y.gaps[y.gaps.length - 1]),
          sci,
        ),
      ];
    }),
  };
  const series = r.runs.flatMap((x) => [
    {
      name: `${x.name}: ‖w_k − ŵ‖`,
      points: x.errors.map((e, i) => [stepOf(i, 10, config.iterations), e] as [number, number]),
    },
    {
      name: `${x.name}: bound q^k‖w₀ − ŵ‖`,
      points: x.errors.map(
        (_, i) =>
          [stepOf(i, 10, config.iterations), x.bound ** stepOf(i, 10, config.iterations) * x.errors[0]] as [
            number,
            number,
          ],
      ),
    },
  ]);
  const gapSeries = r.runs.map((x) => ({
    name: x.name,
    points: x.gaps.map((g, i) => [stepOf(i, 10, config.iterations), g] as [number, number]),
  }));
  const markdown =
    "Gradient descent on f(w) = ½‖Xw − y‖²/n from w₀ = 0 against the closed form ŵ = (XᵀX)⁻¹Xᵀy (normal equations, Gaussian elimination). " +
    "The bound used: the error evolves as e_{k+1} = (I − ηH)e_k with H = XᵀX/n, so ‖e_k‖ ≤ q^k‖e₀‖ with q = max(|1 − ημ|, |1 − ηL|): 1 − μ/L at η = 1/L and (κ − 1)/(κ + 1) at η = 2/(L + μ), and f(w_k) − f* = ½e_kᵀHe_k ≤ q^{2k}(f(w₀) − f*). " +
    "For a quadratic the bound is tight: the measured rate (geometric mean over the second half) is the slowest mode's |1 − ημ|." +
    drawsLine(config, rs.length);
  return {
    heading: "Linear regression: gradient descent vs the closed form",
    markdown,
    tables: [table],
    svgs: [
      {
        name: "convex-linear-error",
        svg: lineChart({
          title: "Parameter error and its bound",
          xLabel: "iteration",
          yLabel: "‖w_k − ŵ‖",
          logY: true,
          series,
        }),
      },
      {
        name: "convex-linear-gap",
        svg: lineChart({
          title: "Loss gap",
          xLabel: "iteration",
          yLabel: "f(w_k) − f*",
          logY: true,
          series: gapSeries,
        }),
      },
    ],
  };
}

function logisticSection(rs: LogisticResult[], config: Config) {
  const r = rs[0];
  const reachedCell = (ks: (number | null)[]) => {
    const reached = ks.filter((k): k is number => k !== null);
    if (reached.length === 0) return "not reached";
    const cell = numberOrStat(reached);
    return reached.length < ks.length ? `${cell} (${ks.length - reached.length} of ${ks.length} not reached)` : cell;
  };
  const table: Table & { caption: string } = {
    caption: `Logistic regression with ridge ${config.ridge}, n = ${config.n}, d = ${config.d}: L ≤ λmax(XᵀX/n)/4 + ridge = ${over(
      rs.map((x) => x.L),
      (x) => x.toPrecision(4),
    )}, f* = ${over(
      rs.map((x) => x.fStar),
      (x) => x.toPrecision(10),
    )} (Newton to ‖∇f‖ ≤ 1e-13)`,
    columns: [
      "Method",
      int("Iterations"),
      ...GAP_TOLERANCES.map((t) => int(`Iterations to gap ≤ ${t}`)),
      "Final f − f*",
      "Convex-rate bound holds",
    ],
    rows: r.runs.map((x, i) => {
      const runs = rs.map((y) => y.runs[i]);
      return [
        x.name,
        numberOrStat(runs.map((y) => y.iterations)),
        ...GAP_TOLERANCES.map((_, t) => reachedCell(runs.map((y) => y.toTol[t]))),
        over(
          runs.map((y) => y.gaps[y.gaps.length - 1]),
          sci,
        ),
        x.boundHolds === null ? "—" : holdsCell(runs.map((y) => y.boundHolds!)),
      ];
    }),
  };
  const series = r.runs.map((x) => ({
    name: x.name,
    points: x.gaps.map(
      (g, i) =>
        [x.name.startsWith("GD") || x.name.startsWith("Nesterov") ? stepOf(i, 5, x.iterations) : i, g] as [
          number,
          number,
        ],
    ),
  }));
  const markdown =
    "The loss gap on a log scale shows the rates: gradient descent's is linear here (the ridge makes the problem strongly convex, with a tiny μ), Nesterov's is faster and non-monotone, L-BFGS is superlinear and Newton quadratic (the gap squares in the last steps). " +
    "Checked at every iteration: GD's f(w_k) − f* ≤ L‖w₀ − w*‖²/(2k) and Nesterov's ≤ 2L‖w₀ − w*‖²/(k + 1)² (Nesterov, Introductory Lectures, Thms 2.1.14 and 2.2.2)." +
    drawsLine(config, rs.length);
  return {
    heading: "Logistic regression: rates on a convex problem",
    markdown,
    tables: [table],
    svgs: [
      {
        name: "convex-logistic-gap",
        svg: lineChart({
          title: "Logistic regression loss gap",
          xLabel: "iteration",
          yLabel: "f(w_k) − f*",
          logY: true,
          series,
        }),
      },
    ],
  };
}

function constrainedSection(rows: ConstrainedRow[]) {
  const table: Table & { caption: string } = {
    caption:
      "Constrained problems with closed-form solutions: errors against the analytic x* and multipliers (ν, λ), and the KKT residuals at the returned point",
    columns: [
      "Problem",
      "Method",
      int("Iterations"),
      "‖x − x*‖",
      "‖(ν, λ) − (ν*, λ*)‖",
      "f − f*",
      "Stationarity ‖∇f + Aᵀν + Gᵀλ‖",
      "Primal ‖Ax − b‖",
      "Primal max(Gx − h)₊",
      "Dual max(−λ)₊",
      "Compl. max|λᵢ(Gx − h)ᵢ|",
    ],
    rows: rows.map((r) => [
      r.problem,
      r.method,
      r.iterations,
      sci(r.xError),
      sci(r.multiplierError),
      sci(r.objectiveGap),
      sci(r.residuals.stationarity),
      sci(r.residuals.equality),
      sci(r.residuals.inequality),
      sci(r.residuals.dualFeasibility),
      sci(r.residuals.complementarity),
    ]),
  };
  const al = rows.filter((r) => r.method.startsWith("augmented"));
  const chart = lineChart({
    title: "Augmented Lagrangian: worst KKT residual per outer iteration",
    xLabel: "outer iteration",
    yLabel: "max KKT residual",
    logY: true,
    series: al.map((r) => ({
      name: r.problem,
      points: r.trace.map((v, i) => [i + 1, Math.max(v, 1e-17)] as [number, number]),
    })),
  });
  const markdown =
    "minimize ½xᵀQx + cᵀx subject to Ax = b and Gx ≤ h. Lagrangian ℒ = f + νᵀ(Ax − b) + λᵀ(Gx − h); KKT: stationarity ∇f + Aᵀν + Gᵀλ = 0, primal feasibility, dual feasibility λ ≥ 0, complementary slackness λᵢ(Gx − h)ᵢ = 0. " +
    "Equalities alone: one solve of the KKT system [Q Aᵀ; A 0][x; ν] = [−c; b]. With inequalities: the primal active-set method (exact in finitely many steps) and the augmented Lagrangian (linear convergence of the multipliers, faster for larger ρ). " +
    "The analytic solutions: projection onto a hyperplane (ν = (1ᵀa − 1)/n), onto the probability simplex (xᵢ = max(aᵢ − τ, 0), ν = τ, λᵢ = max(0, τ − aᵢ)), and Nocedal & Wright's Example 16.4 (x* = (1.4, 1.7), λ₁ = 0.8). " +
    "These problems hold no random data, so they run once whatever --seeds says.";
  return {
    heading: "Constrained optimization with Lagrange multipliers",
    markdown,
    tables: [table],
    svgs: [{ name: "convex-al-residuals", svg: chart }],
  };
}
