/**
 * Study 2, `regularization`: the same MLP and optimizer trained without regularization, with an
 * L1 penalty (0.001), an L2 penalty (0.001) and dropout (0.5): training loss, validation loss and
 * final accuracy, the survey's comparison.
 */
import type { OptionSpec } from "../options/option.ts";
import { POSITIVE } from "../optim/validate.ts";
import { lineChart } from "../report/svg/lineChart.ts";
import type { Study, StudyConfig } from "./study.ts";
import { dataOf, mnistData, mnistDataOptions, type DataUsed } from "./common/data.ts";
import { describeMlp, mlp } from "./common/mlp.ts";
import { FIRST_ORDER_NAMES, optimizerEntry, type FirstOrderEntry } from "./common/optimizers.ts";
import { valueCell } from "./common/cells.ts";
import { groupByKey, SEEDS_OPTION, withSeeds, type SeededSpec } from "./common/seeds.ts";
import { epochMetrics, trainRun, type TrainOutcome } from "./common/train.ts";

const METHODS = ["none", "l1", "l2", "dropout"] as const;
type Method = (typeof METHODS)[number];

const options = [
  { name: "methods", type: "list", help: "which regularizations to compare", choices: METHODS, default: [...METHODS] },
  {
    name: "l1",
    type: "number",
    help: "L1 penalty strength (λ·Σ|w| over the weights, not the biases)",
    default: 0.001,
    min: 0,
  },
  {
    name: "l2",
    type: "number",
    help: "L2 penalty strength (λ·Σw² over the weights, not the biases)",
    default: 0.001,
    min: 0,
  },
  {
    name: "dropout",
    type: "number",
    help: "dropout probability after each hidden layer",
    default: 0.5,
    min: 0,
    max: 0.99,
  },
  {
    name: "optimizer",
    type: "choice",
    help: "the optimizer of every run",
    choices: FIRST_ORDER_NAMES,
    default: "momentum",
  },
  { name: "lr", type: "number", help: "learning rate", default: 0.01, ...POSITIVE },
  { name: "epochs", type: "int", help: "epochs", default: 20, quickDefault: 3, min: 1, max: 100000 },
  { name: "batch", type: "int", help: "mini-batch size", default: 64, quickDefault: 32, min: 1 },
  { name: "hidden", type: "int", help: "hidden units of the 784-h-10 MLP", default: 256, quickDefault: 16, min: 1 },
  ...mnistDataOptions({ testHelp: "held-out digits (validation loss and accuracy)" }),
  SEEDS_OPTION,
] as const satisfies readonly OptionSpec[];

interface Spec extends SeededSpec {
  method: Method;
}
type Result = TrainOutcome & { method: Method; data: DataUsed };

const LABELS: Record<Method, (c: StudyConfig<typeof options>) => string> = {
  none: () => "None",
  l1: (c) => `L1 (${c.l1})`,
  l2: (c) => `L2 (${c.l2})`,
  dropout: (c) => `Dropout (${c.dropout})`,
};

export const regularizationStudy: Study<Result, typeof options, Spec> = {
  name: "regularization",
  summary: "none, L1, L2 and dropout on an MNIST MLP: training loss, validation loss, accuracy",
  options,
  plan(config) {
    return withSeeds(
      config.methods.map((method) => ({ id: method, method })),
      config,
    );
  },
  async run(spec, config, ctx) {
    const data = mnistData(config);
    const entry = optimizerEntry(config.optimizer) as FirstOrderEntry;
    const lr = config.lr;
    const model = mlp({
      inputs: 784,
      hidden: [config.hidden],
      classes: 10,
      dropout: spec.method === "dropout" ? config.dropout : 0,
      seed: spec.seed,
    });
    try {
      const r = await trainRun({
        model,
        train: data.train,
        validation: data.test,
        optimizer: (k) => entry.make(lr, k),
        lr,
        epochs: config.epochs,
        batch: entry.batch ?? config.batch,
        seed: spec.seed,
        ctx,
        l1: spec.method === "l1" ? config.l1 : 0,
        l2: spec.method === "l2" ? config.l2 : 0,
      });
      return { ...r, method: spec.method, data: data.used };
    } finally {
      model.free();
    }
  },
  report(config, results) {
    const groups = groupByKey(results);
    const label = (m: Method) => LABELS[m](config);
    const right = (header: string) => ({ header, align: "right" as const });
    const table = {
      columns: [
        "Regularization",
        right("Training Loss"),
        right("Validation Loss"),
        right("Final Accuracy"),
        right("Generalization Gap"),
      ],
      rows: groups.map((g) => [
        label(g.spec.method),
        valueCell(g.results, (r) => r.finalTrainLoss),
        valueCell(g.results, (r) => r.finalValidationLoss),
        valueCell(g.results, (r) => r.finalAccuracy),
        valueCell(g.results, (r) => r.finalValidationLoss - r.finalTrainLoss),
      ]),
    };
    const seeds = config.seeds;
    const series = (key: "trainLoss" | "validationLoss") =>
      groups.map((g) => ({
        name: label(g.spec.method),
        points: g.results[0].history.map((h) => [h.epoch, h[key] ?? NaN] as const),
      }));
    return {
      title: "Regularization: none, L1, L2, dropout (MNIST MLP)",
      sections: [
        {
          heading: "Setting",
          markdown: [
            `${dataOf(results).source}. Model: MLP ${describeMlp(784, [config.hidden], 10)} (ReLU; dropout after the hidden layer in the dropout run), ${optimizerEntry(config.optimizer).label} at lr ${config.lr}, batches of ${config.batch}, ${config.epochs} epochs.`,
            "Training loss: cross-entropy over the whole training set in evaluation mode after the last epoch (no penalty term, no dropout), so the rows compare the same quantity. Validation loss and final accuracy: on the held-out digits. Generalization gap: validation minus training loss.",
            seeds > 1
              ? `Every run repeated with ${seeds} seeds; cells are mean ± sample std.`
              : `One run per method, seed ${config.seed}.`,
          ].join("\n\n"),
        },
        { heading: "Results", tables: [table] },
        {
          heading: "Curves",
          svgs: [
            {
              name: "training-loss",
              svg: lineChart({
                title: "Training loss per epoch (with the penalty, in training mode)",
                xLabel: "epoch",
                yLabel: "training loss",
                series: series("trainLoss"),
                logY: true,
              }),
            },
            {
              name: "validation-loss",
              svg: lineChart({
                title: "Validation loss per epoch",
                xLabel: "epoch",
                yLabel: "validation loss",
                series: series("validationLoss"),
                logY: true,
              }),
            },
          ],
        },
      ],
      stepUnit: "epoch",
      metrics: results.flatMap(({ spec, result }) => epochMetrics(spec.id, result)),
    };
  },
};
