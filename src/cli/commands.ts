/**
 * The commands of `descent` and their option tables (one table drives parsing, validation,
 * config files and --help). Study options come from each study; the runner's are here.
 */
import { UsageError, type CommandSpec, type OptionSpec } from "./args.ts";
import { POSITIVE } from "../optim/validate.ts";
import { parseShardOption } from "../study/shard-env.ts";

export const PROGRAM = "descent";

/** Options every command takes. */
export const OUTPUT_OPTIONS: OptionSpec[] = [
  { name: "config", type: "string", help: "a JSON file of option values (the command line wins over it)" },
  { name: "quiet", type: "boolean", help: "no progress output; only the result's location", default: false },
  {
    name: "json",
    type: "boolean",
    help: "print a machine-readable summary (JSON) on stdout instead of text",
    default: false,
  },
];

/** --threads: one run's products split across threads (src/threads/). */
export const THREADS_OPTION: OptionSpec = {
  name: "threads",
  type: "int",
  help: "split each training step's products and optimizer passes across this many threads (bit-identical to 1)",
  default: 1,
  min: 1,
  max: 256,
};

export const RUNNER_OPTIONS: OptionSpec[] = [
  THREADS_OPTION,
  {
    name: "workers",
    type: "int",
    help: "run the study's independent runs in this many worker threads",
    default: 1,
    min: 1,
    max: 256,
  },
  {
    name: "shard",
    type: "string",
    help: "run only slice i of n of the plan (i/n, e.g. 2/4) and write partial results; combine with `descent merge`. auto (or auto/n): the slice of this task of a Slurm, Kubernetes Indexed or AWS Batch job array, from its environment (used by default when it gives the index and the count); none: the whole plan (docs/cluster.md)",
    parse: (raw) => {
      try {
        return parseShardOption(raw);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    },
  },
  { name: "out", type: "string", help: "the report directory (default runs/<study>-<timestamp>)" },
];

export const MODEL_DATA_OPTIONS: OptionSpec[] = [
  { name: "images", type: "string", help: "an IDX image file (raw or .gz), instead of the package's MNIST digits" },
  { name: "labels", type: "string", help: "the IDX label file that goes with --images" },
  {
    name: "train",
    type: "int",
    help: "training digits sampled from the mnist package",
    default: 8000,
    min: 1,
    max: 9999,
  },
  {
    name: "test",
    type: "int",
    help: "test digits sampled from the mnist package (disjoint from the training ones for the same seed and sizes)",
    default: 2000,
    min: 1,
    max: 9999,
  },
  {
    name: "seed",
    type: "int",
    help: "the seed of the sample, the initial weights and the batch order",
    default: 0,
    min: 0,
    max: 2 ** 31 - 1,
  },
];

export function trainSpec(optimizers: readonly string[]): CommandSpec {
  return {
    name: "train",
    summary:
      "Trains an MLP on MNIST (the package's digits, or IDX files) with one optimizer and saves the model as JSON.",
    options: [
      { name: "optimizer", type: "choice", help: "the optimizer", choices: optimizers, default: "adam" },
      { name: "lr", type: "number", help: "learning rate", default: 0.001, ...POSITIVE },
      { name: "epochs", type: "int", help: "epochs", default: 5, min: 1, max: 100000 },
      { name: "batch", type: "int", help: "mini-batch size (gd and sgd fix their own)", default: 64, min: 1 },
      { name: "hidden", type: "list", help: "hidden layer widths, e.g. 256,128", default: ["128"] },
      {
        name: "activation",
        type: "choice",
        help: "hidden activation",
        choices: ["relu", "tanh", "sigmoid", "identity", "gelu"],
        default: "relu",
      },
      { name: "save", type: "string", help: "where to write the trained model (JSON)", default: "model.json" },
      THREADS_OPTION,
      ...MODEL_DATA_OPTIONS,
      ...OUTPUT_OPTIONS,
    ],
  };
}

export const EVAL_SPEC: CommandSpec = {
  name: "eval",
  summary:
    "Evaluates a saved model (from `descent train`) on data it was not trained on: by default the package digits held out when it was trained, or IDX files via --images/--labels. A sample that overlaps the model's training data is refused unless --allow-overlap.",
  options: [
    { name: "model", type: "string", help: "the model file written by `descent train --save`" },
    ...MODEL_DATA_OPTIONS.filter((o) => o.name === "images" || o.name === "labels"),
    {
      name: "test",
      type: "int",
      help: "how many package digits to score (default: the number held out when the model was trained)",
      min: 1,
      max: 9999,
    },
    {
      name: "seed",
      type: "int",
      help: "the seed of the package sample (default: the model's training seed, whose held-out digits it never saw)",
      min: 0,
      max: 2 ** 31 - 1,
    },
    {
      name: "allow-overlap",
      type: "boolean",
      help: "score even examples the model was trained on (the score is then not a held-out one)",
      default: false,
    },
    ...OUTPUT_OPTIONS,
  ],
};

export const MERGE_SPEC: CommandSpec = {
  name: "merge",
  summary:
    "Combines the results of `descent study <name> --shard i/n` runs into the one report a single machine would write.",
  positionals: [{ name: "dirs", help: "the shard report directories (or their results.json)", variadic: true }],
  options: [
    { name: "out", type: "string", help: "the merged report directory (default runs/<study>-merged-<timestamp>)" },
    ...OUTPUT_OPTIONS.filter((o) => o.name !== "config"),
  ],
};

/** The suites of bench/run.ts (a test checks the two lists agree). */
export const BENCH_SUITES = [
  "ceiling",
  "gemm",
  "gemm-relaxed",
  "gemm-mt",
  "memory",
  "elementwise",
  "elementwise-relaxed",
  "train",
  "threads",
  "adam",
  "optimizers",
  "composed",
  "hvp",
  "startup",
  "soak",
  "study",
  "landscape",
  "browser",
] as const;

export const BENCH_SPEC: CommandSpec = {
  name: "bench",
  summary:
    "Runs the benchmarks (`npm run bench -- [--quick] [suite...]`: kernels, GEMM, memory, training, against TF.js) from the package folder; needs the dev dependencies.",
  positionals: [
    {
      name: "suites",
      help: "the suites to run (all when none is named)",
      choices: BENCH_SUITES,
      optional: true,
      variadic: true,
    },
  ],
  options: [{ name: "quick", type: "boolean", help: "short runs (all suites in about a minute)", default: false }],
};

export const COMMANDS: readonly { name: string; summary: string }[] = [
  { name: "study", summary: "run a study (the papers' experiments): tables, plots, metrics, TensorBoard events" },
  { name: "train", summary: "train an MLP on MNIST or IDX files and save it" },
  { name: "eval", summary: "evaluate a saved model on the MNIST test split or IDX files" },
  { name: "landscape", summary: "shortcut for `study landscape`: optimizer trajectories on 2-D test functions" },
  { name: "hessian", summary: "shortcut for `study hessian`: sharpness, trace and spectrum during training" },
  { name: "merge", summary: "combine shard results into one report" },
  { name: "data", summary: "download the official MNIST files (verified) into the cache the studies read" },
  { name: "bench", summary: "run the benchmarks (npm run bench)" },
];

export function globalHelp(studies: readonly { name: string; summary: string }[]): string {
  const w = Math.max(...COMMANDS.map((c) => c.name.length), ...studies.map((s) => s.name.length)) + 2;
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    "",
    "descent: a from-scratch engine for training neural networks and studying their optimizers.",
    "",
    "Commands:",
    ...COMMANDS.map((c) => `  ${c.name.padEnd(w)}${c.summary}`),
    "",
    "Studies (descent study <name>):",
    ...studies.map((s) => `  ${s.name.padEnd(w)}${s.summary}`),
    "",
    "Global options:",
    "  --help, -h    this text; `descent <command> --help` for a command's options",
    "  --version     the package version",
    "  --quiet       no progress output",
    "  --json        a machine-readable summary on stdout",
    "  --config <f>  option values from a JSON file",
    "",
    "Examples:",
    `  ${PROGRAM} study mnist                     the survey's MNIST comparison (npm start)`,
    `  ${PROGRAM} study optimizers --quick --seeds 3 --workers 2`,
    `  ${PROGRAM} study karate --shard 1/2 --out a && ${PROGRAM} study karate --shard 2/2 --out b && ${PROGRAM} merge a b`,
    `  ${PROGRAM} train --optimizer adam --epochs 3 --save model.json && ${PROGRAM} eval --model model.json`,
  ].join("\n");
}
