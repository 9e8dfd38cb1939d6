/**
 * The microscope study's report: the planes with their trajectories, the sharpness curves against
 * each method's threshold, the per-layer diagnostics; tables with mean ± std over seeds, curves of
 * the first seed. Metrics: per step the loss, the learning rate and the diagnostics (TensorBoard
 * scalars), per measurement the curvature; histograms of weights, gradients and state buffers.
 */
import { contourPlot } from "../report/svg/contourPlot.ts";
import { lineChart, type Series } from "../report/svg/lineChart.ts";
import { densityPlot } from "../report/svg/density.ts";
import { spectralDensity } from "../analysis/hessian.ts";
import type { Table } from "../report/table.ts";
import type { StudyConfig, StudyReport } from "./study.ts";
import { groupByKey, numberOrStat, seedsLine } from "./common/seeds.ts";
import {
  microscopeOptions,
  microscopeSettings,
  type PlainSurface,
  type LandscapeResult,
  type MicroscopeResult,
  type OptimizerResult,
} from "./microscope-settings.ts";

const SEEDS_CHANGE =
  "the initial weights (the same for every optimizer), the batch order and the estimators' probes; the data sample is fixed by --seed";

/** The surface as a function for contourPlot, bilinear between the nodes (sampled exactly at them with grid = nodes). */
function interpolant(s: PlainSurface): (x: number, y: number) => number {
  const n = s.x.length,
    [x0, x1] = [s.x[0], s.x[n - 1]],
    [y0, y1] = [s.y[0], s.y[n - 1]];
  return (x, y) => {
    const fx = Math.min(n - 1, Math.max(0, ((x - x0) / (x1 - x0)) * (n - 1))),
      fy = Math.min(n - 1, Math.max(0, ((y - y0) / (y1 - y0)) * (n - 1)));
    const i = Math.min(n - 2, Math.floor(fx)),
      j = Math.min(n - 2, Math.floor(fy)),
      u = fx - i,
      v = fy - j;
    const at = (a: number, b: number) => s.values[b * n + a];
    return (
      (1 - u) * (1 - v) * at(i, j) + u * (1 - v) * at(i + 1, j) + (1 - u) * v * at(i, j + 1) + u * v * at(i + 1, j + 1)
    );
  };
}

const last = <T>(xs: readonly T[]) => xs[xs.length - 1];

/** B_simple, or, when the unbiased |G|² estimate came out ≤ 0 (the noise swamps the mean gradient), a lower bound. */
const noiseCell = (n: OptimizerResult["noise"][number] | undefined): number | string =>
  !n ? NaN : n.gradSquared > 0 ? n.bSimple : `> ${n.batches * n.batchSize} (|G|² estimate ≤ 0)`;
const pts = (xs: [number, number][]) => xs.filter(([, y]) => Number.isFinite(y));

