/**
 * The one list of optimizers. The command line, every study (src/study/common/optimizers.ts is a
 * view of it), the landscape (src/landscape/trajectory.ts), the playground and the table in
 * docs/optimizers.md all read it; a test fails if any of them keeps a list of its own. A new
 * optimizer is one object literal here, or one `register({...})` call from user code, after which it
 * appears everywhere (`--optimizers <name>` included).
 */
import type { BaseOptions, GroupSpec, Optimizer } from "./optimizer.ts";
import { sgd } from "./sgd.ts";
import { adagrad } from "./adagrad.ts";
import { rmsprop } from "./rmsprop.ts";
import { adadelta } from "./adadelta.ts";
import { adam, adamw, amsgrad } from "./adam.ts";
import { adamax } from "./adamax.ts";
import { nadam } from "./nadam.ts";
import { radam } from "./radam.ts";
import { lion } from "./lion.ts";
import { tmsgd } from "./tmsgd.ts";
import { adopt } from "./composed.ts";
import { scheduleFreeAdamw, scheduleFreeSgd } from "./schedule-free.ts";
import { muon, muonGroups } from "./muon.ts";

/** first-order: a fused kernel; composed: a chain of transformations; second-order: a full-batch minimizer (src/optim/second-order). */
export type OptimizerKind = "first-order" | "composed" | "second-order";

/** What a training run knows when it builds an optimizer: the schedule's unit, and the model's parameters (Muon needs their shapes). */
export interface RunShape {
  stepsPerEpoch: number;
  parameters?: readonly { offset: number; size: number; shape: readonly number[] }[];
}

/** An optimizer that takes gradient steps: built from options, run by fit, the studies and the landscape. */
export interface StepEntry {
  kind: "first-order" | "composed";
  /** The name the command line and the studies take. */
  name: string;
  /** As the papers write it. */
  label: string;
  /** Builds it from options (lr and its own hyperparameters); the entry's fixed choices come first, options override them. */
  create(options?: Record<string, unknown>, groups?: readonly GroupSpec<BaseOptions>[]): Optimizer<BaseOptions>;
  /** Fixed batch mode (GD: the full batch, SGD: one example); otherwise the study's batch size. */
  batch?: "full" | "stochastic";
  /** Options a training run adds from its shape (TM-SGD switches after one epoch). */
  runOptions?(run: RunShape): Record<string, unknown>;
  /** Parameter groups a training run builds from its model (Muon: one group per parameter, matrices by shape). */
  runGroups?(run: RunShape): readonly GroupSpec<BaseOptions>[];
  /** "gradient": a step is lr·gradient (GD, momentum); "normalized": about lr whatever the gradient's size (adaptive and sign methods). */
  step: "gradient" | "normalized";
  /**
   * Its hyperparameters with starting values for a 2-D landscape (the playground's fields); absent:
   * not drawn there (GD and mini-batch are SGD in 2-D). `featured`: pre-selected in the playground, in this order.
   */
  landscape?: { options: Record<string, number>; featured?: number };
}

/** A full-batch second-order method: the studies run it on their own (src/study/common/second-order.ts). */
export interface SecondOrderEntry {
  kind: "second-order";
  name: "lbfgs" | "newton-cg" | "adahessian" | "sophia";
  label: string;
  /** Whether it takes the study's learning rate (AdaHessian) or finds its own step (line search, trust). */
  usesLr: boolean;
}

export type CatalogueEntry = StepEntry | SecondOrderEntry;

const make =
  <O extends BaseOptions>(
    build: (o: Partial<O>, groups?: readonly GroupSpec<O>[]) => Optimizer<O>,
    fixed: Partial<O> = {},
  ) =>
  (options: Record<string, unknown> = {}, groups?: readonly GroupSpec<BaseOptions>[]) =>
    build({ ...fixed, ...options }, groups as readonly GroupSpec<O>[] | undefined) as unknown as Optimizer<BaseOptions>;

function muonRunGroups({ parameters }: RunShape): readonly GroupSpec<BaseOptions>[] {
  if (!parameters) throw new RangeError("muon: this run gives no parameter shapes, and Muon needs them");
  return muonGroups(parameters);
}

const adaptive = (lr: number, extra: Record<string, number> = {}) => ({
  options: { lr, beta1: 0.9, beta2: 0.999, ...extra },
});

