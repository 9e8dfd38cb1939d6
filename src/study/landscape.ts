/**
 * Study `landscape`: optimizer trajectories on 2-D test functions (src/landscape) drawn over
 * contour plots, so the classic behaviours show at a glance: the zig-zag of gradient descent in
 * an ill-conditioned valley, momentum's overshoot, the adaptive methods' sign-like steps,
 * escaping (or not) the saddle x² − y², Newton's attraction to any stationary point.
 * First-order methods run through runTrajectory (f32, the same fused WASM updates a model gets);
 * L-BFGS and Newton are the f64 second-order minimizers, given the analytic gradient and a
 * Hessian-vector product by central differences of it (ε = 1e-5: error O(ε²) ≈ 1e-10 relative).
 */
import type { OptionSpec } from "../options/option.ts";
import { OPEN_UNIT_INTERVAL, POSITIVE } from "../optim/validate.ts";
import { testFunction, testFunctions, type TestFunction } from "../landscape/functions.ts";
import { runTrajectory } from "../landscape/trajectory.ts";
import type { Objective } from "../optim/second-order/objective.ts";
import { Lbfgs } from "../optim/second-order/lbfgs.ts";
import { Newton } from "../optim/second-order/newton.ts";
import { Sophia } from "../optim/second-order/sophia.ts";
import type { Minimizer } from "../optim/second-order/minimizer.ts";
import { contourPlot } from "../report/svg/contourPlot.ts";
import { lineChart } from "../report/svg/lineChart.ts";
import type { Table } from "../report/table.ts";
import type { RunSpec, Study, StudyConfig, StudyReport } from "./study.ts";
import { CATALOGUE, followCatalogue, isStepEntry } from "../optim/catalogue.ts";

const FUNCTIONS = ["rosenbrock", "beale", "himmelblau", "saddle", "ill-conditioned"] as const;
const OPTIMIZERS = ["sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adam", "lbfgs", "newton", "sophia"] as const;
type OptimizerName = (typeof OPTIMIZERS)[number];
const LABEL: Record<OptimizerName, string> = {
  sgd: "GD",
  momentum: "Momentum",
  nesterov: "Nesterov",
  adagrad: "AdaGrad",
  rmsprop: "RMSProp",
  adam: "Adam",
  lbfgs: "L-BFGS",
  newton: "Newton",
  sophia: "Sophia",
};

/**
 * Learning rates per function: `plain` for GD, momentum and Nesterov (chosen near the stability
 * limit 2/λmax where there is one, so the oscillation shows), `adaptive` for AdaGrad, RMSProp, Adam
 * (their steps are about lr in size whatever the gradient, so lr is a distance on the plot).
 */
export const LEARNING_RATES: Record<string, { plain: number; adaptive: number }> = {
  rosenbrock: { plain: 1.5e-3, adaptive: 0.05 },
  beale: { plain: 5e-3, adaptive: 0.05 },
  himmelblau: { plain: 0.01, adaptive: 0.1 },
  saddle: { plain: 0.05, adaptive: 0.05 },
  "ill-conditioned": { plain: 0.019, adaptive: 0.1 },
};

export const landscapeOptions = [
  {
    name: "functions",
    type: "list",
    choices: testFunctions.map((f) => f.name),
    default: [...FUNCTIONS],
    help: "2-D test functions",
  },
  { name: "optimizers", type: "list", choices: OPTIMIZERS, default: [...OPTIMIZERS], help: "optimizers to trace" },
  { name: "steps", type: "int", min: 1, default: 500, quickDefault: 100, help: "updates of the first-order methods" },
  {
    name: "second-order-steps",
    type: "int",
    min: 1,
    default: 100,
    quickDefault: 30,
    help: "iterations of L-BFGS and Newton at most",
  },
  { name: "momentum", type: "number", ...OPEN_UNIT_INTERVAL, default: 0.9, help: "momentum of Momentum and Nesterov" },
  {
    name: "lr-scale",
    type: "number",
    ...POSITIVE,
    default: 1,
    help: "multiplies every learning rate of the built-in table",
  },
] as const satisfies readonly OptionSpec[];

type Config = StudyConfig<typeof landscapeOptions>;
/** What one path reads. */
export type PathSettings = Pick<Config, "steps" | "second-order-steps" | "momentum" | "lr-scale">;

export interface PathResult {
  points: [number, number][];
  values: number[];
  lr: number | null;
  divergedAt: number | null;
}

/**
 * The one divergence rule of every row: a path diverged at the first step whose point lies farther
 * than DIVERGED_BEYOND from the origin in either coordinate (every function's view and minima lie
 * within 10 of it), or whose point or value is not finite. The path ends at that step.
 */
export const DIVERGED_BEYOND = 1e6;

function cutAtDivergence(r: PathResult): PathResult {
  const k = r.points.findIndex(
    ([x, y], i) => !(Math.abs(x) <= DIVERGED_BEYOND && Math.abs(y) <= DIVERGED_BEYOND && Number.isFinite(r.values[i])),
  );
  if (k < 0) return r;
  if (k === 0)
    throw new RangeError(`landscape: the start (${r.points[0].join(", ")}) is already beyond ±${DIVERGED_BEYOND}`);
  // The point that crossed the line is kept when finite, so the path is drawn leaving the frame.
  const keep = Number.isFinite(r.values[k]) && r.points[k].every(Number.isFinite) ? k + 1 : k;
  return { ...r, points: r.points.slice(0, keep), values: r.values.slice(0, keep), divergedAt: k };
}

