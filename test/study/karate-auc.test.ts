// Issue 4's proof: ROC AUC over 100 seeded splits of the karate club (15% of the edges held out,
// as many sampled non-edges), the graph auto-encoder against the classic heuristics on the same
// splits. Printed in full; asserted only where it is robust.
import { describe, expect, it } from "vitest";
import { evaluateHeuristics, karateClub, linkPredictionSplit, type LinkHeuristicName } from "../../src/data/index.ts";
import { adam } from "../../src/optim/index.ts";
import { trainLinkModel } from "../../src/study/common/link-model.ts";
import { meanStd } from "../../src/report/format.ts";

describe("karate link prediction over 100 splits", () => {
  it("reports the model's AUC beside the heuristics'", async () => {
    const splits = 100;
    const model: number[] = [];
    const heuristics: Record<LinkHeuristicName, number[]> = {
      commonNeighbours: [],
      jaccard: [],
      adamicAdar: [],
      resourceAllocation: [],
    };
    for (let seed = 0; seed < splits; seed++) {
      const split = linkPredictionSplit(karateClub(), { testFraction: 0.15, seed });
      expect(split.testPositive.length).toBe(split.testNegative.length);
      const r = await trainLinkModel(split, {
        optimizer: () => adam({ lr: 0.01 }),
        epochs: 100,
        batch: "full",
        hidden: 16,
        embedding: 8,
        seed,
      });
      model.push(r.testAuc);
      const h = evaluateHeuristics(split);
      for (const k of Object.keys(heuristics) as LinkHeuristicName[]) heuristics[k].push(h[k]);
    }
    const line = (name: string, xs: number[]) => {
      const { mean, std } = meanStd(xs);
      return `${name.padEnd(20)} ${mean.toFixed(4)} ± ${std.toFixed(4)}`;
    };
    console.log(
      [
        `ROC AUC over ${splits} splits (mean ± std):`,
        line("GAE (Adam, 100 ep.)", model),
        ...Object.entries(heuristics).map(([k, xs]) => line(k, xs)),
      ].join("\n"),
    );
    expect(model).toHaveLength(splits);
    expect(model.every(Number.isFinite)).toBe(true);
    const modelMean = meanStd(model).mean;
    expect(modelMean).toBeGreaterThan(0.6);
    // Measured here: the model ≈ 0.77, resource allocation ≈ 0.70 over these 100 splits.
    expect(modelMean).toBeGreaterThan(meanStd(heuristics.resourceAllocation).mean);
  });
});