const entries: CatalogueEntry[] = [
  { kind: "first-order", name: "gd", label: "GD (full batch)", create: make(sgd), batch: "full", step: "gradient" },
  {
    kind: "first-order",
    name: "sgd",
    label: "SGD (batch 1)",
    create: make(sgd),
    batch: "stochastic",
    step: "gradient",
    landscape: { options: { lr: 0.001, momentum: 0 }, featured: 1 },
  },
  { kind: "first-order", name: "minibatch", label: "Mini-batch GD", create: make(sgd), step: "gradient" },
  {
    kind: "first-order",
    name: "momentum",
    label: "Momentum (0.9)",
    create: make(sgd, { momentum: 0.9 }),
    step: "gradient",
    landscape: { options: { lr: 0.001, momentum: 0.9 } },
  },
  {
    kind: "first-order",
    name: "nesterov",
    label: "Nesterov (0.9)",
    create: make(sgd, { momentum: 0.9, nesterov: true }),
    step: "gradient",
    landscape: { options: { lr: 0.001, momentum: 0.9 } },
  },
  {
    kind: "first-order",
    name: "adagrad",
    label: "AdaGrad",
    create: make(adagrad),
    step: "normalized",
    landscape: { options: { lr: 0.5, eps: 1e-10 } },
  },
  {
    kind: "first-order",
    name: "rmsprop",
    label: "RMSProp",
    create: make(rmsprop),
    step: "normalized",
    landscape: { options: { lr: 0.01, alpha: 0.99, momentum: 0 }, featured: 3 },
  },
  {
    kind: "first-order",
    name: "adadelta",
    label: "AdaDelta",
    create: make(adadelta),
    step: "normalized",
    landscape: { options: { lr: 1, rho: 0.9 } },
  },
  {
    kind: "first-order",
    name: "adam",
    label: "Adam",
    create: make(adam),
    step: "normalized",
    landscape: { options: { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8 }, featured: 2 },
  },
  {
    kind: "first-order",
    name: "adamw",
    label: "AdamW",
    create: make(adamw),
    step: "normalized",
    landscape: adaptive(0.05, { weightDecay: 0.01 }),
  },
  {
    kind: "first-order",
    name: "amsgrad",
    label: "AMSGrad",
    create: make(amsgrad),
    step: "normalized",
    landscape: adaptive(0.05),
  },
  {
    kind: "first-order",
    name: "adamax",
    label: "AdaMax",
    create: make(adamax),
    step: "normalized",
    landscape: adaptive(0.05),
  },
  {
    kind: "first-order",
    name: "nadam",
    label: "NAdam",
    create: make(nadam),
    step: "normalized",
    landscape: adaptive(0.05),
  },
  {
    kind: "first-order",
    name: "radam",
    label: "RAdam",
    create: make(radam),
    step: "normalized",
    landscape: adaptive(0.05),
  },
  {
    kind: "first-order",
    name: "lion",
    label: "Lion",
    create: make(lion),
    step: "normalized",
    landscape: { options: { lr: 0.01, beta1: 0.9, beta2: 0.99 }, featured: 4 },
  },
  // TM-SGD switches from SGD to the Taylor multi-step after one epoch (docs/optimizers.md).
  {
    kind: "first-order",
    name: "tmsgd",
    label: "TM-SGD",
    create: make(tmsgd),
    runOptions: ({ stepsPerEpoch }) => ({ switchStep: stepsPerEpoch }),
    step: "gradient",
    landscape: { options: { lr: 0.001, switchStep: 100 } },
  },
  {
    kind: "first-order",
    name: "tmsgd-m",
    label: "TM-SGD-M (0.9)",
    create: make(tmsgd, { momentum: 0.9 }),
    runOptions: ({ stepsPerEpoch }) => ({ switchStep: stepsPerEpoch }),
    step: "gradient",
    landscape: { options: { lr: 0.001, momentum: 0.9, switchStep: 100 } },
  },
  {
    kind: "first-order",
    name: "schedule-free-sgd",
    label: "Schedule-free SGD",
    create: make(scheduleFreeSgd),
    step: "gradient",
    landscape: { options: { lr: 0.001, beta: 0.9 } },
  },
  {
    kind: "first-order",
    name: "schedule-free-adamw",
    label: "Schedule-free AdamW",
    create: make(scheduleFreeAdamw),
    step: "normalized",
    landscape: adaptive(0.05),
  },
  // Without groups (2-D landscapes) the point (x, y) is one 1×2 matrix: Muon's step is then normalized momentum descent.
  // A training run gives one group per parameter; the base shape must then be null so vectors stay AdamW.
  {
    kind: "first-order",
    name: "muon",
    label: "Muon (AdamW for non-matrices)",
    create: (options, groups) => make(muon, { shape: groups ? null : [1, 2] })(options, groups),
    runGroups: muonRunGroups,
    step: "normalized",
    landscape: { options: { lr: 0.05, momentum: 0.95 } },
  },
  {
    kind: "composed",
    name: "adopt",
    label: "ADOPT",
    create: make(adopt),
    step: "normalized",
    landscape: { options: { lr: 0.05, beta1: 0.9, beta2: 0.9999, eps: 1e-6 } },
  },
  { kind: "second-order", name: "lbfgs", label: "L-BFGS", usesLr: false },
  { kind: "second-order", name: "newton-cg", label: "Newton-CG (Hessian-free)", usesLr: false },
  { kind: "second-order", name: "adahessian", label: "AdaHessian", usesLr: true },
  { kind: "second-order", name: "sophia", label: "Sophia (Hutchinson)", usesLr: true },
];

