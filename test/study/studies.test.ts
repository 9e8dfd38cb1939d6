// Every training study end to end in its --quick setting, through the runner: report.md's rows and
// columns, numbers or explicit divergence cells, well-formed SVG and HTML, TensorBoard events that
// read back to the logged metrics.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStudy } from "../../src/study/runner.node.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { findStudy } from "../../src/study/registry.ts";
import { decodeJson } from "../../src/study/runner.ts";
import { expectEventsMatchMetrics, expectNumberOrDiverged, expectValidSvgs, tableUnder } from "./report-checks.ts";

const run = async (name: string, given: Record<string, unknown> = {}) => {
  const study = findStudy(name);
  const out = join(mkdtempSync(join(tmpdir(), `descent-${name}-`)), "report");
  const r = await runStudy(study, resolveStudyConfig(study, { quick: true, ...given }), { out });
  const md = readFileSync(join(r.dir, "report.md"), "utf8");
  return { ...r, md };
};

function expectTable(md: string, heading: string, columns: string[], firstColumn: string[]): string[][] {
  const t = tableUnder(md, heading);
  expect(t.header).toEqual(columns);
  expect(t.rows.map((r) => r[0])).toEqual(firstColumn);
  for (const row of t.rows)
    row.slice(1).forEach((cell, j) => {
      if (!/Learning Rate|Batch/.test(columns[j + 1]))
        expectNumberOrDiverged(cell, `${heading} ${row[0]} ${columns[j + 1]}`);
    });
  return t.rows;
}

describe("study optimizers (quick)", () => {
  it("writes the convergence and time tables for first- and second-order methods", { timeout: 60_000 }, async () => {
    const r = await run("optimizers", {
      optimizers: ["minibatch", "adam", "tmsgd", "lbfgs", "newton-cg", "adahessian"],
      epochs: 3,
    });
    const labels = ["Mini-batch GD", "Adam", "TM-SGD", "L-BFGS", "Newton-CG (Hessian-free)", "AdaHessian"];
    const conv = expectTable(
      r.md,
      "Convergence",
      [
        "Optimization Method",
        "Learning Rate",
        "Epochs to Converge",
        "Final Training Loss",
        "Final Validation Loss",
        "Final Validation Accuracy",
      ],
      labels,
    );
    expect(conv[3][1]).toBe("— (own step size)");
    expect(conv[1][1]).toBe("0.01");
    const time = expectTable(r.md, "Time", ["Optimization Method", "Time per Epoch", "Total Time to Converge"], labels);
    // "to converge" only where the run converged, by the Epochs to Converge column.
    conv.forEach((row, i) =>
      expect(time[i][2].startsWith("—"), `${row[0]}: ${row[2]} / ${time[i][2]}`).toBe(
        /^not within|^diverged/.test(row[2]),
      ),
    );
    expect(r.md).toContain("one learning rate for all (the papers' protocol)");
    expectValidSvgs(r.dir, ["training-loss", "validation-loss"]);
    expect(expectEventsMatchMetrics(r.dir)).toBeGreaterThan(6);
    const config = decodeJson(readFileSync(join(r.dir, "config.json"), "utf8")) as Record<string, unknown>;
    expect(config).toMatchObject({ seed: 0, quick: true, epochs: 3, lr: 0.01 });
  });

  it("shows a diverging optimizer as 'diverged at epoch k' and still finishes", async () => {
    const r = await run("optimizers", { optimizers: ["minibatch", "adam"], lr: 1e20, epochs: 2 });
    const rows = tableUnder(r.md, "Convergence").rows;
    expect(rows[0][2]).toMatch(/^diverged at epoch 1$/);
    expect(rows[0][3]).toMatch(/^diverged at epoch 1$/);
    // A time is a time: a run that broke off in its first epoch has no time per epoch and never converged.
    const time = tableUnder(r.md, "Time").rows;
    expect(time[0].slice(1)).toEqual(["— (diverged at epoch 1)", "— (diverged at epoch 1)"]);
    expect(r.md).toMatch(/\| Mini-batch GD +\| 1e20 +\|/);
    expect(r.md).toContain("lr = 1e20;");
    expect(r.file.complete).toBe(true);
  });

  it("--tune chooses a rate per optimizer on the grid and says so; --seeds gives mean ± std", async () => {
    const r = await run("optimizers", { optimizers: ["minibatch", "adam"], epochs: 2, tune: true, seeds: 2 });
    expect(r.md).toContain("tuned per optimizer");
    const tuning = tableUnder(r.md, "Learning-rate tuning");
    expect(tuning.header).toEqual(["Optimization Method", "lr 0.001", "lr 0.01", "lr 0.1", "Chosen"]);
    const conv = tableUnder(r.md, "Convergence").rows;
    expect(conv[0][1]).toBe(tuning.rows[0][4]);
    expect(conv[1][3]).toMatch(/ ± /);
    expect(r.file.runIds).toEqual(["minibatch-seed0", "minibatch-seed1", "adam-seed0", "adam-seed1"]);
  });
});

