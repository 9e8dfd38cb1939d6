// One catalogue: every consumer reads it, none keeps a list of its own, and a registered optimizer
// appears everywhere at once.
import { describe, expect, it } from "vitest";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { CATALOGUE, catalogueEntry, catalogueTable, isStepEntry, register } from "../../src/optim/catalogue.ts";
import { sgd } from "../../src/optim/sgd.ts";
import {
  FIRST_ORDER_NAMES,
  OPTIMIZER_NAMES,
  optimizerEntry,
  type FirstOrderEntry,
} from "../../src/study/common/optimizers.ts";
import { optimizerFactories } from "../../src/landscape/trajectory.ts";
import { STUDIES } from "../../src/study/registry.ts";
import { studyOptions } from "../../src/study/config.ts";
import { trainSpec } from "../../src/cli/commands.ts";

const root = join(import.meta.dirname, "..", "..");
const stepNames = () => CATALOGUE.filter(isStepEntry).map((e) => e.name);
// The TM-SGD study compares TM-SGD with its own fixed baselines (switch epochs, Adam's separate lr): its
// optimizers are its subject, not a choice from the catalogue.
const OWN_SUBJECT = new Set(["tm-sgd"]);

/** Each study's optimizer option(s) and their choices. */
function studyChoices(): { study: string; option: string; choices: readonly string[] }[] {
  return STUDIES.filter((s) => !OWN_SUBJECT.has(s.name)).flatMap((s) =>
    studyOptions(s)
      .filter((o) => o.name === "optimizers" || o.name === "optimizer")
      .map((o) => ({ study: s.name, option: o.name, choices: o.choices ?? [] })),
  );
}

/** The catalogue names quoted as string literals in a source file. */
function quotedNames(file: string): string[] {
  const text = readFileSync(join(root, file), "utf8");
  return CATALOGUE.map((e) => e.name).filter((name) =>
    new RegExp(`["'\`]${name.replace(/-/g, "\\-")}["'\`]`).test(text),
  );
}

describe("the catalogue", () => {
  it("has unique names, and every step entry builds from its landscape options", () => {
    expect(new Set(CATALOGUE.map((e) => e.name)).size).toBe(CATALOGUE.length);
    for (const e of CATALOGUE.filter(isStepEntry))
      expect(e.create(e.landscape?.options ?? {}).name, e.name).toBeTypeOf("string");
  });

  it("the docs table equals the catalogue, row for row", () => {
    const doc = readFileSync(join(root, "docs", "optimizers.md"), "utf8");
    const section = doc.slice(doc.indexOf("## The catalogue"));
    const table = section
      .split("\n")
      .filter((l) => l.startsWith("|"))
      .slice(0, CATALOGUE.length + 3);
    const rows = table.findIndex((l, i) => i > 1 && !l.startsWith("| `"));
    expect((rows === -1 ? table : table.slice(0, rows)).join("\n")).toBe(catalogueTable());
  });

  it("the studies' view, the command line, the landscape and every study's --optimizers are the catalogue", () => {
    expect([...OPTIMIZER_NAMES]).toEqual(CATALOGUE.map((e) => e.name));
    expect([...FIRST_ORDER_NAMES]).toEqual(stepNames());
    expect(trainSpec(FIRST_ORDER_NAMES).options.find((o) => o.name === "optimizer")?.choices).toEqual(
      FIRST_ORDER_NAMES,
    );
    expect(Object.keys(optimizerFactories).sort()).toEqual(stepNames().sort());
    const studies = studyChoices();
    expect(studies.length).toBeGreaterThanOrEqual(4);
    for (const { study, option, choices } of studies) {
      for (const name of stepNames()) expect(choices, `study ${study} --${option} lacks ${name}`).toContain(name);
    }
  });

  it("no consumer keeps a list of names (two or more quoted catalogue names) of its own", () => {
    const files = [
      "playground/main.ts",
      "src/cli.ts",
      ...readdirSync(join(root, "src", "cli")).map((f) => `src/cli/${f}`),
      ...readdirSync(join(root, "src", "landscape")).map((f) => `src/landscape/${f}`),
    ];
    for (const file of files)
      expect(quotedNames(file).length, `${file} quotes ${quotedNames(file).join(", ")}`).toBeLessThanOrEqual(1);
  });

  it("register() puts a new optimizer everywhere at once, and refuses a bad or duplicate entry by name", () => {
    register({
      kind: "composed",
      name: "probe-sgd",
      label: "Probe SGD",
      create: (o) => sgd(o),
      step: "gradient",
    });
    expect(OPTIMIZER_NAMES).toContain("probe-sgd");
    expect(FIRST_ORDER_NAMES).toContain("probe-sgd");
    expect(optimizerFactories["probe-sgd"]({ lr: 0.1 }).options.lr).toBe(0.1);
    for (const { study, option, choices } of studyChoices())
      expect(choices, `${study} --${option}`).toContain("probe-sgd");
    expect((optimizerEntry("probe-sgd") as FirstOrderEntry).make(0.2, { stepsPerEpoch: 1 }).options.lr).toBe(0.2);
    expect(catalogueEntry("probe-sgd").label).toBe("Probe SGD");
    expect(() =>
      register({
        kind: "composed",
        name: "probe-sgd",
        label: "again",
        create: (o) => sgd(o),
        step: "gradient",
      }),
    ).toThrow(/already in the catalogue/);
    expect(() =>
      register({ kind: "composed", name: "Bad Name", label: "x", create: (o) => sgd(o), step: "gradient" }),
    ).toThrow(/lower-case/);
    expect(() =>
      register({
        kind: "composed",
        name: "bad-lr",
        label: "x",
        create: (o) => sgd(o),
        step: "gradient",
        landscape: { options: { lr: -1 } },
      }),
    ).toThrow("sgd: lr = -1 is outside the valid range (0, ∞)");
    expect(() => optimizerEntry("nope")).toThrow(/unknown optimizer 'nope'; valid: gd, sgd/);
  });
});
