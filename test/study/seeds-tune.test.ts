// --seeds and --tune in the studies that gained them (karate --tune; tm-sgd both; hessian and
// convex --seeds): repeats are separate runs whose cells come back as "mean ± std" with the seeds
// named, and a tuned report holds its tuning table with the rate it then used.
import { describe, expect, it } from "vitest";
import type { StudyReport } from "../../src/study/study.ts";
import type { Table } from "../../src/report/table.ts";
import { karateStudy, validationSplit } from "../../src/study/karate.ts";
import { tmsgdStudy, type TrainResult } from "../../src/study/tmsgd.ts";
import { hessianStudy } from "../../src/study/hessian.ts";
import { convexStudy } from "../../src/study/convex.ts";
import { karateClub, linkPredictionSplit, pairKey } from "../../src/data/index.ts";
import { lrCell } from "../../src/study/common/cells.ts";
import { checkReport, column, findTable, headers, runQuick } from "./helpers.ts";

const section = (report: StudyReport, heading: string) => {
  const s = report.sections.find((x) => x.heading === heading);
  if (!s) throw new Error(`no section '${heading}' in ${report.sections.map((x) => x.heading).join(", ")}`);
  return s;
};
const text = (report: StudyReport) => report.sections.map((s) => s.markdown ?? "").join("\n");
const isMeanStd = (cell: unknown) => typeof cell === "string" && / ± /.test(cell);
const gridHeaders = ["lr 0.001", "lr 0.01", "lr 0.1"];

describe("karate --tune", () => {
  it("holds out training edges for validation, never a test pair", () => {
    const outer = linkPredictionSplit(karateClub(), { testFraction: 0.15, seed: 3 });
    const inner = validationSplit(outer, 0.2, 3);
    const keys = (pairs: Int32Array) =>
      Array.from({ length: pairs.length / 2 }, (_, i) => pairKey(pairs[2 * i], pairs[2 * i + 1], 34));
    const test = new Set([...keys(outer.testPositive), ...keys(outer.testNegative)]);
    const outerTrain = new Set(keys(outer.train.edges)),
      pool = new Set(keys(outer.trainNegative));
    const used = [
      ...keys(inner.train.edges),
      ...keys(inner.testPositive),
      ...keys(inner.testNegative),
      ...keys(inner.trainNegative),
    ];
    expect(used.some((k) => test.has(k))).toBe(false);
    expect(keys(inner.testPositive).every((k) => outerTrain.has(k))).toBe(true);
    expect(keys(inner.testNegative).every((k) => pool.has(k))).toBe(true);
    expect(inner.testPositive.length).toBe(inner.testNegative.length);
    expect(inner.testPositive.length / 2).toBe(Math.round(0.2 * outerTrain.size));
    expect(new Set([...keys(inner.train.edges), ...keys(inner.testPositive)])).toEqual(outerTrain);
  });

  it("chooses a rate per optimizer by validation AUC, reports it, and repeats over seeds", async () => {
    const { specs, results, report } = await runQuick(karateStudy, {
      optimizers: ["gd", "adam"],
      tune: true,
      seeds: 2,
    });
    expect(specs.map((s) => s.id)).toEqual([
      "heuristics-seed0",
      "heuristics-seed1",
      "gd-seed0",
      "gd-seed1",
      "adam-seed0",
      "adam-seed1",
    ]);
    checkReport(report);
    const tuning = section(report, "Learning-rate tuning").tables![0];
    expect(headers(tuning)).toEqual(["Method", ...gridHeaders, "Chosen"]);
    expect(column(tuning, "Method")).toEqual(["GAE + GD (full batch)", "GAE + Adam"]);
    const models = results
      .filter((r) => r.result.kind === "model")
      .map((r) => r.result as { optimizer: string; lr: number; tuning: { chosen: number } });
    for (const m of models) expect(m.lr).toBe(m.tuning.chosen);
    const table = section(report, "Results").tables![0];
    const lrs = column(table, "Learning Rate");
    expect(lrs[0]).toBe(lrCell(models.filter((m) => m.optimizer === "gd").map((m) => m.tuning.chosen)));
    expect(lrs[1]).toBe(lrCell(models.filter((m) => m.optimizer === "adam").map((m) => m.tuning.chosen)));
    expect(column(tuning, "Chosen")[1]).toBe(lrCell([models[2].tuning.chosen])); // seed 0's Adam
    for (const cell of column(table, "ROC AUC")) expect(isMeanStd(cell), String(cell)).toBe(true);
    expect(text(report)).toContain("tuned per optimizer");
    expect(text(report)).toContain("seeds 0 … 1");
  }, 20_000);
});

