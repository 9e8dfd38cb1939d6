/**
 * The optimizers the studies compare: a view of the one catalogue (src/optim/catalogue.ts), by the
 * names the command line takes. The survey's GD, SGD and mini-batch GD are one update (sgd) over
 * different batches, so an entry may fix the batch. Second-order methods are full-batch minimizers
 * over the whole training set (see second-order.ts). Every list here follows register().
 */
import {
  CATALOGUE,
  catalogueEntry,
  followCatalogue,
  isStepEntry,
  type RunShape,
  type SecondOrderEntry,
  type StepEntry,
} from "../../optim/catalogue.ts";
import type { BaseOptions, Optimizer } from "../../optim/index.ts";
import type { BatchMode } from "../../train/index.ts";

/** What a study knows when it builds an optimizer. */
export type OptimizerContext = RunShape;

/** A catalogue entry that takes gradient steps (fused or composed), as a study builds it. */
export interface FirstOrderEntry {
  kind: "first-order" | "composed";
  name: string;
  label: string;
  batch?: BatchMode;
  make(lr: number, ctx: OptimizerContext): Optimizer<BaseOptions>;
}

export type { SecondOrderEntry };
export type OptimizerEntry = FirstOrderEntry | SecondOrderEntry;

const studyEntry = (e: StepEntry): FirstOrderEntry => ({
  kind: e.kind,
  name: e.name,
  label: e.label,
  batch: e.batch,
  make: (lr, ctx) => e.create({ ...e.runOptions?.(ctx), lr }, e.runGroups?.(ctx)),
});

/** In catalogue order (increasing complexity, registered ones last). */
export const OPTIMIZERS: readonly OptimizerEntry[] = [];
export const OPTIMIZER_NAMES: readonly string[] = [];
/** Every optimizer that takes gradient steps: fused and composed. */
export const FIRST_ORDER_NAMES: readonly string[] = [];

followCatalogue(() => {
  const all = CATALOGUE.map((e) => (isStepEntry(e) ? studyEntry(e) : e));
  (OPTIMIZERS as OptimizerEntry[]).splice(0, Infinity, ...all);
  (OPTIMIZER_NAMES as string[]).splice(0, Infinity, ...all.map((o) => o.name));
  (FIRST_ORDER_NAMES as string[]).splice(
    0,
    Infinity,
    ...all.filter((o) => o.kind !== "second-order").map((o) => o.name),
  );
});

export function optimizerEntry(name: string): OptimizerEntry {
  catalogueEntry(name); // throws the catalogue's message for an unknown name
  return OPTIMIZERS.find((o) => o.name === name)!;
}
