// The analytic studies (tm-sgd, landscape, convex, hessian) end to end in their --quick setting, through
// the runner that writes the report directory: sections, tables with finite numbers, well-formed SVGs,
// and TensorBoard events that read back to the logged metrics.
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStudy } from "../../src/study/runner.node.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { findStudy } from "../../src/study/registry.ts";
import { expectEventsMatchMetrics, expectValidSvgs, tableUnder } from "./report-checks.ts";

const cases: [string, string[], string][] = [
  [
    "tm-sgd",
    [
      "Numerical check: forward Euler vs the Taylor multi-step scheme",
      "Image task: MLP on MNIST",
      "Sequence task: LSTM on sign-of-sum",
    ],
    "Numerical check: forward Euler vs the Taylor multi-step scheme",
  ],
  ["landscape", ["Summary", "Rosenbrock", "Beale", "Himmelblau", "Saddle", "Ill-conditioned quadratic"], "Summary"],
  [
    "convex",
    [
      "Linear regression: gradient descent vs the closed form",
      "Logistic regression: rates on a convex problem",
      "Constrained optimization with Lagrange multipliers",
    ],
    "Constrained optimization with Lagrange multipliers",
  ],
  ["hessian", ["Sharpness and the edge of stability"], "Sharpness and the edge of stability"],
];

describe("analytic studies through the runner (quick)", () => {
  for (const [name, headings, tableHeading] of cases) {
    it(`${name}: report sections, a table of finite numbers, valid SVGs, TensorBoard events`, async () => {
      const study = findStudy(name);
      const out = join(mkdtempSync(join(tmpdir(), `descent-${name}-`)), "report");
      const r = await runStudy(study, resolveStudyConfig(study, { quick: true }), { out });
      const md = readFileSync(join(r.dir, "report.md"), "utf8");
      for (const h of [...headings, "Configuration"]) expect(md, h).toContain(`\n## ${h}\n`);
      const table = tableUnder(md, tableHeading);
      expect(table.rows.length).toBeGreaterThan(0);
      for (const row of table.rows)
        for (const cell of row) expect(cell, `${name}: ${row[0]}`).not.toMatch(/\bNaN\b|undefined/);
      const svgs = readdirSync(r.dir)
        .filter((f) => f.endsWith(".svg"))
        .map((f) => f.slice(0, -4));
      expect(svgs.length).toBeGreaterThan(0);
      expectValidSvgs(r.dir, svgs);
      expect(expectEventsMatchMetrics(r.dir)).toBeGreaterThan(0);
    }, 60_000);
  }
});