export function microscopeReport(
  config: StudyConfig<typeof microscopeOptions>,
  results: { spec: { id: string }; result: MicroscopeResult }[],
): StudyReport {
  const s = microscopeSettings(config);
  const seeds = config.seeds;
  const groups = groupByKey(results as { spec: { id: string; key?: string }; result: MicroscopeResult }[]);
  const runs = groups.filter((g) => g.results[0].kind === "optimizer").map((g) => g.results as OptimizerResult[]);
  const landscape = groups.find((g) => g.results[0].kind === "landscape")?.results[0] as LandscapeResult | undefined;
  const firsts = runs.map((rs) => rs[0]);
  const tag = seeds > 1 ? `, seed ${config.seed}` : "";
  const report: StudyReport = {
    title: "The optimizer microscope: where each method went, how sharp it was there, what its state did",
    sections: [],
    metrics: [],
    histograms: [],
  };
  const model = `784-${s.hidden}-10 ReLU MLP on ${s.train} MNIST digits, ${s.steps} updates each (GD: full batches; others: batches of ${s.batch})`;

  if (landscape) {
    const lp = landscape.pca,
      n = lp.x.length;
    const svgs = [
      {
        name: "microscope-pca-plane",
        svg: contourPlot({
          title: `PCA plane of ${landscape.reference}'s path (${(100 * lp.explained[0]).toFixed(1)}% + ${(100 * lp.explained[1]).toFixed(1)}%)${tag}`,
          xLabel: "PC 1",
          yLabel: "PC 2",
          f: interpolant(lp),
          xRange: [lp.x[0], lp.x[n - 1]],
          yRange: [lp.y[0], lp.y[n - 1]],
          grid: n,
          trajectories: lp.trajectories,
          minimum: [0, 0],
        }),
      },
      {
        name: "microscope-random-plane",
        svg: contourPlot({
          title: `Random filter-normalized plane at ${landscape.reference}'s end${tag}`,
          xLabel: "δ",
          yLabel: "η",
          f: interpolant(landscape.random),
          xRange: [landscape.random.x[0], last(landscape.random.x)],
          yRange: [landscape.random.y[0], last(landscape.random.y)],
          grid: landscape.random.x.length,
          minimum: [0, 0],
        }),
      },
      {
        name: "microscope-interpolation",
        svg: lineChart({
          title: `From the common start (α = 0) to each end (α = 1)${tag}`,
          xLabel: "α",
          yLabel: "training loss",
          logY: true,
          series: landscape.lines.map((l) => ({ name: l.name, points: pts(l.alpha.map((a, i) => [a, l.loss[i]])) })),
        }),
      },
      ...(landscape.between.length
        ? [
            {
              name: "microscope-between",
              svg: lineChart({
                title: `Between the solutions: ${landscape.reference}'s end (α = 0) to each other's (α = 1)${tag}`,
                xLabel: "α",
                yLabel: "training loss",
                logY: true,
                series: landscape.between.map((l) => ({
                  name: l.name,
                  points: pts(l.alpha.map((a, i) => [a, l.loss[i]])),
                })),
              }),
            },
          ]
        : []),
    ];
    const markdown =
      `${model}. Every method starts from the same weights. The PCA plane is spanned by the top two principal directions of ${landscape.reference}'s weight snapshots around its final point (Li et al. 2018 §7), and every method's snapshots are projected onto it (least squares), so a path far from the plane is drawn shorter than it was. ` +
      `The random plane uses two Gaussian directions with filter normalization (Li et al. 2018 §4: each neuron's incoming weights rescaled to the norm of the model's; biases left out). The line plot is Goodfellow et al.'s 2015 1-D interpolation. ` +
      `Each ${n}×${n} surface took ${landscape.surfaceSeconds.toFixed(1)} s here (first-layer products computed once per plane, src/landscape/factored-plane.ts; \`npm run bench -- landscape\` times the 784-500-10 one).`;
    report.sections.push({ heading: "Where they went: the loss landscape", markdown, svgs });
  }

  // Sharpness against thresholds.
  const sharpSeries: Series[] = firsts.flatMap((r) => [
    { name: `${r.label} λmax`, points: pts(r.curvature.map((c) => [c.step, c.whole.top])) },
    {
      name: `${r.label} ${r.optimizer === "adam" || r.optimizer === "adamw" ? "2/η" : "threshold"}`,
      points: pts(r.curvature.map((c) => [c.step, c.threshold])),
    },
  ]);
  const adams = firsts.filter((r) => r.curvature.some((c) => c.preconditioned));
  const preSeries: Series[] = adams.flatMap((r) => [
    {
      name: `${r.label} λmax(P⁻¹H)`,
      points: pts(r.curvature.filter((c) => c.preconditioned).map((c) => [c.step, c.preconditioned!.top])),
    },
    {
      name: `${r.label} (2+2β1)/((1−β1)η)`,
      points: pts(r.curvature.filter((c) => c.preconditioned).map((c) => [c.step, c.preconditioned!.threshold])),
    },
  ]);
  const layerSeries: Series[] = firsts.flatMap((r) =>
    (r.curvature[0]?.layers ?? []).map((l, i) => ({
      name: `${r.label}, layer ${l.name}`,
      points: pts(r.curvature.map((c) => [c.step, c.layers[i].top])),
    })),
  );
  const stat = (rs: OptimizerResult[], f: (r: OptimizerResult) => number) => numberOrStat(rs.map(f));
  const maxOf = (xs: number[]) => (xs.length ? Math.max(...xs) : NaN);
  const summary: Table & { caption: string } = {
    caption: `Per method: the sharpness λmax of the loss on a fixed batch of ${s.measureBatch} training digits (power iteration, ≤ ${s.powerIterations} HVPs) every ${s.every} steps, against its stability threshold${seeds > 1 ? `; mean ± std over ${seeds} seeds` : ""}`,
    columns: [
      "Method",
      "η",
      "Threshold",
      "Final λmax",
      "Max λmax / threshold",
      "Final λmax(P⁻¹H)",
      "Max λmax(P⁻¹H) / (38/η)",
      "Final train loss",
      "Test accuracy",
      "Diverged",
    ],
    rows: runs.map((rs) => {
      const r = rs[0];
      return [
        r.label,
        r.lr,
        last(r.curvature)?.threshold ?? NaN,
        stat(rs, (x) => last(x.curvature)?.whole.top ?? NaN),
        stat(rs, (x) => maxOf(x.curvature.map((c) => c.whole.top / c.threshold))),
        ...(r.curvature.some((c) => c.preconditioned)
          ? [
              stat(rs, (x) => last(x.curvature)?.preconditioned?.top ?? NaN),
              stat(rs, (x) =>
                maxOf(
                  x.curvature
                    .filter((c) => c.preconditioned)
                    .map((c) => c.preconditioned!.top / c.preconditioned!.threshold),
                ),
              ),
            ]
          : ["—", "—"]),
        stat(rs, (x) => x.finalTrainLoss),
        stat(rs, (x) => x.testAccuracy),
        rs
          .filter((x) => x.diverged)
          .map((x) => x.diverged)
          .join("; ") || "no",
      ];
    }),
  };
  report.sections.push({
    heading: "How sharp it was there: curvature against each method's threshold",
    markdown:
      "On a quadratic, gradient descent at step η is stable while the top Hessian eigenvalue stays below 2/η, heavy-ball momentum β below (2 + 2β)/η (Cohen et al. 2021). " +
      "For Adam the relevant quantity is the preconditioned sharpness λmax(P⁻¹H) with P = (1 − β1ᵗ)·diag(√v̂ + ε), against (2 + 2β1)/((1 − β1)η) = 38/η at β1 = 0.9 (Cohen et al. 2022); Adam's plain λmax is shown against 2/η only for comparison. " +
      "Per layer: the top eigenvalue of that layer's diagonal block of the Hessian (the other layers held fixed). Every estimator is checked against the exact Hessian of a small network in test/analysis/exact-hessian.test.ts.\n\n" +
      seedsLine(config, SEEDS_CHANGE),
    tables: [summary],
    svgs: [
      {
        name: "microscope-sharpness",
        svg: lineChart({
          title: `Sharpness λmax and each method's threshold${tag}`,
          xLabel: "step",
          yLabel: "λmax",
          logY: true,
          series: sharpSeries,
        }),
      },
      ...(preSeries.length
        ? [
            {
              name: "microscope-preconditioned",
              svg: lineChart({
                title: `Adam: preconditioned sharpness against 38/η${tag}`,
                xLabel: "step",
                yLabel: "λmax(P⁻¹H)",
                logY: true,
                series: preSeries,
              }),
            },
          ]
        : []),
      ...firsts
        .filter((r) => r.spectrum)
        .map((r) => ({
          name: `microscope-density-${r.optimizer}`,
          svg: densityPlot({
            title: `${r.label}: Hessian spectral density where training ended (SLQ, ${s.lanczosSteps} steps)${tag}`,
            xLabel: "eigenvalue",
            logY: true,
            series: [
              { name: "whole model", ...r.spectrum!.whole },
              ...r.spectrum!.layers.map((l) => ({ ...l, name: `layer ${l.name} block` })),
            ].map((sp, _, all) => {
              // one grid and one smoothing width for all curves, so they compare
              const nodes = all.flatMap((a) => a.nodes),
                lo = Math.min(...nodes),
                hi = Math.max(...nodes),
                sigma = Math.max((hi - lo) / 100, 1e-8);
              const d = spectralDensity(
                { nodes: Float64Array.from(sp.nodes), weights: Float64Array.from(sp.weights) },
                { points: 160, sigma, range: [lo - 5 * sigma, hi + 5 * sigma] },
              );
              return { name: sp.name, points: Array.from(d.x, (x, i) => [x, d.density[i]] as [number, number]) };
            }),
          }),
        })),
      {
        name: "microscope-layer-sharpness",
        svg: lineChart({
          title: `Sharpness per layer (diagonal Hessian blocks)${tag}`,
          xLabel: "step",
          yLabel: "λmax of the block",
          logY: true,
          series: layerSeries,
        }),
      },
    ],
  });

  // Inside the optimizer.
  const perLayer = (f: (l: OptimizerResult["steps"][number]["diagnostics"]["layers"][number]) => number) =>
    firsts.flatMap((r) =>
      (r.steps[0]?.diagnostics.layers ?? []).map((l, i) => ({
        name: `${r.label}, layer ${l.name}`,
        points: pts(r.steps.map((st) => [st.step, f(st.diagnostics.layers[i])])),
      })),
    );
  const whole = (f: (w: OptimizerResult["steps"][number]["diagnostics"]["whole"]) => number) =>
    firsts.map((r) => ({ name: r.label, points: pts(r.steps.map((st) => [st.step, f(st.diagnostics.whole)])) }));
  const meanLast = (xs: number[]) => {
    const tail = xs.slice(-Math.max(1, Math.floor(xs.length / 4))).filter(Number.isFinite);
    return tail.reduce((a, b) => a + b, 0) / tail.length;
  };
  const inside: Table & { caption: string } = {
    caption: `Per method and layer, averaged over the last quarter of the steps: update/weight ratio, cosines, effective learning rate −Δwᵢ/gᵢ (median and 5–95% range over the layer's parameters), and the gradient noise scale B_simple at the last measurement${seeds > 1 ? ` (first seed)` : ""}`,
    columns: [
      "Method",
      { header: "Layer", format: String },
      "‖Δw‖/‖w‖",
      "cos(Δw_t, Δw_t−1)",
      "cos(Δw, −g)",
      "Eff. lr p05",
      "Eff. lr p50",
      "Eff. lr p95",
      "B_simple",
    ],
    rows: firsts.flatMap((r) =>
      (r.steps[0]?.diagnostics.layers ?? []).map((l, i) => {
        const ls = r.steps.map((st) => st.diagnostics.layers[i]);
        return [
          r.label,
          l.name,
          meanLast(ls.map((x) => x.updateRatio)),
          meanLast(ls.map((x) => x.cosPrevious)),
          meanLast(ls.map((x) => x.cosGradient)),
          meanLast(ls.map((x) => x.effectiveLr?.p05 ?? NaN)),
          meanLast(ls.map((x) => x.effectiveLr?.p50 ?? NaN)),
          meanLast(ls.map((x) => x.effectiveLr?.p95 ?? NaN)),
          noiseCell(last(r.noise)),
        ];
      }),
    ),
  };
  report.sections.push({
    heading: "What each method did inside, step by step",
    markdown:
      "After every update, per layer: the update-to-weight norm ratio ‖Δw‖/‖w‖, the cosine between successive updates (near 1: steps agree, as momentum makes them; negative: zig-zag) and between the update and −g (1 for SGD), and the effective per-parameter learning rate −Δwᵢ/gᵢ (η for SGD; η·m̂ᵢ/((√v̂ᵢ + ε)·gᵢ) for Adam). " +
      "The gradient noise scale B_simple = tr Σ/|G|² (McCandlish et al. 2018) is estimated from up to 32 disjoint batches at the current weights (their App. A.1 estimators with B_small the batch and B_big all of them); where the unbiased estimate of |G|² comes out ≤ 0 the noise swamps the mean gradient at that B_big, and the table says so. Histograms of weights, gradients and every optimizer state buffer per layer are in the TensorBoard files (tb/), with the learning rate and these diagnostics as scalars.",
    tables: [inside],
    svgs: [
      {
        name: "microscope-update-ratio",
        svg: lineChart({
          title: `Update-to-weight ratio per layer${tag}`,
          xLabel: "step",
          yLabel: "‖Δw‖/‖w‖",
          logY: true,
          series: perLayer((l) => l.updateRatio),
        }),
      },
      {
        name: "microscope-cos-previous",
        svg: lineChart({
          title: `Cosine between successive updates${tag}`,
          xLabel: "step",
          yLabel: "cos(Δw_t, Δw_t−1)",
          series: whole((w) => w.cosPrevious),
        }),
      },
      {
        name: "microscope-cos-gradient",
        svg: lineChart({
          title: `Cosine between the update and −g${tag}`,
          xLabel: "step",
          yLabel: "cos(Δw, −g)",
          series: whole((w) => w.cosGradient),
        }),
      },
      {
        name: "microscope-effective-lr",
        svg: lineChart({
          title: `Median effective learning rate −Δwᵢ/gᵢ per layer${tag}`,
          xLabel: "step",
          yLabel: "−Δw/g",
          logY: true,
          series: perLayer((l) => (l.effectiveLr && l.effectiveLr.p50 > 0 ? l.effectiveLr.p50 : NaN)),
        }),
      },
      {
        name: "microscope-noise-scale",
        svg: lineChart({
          title: `Gradient noise scale B_simple${tag}`,
          xLabel: "step",
          yLabel: "B_simple",
          logY: true,
          series: firsts.map((r) => ({
            name: r.label,
            points: pts(r.noise.map((x) => [x.step, x.gradSquared > 0 ? x.bSimple : NaN])),
          })),
        }),
      },
    ],
  });

  // Metric rows keep only finite values (no cosine before the second step, no preconditioner before Adam's first).
  const finite = (row: StudyReport["metrics"][number]) =>
    Object.fromEntries(
      Object.entries(row).filter(([, v]) => typeof v === "string" || Number.isFinite(v)),
    ) as StudyReport["metrics"][number];
  for (const { spec, result: r } of results) {
    if (r.kind !== "optimizer") continue;
    for (const st of r.steps) {
      const row: StudyReport["metrics"][number] = {
        run: spec.id,
        step: st.step,
        loss: st.loss,
        lr: st.lr,
        updateRatio: st.diagnostics.whole.updateRatio,
        cosPrevious: st.diagnostics.whole.cosPrevious,
        cosGradient: st.diagnostics.whole.cosGradient,
      };
      for (const l of st.diagnostics.layers) {
        row[`updateRatio/${l.name}`] = l.updateRatio;
        row[`effectiveLrMedian/${l.name}`] = l.effectiveLr?.p50 ?? NaN;
      }
      report.metrics.push(finite(row));
    }
    for (const c of r.curvature) {
      const row: StudyReport["metrics"][number] = {
        run: spec.id,
        step: c.step,
        sharpness: c.whole.top,
        threshold: c.threshold,
        trace: c.whole.trace,
      };
      for (const l of c.layers) row[`sharpness/${l.name}`] = l.top;
      if (c.preconditioned) {
        row.preconditionedSharpness = c.preconditioned.top;
        row.preconditionedThreshold = c.preconditioned.threshold;
      }
      report.metrics.push(finite(row));
    }
    for (const nz of r.noise) report.metrics.push(finite({ run: spec.id, step: nz.step, noiseScale: nz.bSimple }));
    for (const h of r.histograms)
      report.histograms!.push({ run: spec.id, step: h.step, tag: h.tag, histogram: h.histogram });
  }
  return report;
}
