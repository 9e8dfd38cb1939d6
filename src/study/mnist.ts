/**
 * Study 3, `mnist`: the survey's MNIST comparison. A 784-500-10 MLP, learning rate 0.01, batches
 * of 64, 10 epochs, trained with GD (full batch), SGD (batch 1), mini-batch GD, momentum,
 * Nesterov, AdaGrad, RMSProp, Adam and AMSGrad: training-loss and test-accuracy curves per epoch
 * and a final table. The survey's "linear activation" is --activation identity.
 */
import type { OptionSpec } from "../options/option.ts";
import { POSITIVE } from "../optim/validate.ts";
import { split } from "../data/index.ts";
import { lineChart } from "../report/svg/lineChart.ts";
import type { Study, StudyConfig, StudyReport } from "./study.ts";
import { dataOf, mnistData, mnistDataOptions, type DataUsed } from "./common/data.ts";
import { describeMlp, mlp } from "./common/mlp.ts";
import { FIRST_ORDER_NAMES, optimizerEntry, type FirstOrderEntry } from "./common/optimizers.ts";
import { lrCell, timeCell, valueCell } from "./common/cells.ts";
import { groupByKey, SEEDS_OPTION, statCell, withSeeds, type SeededSpec } from "./common/seeds.ts";
import { epochMetrics, trainRun, type TrainOutcome } from "./common/train.ts";
import { learningRateGrid, protocolLine, TUNE_OPTIONS, tuneLearningRate, type Tuning } from "./common/tune.ts";

export const MNIST_OPTIMIZERS = [
  "gd",
  "sgd",
  "minibatch",
  "momentum",
  "nesterov",
  "adagrad",
  "rmsprop",
  "adam",
  "amsgrad",
];

const options = [
  {
    name: "optimizers",
    type: "list",
    help: "the optimizers (gd: full batch, sgd: batch 1, minibatch: --batch)",
    choices: FIRST_ORDER_NAMES,
    default: MNIST_OPTIMIZERS,
  },
  {
    name: "lr",
    type: "number",
    help: "the learning rate of every optimizer (the paper's 0.01)",
    default: 0.01,
    ...POSITIVE,
  },
  { name: "epochs", type: "int", help: "epochs (the paper's 10)", default: 10, quickDefault: 2, min: 1, max: 100000 },
  {
    name: "sgd-epochs",
    type: "int",
    help: "epochs of batch-1 SGD (0: the same as --epochs); one SGD epoch is --train steps",
    default: 0,
    min: 0,
    max: 100000,
  },
  { name: "batch", type: "int", help: "mini-batch size (the paper's 64)", default: 64, quickDefault: 32, min: 1 },
  { name: "hidden", type: "int", help: "hidden units (the paper's 500)", default: 500, quickDefault: 32, min: 1 },
  {
    name: "activation",
    type: "choice",
    help: "hidden activation (identity is the survey's linear activation)",
    choices: ["relu", "identity"],
    default: "relu",
  },
  ...mnistDataOptions(),
  SEEDS_OPTION,
  ...TUNE_OPTIONS,
] as const satisfies readonly OptionSpec[];

interface Spec extends SeededSpec {
  optimizer: string;
}
type Result = TrainOutcome & { optimizer: string; batchSize: number; tuning?: Tuning; data: DataUsed };

const batchLabel = (b: number, n: number) => (b >= n ? `full (${n})` : String(b));

