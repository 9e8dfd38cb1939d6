/**
 * Study 4, `karate`: link prediction on Zachary's karate club. A graph auto-encoder (two
 * GraphConv layers, inner-product decoder; common/link-model.ts) trained with each optimizer,
 * beside the classic neighbourhood heuristics on the same seeded splits: training loss, test
 * accuracy and ROC AUC. 15% of the edges are held out with as many non-edges.
 */
import type { OptionSpec } from "../options/option.ts";
import { POSITIVE } from "../optim/validate.ts";
import {
  edgeCount,
  evaluateHeuristics,
  karateClub,
  linkPredictionSplit,
  makeGraph,
  LINK_HEURISTICS,
  type LinkHeuristicName,
  type LinkSplit,
} from "../data/index.ts";
import { Random } from "../random.ts";
import { formatNumber } from "../report/format.ts";
import { lineChart } from "../report/svg/lineChart.ts";
import type { Study, StudyReport } from "./study.ts";
import { FIRST_ORDER_NAMES, optimizerEntry, type FirstOrderEntry } from "./common/optimizers.ts";
import { lrCell, timeCell, valueCell } from "./common/cells.ts";
import { groupByKey, SEEDS_OPTION, statCell, withSeeds, type SeededSpec } from "./common/seeds.ts";
import { learningRateGrid, protocolLine, tuneOptions, tuneLearningRate, type Tuning } from "./common/tune.ts";
import { trainLinkModel, type LinkOutcome } from "./common/link-model.ts";
import { MNIST_OPTIMIZERS } from "./mnist.ts";

const HEURISTIC_LABELS: Record<LinkHeuristicName, string> = {
  commonNeighbours: "Common neighbours",
  jaccard: "Jaccard",
  adamicAdar: "Adamic–Adar",
  resourceAllocation: "Resource allocation",
};

const options = [
  {
    name: "optimizers",
    type: "list",
    help: "the optimizers (gd: every pair each step, sgd: one pair, minibatch: --batch pairs)",
    choices: FIRST_ORDER_NAMES,
    default: MNIST_OPTIMIZERS,
  },
  { name: "lr", type: "number", help: "the learning rate of every optimizer", default: 0.01, ...POSITIVE },
  {
    name: "epochs",
    type: "int",
    help: "epochs (one pass over the training edges and as many sampled non-edges)",
    default: 100,
    quickDefault: 10,
    min: 1,
    max: 100000,
  },
  { name: "batch", type: "int", help: "pairs per mini-batch", default: 16, min: 1 },
  { name: "hidden", type: "int", help: "units of the first GraphConv layer", default: 16, min: 1 },
  { name: "embedding", type: "int", help: "embedding size (the second GraphConv layer)", default: 8, min: 1 },
  {
    name: "test-fraction",
    type: "number",
    help: "fraction of the edges held out for test (with as many non-edges)",
    default: 0.15,
    min: 0.01,
    max: 0.9,
  },
  {
    name: "validation-fraction",
    type: "number",
    help: "with --tune: fraction of the training edges held out (with as many training non-edges) to judge each trial",
    default: 0.15,
    min: 0.01,
    max: 0.9,
  },
  SEEDS_OPTION,
  ...tuneOptions({ epochs: 50, quickEpochs: 5, criterion: "validation ROC AUC" }),
] as const satisfies readonly OptionSpec[];

/** What --tune judges by: trials never see the test pairs. */
const TUNE_CRITERION = "validation ROC AUC (on training edges held out from the trial, never the test pairs)";

/**
 * A split of the training side only, for tuning: a seeded `fraction` of the training edges become
 * validation positives, as many pairs of the training-negative pool validation negatives; the
 * trial trains on the rest. The test pairs of `outer` appear nowhere in it.
 */
