/**
 * Study 4, `karate`: link prediction on Zachary's karate club. A graph auto-encoder (two
 * GraphConv layers, inner-product decoder; common/link-model.ts) trained with each optimizer,
 * beside the classic neighbourhood heuristics on the same seeded splits: training loss, test
 * accuracy and ROC AUC. 15% of the edges are held out with as many non-edges.
 */
import type { OptionSpec } from "../cli/args.ts";
import { evaluateHeuristics, karateClub, linkPredictionSplit, LINK_HEURISTICS, type LinkHeuristicName } from "../data/index.ts";
import { formatNumber } from "../report/format.ts";
import { lineChart } from "../report/svg/lineChart.ts";
import type { Study, StudyReport } from "./study.ts";
import { FIRST_ORDER_NAMES, optimizerEntry, type FirstOrderEntry } from "./common/optimizers.ts";
import { lrCell, valueCell } from "./common/cells.ts";
import { groupByKey, seconds, SEEDS_OPTION, statCell, withSeeds, type SeededSpec } from "./common/seeds.ts";
import { trainLinkModel, type LinkOutcome } from "./common/link-model.ts";
import { MNIST_OPTIMIZERS } from "./mnist.ts";

const HEURISTIC_LABELS: Record<LinkHeuristicName, string> = {
  commonNeighbours: "Common neighbours", jaccard: "Jaccard", adamicAdar: "Adamic–Adar", resourceAllocation: "Resource allocation",
};

const options: OptionSpec[] = [
  { name: "optimizers", type: "list", help: "the optimizers (gd: every pair each step, sgd: one pair, minibatch: --batch pairs)", choices: FIRST_ORDER_NAMES, default: MNIST_OPTIMIZERS },
  { name: "lr", type: "number", help: "the learning rate of every optimizer", default: 0.01, min: 0 },
  { name: "epochs", type: "int", help: "epochs (one pass over the training edges and as many sampled non-edges)", default: 100, quickDefault: 10, min: 1, max: 100000 },
  { name: "batch", type: "int", help: "pairs per mini-batch", default: 16, min: 1 },
  { name: "hidden", type: "int", help: "units of the first GraphConv layer", default: 16, min: 1 },
  { name: "embedding", type: "int", help: "embedding size (the second GraphConv layer)", default: 8, min: 1 },
  { name: "test-fraction", type: "number", help: "fraction of the edges held out for test (with as many non-edges)", default: 0.15, min: 0.01, max: 0.9 },
  SEEDS_OPTION,
];

type Spec = SeededSpec & ({ kind: "model"; optimizer: string } | { kind: "heuristics" });
type Result = ({ kind: "model"; optimizer: string; lr: number; batch: string } & LinkOutcome) | { kind: "heuristics"; auc: Record<LinkHeuristicName, number> };

