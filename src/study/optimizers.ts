/**
 * Study 1, `optimizers`: every optimizer on the same MLP and data with one learning rate (the
 * survey's protocol) or tuned rates (--tune), each stopped by the adaptive criterion. Two tables
 * in the survey's columns: convergence (method, learning rate, epochs to converge, final training
 * and validation loss) and time (time per epoch, total time to converge).
 */
import type { OptionSpec } from "../options/option.ts";
import { POSITIVE } from "../optim/validate.ts";
import { split, subset } from "../data/index.ts";
import { lineChart } from "../report/svg/lineChart.ts";
import type { AdaptiveStopping } from "../train/stopping.ts";
import type { RunSpec, Study, StudyReport } from "./study.ts";
import { dataOf, mnistData, mnistDataOptions, type DataUsed } from "./common/data.ts";
import { describeMlp, mlp } from "./common/mlp.ts";
import { OPTIMIZER_NAMES, optimizerEntry } from "./common/optimizers.ts";
import { epochsCell, lrCell, timeCell, timeToConvergeCell, valueCell } from "./common/cells.ts";
import { groupByKey, SEEDS_OPTION, withSeeds, type SeededSpec } from "./common/seeds.ts";
import { epochMetrics, trainRun, type TrainOutcome } from "./common/train.ts";
import { learningRateGrid, protocolLine, TUNE_OPTIONS, tuneLearningRate, type Tuning } from "./common/tune.ts";
import { secondOrderRun } from "./common/second-order.ts";

const DEFAULT_OPTIMIZERS = OPTIMIZER_NAMES.filter((n) => n !== "gd" && n !== "sgd");

const options = [
  {
    name: "optimizers",
    type: "list",
    help: "the optimizers to compare",
    choices: OPTIMIZER_NAMES,
    default: DEFAULT_OPTIMIZERS,
    quickDefault: ["minibatch", "momentum", "adam", "lion", "tmsgd", "lbfgs", "adahessian"],
  },
  {
    name: "lr",
    type: "number",
    help: "the learning rate of every optimizer (the papers' protocol)",
    default: 0.01,
    ...POSITIVE,
  },
  {
    name: "epochs",
    type: "int",
    help: "the most epochs a run may take (the adaptive criterion usually stops it first)",
    default: 50,
    quickDefault: 5,
    min: 1,
    max: 100000,
  },
  { name: "batch", type: "int", help: "mini-batch size", default: 64, quickDefault: 32, min: 1 },
  { name: "hidden", type: "int", help: "hidden units of the 784-h-10 MLP", default: 128, quickDefault: 16, min: 1 },
  ...mnistDataOptions({ testHelp: "held-out digits (the validation set of the tables)" }),
  {
    name: "threshold",
    type: "number",
    help: "adaptive stopping: converged once the training loss improves by less than this",
    default: 1e-3,
    min: 0,
  },
  { name: "patience", type: "int", help: "adaptive stopping: that many epochs in a row", default: 2, min: 1 },
  {
    name: "second-order-train",
    type: "int",
    help: "training digits of the full-batch second-order runs",
    default: 1000,
    quickDefault: 200,
    min: 10,
    max: 9990,
  },
  {
    name: "second-order-hidden",
    type: "int",
    help: "hidden units of the second-order runs' smaller MLP",
    default: 32,
    quickDefault: 8,
    min: 1,
  },
  SEEDS_OPTION,
  ...TUNE_OPTIONS,
] as const satisfies readonly OptionSpec[];

interface Spec extends SeededSpec {
  optimizer: string;
}
type Result = TrainOutcome & {
  optimizer: string;
  tuning?: Tuning;
  evaluations?: number;
  model: string;
  trainSize: number;
  data: DataUsed;
};