export function validationSplit(outer: LinkSplit, fraction: number, seed: number): LinkSplit {
  const m = edgeCount(outer.train),
    k = Math.round(m * fraction);
  const pool = outer.trainNegative,
    poolSize = pool.length / 2;
  if (k < 1 || k >= m || k >= poolSize)
    throw new RangeError(
      `karate: validation fraction ${fraction} of ${m} training edges holds out ${k}; need 1 to ${Math.min(m, poolSize) - 1}`,
    );
  const rng = new Random(seed);
  const order = rng.permutation(m);
  const held = new Uint8Array(m);
  for (let i = 0; i < k; i++) held[order[i]] = 1;
  const trainPairs: number[] = [],
    positives: number[] = [];
  for (let e = 0; e < m; e++)
    (held[e] ? positives : trainPairs).push(outer.train.edges[2 * e], outer.train.edges[2 * e + 1]);
  // The pool is already in seeded random order: its first k pairs are as random as any.
  return {
    train: makeGraph(outer.train.nodes, trainPairs, outer.train.labels),
    testPositive: Int32Array.from(positives),
    testNegative: pool.slice(0, 2 * k),
    trainNegative: pool.slice(2 * k),
  };
}

type Spec = SeededSpec & ({ kind: "model"; optimizer: string } | { kind: "heuristics" });
type Result =
  | ({ kind: "model"; optimizer: string; lr: number; batch: string; tuning?: Tuning } & LinkOutcome)
  | { kind: "heuristics"; auc: Record<LinkHeuristicName, number> };

