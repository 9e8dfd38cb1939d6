import { describe, expect, it } from "vitest";
import { edgeCount, makeGraph, pairKey } from "../../src/data/graph.ts";
import { karateClub } from "../../src/data/karate-club.ts";
import {
  LINK_HEURISTICS, type LinkHeuristicName, evaluateHeuristics, linkPredictionSplit, rocAuc, scorePairs,
} from "../../src/data/link-prediction.ts";
import { Random } from "../../src/random.ts";

const keys = (pairs: Int32Array, n: number) => Array.from({ length: pairs.length / 2 }, (_, i) => pairKey(pairs[2 * i], pairs[2 * i + 1], n));

describe("linkPredictionSplit", () => {
  const g = karateClub();

  it("holds out 15% of edges, as many non-edges, and leaves the rest as a negative pool; all disjoint", () => {
    const s = linkPredictionSplit(g, { seed: 3 });
    expect(s.testPositive.length / 2).toBe(12); // round(78 · 0.15)
    expect(s.testNegative.length / 2).toBe(12);
    expect(edgeCount(s.train)).toBe(66);
    expect(s.trainNegative.length / 2).toBe(34 * 33 / 2 - 78 - 12);
    expect(s.train.nodes).toBe(34);
    expect(s.train.labels).toEqual(g.labels);

    const edges = new Set(keys(g.edges, 34));
    const train = keys(s.train.edges, 34), pos = keys(s.testPositive, 34), neg = keys(s.testNegative, 34), pool = keys(s.trainNegative, 34);
    expect(new Set([...train, ...pos])).toEqual(edges);
    for (const k of [...neg, ...pool]) expect(edges.has(k)).toBe(false);
    expect(new Set([...train, ...pos, ...neg, ...pool]).size).toBe(34 * 33 / 2); // disjoint and complete
    for (const p of [s.testPositive, s.testNegative, s.trainNegative]) {
      for (let i = 0; i < p.length; i += 2) expect(p[i]).toBeLessThan(p[i + 1]); // u < v: no self-loops
    }
    expect(pos).toEqual([...pos].sort((a, b) => a - b));
    expect(neg).toEqual([...neg].sort((a, b) => a - b));
  });

  it("is deterministic per seed and differs across seeds", () => {
    const a = linkPredictionSplit(g, { seed: 1 }), b = linkPredictionSplit(g, { seed: 1 }), c = linkPredictionSplit(g, { seed: 2 });
    expect(b).toEqual(a);
    expect(c.testPositive).not.toEqual(a.testPositive);
    expect(c.testNegative).not.toEqual(a.testNegative);
  });

  it("rejects fractions that hold out nothing or everything, and graphs with too few non-edges", () => {
    expect(() => linkPredictionSplit(g, { testFraction: 0, seed: 1 })).toThrow(/testFraction must be in \(0, 1\), got 0/);
    expect(() => linkPredictionSplit(g, { testFraction: 0.001, seed: 1 })).toThrow(/holds out 0; need 1 to 77/);
    const nearlyComplete = makeGraph(4, [0, 1, 0, 2, 0, 3, 1, 2, 1, 3]); // one non-edge: 2-3
    expect(() => linkPredictionSplit(nearlyComplete, { testFraction: 0.4, seed: 1 })).toThrow(/2 test negatives needed but the graph has only 1 non-edges/);
  });
});

describe("heuristics", () => {
  // 0 and 1 share neighbours 2 (degree 2) and 3 (degree 3); 3 also touches 4.
  const g = makeGraph(5, [0, 2, 1, 2, 0, 3, 1, 3, 3, 4]);
  const pair = Int32Array.from([0, 1]);
  const want: Record<LinkHeuristicName, number> = {
    commonNeighbours: 2,
    jaccard: 1, // Γ(0) = Γ(1) = {2, 3}
    adamicAdar: 1 / Math.log(2) + 1 / Math.log(3),
    resourceAllocation: 1 / 2 + 1 / 3,
  };
  it.each(Object.keys(LINK_HEURISTICS) as LinkHeuristicName[])("%s matches its formula by hand", (name) => {
    expect(scorePairs(g, pair, name)[0]).toBeCloseTo(want[name], 12);
  });

  it("score 0 for pairs with no common neighbour (Jaccard too, even with empty neighbourhoods)", () => {
    const h = makeGraph(4, [0, 1]);
    for (const name of Object.keys(LINK_HEURISTICS) as LinkHeuristicName[]) {
      expect(scorePairs(h, Int32Array.from([0, 2, 2, 3]), name)).toEqual(new Float64Array([0, 0]));
    }
    expect(scorePairs(g, Int32Array.from([0, 4]), "jaccard")[0]).toBeCloseTo(1 / 2, 12); // {3} of {2, 3}
  });

  it("beat chance on the karate club: mean ROC AUC over 100 seeded splits", () => {
    const g = karateClub();
    const mean: Record<string, number> = {};
    for (let seed = 0; seed < 100; seed++) {
      for (const [name, auc] of Object.entries(evaluateHeuristics(linkPredictionSplit(g, { testFraction: 0.15, seed })))) {
        mean[name] = (mean[name] ?? 0) + auc / 100;
      }
    }
    // Measured: common neighbours 0.672, Jaccard 0.609, Adamic-Adar 0.698, resource allocation 0.704
    // (literature ≈ 0.72 for RA); the standard error of each mean is about 0.009.
    for (const name of Object.keys(LINK_HEURISTICS)) expect(mean[name]).toBeGreaterThan(0.57);
    expect(mean.resourceAllocation).toBeGreaterThan(0.67);
    expect(mean.resourceAllocation).toBeLessThan(0.76);
  });
});

describe("rocAuc", () => {
  function pairwise(p: number[], q: number[]): number {
    let s = 0;
    for (const a of p) for (const b of q) s += a > b ? 1 : a === b ? 0.5 : 0;
    return s / (p.length * q.length);
  }

  it("matches the pairwise count with ties as half, on tie-heavy random scores", () => {
    const r = new Random(9);
    for (const [np, nq] of [[1, 1], [1, 5], [7, 3], [40, 60]]) {
      const p = Array.from({ length: np }, () => r.int(5)), q = Array.from({ length: nq }, () => r.int(5) - 1);
      expect(rocAuc(p, q)).toBeCloseTo(pairwise(p, q), 12);
    }
  });

  it("is 1 for perfect, 0 for reversed and 0.5 for all-tied scores; rejects empty and NaN", () => {
    expect(rocAuc([3, 4], [1, 2])).toBe(1);
    expect(rocAuc([1, 2], [3, 4])).toBe(0);
    expect(rocAuc([2, 2], [2, 2, 2])).toBe(0.5);
    expect(() => rocAuc([], [1])).toThrow(/got 0 and 1/);
    expect(() => rocAuc([1], [NaN])).toThrow(/a negative score is NaN/);
  });
});