export const mnistStudy: Study<Result, typeof options, Spec> = {
  name: "mnist",
  summary:
    "the survey's 784-500-10 MLP on MNIST with GD, SGD, mini-batch, momentum, Nesterov, AdaGrad, RMSProp, Adam, AMSGrad",
  options,
  plan(config) {
    return withSeeds(
      config.optimizers.map((optimizer) => ({ id: optimizer, optimizer })),
      config,
    );
  },
  async run(spec, config, ctx) {
    const entry = optimizerEntry(spec.optimizer) as FirstOrderEntry;
    const data = mnistData(config);
    const batch = entry.batch ?? config.batch;
    const batchSize = batch === "full" ? data.train.n : batch === "stochastic" ? 1 : batch;
    const epochs = entry.batch === "stochastic" && config["sgd-epochs"] > 0 ? config["sgd-epochs"] : config.epochs;
    const train = async (lr: number, trainSet = data.train, validation = data.test, e = epochs) => {
      const model = mlp({
        inputs: 784,
        hidden: [config.hidden],
        classes: 10,
        activation: config.activation,
        seed: spec.seed,
      });
      try {
        return await trainRun({
          model,
          train: trainSet,
          validation,
          optimizer: (k) => entry.make(lr, k),
          lr,
          epochs: e,
          batch,
          seed: spec.seed,
          ctx,
        });
      } finally {
        model.free();
      }
    };
    let lr = config.lr,
      tuning: Tuning | undefined;
    if (config.tune) {
      const parts = split(data.train, { validation: 0.1, seed: config.seed });
      tuning = await tuneLearningRate(
        learningRateGrid(config.quick),
        async (t) => (await train(t, parts.train, parts.validation, config["tune-epochs"])).finalValidationLoss,
      );
      lr = tuning.chosen;
    }
    return { ...(await train(lr)), optimizer: spec.optimizer, batchSize, tuning, data: data.used };
  },
  report(config, results) {
    const groups = groupByKey(results);
    const label = (name: string) => optimizerEntry(name).label;
    const used = dataOf(results),
      n = used.train;
    const right = (header: string) => ({ header, align: "right" as const });
    const table = {
      columns: [
        "Optimizer",
        right("Batch"),
        right("Learning Rate"),
        right("Epochs"),
        right("Steps"),
        right("Final Training Loss"),
        right("Test Loss"),
        right("Test Accuracy"),
        right("Time"),
      ],
      rows: groups.map((g) => {
        const rs = g.results;
        return [
          label(g.key),
          batchLabel(rs[0].batchSize, n),
          lrCell(rs.map((r) => r.lr)),
          statCell(rs.map((r) => r.history.length)),
          statCell(rs.map((r) => r.steps)),
          valueCell(rs, (r) => r.finalTrainLoss),
          valueCell(rs, (r) => r.finalValidationLoss),
          valueCell(rs, (r) => r.finalAccuracy),
          timeCell(rs, (r) => r.totalSeconds),
        ];
      }),
    };
    const series = (key: "trainLoss" | "validationAccuracy") =>
      groups.map((g) => ({
        name: label(g.key),
        points: g.results[0].history.map((h) => [h.epoch, h[key] ?? NaN] as const),
      }));
    const seeds = config.seeds;
    const sgdEpochs = config["sgd-epochs"];
    const sections: StudyReport["sections"] = [
      {
        heading: "Setting",
        markdown: [
          `${used.source}. Model: MLP ${describeMlp(784, [config.hidden], 10)} with ${config.activation === "identity" ? "the identity (the survey's linear activation)" : "ReLU"} between the layers, cross-entropy; ${config.epochs} epochs; mini-batches of ${config.batch}.`,
          protocolLine(config.tune, config.lr),
          `GD takes one step per epoch (the full batch of ${n}); SGD takes ${n} steps per epoch (batch 1)${sgdEpochs > 0 ? `, and runs a reduced budget of ${sgdEpochs} epoch(s) (--sgd-epochs) instead of ${config.epochs}` : ", over the same number of epochs as the others"}. The Steps column says what each optimizer was given.`,
          "Final training loss: over the whole training set in evaluation mode after the last epoch. Test loss and accuracy: on the held-out digits, which are never trained on. The training-loss curve is the mean over each epoch's batches.",
          seeds > 1
            ? `Every run repeated with ${seeds} seeds; cells are mean ± sample std; curves show seed ${config.seed}.`
            : `One run per optimizer, seed ${config.seed}.`,
        ].join("\n\n"),
      },
      { heading: "Results", tables: [table] },
      {
        heading: "Curves",
        svgs: [
          {
            name: "training-loss",
            svg: lineChart({
              title: "Training loss per epoch",
              xLabel: "epoch",
              yLabel: "training loss",
              series: series("trainLoss"),
              logY: true,
            }),
          },
          {
            name: "test-accuracy",
            svg: lineChart({
              title: "Test accuracy per epoch",
              xLabel: "epoch",
              yLabel: "test accuracy",
              series: series("validationAccuracy"),
            }),
          },
        ],
      },
    ];
    const tuned = groups.filter((g) => g.results[0].tuning);
    if (tuned.length) {
      const grid = tuned[0].results[0].tuning!.grid;
      sections.push({
        heading: "Learning-rate tuning",
        markdown: `Validation loss after ${config["tune-epochs"]} epoch(s) per learning rate (10% of the training digits held out); the lowest was chosen. ∞: diverged.`,
        tables: [
          {
            columns: ["Optimizer", ...grid.map((x) => `lr ${x}`), "Chosen"],
            rows: tuned.map((g) => {
              const t = g.results[0].tuning!;
              return [label(g.key), ...t.losses, lrCell([t.chosen])];
            }),
          },
        ],
      });
    }
    return {
      title: `MNIST: the survey's optimizer comparison (${describeMlp(784, [config.hidden], 10)} MLP)`,
      sections,
      stepUnit: "epoch",
      metrics: results.flatMap(({ spec, result }) => epochMetrics(spec.id, result)),
    };
  },
};

export type { StudyConfig };