function objectiveOf(f: TestFunction): Required<Objective> {
  const eps = 1e-5;
  return {
    dim: 2,
    valueAndGrad: (w) => ({ value: f.value(w[0], w[1]), grad: Float64Array.from(f.gradient(w[0], w[1])) }),
    hvp: (w, v) => {
      const p = f.gradient(w[0] + eps * v[0], w[1] + eps * v[1]),
        m = f.gradient(w[0] - eps * v[0], w[1] - eps * v[1]);
      return Float64Array.of((p[0] - m[0]) / (2 * eps), (p[1] - m[1]) / (2 * eps));
    },
  };
}

function secondOrderPath(
  f: TestFunction,
  make: (o: Objective, w0: number[]) => Minimizer,
  maxSteps: number,
): PathResult {
  const m = make(objectiveOf(f), [...f.starts[0]]);
  const points: [number, number][] = [[m.w[0], m.w[1]]],
    values = [m.value];
  let divergedAt: number | null = null;
  while (m.iteration < maxSteps && Math.hypot(...m.grad) > 1e-10) {
    let moved: boolean;
    try {
      moved = m.step();
    } catch {
      moved = false;
    }
    if (!moved) break;
    const w = m.w;
    points.push([w[0], w[1]]);
    values.push(m.value);
    if (
      !Number.isFinite(m.value) ||
      !w.every(Number.isFinite) ||
      Math.max(Math.abs(w[0]), Math.abs(w[1])) > DIVERGED_BEYOND
    ) {
      divergedAt = m.iteration;
      break;
    }
  }
  return cutAtDivergence({ points, values, lr: null, divergedAt });
}

export function tracePath(fnName: string, optimizer: OptimizerName, config: PathSettings): PathResult {
  const f = testFunction(fnName);
  if (optimizer === "lbfgs") return secondOrderPath(f, (o, w0) => new Lbfgs(o, w0), config["second-order-steps"]);
  if (optimizer === "newton") return secondOrderPath(f, (o, w0) => new Newton(o, w0), config["second-order-steps"]);
  const rates = LEARNING_RATES[fnName] ?? { plain: 1e-3, adaptive: 0.05 };
  // Sophia steps like an adaptive first-order method (at most lr per coordinate), on the f64 path.
  if (optimizer === "sophia")
    return {
      ...secondOrderPath(f, (o, w0) => new Sophia(o, w0, { lr: rates.adaptive * config["lr-scale"] }), config.steps),
      lr: rates.adaptive * config["lr-scale"],
    };
  const adaptive = optimizer === "adagrad" || optimizer === "rmsprop" || optimizer === "adam";
  const lr = (adaptive ? rates.adaptive : rates.plain) * config["lr-scale"];
  const spec =
    optimizer === "momentum"
      ? { name: "sgd", options: { lr, momentum: config.momentum } }
      : optimizer === "nesterov"
        ? { name: "sgd", options: { lr, momentum: config.momentum, nesterov: true } }
        : { name: optimizer, options: { lr } };
  const t = runTrajectory({ fn: f, optimizer: spec, steps: config.steps });
  return cutAtDivergence({ points: t.points, values: t.losses, lr, divergedAt: t.divergedAt });
}

/** What happened, in words: judged from the end point against the function's minima and stationary points. */
export function outcome(f: TestFunction, r: PathResult): { distance: number | null; verdict: string } {
  const [x, y] = r.points[r.points.length - 1];
  const nearest = (ps: readonly (readonly [number, number])[]) =>
    Math.min(...ps.map(([a, b]) => Math.hypot(x - a, y - b)));
  const distance = f.minima.length ? nearest(f.minima) : null;
  if (r.divergedAt !== null)
    return {
      distance,
      verdict: f.minima.length ? `diverged at step ${r.divergedAt}` : `ran off to −∞ (step ${r.divergedAt})`,
    };
  if (distance !== null && distance < 1e-3) return { distance, verdict: "converged" };
  if (f.stationary.length && nearest(f.stationary) < 1e-2)
    return { distance, verdict: f.minima.length ? "stuck at a stationary point" : "stuck at the saddle" };
  if (!f.minima.length)
    return {
      distance,
      verdict: f.value(x, y) < f.value(...f.starts[0]) - 1 ? "escaped the saddle" : "still near the start",
    };
  return { distance, verdict: distance !== null && distance < 0.1 ? "close, not converged" : "not converged" };
}

type Spec = RunSpec & { fn: string; optimizer: OptimizerName };

