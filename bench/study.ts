// The full `mnist` study at the paper's settings (784-500-10, lr 0.01, batch 64, 10 epochs, all nine
// optimizers, 8,000/2,000 digits), timed end to end in one thread: issue 5's target is at most 5 minutes.
// One sample: it is minutes of work, not a microbenchmark. Skipped with --quick.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runStudy } from "../src/study/runner.node.ts";
import { resolveStudyConfig } from "../src/study/config.ts";
import { findStudy } from "../src/study/registry.ts";
import { num, text, type Suite } from "./lib.ts";

const TARGET_SECONDS = 300;

export const studySuite: Suite = {
  name: "study",
  about: "the full mnist study at the paper's settings, end to end (target ≤ 5 min; skipped with --quick)",
  async run(opts) {
    if (opts.quick)
      return {
        title: "mnist study",
        columns: [text("skipped", "skipped")],
        rows: [{ skipped: "--quick: the full study takes minutes" }],
        notes: [],
      };
    const study = findStudy("mnist");
    const out = mkdtempSync(join(tmpdir(), "descent-bench-study-"));
    try {
      const t0 = performance.now();
      const r = await runStudy(study, resolveStudyConfig(study, {}), { out: join(out, "report") });
      const seconds = (performance.now() - t0) / 1000;
      return {
        title: "The mnist study at the paper's settings, one thread, wall-clock seconds (one sample)",
        columns: [num("seconds", "seconds", 1), num("target s", "target", 0), text("met", "met"), text("runs", "runs")],
        rows: [
          {
            seconds,
            target: TARGET_SECONDS,
            met: seconds <= TARGET_SECONDS ? "yes" : "no",
            runs: `${r.file.runIds.length} of ${r.file.plan.length}`,
          },
        ],
        notes: ["what `npm start` runs: nine optimizers, SGD at batch 1 with its full 80,000 steps per epoch"],
      };
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  },
};