export const optimizersStudy: Study<Result, typeof options, Spec> = {
  name: "optimizers",
  summary: "every optimizer on an MLP on MNIST: epochs to converge, final losses, time per epoch",
  options,
  plan(config) {
    return withSeeds(
      config.optimizers.map((optimizer) => ({ id: optimizer, optimizer })),
      config,
    );
  },
  async run(spec, config, ctx) {
    const entry = optimizerEntry(spec.optimizer);
    const data = mnistData(config);
    const adaptive = { threshold: config.threshold, patience: config.patience };
    if (entry.kind === "second-order") {
      const train = subset(
        data.train,
        Array.from({ length: Math.min(config["second-order-train"], data.train.n) }, (_, i) => i),
      );
      const hidden = [config["second-order-hidden"]];
      const model = mlp({ inputs: 784, hidden, classes: 10, seed: spec.seed });
      try {
        const r = await secondOrderRun({
          method: entry.name,
          model,
          train,
          validation: data.test,
          lr: config.lr,
          epochs: config.epochs,
          seed: spec.seed,
          stopping: adaptive,
          ctx,
        });
        return {
          ...r,
          optimizer: entry.name,
          model: describeMlp(784, hidden, 10),
          trainSize: train.n,
          data: data.used,
        };
      } finally {
        model.free();
      }
    }
    const batch = entry.batch ?? config.batch;
    const train = async (
      lr: number,
      trainSet = data.train,
      validation = data.test,
      epochs = config.epochs,
      stopping: AdaptiveStopping | undefined = adaptive,
    ) => {
      const model = mlp({ inputs: 784, hidden: [config.hidden], classes: 10, seed: spec.seed });
      try {
        return await trainRun({
          model,
          train: trainSet,
          validation,
          optimizer: (k) => entry.make(lr, k),
          lr,
          epochs,
          batch,
          seed: spec.seed,
          stopping,
          ctx,
        });
      } finally {
        model.free();
      }
    };
    let tuning: Tuning | undefined;
    let lr = config.lr;
    if (config.tune) {
      // Tuned on a split of the training digits (seeded by the config seed, the same for every repeat), never on the reported validation set.
      const parts = split(data.train, { validation: 0.1, seed: config.seed });
      tuning = await tuneLearningRate(
        learningRateGrid(config.quick),
        async (trialLr) =>
          (await train(trialLr, parts.train, parts.validation, config["tune-epochs"], undefined)).finalValidationLoss,
      );
      lr = tuning.chosen;
    }
    const r = await train(lr);
    return {
      ...r,
      optimizer: entry.name,
      tuning,
      model: describeMlp(784, [config.hidden], 10),
      trainSize: data.train.n,
      data: data.used,
    };
  },
  report(config, results) {
    const groups = groupByKey(results);
    const label = (name: string) => optimizerEntry(name).label;
    const lrOf = (rs: Result[]) => {
      const e = optimizerEntry(rs[0].optimizer);
      return e.kind === "second-order" && !e.usesLr ? "— (own step size)" : lrCell(rs.map((r) => r.lr));
    };
    const convergence = {
      columns: [
        "Optimization Method",
        "Learning Rate",
        { header: "Epochs to Converge", align: "right" as const },
        { header: "Final Training Loss", align: "right" as const },
        { header: "Final Validation Loss", align: "right" as const },
        { header: "Final Validation Accuracy", align: "right" as const },
      ],
      rows: groups.map((g) => [
        label(g.key),
        lrOf(g.results),
        epochsCell(g.results),
        valueCell(g.results, (r) => r.finalTrainLoss),
        valueCell(g.results, (r) => r.finalValidationLoss),
        valueCell(g.results, (r) => r.finalAccuracy),
      ]),
    };
    const time = {
      columns: [
        "Optimization Method",
        { header: "Time per Epoch", align: "right" as const },
        { header: "Total Time to Converge", align: "right" as const },
      ],
      rows: groups.map((g) => [
        label(g.key),
        timeCell(g.results, (r) => r.secondsPerEpoch, { perEpoch: true }),
        timeToConvergeCell(g.results, (r) => r.totalSeconds),
      ]),
    };
    const seeds = config.seeds;
    const first = groups.map((g) => ({ name: label(g.key), r: g.results[0] }));
    const curve = (key: "trainLoss" | "validationLoss") =>
      first.map(({ name, r }) => ({ name, points: r.history.map((h) => [h.epoch, h[key] ?? NaN] as const) }));
    const secondOrder = groups.filter((g) => optimizerEntry(g.key).kind === "second-order");
    const tuned = groups.filter((g) => g.results[0].tuning);
    const sections: StudyReport["sections"] = [
      {
        heading: "Setting",
        markdown: [
          `${dataOf(results).source}. Model: MLP ${describeMlp(784, [config.hidden], 10)} (ReLU), cross-entropy, mini-batches of ${config.batch}.`,
          protocolLine(config.tune, config.lr),
          `Adaptive stopping: a run has converged once its training loss improves by less than ${config.threshold} for ${config.patience} epochs in a row; at most ${config.epochs} epochs. "Final" values are at the epoch it stopped; the training loss is over the whole training set in evaluation mode, the validation loss and accuracy over the ${dataOf(results).test} held-out digits.`,
          seeds > 1
            ? `Every run repeated with ${seeds} seeds (${config.seed} … ${config.seed + seeds - 1}: initial weights and batch order; the data sample is fixed by seed ${config.seed}); cells are mean ± sample std.`
            : `One run per optimizer, seed ${config.seed}.`,
          secondOrder.length
            ? `Second-order methods (${secondOrder.map((g) => label(g.key)).join(", ")}) run full batch on a smaller problem: MLP ${describeMlp(784, [config["second-order-hidden"]], 10)} on the first ${config["second-order-train"]} training digits (a Hessian-vector product over 8,000 digits and a 784-${config.hidden}-10 model costs several gradients; L-BFGS keeps f64 history of the whole parameter vector). One iteration counts as an epoch; L-BFGS's line search and Newton-CG's CG steps (at most 10 Hessian-vector products) cost extra evaluations within it; neither takes a learning rate. Their rows are therefore not the same problem as the first-order rows: compare them with each other and by their curves.`
            : "",
        ]
          .filter(Boolean)
          .join("\n\n"),
      },
      { heading: "Convergence", tables: [convergence] },
      {
        heading: "Time",
        markdown:
          "Wall-clock seconds on this machine. These cells differ between runs of the same config (everything else is determined by it), and runs in parallel (--workers) share the cores and memory bandwidth: for times to compare across optimizers, run with --workers 1.",
        tables: [time],
      },
      {
        heading: "Curves",
        svgs: [
          {
            name: "training-loss",
            svg: lineChart({
              title: "Training loss per epoch",
              xLabel: "epoch",
              yLabel: "training loss (mean over the epoch's batches)",
              series: curve("trainLoss"),
              logY: true,
            }),
          },
          {
            name: "validation-loss",
            svg: lineChart({
              title: "Validation loss per epoch",
              xLabel: "epoch",
              yLabel: "validation loss",
              series: curve("validationLoss"),
              logY: true,
            }),
          },
        ],
      },
    ];
    if (tuned.length) {
      const grid = tuned[0].results[0].tuning!.grid;
      sections.push({
        heading: "Learning-rate tuning",
        markdown: `Validation loss after ${config["tune-epochs"]} epoch(s) at each learning rate of the grid (on 10% of the training digits held out from training); the lowest was chosen. ∞: diverged.`,
        tables: [
          {
            columns: ["Optimization Method", ...grid.map((g) => `lr ${g}`), "Chosen"],
            rows: tuned.map((g) => [
              label(g.key),
              ...g.results[0].tuning!.losses,
              lrCell([g.results[0].tuning!.chosen]),
            ]),
          },
        ],
      });
    }
    return {
      title: "Optimizers: convergence and time (MNIST MLP)",
      sections,
      stepUnit: "epoch",
      metrics: results.flatMap(({ spec, result }) => epochMetrics(spec.id, result)),
    };
  },
};

export type { Spec as OptimizersSpec, RunSpec };
