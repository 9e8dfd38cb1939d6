// One source of truth for an optimizer option's valid range: every command-line option that becomes
// an optimizer hyperparameter accepts exactly the values its optimizers' constructors accept, so a
// value the CLI lets through cannot fail every run afterwards (issue 15: `--lr 0`).
import { describe, expect, it } from "vitest";
import { convertValue, type OptionSpec } from "../../src/options/option.ts";
import { STUDIES } from "../../src/study/registry.ts";
import { studyOptions } from "../../src/study/config.ts";
import { trainSpec } from "../../src/cli/commands.ts";
import { FIRST_ORDER_NAMES, optimizerEntry, type FirstOrderEntry } from "../../src/study/common/optimizers.ts";
import { sgd, tmsgd } from "../../src/optim/index.ts";
import { namedOptimizer } from "../../src/landscape/trajectory.ts";

const everyFirstOrder = FIRST_ORDER_NAMES.map(
  // A run gives its parameters' shapes (Muon needs them): one matrix and one vector here.
  (name) => (lr: number) =>
    (optimizerEntry(name) as FirstOrderEntry).make(lr, {
      stepsPerEpoch: 10,
      parameters: [
        { offset: 0, size: 6, shape: [2, 3] },
        { offset: 6, size: 3, shape: [3] },
      ],
    }),
);

/**
 * Each optimizer option the command line exposes, and the constructors its value reaches: keyed by
 * "<command> --<name>", else by name.
 */
const CONSUMERS: Record<string, ((value: number) => unknown)[]> = {
  lr: everyFirstOrder,
  "adam-lr": [(lr) => (optimizerEntry("adam") as FirstOrderEntry).make(lr, { stepsPerEpoch: 10 })],
  lrs: [(lr) => sgd({ lr })],
  "study tm-sgd --momentum": [
    (m) => sgd({ lr: 0.1, momentum: m }),
    (m) => tmsgd({ lr: 0.1, momentum: m, switchStep: 1 }),
  ],
  "study landscape --momentum": [
    (m) => sgd({ lr: 0.1, momentum: m }),
    (m) => namedOptimizer({ name: "sgd", options: { lr: 0.1, momentum: m, nesterov: true } }),
  ],
  // landscape multiplies its table's learning rates (the smallest is 1.5e-3) by it.
  "lr-scale": [(s) => sgd({ lr: 1.5e-3 * s })],
};

const consumers = (where: string, name: string) => CONSUMERS[`${where} --${name}`] ?? CONSUMERS[name];

/** The names that say "optimizer hyperparameter": a new one must be added to CONSUMERS. */
const LOOKS_LIKE_OPTIMIZER = /(^|-)(lrs?|lr-scale|momentum|beta\d?|eps|epsilon|weight-decay|dampening)(-|$)/;

const commandLineTables: { where: string; options: readonly OptionSpec[] }[] = [
  ...STUDIES.map((s) => ({ where: `study ${s.name}`, options: studyOptions(s) })),
  { where: "train", options: trainSpec(FIRST_ORDER_NAMES).options },
];

const PROBES = [-1, -1e-12, 0, 1e-300, 1e-8, 0.5, 0.9, 0.999, 1 - 1e-9, 1, 1.5, 10, 1e30];

const accepts = (f: () => unknown) => {
  try {
    f();
    return true;
  } catch {
    return false;
  }
};

describe("an optimizer option's range on the command line is the constructor's", () => {
  const optimizerOptions = commandLineTables.flatMap(({ where, options }) =>
    options.filter((o) => LOOKS_LIKE_OPTIMIZER.test(o.name)).map((o) => ({ where, o })),
  );

  it("knows the constructors behind every optimizer option", () => {
    expect(optimizerOptions.length).toBeGreaterThan(8);
    for (const { where, o } of optimizerOptions) expect(consumers(where, o.name), `${where} --${o.name}`).toBeDefined();
  });

  it.each(optimizerOptions.map(({ where, o }) => [`${where} --${o.name}`, where, o] as const))("%s", (_, where, o) => {
    for (const x of PROBES) {
      const cli = accepts(() => convertValue(o, String(x)));
      const constructors = consumers(where, o.name).every((make) => accepts(() => make(x)));
      expect(
        cli,
        `--${o.name} ${x}: the command line ${cli ? "accepts" : "refuses"} it, the constructors ${constructors ? "accept" : "refuse"} it`,
      ).toBe(constructors);
    }
  });
});