describe("tm-sgd --seeds and --tune", () => {
  const small = { tasks: ["sequence"], optimizers: ["sgd", "tmsgd"], "switch-epochs": ["1"] };

  it("repeats the training runs, not the ODE check, and reports mean ± std", async () => {
    const { specs, report } = await runQuick(tmsgdStudy, { ...small, seeds: 2 });
    expect(specs.map((s) => s.id)).toEqual([
      "ode-check",
      "sequence/sgd-seed0",
      "sequence/sgd-seed1",
      "sequence/tmsgd@1-seed0",
      "sequence/tmsgd@1-seed1",
    ]);
    checkReport(report);
    const t = findTable(report, "sign-of-sum");
    expect(t.rows.length).toBe(2);
    for (const h of ["Final training loss", "Final test loss", "Final test accuracy"])
      for (const cell of column(t, h)) expect(isMeanStd(cell), `${h}: ${cell}`).toBe(true);
    expect(findTable(report, "mean ± std over 2 seeds")).toBe(t);
    const protocol = section(report, "Protocol").markdown;
    expect(protocol).toContain("fixed learning rates");
    expect(protocol).toContain("2 seeds (0 … 1;");
    expect(findTable(report, "Log-log slopes").rows.length).toBe(2);
  }, 20_000);

  it("--tune picks each optimizer's rate on the grid by validation loss and trains with it", async () => {
    const { results, report } = await runQuick(tmsgdStudy, { ...small, tune: true });
    checkReport(report);
    const tuning = findTable(report, "Learning-rate tuning (sequence)");
    expect(headers(tuning)).toEqual(["Optimizer", "Switch epoch", ...gridHeaders, "Chosen"]);
    const t = findTable(report, "sign-of-sum");
    expect(column(t, "Learning rate")).toEqual(column(tuning, "Chosen"));
    const trained = results.filter((r) => r.result.kind === "train").map((r) => r.result as TrainResult);
    expect(trained.map((r) => r.lr)).toEqual(trained.map((r) => r.tuning!.chosen));
    expect(section(report, "Protocol").markdown).toContain("tuned per optimizer");
  }, 20_000);
});

describe("hessian --seeds", () => {
  it("gives sharpness and trace per epoch as mean ± std over seeds", async () => {
    const { specs, report } = await runQuick(hessianStudy, { lrs: ["0.2"], seeds: 2 });
    expect(specs.map((s) => s.id)).toEqual(["gd-lr-0.2-seed0", "gd-lr-0.2-seed1"]);
    checkReport(report);
    const summary = findTable(report, "mean ± std over 2 seeds");
    expect(summary.rows.length).toBe(1);
    for (const h of ["Initial sharpness", "Final sharpness", "Final loss"])
      expect(isMeanStd(column(summary, h)[0]), h).toBe(true);
    const per = findTable(report, "Per measured epoch");
    expect(per.rows.length).toBe(5); // epochs 0, 5, 10, 15, 20, both seeds in each row
    for (const h of ["λmax", "Trace"])
      for (const cell of column(per, h)) expect(isMeanStd(cell), `${h}: ${cell}`).toBe(true);
    expect(text(report)).toContain("2 seeds (0 … 1;");
  }, 20_000);
});

describe("convex --seeds", () => {
  it("repeats the regressions over data draws and runs the fixed constrained problems once", async () => {
    const { specs, report } = await runQuick(convexStudy, { seeds: 2 });
    expect(specs.map((s) => s.id)).toEqual([
      "linear-regression-seed0",
      "linear-regression-seed1",
      "logistic-regression-seed0",
      "logistic-regression-seed1",
      "constrained",
    ]);
    checkReport(report);
    const lin = findTable(report, "Linear regression");
    for (const h of ["Bound q", "Measured rate"])
      for (const cell of column(lin, h)) expect(isMeanStd(cell), `${h}: ${cell}`).toBe(true);
    expect(column(lin, "q^k bound holds")).toEqual(["yes (2/2)", "yes (2/2)"]);
    const logistic: Table = findTable(report, "Logistic regression");
    expect(column(logistic, "Final f − f*").every(isMeanStd)).toBe(true);
    expect(findTable(report, "Constrained problems").rows.length).toBe(7);
    expect(text(report)).toContain("Over 2 data draws (seeds 0 … 1)");
  }, 20_000);
});
