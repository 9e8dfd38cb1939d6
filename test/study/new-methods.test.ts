// The newest methods through the studies: the optimizers study trains with each by name, and the
// landscape traces them (schedule-free through the first-order trajectory, Sophia on the f64 path).
import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStudy } from "../../src/study/runner.node.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { findStudy } from "../../src/study/registry.ts";
import { tableUnder, expectNumberOrDiverged } from "./report-checks.ts";
import { runTrajectory } from "../../src/landscape/trajectory.ts";
import { tracePath } from "../../src/study/landscape.ts";

describe("the newest methods in the studies", () => {
  it("the optimizers study runs schedule-free SGD and AdamW, Muon and Sophia by name", async () => {
    const study = findStudy("optimizers");
    const out = join(mkdtempSync(join(tmpdir(), "descent-new-methods-")), "report");
    const config = resolveStudyConfig(study, {
      quick: true,
      optimizers: ["schedule-free-sgd", "schedule-free-adamw", "muon", "sophia"],
      epochs: 2,
    });
    const r = await runStudy(study, config, { out });
    const rows = tableUnder(readFileSync(join(r.dir, "report.md"), "utf8"), "Convergence").rows;
    expect(rows.map((row) => row[0])).toEqual([
      "Schedule-free SGD",
      "Schedule-free AdamW",
      "Muon (AdamW for non-matrices)",
      "Sophia (Hutchinson)",
    ]);
    for (const row of rows) expectNumberOrDiverged(row[3], `${row[0]} final training loss`);
  }, 60_000);

  it("the landscape traces them and each ends lower than it started", () => {
    for (const name of ["schedule-free-sgd", "schedule-free-adamw", "muon"]) {
      const t = runTrajectory({ fn: "ill-conditioned", optimizer: { name, options: { lr: 0.01 } }, steps: 300 });
      expect(t.divergedAt, name).toBeNull();
      expect(t.losses.at(-1)!, name).toBeLessThan(t.losses[0]);
    }
    const s = { steps: 300, "second-order-steps": 30, momentum: 0.9, "lr-scale": 1 };
    const path = tracePath("ill-conditioned", "sophia", s);
    expect(path.divergedAt).toBeNull();
    expect(path.values.at(-1)!).toBeLessThan(path.values[0]);
  });
});
