/**
 * The optimizers the studies compare, by the names the command line takes. The survey's GD, SGD
 * and mini-batch GD are one update (sgd) over different batches, so an entry may fix the batch.
 * Second-order methods are full-batch minimizers over the whole training set (see secondOrder.ts).
 */
import { adadelta, adagrad, adam, adamax, adamw, amsgrad, lion, nadam, radam, rmsprop, sgd, tmsgd, type BaseOptions, type Optimizer } from "../../optim/index.ts";
import { muon, muonGroups, scheduleFreeAdamw, scheduleFreeSgd } from "../../optim/index.ts";
import type { BatchMode } from "../../train/index.ts";

/** What a study knows when it builds an optimizer: the schedule's unit, and the model's parameters (Muon needs their shapes). */
export interface OptimizerContext {
  stepsPerEpoch: number;
  parameters?: readonly { offset: number; size: number; shape: readonly number[] }[];
}

export interface FirstOrderEntry {
  kind: "first-order";
  name: string;
  /** As the papers write it. */
  label: string;
  /** Fixed batch mode (GD: the full batch, SGD: one example); otherwise the study's batch size. */
  batch?: BatchMode;
  make(lr: number, ctx: OptimizerContext): Optimizer<BaseOptions>;
}

export interface SecondOrderEntry {
  kind: "second-order";
  name: "lbfgs" | "newton-cg" | "adahessian" | "sophia";
  label: string;
  /** Whether the method takes the study's learning rate (AdaHessian) or finds its own step (line search, trust). */
  usesLr: boolean;
}

export type OptimizerEntry = FirstOrderEntry | SecondOrderEntry;

const first = (name: string, label: string, make: FirstOrderEntry["make"], batch?: BatchMode): FirstOrderEntry => ({ kind: "first-order", name, label, make, batch });

/** In order of increasing complexity, as optimizers are listed in src/optim. */
export const OPTIMIZERS: readonly OptimizerEntry[] = [
  first("gd", "GD (full batch)", (lr) => sgd({ lr }), "full"),
  first("sgd", "SGD (batch 1)", (lr) => sgd({ lr }), "stochastic"),
  first("minibatch", "Mini-batch GD", (lr) => sgd({ lr })),
  first("momentum", "Momentum (0.9)", (lr) => sgd({ lr, momentum: 0.9 })),
  first("nesterov", "Nesterov (0.9)", (lr) => sgd({ lr, momentum: 0.9, nesterov: true })),
  first("adagrad", "AdaGrad", (lr) => adagrad({ lr })),
  first("rmsprop", "RMSProp", (lr) => rmsprop({ lr })),
  first("adadelta", "AdaDelta", (lr) => adadelta({ lr })),
  first("adam", "Adam", (lr) => adam({ lr })),
  first("adamw", "AdamW", (lr) => adamw({ lr })),
  first("amsgrad", "AMSGrad", (lr) => amsgrad({ lr })),
  first("adamax", "AdaMax", (lr) => adamax({ lr })),
  first("nadam", "NAdam", (lr) => nadam({ lr })),
  first("radam", "RAdam", (lr) => radam({ lr })),
  first("lion", "Lion", (lr) => lion({ lr })),
  // TM-SGD switches from SGD to the Taylor multi-step after one epoch (docs/optimizers.md).
  first("tmsgd", "TM-SGD", (lr, { stepsPerEpoch }) => tmsgd({ lr, switchStep: stepsPerEpoch })),
  first("tmsgd-m", "TM-SGD-M (0.9)", (lr, { stepsPerEpoch }) => tmsgd({ lr, momentum: 0.9, switchStep: stepsPerEpoch })),
  first("schedule-free-sgd", "Schedule-free SGD", (lr) => scheduleFreeSgd({ lr })),
  first("schedule-free-adamw", "Schedule-free AdamW", (lr) => scheduleFreeAdamw({ lr })),
  first("muon", "Muon (AdamW for non-matrices)", (lr, { parameters }) => {
    if (!parameters) throw new RangeError("muon: this study gives no parameter shapes, and Muon needs them");
    return muon({ lr }, muonGroups(parameters));
  }),
  { kind: "second-order", name: "lbfgs", label: "L-BFGS", usesLr: false },
  { kind: "second-order", name: "newton-cg", label: "Newton-CG (Hessian-free)", usesLr: false },
  { kind: "second-order", name: "adahessian", label: "AdaHessian", usesLr: true },
  { kind: "second-order", name: "sophia", label: "Sophia (Hutchinson)", usesLr: true },
];

export const OPTIMIZER_NAMES = OPTIMIZERS.map((o) => o.name);
export const FIRST_ORDER_NAMES = OPTIMIZERS.filter((o) => o.kind === "first-order").map((o) => o.name);

export function optimizerEntry(name: string): OptimizerEntry {
  const entry = OPTIMIZERS.find((o) => o.name === name);
  if (!entry) throw new RangeError(`unknown optimizer '${name}'; valid: ${OPTIMIZER_NAMES.join(", ")}`);
  return entry;
}