export const karateStudy: Study<Result> = {
  name: "karate",
  summary: "link prediction on Zachary's karate club: a graph auto-encoder per optimizer beside the classic heuristics",
  options,
  plan(config) {
    return withSeeds([{ id: "heuristics", kind: "heuristics" as const }, ...(config.optimizers as string[]).map((optimizer) => ({ id: optimizer, kind: "model" as const, optimizer }))], config);
  },
  async run(raw, config, ctx) {
    const spec = raw as Spec;
    // The seed picks the split too: with --seeds N the table averages over N splits.
    const split = linkPredictionSplit(karateClub(), { testFraction: config["test-fraction"] as number, seed: spec.seed });
    if (spec.kind === "heuristics") return { kind: "heuristics", auc: evaluateHeuristics(split) };
    const entry = optimizerEntry(spec.optimizer) as FirstOrderEntry;
    const lr = config.lr as number;
    const batch = entry.batch ?? (config.batch as number);
    const r = await trainLinkModel(split, {
      optimizer: (k) => entry.make(lr, k), epochs: config.epochs as number, batch, hidden: config.hidden as number, embedding: config.embedding as number, seed: spec.seed, ctx,
    });
    return { kind: "model", optimizer: spec.optimizer, lr, batch: String(batch), ...r };
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
      return [`GAE + ${optimizerEntry(g.key).label}`, lrCell(rs.map((r) => r.lr)), valueCell(rs, (r) => (r as unknown as M).trainLoss), valueCell(rs, (r) => (r as unknown as M).testAccuracy), valueCell(rs, (r) => (r as unknown as M).testAuc), valueCell(rs, (r) => (r as unknown as M).seconds, seconds)];
    });
    if (heuristics) {
      const hs = heuristics.results as Extract<Result, { kind: "heuristics" }>[];
      for (const name of Object.keys(LINK_HEURISTICS) as LinkHeuristicName[]) rows.push([HEURISTIC_LABELS[name], "—", "—", "—", statCell(hs.map((h) => h.auc[name])), "—"]);
    }
    const seeds = (config.seeds as number) ?? 1;
    const series = (key: "trainLoss" | "testAuc") => models.map((g) => ({ name: optimizerEntry(g.key).label, points: (g.results[0] as M).history.map((h) => [h.epoch, h[key]] as const) }));
    const g0 = karateClub();
    return {
      title: "Link prediction on Zachary's karate club",
      sections: [
        {
          heading: "Setting",
          markdown: [
            `Zachary's karate club: ${g0.nodes} members, ${g0.edges.length / 2} friendships. Each split holds out ${formatNumber(100 * (config["test-fraction"] as number), 3)}% of the edges (seeded) and as many non-edges as test negatives; models and heuristics see only the training graph.`,
            `Model: a graph auto-encoder (Kipf & Welling 2016): one-hot node features, GraphConv(${g0.nodes}→${config.hidden}), ReLU, GraphConv(${config.hidden}→${config.embedding}) over the training graph's normalized adjacency D̃^-1/2 (A+I) D̃^-1/2, inner-product decoder; binary cross-entropy with logits on the training edges and as many non-edges sampled afresh every epoch. ${config.epochs} epochs; GD uses every pair in each step, SGD one pair, the others batches of ${config.batch} pairs; one learning rate for all (${config.lr}).`,
            "Test accuracy: positives scored above 0 (probability > ½) and negatives at or below, over all test pairs. ROC AUC: the probability that a held-out edge outscores a held-out non-edge (ties count half). The heuristics have no threshold and no training, so only their AUC is given.",
            seeds > 1 ? `Every row over ${seeds} splits (seeds ${config.seed} … ${config.seed + seeds - 1}; the seed fixes the split, the initial weights and the sampled negatives): mean ± sample std.` : `One split, seed ${config.seed}: on a 78-edge graph one split holds out 12 edges, so a single AUC is noisy; use --seeds to average over splits.`,
          ].join("\n\n"),
        },
        { heading: "Results", tables: [{ columns: ["Method", "Learning Rate", right("Training Loss"), right("Test Accuracy"), right("ROC AUC"), right("Time")], rows }] },
        {
          heading: "Curves",
          svgs: [
            { name: "training-loss", svg: lineChart({ title: "Training loss per epoch", xLabel: "epoch", yLabel: "binary cross-entropy", series: series("trainLoss"), logY: true }) },
            { name: "test-auc", svg: lineChart({ title: "Test ROC AUC per epoch", xLabel: "epoch", yLabel: "ROC AUC", series: series("testAuc") }) },
          ],
        },
      ],
      metrics: results.flatMap(({ spec, result }): StudyReport["metrics"] => result.kind === "model"
        ? result.history.map((h) => ({ run: spec.id, step: h.epoch, trainLoss: h.trainLoss, testAuc: h.testAuc, testAccuracy: h.testAccuracy }))
        : [{ run: spec.id, step: 0, ...result.auc }]),
    };
  },
};