describe("study regularization (quick)", () => {
  it("compares none, L1, L2 and dropout", async () => {
    const r = await run("regularization");
    expectTable(
      r.md,
      "Results",
      ["Regularization", "Training Loss", "Validation Loss", "Final Accuracy", "Generalization Gap"],
      ["None", "L1 (0.001)", "L2 (0.001)", "Dropout (0.5)"],
    );
    expectValidSvgs(r.dir, ["training-loss", "validation-loss"]);
    expectEventsMatchMetrics(r.dir);
    const results = r.file.results.map((x) => x.result as { finalTrainLoss: number });
    // The penalties change the trained weights: the four runs are not the same run.
    expect(new Set(results.map((x) => x.finalTrainLoss)).size).toBe(4);
  });
});

describe("study mnist (quick)", () => {
  it("trains the survey's nine optimizers and draws loss and accuracy per epoch", async () => {
    const r = await run("mnist");
    const labels = [
      "GD (full batch)",
      "SGD (batch 1)",
      "Mini-batch GD",
      "Momentum (0.9)",
      "Nesterov (0.9)",
      "AdaGrad",
      "RMSProp",
      "Adam",
      "AMSGrad",
    ];
    const rows = expectTable(
      r.md,
      "Results",
      [
        "Optimizer",
        "Batch",
        "Learning Rate",
        "Epochs",
        "Steps",
        "Final Training Loss",
        "Test Loss",
        "Test Accuracy",
        "Time",
      ],
      labels,
    );
    expect(rows.map((x) => x[1])).toEqual(["full (400)", "1", ...Array(7).fill("32")]);
    expect(rows.map((x) => x[4])).toEqual(["2", "800", ...Array(7).fill("26")]);
    expectValidSvgs(r.dir, ["training-loss", "test-accuracy"]);
    expect(expectEventsMatchMetrics(r.dir)).toBe(18);
    const csv = readFileSync(join(r.dir, "metrics.csv"), "utf8").split("\r\n");
    expect(csv[0]).toBe("run,epoch,trainLoss,validationLoss,validationAccuracy");
    expect(r.md).toMatch(/^# MNIST: the survey's optimizer comparison \(784-32-10 MLP\)$/m); // the quick model, not the paper's 784-500-10
    expect(csv).toHaveLength(18 + 2);
  });
});

describe("study karate (quick)", () => {
  it("puts the auto-encoder per optimizer beside the four heuristics", async () => {
    const r = await run("karate", { optimizers: ["gd", "sgd", "adam"] });
    const rows = expectTable(
      r.md,
      "Results",
      ["Method", "Learning Rate", "Training Loss", "Test Accuracy", "ROC AUC", "Time"],
      [
        "GAE + GD (full batch)",
        "GAE + SGD (batch 1)",
        "GAE + Adam",
        "Common neighbours",
        "Jaccard",
        "Adamic–Adar",
        "Resource allocation",
      ],
    );
    for (const row of rows) expect(Number(row[4])).toBeGreaterThanOrEqual(0);
    expectValidSvgs(r.dir, ["training-loss", "test-auc"]);
    expectEventsMatchMetrics(r.dir);
  });
});