export const karateStudy: Study<Result, typeof options, Spec> = {
  name: "karate",
  summary: "link prediction on Zachary's karate club: a graph auto-encoder per optimizer beside the classic heuristics",
  options,
  plan(config) {
    return withSeeds(
      [
        { id: "heuristics", kind: "heuristics" as const },
        ...config.optimizers.map((optimizer) => ({ id: optimizer, kind: "model" as const, optimizer })),
      ],
      config,
    );
  },
  async run(spec, config, ctx) {
    // The seed picks the split too: with --seeds N the table averages over N splits.
    const split = linkPredictionSplit(karateClub(), { testFraction: config["test-fraction"], seed: spec.seed });
    if (spec.kind === "heuristics") return { kind: "heuristics", auc: evaluateHeuristics(split) };
    const entry = optimizerEntry(spec.optimizer) as FirstOrderEntry;
    const batch = entry.batch ?? config.batch;
    const train = (lr: number, on: LinkSplit, epochs: number) =>
      trainLinkModel(on, {
        optimizer: (k) => entry.make(lr, k),
        epochs,
        batch,
        hidden: config.hidden,
        embedding: config.embedding,
        seed: spec.seed,
        ctx,
      });
    let lr = config.lr,
      tuning: Tuning | undefined;
    if (config.tune) {
      const inner = validationSplit(split, config["validation-fraction"], spec.seed);
      // tuneLearningRate minimizes: 1 − AUC; a diverged trial's AUC is NaN, so it counts as +∞.
      tuning = await tuneLearningRate(
        learningRateGrid(config.quick),
        async (t) => 1 - (await train(t, inner, config["tune-epochs"])).testAuc,
      );
      lr = tuning.chosen;
    }
    const r = await train(lr, split, config.epochs);
    return { kind: "model", optimizer: spec.optimizer, lr, batch: String(batch), tuning, ...r };
  },
  report(config, results) {
    const groups = groupByKey(results);
    const models = groups.filter((g) => g.results[0].kind === "model");
    const heuristics = groups.find((g) => g.results[0].kind === "heuristics");
    const right = (header: string) => ({ header, align: "right" as const });
    type M = Extract<Result, { kind: "model" }>;
    const outcome = (r: M) => ({ ...r, convergedEpoch: null, epochs: r.history.length });
    const rows = models.map((g) => {
      const rs = (g.results as M[]).map(outcome);
      return [
        `GAE + ${optimizerEntry(g.key).label}`,
        lrCell(rs.map((r) => r.lr)),
        valueCell(rs, (r) => (r as unknown as M).trainLoss),
        valueCell(rs, (r) => (r as unknown as M).testAccuracy),
        valueCell(rs, (r) => (r as unknown as M).testAuc),
        timeCell(rs, (r) => (r as unknown as M).seconds),
      ];
    });
    if (heuristics) {
      const hs = heuristics.results as Extract<Result, { kind: "heuristics" }>[];
      for (const name of Object.keys(LINK_HEURISTICS) as LinkHeuristicName[])
        rows.push([HEURISTIC_LABELS[name], "—", "—", "—", statCell(hs.map((h) => h.auc[name])), "—"]);
    }
    const seeds = config.seeds;
    const series = (key: "trainLoss" | "testAuc") =>
      models.map((g) => ({
        name: optimizerEntry(g.key).label,
        points: (g.results[0] as M).history.map((h) => [h.epoch, h[key]] as const),
      }));
    const g0 = karateClub();
    const tuned = models.filter((g) => (g.results[0] as M).tuning);
    const tuningSections: StudyReport["sections"] = tuned.length
      ? [
          {
            heading: "Learning-rate tuning",
            markdown: `Per optimizer, 1 − validation ROC AUC after ${config["tune-epochs"]} epoch(s) at each learning rate of the grid; the lowest was chosen (ties: the smaller rate). Validation: ${formatNumber(100 * config["validation-fraction"], 3)}% of the training edges held out from the trial with as many pairs of the training-negative pool; the test pairs are never used. Shown for seed ${config.seed}${seeds > 1 ? " (every seed tunes on its own split; the Learning Rate column lists the rates chosen)" : ""}. ∞: diverged.`,
            tables: [
              {
                columns: ["Method", ...(tuned[0].results[0] as M).tuning!.grid.map((x) => `lr ${x}`), "Chosen"],
                rows: tuned.map((g) => {
                  const t = (g.results[0] as M).tuning!;
                  return [`GAE + ${optimizerEntry(g.key).label}`, ...t.losses, lrCell([t.chosen])];
                }),
              },
            ],
          },
        ]
      : [];
    return {
      title: "Link prediction on Zachary's karate club",
      stepUnit: "epoch",
      sections: [
        {
          heading: "Setting",
          markdown: [
            `Zachary's karate club: ${g0.nodes} members, ${g0.edges.length / 2} friendships. Each split holds out ${formatNumber(100 * config["test-fraction"], 3)}% of the edges (seeded) and as many non-edges as test negatives; models and heuristics see only the training graph.`,
            `Model: a graph auto-encoder (Kipf & Welling 2016): one-hot node features, GraphConv(${g0.nodes}→${config.hidden}), ReLU, GraphConv(${config.hidden}→${config.embedding}) over the training graph's normalized adjacency D̃^-1/2 (A+I) D̃^-1/2, inner-product decoder; binary cross-entropy with logits on the training edges and as many non-edges sampled afresh every epoch. ${config.epochs} epochs; GD uses every pair in each step, SGD one pair, the others batches of ${config.batch} pairs.`,
            protocolLine(config.tune, config.lr, TUNE_CRITERION),
            "Test accuracy: positives scored above 0 (probability > ½) and negatives at or below, over all test pairs. ROC AUC: the probability that a held-out edge outscores a held-out non-edge (ties count half). The heuristics have no threshold and no training, so only their AUC is given.",
            seeds > 1
              ? `Every row over ${seeds} splits (seeds ${config.seed} … ${config.seed + seeds - 1}; the seed fixes the split, the initial weights and the sampled negatives): mean ± sample std.`
              : `One split, seed ${config.seed}: on a 78-edge graph one split holds out 12 edges, so a single AUC is noisy; use --seeds to average over splits.`,
          ].join("\n\n"),
        },
        {
          heading: "Results",
          tables: [
            {
              columns: [
                "Method",
                "Learning Rate",
                right("Training Loss"),
                right("Test Accuracy"),
                right("ROC AUC"),
                right("Time"),
              ],
              rows,
            },
          ],
        },
        {
          heading: "Curves",
          svgs: [
            {
              name: "training-loss",
              svg: lineChart({
                title: "Training loss per epoch",
                xLabel: "epoch",
                yLabel: "binary cross-entropy",
                series: series("trainLoss"),
                logY: true,
              }),
            },
            {
              name: "test-auc",
              svg: lineChart({
                title: "Test ROC AUC per epoch",
                xLabel: "epoch",
                yLabel: "ROC AUC",
                series: series("testAuc"),
              }),
            },
          ],
        },
        ...tuningSections,
      ],
      metrics: results.flatMap(({ spec, result }): StudyReport["metrics"] =>
        result.kind === "model"
          ? result.history.map((h) => ({
              run: spec.id,
              step: h.epoch,
              trainLoss: h.trainLoss,
              testAuc: h.testAuc,
              testAccuracy: h.testAccuracy,
            }))
          : [{ run: spec.id, step: 0, ...result.auc }],
      ),
    };
  },
};