/** Every entry, in order of increasing complexity; registered ones follow. Live: register() appends. */
export const CATALOGUE: readonly CatalogueEntry[] = entries;

const listeners: (() => void)[] = [];

/**
 * Calls `refresh` now and after every register(): how a consumer keeps a derived list (the study
 * names, the landscape's factories) in step with the catalogue.
 */
export function followCatalogue(refresh: () => void): void {
  listeners.push(refresh);
  refresh();
}

/** Adds an optimizer everywhere: the CLI, the studies (`--optimizers <name>`), the landscape and the playground. */
export function register(entry: StepEntry): void {
  const owner = "register";
  if (!entry || typeof entry !== "object")
    throw new TypeError(`${owner}: expects an entry object, got ${String(entry)}`);
  if (typeof entry.name !== "string" || !/^[a-z0-9][a-z0-9-]*$/.test(entry.name))
    throw new RangeError(`${owner}: name ${JSON.stringify(entry.name)} must be lower-case letters, digits and dashes`);
  if (entries.some((e) => e.name === entry.name))
    throw new RangeError(`${owner}: an optimizer named "${entry.name}" is already in the catalogue`);
  if (entry.kind !== "first-order" && entry.kind !== "composed")
    throw new RangeError(
      `${owner} ${entry.name}: kind ${JSON.stringify(entry.kind)} must be "first-order" or "composed"`,
    );
  if (typeof entry.label !== "string" || entry.label === "")
    throw new RangeError(`${owner} ${entry.name}: needs a label`);
  if (typeof entry.create !== "function")
    throw new TypeError(`${owner} ${entry.name}: create must be a function of the options`);
  if (entry.step !== "gradient" && entry.step !== "normalized")
    throw new RangeError(
      `${owner} ${entry.name}: step ${JSON.stringify(entry.step)} must be "gradient" or "normalized"`,
    );
  // Its own hyperparameter checks run now, not at the first study run.
  entry.create(entry.landscape?.options ?? {});
  entries.push(Object.freeze({ ...entry }));
  for (const refresh of listeners) refresh();
}

/** The entry named `name`; a RangeError listing the valid names otherwise. */
export function catalogueEntry(name: string): CatalogueEntry {
  const entry = entries.find((e) => e.name === name);
  if (!entry) throw new RangeError(`unknown optimizer '${name}'; valid: ${entries.map((e) => e.name).join(", ")}`);
  return entry;
}

export const isStepEntry = (e: CatalogueEntry): e is StepEntry => e.kind !== "second-order";

/** The catalogue as docs/optimizers.md prints it (a test holds the file to it). */
export function catalogueTable(): string {
  const rows = entries.map(
    (e) => `| \`${e.name}\` | ${e.label} | ${e.kind} | ${isStepEntry(e) ? (e.batch ?? "the study's") : "full"} |`,
  );
  return ["| Name | Label | Kind | Batch |", "|---|---|---|---|", ...rows].join("\n");
}