export const landscapeStudy: Study<PathResult, typeof landscapeOptions, Spec> = {
  name: "landscape",
  summary:
    "Optimizer trajectories on Rosenbrock, Beale, Himmelblau, the saddle x² − y² and an ill-conditioned quadratic, over contour plots (deterministic from fixed start points, so no --seeds)",
  options: landscapeOptions,
  plan(config) {
    return config.functions.flatMap((fn) =>
      config.optimizers.map((optimizer) => ({ id: `${fn}/${optimizer}`, fn, optimizer })),
    );
  },
  async run(spec, config, ctx) {
    const r = tracePath(spec.fn, spec.optimizer, config);
    ctx.progress(1, `${spec.id}: ${r.points.length - 1} steps`);
    return r;
  },
  report(config, results) {
    const report: StudyReport = { title: "Optimizer trajectories on 2-D test functions", sections: [], metrics: [] };
    const rows: Table["rows"][number][] = [];
    for (const fn of config.functions) {
      const f = testFunction(fn);
      const runs = results.filter((r) => r.spec.fn === fn);
      if (!runs.length) continue;
      for (const { spec, result } of runs) {
        const o = outcome(f, result);
        rows.push([
          f.label,
          LABEL[spec.optimizer],
          result.lr ?? "line search",
          result.points.length - 1,
          result.values[result.values.length - 1],
          o.distance ?? "—",
          result.divergedAt !== null ? "yes" : "no",
          o.verdict,
        ]);
        result.values.forEach((v, k) => report.metrics.push({ run: spec.id, step: k, value: v }));
      }
      const contour = contourPlot({
        title: `${f.label}: ${f.formula}`,
        xLabel: "x",
        yLabel: "y",
        f: (x, y) => f.value(x, y),
        xRange: [...f.view.x] as [number, number],
        yRange: [...f.view.y] as [number, number],
        trajectories: runs.map(({ spec, result }) => ({ name: LABEL[spec.optimizer], points: result.points })),
        minimum: f.minima.length ? ([...f.minima[0]] as [number, number]) : undefined,
      });
      const positive = runs.every(({ result }) => result.values.every((v) => !(v < 0)));
      const values = lineChart({
        title: `${f.label}: f along the path`,
        xLabel: "step",
        yLabel: positive ? "f (log)" : "f",
        logY: positive,
        series: runs.map(({ spec, result }) => ({
          name: LABEL[spec.optimizer],
          points: result.values.map((v, k) => [k, positive ? Math.max(v, 1e-16) : v] as [number, number]),
        })),
      });
      report.sections.push({
        heading: f.label,
        markdown: `${f.formula}; start (${f.starts[0].join(", ")}).`,
        svgs: [
          { name: `landscape-${fn}`, svg: contour },
          { name: `landscape-${fn}-values`, svg: values },
        ],
      });
    }
    const table: Table & { caption: string } = {
      caption: `Where each optimizer ended: first-order methods ${config.steps} steps (f32), L-BFGS and Newton at most ${config["second-order-steps"]} iterations (f64); momentum ${config.momentum}. Diverged, the same rule for every row: the path reached a point beyond ±${DIVERGED_BEYOND.toExponential().replace("e+", "e")} in x or y (every view and minimum lies within 10 of the origin), or a non-finite point or value; it ends at that step, and on the saddle (unbounded below) that is running off to −∞`,
      columns: [
        "Function",
        "Optimizer",
        "Learning rate",
        { header: "Steps", format: String },
        "Final f",
        "Distance to nearest minimum",
        "Diverged",
        "Outcome",
      ],
      rows,
    };
    report.sections.unshift({
      heading: "Summary",
      markdown:
        "GD's learning rate on the ill-conditioned quadratic is 0.019, just under 2/λmax = 0.02: the y coordinate flips sign every step while x crawls at rate 1 − 0.019. " +
        "Heavy-ball momentum μ is stable on a quadratic mode while lr·λ < 2(1 + μ), Nesterov only while lr·λ < 2(1 + μ)/(1 + 2μ) (3.8 and ≈ 1.36 for μ = 0.9): at the same learning rate Nesterov can diverge where momentum converges. " +
        "On the saddle (start 0.001 off the x axis) the gradient methods escape, the y component growing by (1 + 2lr) per step; the pure Newton step −H⁻¹∇f would land exactly on the saddle point, but our Newton is damped (H + λI must be positive definite) so on the indefinite Hessian it falls back towards gradient steps and escapes too.\n\n" +
        "The learning rates are fixed per function (a table in the source, scaled by --lr-scale), not tuned: the table says where each method ended with them, nothing more.\n\n" +
        "No --seeds here: every path is deterministic (exact gradients from each function's fixed start point, no data, no sampling), so repeats would draw the same picture. Random starts near the given one would only blur the behaviours the plots exist to show (the saddle start is chosen 0.001 off the axis on purpose).",
      tables: [table],
    });
    return report;
  },
};

// Every other step optimizer of the catalogue (src/optim/catalogue.ts) is a choice too, under its
// label; appended after landscapeOptions took its default, so the default stays the eight above.
followCatalogue(() => {
  for (const e of CATALOGUE) {
    if (!isStepEntry(e) || (OPTIMIZERS as readonly string[]).includes(e.name)) continue;
    (OPTIMIZERS as unknown as string[]).push(e.name);
    (LABEL as Record<string, string>)[e.name] = e.label;
  }
});
