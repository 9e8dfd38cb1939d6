/**
 * The microscope study's options, the settings its runs read, and the shape of its results: apart
 * from the runs (microscope.ts) and the report (microscope-report.ts), which both read them.
 */
import type { OptionSpec } from "../options/option.ts";
import type { CurvaturePoint } from "../train/curvature.ts";
import type { StepDiagnostics } from "../train/diagnostics.ts";
import type { NoiseScale } from "../train/noise-scale.ts";
import type { Histogram } from "../report/histogram.ts";
import type { Surface } from "../landscape/network.ts";
import type { StudyConfig } from "./study.ts";
import { FIRST_ORDER_NAMES } from "./common/optimizers.ts";
import { MNIST_SOURCE_OPTION } from "./common/data-options.ts";
import { SEEDS_OPTION } from "./common/seeds.ts";

/** Learning rates that train this MLP without diverging, unless --lrs says otherwise. */
const DEFAULT_LRS: Record<string, number> = {
  gd: 0.1,
  sgd: 0.01,
  minibatch: 0.1,
  momentum: 0.01,
  nesterov: 0.01,
  adagrad: 0.01,
  rmsprop: 0.001,
  adadelta: 1,
  adam: 0.001,
  adamw: 0.001,
  amsgrad: 0.001,
  adamax: 0.002,
  nadam: 0.001,
  radam: 0.001,
  lion: 1e-4,
  tmsgd: 0.1,
  "tmsgd-m": 0.01,
};

export const microscopeOptions = [
  {
    name: "optimizers",
    type: "list",
    choices: FIRST_ORDER_NAMES,
    default: ["gd", "momentum", "adam"],
    help: "first-order optimizers to compare; the first one's trajectory spans the PCA plane",
  },
  {
    name: "learning-rates",
    type: "list",
    default: [],
    help: "learning rates as name=value (e.g. adam=0.003); the others keep their defaults",
  },
  {
    name: "train",
    type: "int",
    min: 100,
    default: 2000,
    quickDefault: 400,
    help: "training digits (the landscapes are computed on all of them)",
  },
  { name: "test", type: "int", min: 10, default: 500, quickDefault: 100, help: "test digits (final accuracy)" },
  {
    name: "hidden",
    type: "int",
    min: 1,
    default: 500,
    quickDefault: 16,
    help: "hidden ReLU units of the 784-h-10 MLP",
  },
  {
    name: "steps",
    type: "int",
    min: 2,
    default: 200,
    quickDefault: 30,
    help: "updates per optimizer (GD takes full batches, the others --batch)",
  },
  {
    name: "batch",
    type: "int",
    min: 1,
    default: 64,
    quickDefault: 32,
    help: "mini-batch size of the non-GD optimizers",
  },
  {
    name: "every",
    type: "int",
    min: 1,
    default: 20,
    quickDefault: 10,
    help: "measure curvature, the noise scale and histograms every this many steps",
  },
  {
    name: "measure-batch",
    type: "int",
    min: 10,
    default: 500,
    quickDefault: 100,
    help: "training examples of the fixed batch the Hessian is measured on",
  },
  {
    name: "power-iterations",
    type: "int",
    min: 2,
    default: 20,
    quickDefault: 10,
    help: "maximum power iterations per sharpness estimate",
  },
  {
    name: "lanczos-steps",
    type: "int",
    min: 2,
    default: 30,
    quickDefault: 10,
    help: "Lanczos steps of the spectral density where training ended",
  },
  {
    name: "surface-points",
    type: "int",
    min: 3,
    default: 31,
    quickDefault: 9,
    help: "grid nodes per side of each loss surface",
  },
  {
    name: "snapshots",
    type: "int",
    min: 3,
    default: 25,
    quickDefault: 10,
    help: "weight snapshots per trajectory (the PCA's points)",
  },
  MNIST_SOURCE_OPTION,
  {
    ...SEEDS_OPTION,
    help: "repeat with this many seeds (initial weights, batch order, probes; the data is fixed by --seed) and report mean ± std",
  },
] as const satisfies readonly OptionSpec[];

type Config = StudyConfig<typeof microscopeOptions>;

export function microscopeSettings(config: Config) {
  const lrs = { ...DEFAULT_LRS };
  for (const item of config["learning-rates"]) {
    const [name, value] = item.split("=");
    const lr = Number(value);
    if (!(name in DEFAULT_LRS) || !(lr > 0) || !Number.isFinite(lr))
      throw new RangeError(
        `microscope: --learning-rates entries must be name=value with a known optimizer and a positive number, got '${item}'`,
      );
    lrs[name] = lr;
  }
  return {
    optimizers: config.optimizers,
    lrs,
    mnist: config.mnist,
    train: config.train,
    test: config.test,
    hidden: config.hidden,
    steps: config.steps,
    batch: config.batch,
    every: config.every,
    measureBatch: config["measure-batch"],
    powerIterations: config["power-iterations"],
    lanczosSteps: config["lanczos-steps"],
    surfacePoints: config["surface-points"],
    snapshots: Math.min(config.steps + 1, config.snapshots),
  };
}
export type MicroscopeSettings = ReturnType<typeof microscopeSettings>;

/** What a step keeps of the diagnostics: per layer and whole, the median effective lr with its 5–95% range. */
export interface StepRecord {
  step: number;
  loss: number;
  lr: number;
  diagnostics: StepDiagnostics;
}
export interface HistogramRecord {
  step: number;
  tag: string;
  histogram: Histogram;
}
export interface OptimizerResult {
  kind: "optimizer";
  optimizer: string;
  label: string;
  lr: number;
  parameters: number;
  steps: StepRecord[];
  curvature: CurvaturePoint[];
  spectrum: NonNullable<CurvaturePoint["spectrum"]> | null;
  noise: ({ step: number } & NoiseScale)[];
  histograms: HistogramRecord[];
  finalTrainLoss: number;
  testAccuracy: number;
  diverged: string | null;
  seconds: number;
}
/** A surface as plain JSON (a Float64Array would not survive JSON.stringify as an array). */
export type PlainSurface = Omit<Surface, "values"> & { values: number[] };

export interface LandscapeResult {
  kind: "landscape";
  reference: string;
  pca: PlainSurface & { explained: [number, number]; trajectories: { name: string; points: [number, number][] }[] };
  random: PlainSurface;
  lines: { name: string; alpha: number[]; loss: number[] }[];
  between: { name: string; alpha: number[]; loss: number[] }[];
  surfaceSeconds: number;
}
export type MicroscopeResult = OptimizerResult | LandscapeResult;
