/**
 * The table the optimizer tests run over: every optimizer and every library-compat form, each with
 * its plain-TypeScript reference.
 */
import type { BaseOptions, Optimizer } from "../../src/optim/optimizer.ts";
import { sgd } from "../../src/optim/sgd.ts";
import { adagrad } from "../../src/optim/adagrad.ts";
import { rmsprop } from "../../src/optim/rmsprop.ts";
import { adadelta } from "../../src/optim/adadelta.ts";
import { adam, adamw, amsgrad } from "../../src/optim/adam.ts";
import { adamax } from "../../src/optim/adamax.ts";
import { nadam } from "../../src/optim/nadam.ts";
import { radam } from "../../src/optim/radam.ts";
import { lion } from "../../src/optim/lion.ts";
import { tmsgd } from "../../src/optim/tmsgd.ts";
import { scheduleFreeAdamw, scheduleFreeSgd } from "../../src/optim/schedule-free.ts";
import { cosineAnnealing, linearWarmup } from "../../src/optim/schedules.ts";
import * as ref from "./reference.ts";

export interface Case {
  label: string;
  make: () => Optimizer<BaseOptions>;
  /** The reference step; given the options of the optimizer this case's make() built. */
  reference: ref.RefStep<BaseOptions>;
}

const c = <O extends BaseOptions>(label: string, make: () => Optimizer<O>, reference: ref.RefStep<O>): Case => ({
  label,
  make,
  // The options it is given are those of make()'s optimizer, so an O.
  reference: (o, ...rest) => reference(o as O, ...rest),
});

