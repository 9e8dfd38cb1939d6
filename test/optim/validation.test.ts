// Every invalid hyperparameter is refused at construction with its name, value and valid range.
import { describe, expect, it } from "vitest";
import {
  sgd,
  adagrad,
  rmsprop,
  adadelta,
  adam,
  adamw,
  amsgrad,
  adamax,
  nadam,
  radam,
  lion,
  tmsgd,
} from "../../src/optim/index.ts";

/** An optimizer factory, called as plain JavaScript would: with any object of options. */
type Factory = (o: object) => unknown;
const BETA = [-0.1, 1, 1.5, NaN];
const POSITIVE = [0, -1, NaN, Infinity];
const NON_NEGATIVE = [-1e-3, NaN, Infinity];

const table: [string, Factory, Record<string, unknown[]>][] = [
  [
    "sgd",
    sgd,
    {
      lr: POSITIVE,
      momentum: BETA,
      dampening: [-0.1, 1.1],
      weightDecay: NON_NEGATIVE,
      convention: ["heavy"],
      nesterov: ["yes"],
    },
  ],
  [
    "adagrad",
    adagrad,
    {
      lr: POSITIVE,
      eps: POSITIVE,
      initialAccumulator: NON_NEGATIVE,
      lrDecay: NON_NEGATIVE,
      weightDecay: NON_NEGATIVE,
      epsilonPlacement: ["middle"],
      compat: ["jax"],
    },
  ],
  [
    "rmsprop",
    rmsprop,
    { lr: POSITIVE, alpha: BETA, eps: POSITIVE, momentum: BETA, weightDecay: NON_NEGATIVE, centered: [1] },
  ],
  ["adadelta", adadelta, { lr: POSITIVE, rho: BETA, eps: POSITIVE, weightDecay: NON_NEGATIVE, denominator: ["next"] }],
  [
    "adam",
    adam,
    {
      lr: POSITIVE,
      beta1: BETA,
      beta2: BETA,
      eps: POSITIVE,
      weightDecay: NON_NEGATIVE,
      amsgrad: ["yes", 1],
      compat: ["mxnet"],
    },
  ],
  ["adamw", adamw, { lr: POSITIVE, beta1: BETA, beta2: BETA, eps: POSITIVE, weightDecay: NON_NEGATIVE }],
  ["adam", amsgrad, { beta2: BETA, amsgrad: ["max"] }],
  [
    "adamax",
    adamax,
    { lr: POSITIVE, beta1: BETA, beta2: BETA, eps: POSITIVE, weightDecay: NON_NEGATIVE, epsilonPlacement: ["inside"] },
  ],
  [
    "nadam",
    nadam,
    { lr: POSITIVE, beta1: BETA, beta2: BETA, eps: POSITIVE, weightDecay: NON_NEGATIVE, momentumDecay: NON_NEGATIVE },
  ],
  ["radam", radam, { lr: POSITIVE, beta1: BETA, beta2: BETA, eps: POSITIVE, weightDecay: NON_NEGATIVE }],
  ["lion", lion, { lr: POSITIVE, beta1: BETA, beta2: BETA, weightDecay: NON_NEGATIVE }],
  ["tmsgd", tmsgd, { lr: POSITIVE, momentum: BETA, weightDecay: NON_NEGATIVE, switchStep: [-1, 1.5, NaN] }],
];

describe.each(table)("%s", (owner, make, invalid) => {
  const rows = Object.entries(invalid).flatMap(([name, values]) => values.map((value) => [name, value] as const));
  it.each(rows)("refuses %s = %s, naming it", (name, value) => {
    const pattern = new RegExp(
      `^${owner}: ${name} = ${String(value).replace(/[.+]/g, "\\$&")} is outside the valid range`,
    );
    expect(() => make({ [name]: value })).toThrow(RangeError);
    expect(() => make({ [name]: value })).toThrow(pattern);
  });
  it("accepts its defaults", () => expect(() => make({})).not.toThrow());
});

describe("combinations", () => {
  it("refuses Nesterov without momentum or with dampening, as PyTorch", () => {
    expect(() => sgd({ nesterov: true })).toThrow(/nesterov = true needs momentum/);
    expect(() => sgd({ nesterov: true, momentum: 0.9, dampening: 0.1 })).toThrow(/dampening = 0.1/);
  });
  it("refuses dampening outside the PyTorch convention", () => {
    expect(() => sgd({ momentum: 0.9, dampening: 0.5, convention: "ema" })).toThrow(/dampening = 0.5 .* "ema"/);
  });
  it("accepts amsgrad: true as the default (PyTorch) form", () => {
    expect(adam({ amsgrad: true }).options.amsgrad).toBe("pytorch");
    expect(adamw({ amsgrad: true }).options.amsgrad).toBe("pytorch");
    expect(amsgrad({ amsgrad: true }).options.amsgrad).toBe("pytorch");
    expect(adam({ amsgrad: false }).options.amsgrad).toBe(false);
    expect(adam({ amsgrad: "reddi" }).options.amsgrad).toBe("reddi");
  });
  it("refuses a schedule that gives a negative or non-finite lr, when it is used", () => {
    const opt = sgd({ lr: (step: number) => (step < 1 ? 0.1 : -1) });
    expect(opt.lrAt(0)).toBe(0.1);
    expect(() => opt.lrAt(1)).toThrow(/schedule gave -1 at step 1/);
  });
});