export const cases: Case[] = [
  c("sgd", () => sgd({ lr: 0.01 }), ref.sgdRef),
  c(
    "sgd weight decay, warm-up + cosine lr",
    () => sgd({ lr: linearWarmup(cosineAnnealing(0.05, 150, 0.001), 10), weightDecay: 0.01 }),
    ref.sgdRef,
  ),
  c("momentum pytorch", () => sgd({ lr: 0.01, momentum: 0.9 }), ref.sgdRef),
  c(
    "momentum pytorch dampening (first step v = g)",
    () => sgd({ lr: 0.01, momentum: 0.9, dampening: 0.5 }),
    ref.sgdRef,
  ),
  c(
    "momentum pytorch dampening (no first-step copy)",
    () => sgd({ lr: 0.01, momentum: 0.9, dampening: 0.5, firstStepCopiesGradient: false }),
    ref.sgdRef,
  ),
  c("nesterov pytorch", () => sgd({ lr: 0.01, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }), ref.sgdRef),
  c("momentum lr-in-buffer", () => sgd({ lr: 0.01, momentum: 0.9, convention: "lr-in-buffer" }), ref.sgdRef),
  c(
    "nesterov lr-in-buffer",
    () => sgd({ lr: 0.01, momentum: 0.9, convention: "lr-in-buffer", nesterov: true }),
    ref.sgdRef,
  ),
  c(
    "momentum ema",
    () => sgd({ lr: 0.1, momentum: 0.9, convention: "ema", firstStepCopiesGradient: false }),
    ref.sgdRef,
  ),
  c("nesterov ema", () => sgd({ lr: 0.1, momentum: 0.9, convention: "ema", nesterov: true }), ref.sgdRef),
  c("adagrad pytorch", () => adagrad({ lr: 0.05 }), ref.adagradRef),
  c("adagrad tfjs", () => adagrad({ lr: 0.05, compat: "tfjs" }), ref.adagradRef),
  c("adagrad lr decay, weight decay", () => adagrad({ lr: 0.05, lrDecay: 0.01, weightDecay: 0.01 }), ref.adagradRef),
  c("rmsprop pytorch", () => rmsprop({ lr: 1e-3 }), ref.rmspropRef),
  c("rmsprop centered", () => rmsprop({ lr: 1e-3, centered: true }), ref.rmspropRef),
  c("rmsprop momentum", () => rmsprop({ lr: 1e-3, momentum: 0.9, weightDecay: 0.01 }), ref.rmspropRef),
  c("rmsprop centered momentum", () => rmsprop({ lr: 1e-3, momentum: 0.9, centered: true }), ref.rmspropRef),
  c(
    "rmsprop tfjs centered momentum",
    () => rmsprop({ lr: 1e-3, momentum: 0.9, centered: true, compat: "tfjs" }),
    ref.rmspropRef,
  ),
  c("rmsprop tfjs", () => rmsprop({ lr: 1e-3, compat: "tfjs" }), ref.rmspropRef),
  c("adadelta pytorch", () => adadelta({ weightDecay: 0.01 }), ref.adadeltaRef),
  c("adadelta tfjs", () => adadelta({ compat: "tfjs" }), ref.adadeltaRef),
  c("adam pytorch", () => adam({ lr: 1e-3 }), ref.adamRef),
  c("adam weight decay", () => adam({ lr: 1e-3, weightDecay: 0.01 }), ref.adamRef),
  c("adam tfjs", () => adam({ lr: 1e-3, compat: "tfjs" }), ref.adamRef),
  c("adam keras (epsilon hat)", () => adam({ lr: 1e-3, compat: "keras" }), ref.adamRef),
  c("adamw", () => adamw({ lr: 1e-3 }), ref.adamRef),
  c("amsgrad reddi", () => amsgrad({ lr: 1e-3, amsgrad: "reddi" }), ref.adamRef),
  c("amsgrad pytorch", () => amsgrad({ lr: 1e-3 }), ref.adamRef),
  c("amsgrad corrected", () => amsgrad({ lr: 1e-3, amsgrad: "corrected" }), ref.adamRef),
  c("adamw amsgrad", () => adamw({ lr: 1e-3, amsgrad: "pytorch" }), ref.adamRef),
  c("adamax pytorch", () => adamax({ weightDecay: 0.01 }), ref.adamaxRef),
  c("adamax tfjs", () => adamax({ compat: "tfjs" }), ref.adamaxRef),
  c("nadam", () => nadam({ weightDecay: 0.01 }), ref.nadamRef),
  c("nadam decoupled", () => nadam({ weightDecay: 0.01, decoupledWeightDecay: true }), ref.nadamRef),
  c("radam", () => radam({ weightDecay: 0.01 }), ref.radamRef),
  c("radam decoupled", () => radam({ weightDecay: 0.01, decoupledWeightDecay: true }), ref.radamRef),
  c("lion", () => lion({ lr: 1e-4 }), ref.lionRef),
  c("lion weight decay", () => lion({ lr: 1e-4, weightDecay: 0.1 }), ref.lionRef),
  c("tm-sgd from step 0", () => tmsgd({ lr: 0.01 }), ref.tmsgdRef),
  c("tm-sgd switch at 50", () => tmsgd({ lr: 0.01, switchStep: 50, weightDecay: 0.01 }), ref.tmsgdRef),
  c("tm-sgd-m switch at 50", () => tmsgd({ lr: 0.01, switchStep: 50, momentum: 0.5 }), ref.tmsgdRef),
  c("schedule-free sgd", () => scheduleFreeSgd({ lr: 0.05 }), ref.scheduleFreeRef),
  c(
    "schedule-free sgd, warm-up, weight decay",
    () => scheduleFreeSgd({ lr: linearWarmup(0.05, 20), beta: 0.8, weightDecay: 0.01 }),
    ref.scheduleFreeRef,
  ),
  c("schedule-free adamw", () => scheduleFreeAdamw({ lr: 0.01 }), ref.scheduleFreeRef),
  c(
    "schedule-free adamw, warm-up, weight decay",
    () => scheduleFreeAdamw({ lr: linearWarmup(0.01, 20), weightDecay: 0.01 }),
    ref.scheduleFreeRef,
  ),
];
