import { Random } from "../random.ts";
import { edgeCount, type Graph, makeGraph, neighbourLists, pairKey } from "./graph.ts";

/** A link-prediction split. Pair arrays are flat (u, v) with u < v. */
export interface LinkSplit {
  /** The graph without the held-out edges: all that heuristics and models may look at. */
  train: Graph;
  /** Held-out edges, sorted: the test positives. */
  testPositive: Int32Array;
  /** As many non-edges of the full graph, sorted: the test negatives. */
  testNegative: Int32Array;
  /** Every other non-edge of the full graph, in seeded random order: the pool of training negatives. */
  trainNegative: Int32Array;
}

export interface LinkSplitOptions {
  /** Fraction of edges held out; default 0.15. */
  testFraction?: number;
  seed: number;
}

/**
 * Seeded split, with rng = new Random(seed): k = round(edges · testFraction) edges, the first k
 * of rng.permutation(edges), are held out; then the non-edges of the full graph (u < v, in
 * (u, v) order) are permuted by rng.permutation; the first k are the test negatives and the rest,
 * in that order, the training-negative pool. Held-out edges are never negatives, the four sets
 * are disjoint and no pair is a self-loop. Nodes may become isolated in the training graph (the
 * split is uniform over edges, as in the heuristic literature).
 */
export function linkPredictionSplit(graph: Graph, { testFraction = 0.15, seed }: LinkSplitOptions): LinkSplit {
  const m = edgeCount(graph), n = graph.nodes;
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`linkPredictionSplit: testFraction must be in (0, 1), got ${testFraction}`);
  const k = Math.round(m * testFraction);
  const nonEdgeCount = (n * (n - 1)) / 2 - m;
  if (k < 1 || k >= m) throw new RangeError(`linkPredictionSplit: testFraction ${testFraction} of ${m} edges holds out ${k}; need 1 to ${m - 1}`);
  if (k > nonEdgeCount) throw new RangeError(`linkPredictionSplit: ${k} test negatives needed but the graph has only ${nonEdgeCount} non-edges`);
  const rng = new Random(seed);

  const edgeOrder = rng.permutation(m);
  const held = new Uint8Array(m);
  for (let i = 0; i < k; i++) held[edgeOrder[i]] = 1;
  const trainPairs: number[] = [], testPositive: number[] = [];
  for (let e = 0; e < m; e++) (held[e] ? testPositive : trainPairs).push(graph.edges[2 * e], graph.edges[2 * e + 1]);

  const isEdge = new Set<number>();
  for (let e = 0; e < m; e++) isEdge.add(pairKey(graph.edges[2 * e], graph.edges[2 * e + 1], n));
  const nonEdges = new Int32Array(2 * nonEdgeCount);
  let c = 0;
  for (let u = 0; u < n; u++) for (let v = u + 1; v < n; v++) if (!isEdge.has(pairKey(u, v, n))) { nonEdges[c++] = u; nonEdges[c++] = v; }
  const order = rng.permutation(nonEdgeCount);
  const testNegative = sortPairs(pick(nonEdges, order.subarray(0, k)), n);
  const trainNegative = pick(nonEdges, order.subarray(k));

  return {
    train: makeGraph(n, trainPairs, graph.labels),
    testPositive: Int32Array.from(testPositive), // already sorted: graph.edges is
    testNegative,
    trainNegative,
  };
}

function pick(pairs: Int32Array, which: Int32Array): Int32Array {
  const out = new Int32Array(2 * which.length);
  which.forEach((p, i) => { out[2 * i] = pairs[2 * p]; out[2 * i + 1] = pairs[2 * p + 1]; });
  return out;
}

function sortPairs(pairs: Int32Array, n: number): Int32Array {
  const keys = Array.from({ length: pairs.length / 2 }, (_, i) => pairKey(pairs[2 * i], pairs[2 * i + 1], n)).sort((a, b) => a - b);
  const out = new Int32Array(pairs.length);
  keys.forEach((key, i) => { out[2 * i] = Math.floor(key / n); out[2 * i + 1] = key % n; });
  return out;
}

/** Neighbours z of both u and v, from ascending neighbour lists (a merge). */
export function commonNeighbourList(lists: Int32Array[], u: number, v: number): number[] {
  const a = lists[u], b = lists[v], out: number[] = [];
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    if (a[i] < b[j]) i++;
    else if (a[i] > b[j]) j++;
    else { out.push(a[i]); i++; j++; }
  }
  return out;
}

/** A neighbourhood score of the pair (u, v), from the graph's ascending neighbour lists. */
export type LinkHeuristic = (lists: Int32Array[], u: number, v: number) => number;

/**
 * The classic local similarity indices (Liben-Nowell & Kleinberg 2007; Zhou, Lü & Zhang 2009
 * for resource allocation). Γ(x) is x's neighbour set, k(z) = |Γ(z)|.
 */
export const LINK_HEURISTICS = {
  /** |Γ(u) ∩ Γ(v)| */
  commonNeighbours: (lists, u, v) => commonNeighbourList(lists, u, v).length,
  /** |Γ(u) ∩ Γ(v)| / |Γ(u) ∪ Γ(v)|, 0 when both are empty. */
  jaccard: (lists, u, v) => {
    const common = commonNeighbourList(lists, u, v).length;
    const union = lists[u].length + lists[v].length - common;
    return union === 0 ? 0 : common / union;
  },
  /** Σ over common z of 1 / ln k(z); k(z) ≥ 2 since z touches both u and v. */
  adamicAdar: (lists, u, v) => commonNeighbourList(lists, u, v).reduce((s, z) => s + 1 / Math.log(lists[z].length), 0),
  /** Σ over common z of 1 / k(z). */
  resourceAllocation: (lists, u, v) => commonNeighbourList(lists, u, v).reduce((s, z) => s + 1 / lists[z].length, 0),
} satisfies Record<string, LinkHeuristic>;

export type LinkHeuristicName = keyof typeof LINK_HEURISTICS;

/** Scores each flat pair with a heuristic computed on graph g (the training graph). */
export function scorePairs(g: Graph, pairs: Int32Array, heuristic: LinkHeuristic | LinkHeuristicName): Float64Array {
  const h = typeof heuristic === "string" ? LINK_HEURISTICS[heuristic] : heuristic;
  const lists = neighbourLists(g);
  const out = new Float64Array(pairs.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = h(lists, pairs[2 * i], pairs[2 * i + 1]);
  return out;
}

/**
 * ROC AUC: the probability that a random positive scores above a random negative, ties counted
 * as half (the Mann–Whitney U statistic / (P·N)), computed from average ranks in O((P+N) log(P+N)).
 */
export function rocAuc(positive: ArrayLike<number>, negative: ArrayLike<number>): number {
  const p = positive.length, q = negative.length;
  if (p === 0 || q === 0) throw new RangeError(`rocAuc: needs at least one positive and one negative score, got ${p} and ${q}`);
  const all: { s: number; pos: boolean }[] = [];
  for (let i = 0; i < p; i++) all.push({ s: positive[i], pos: true });
  for (let i = 0; i < q; i++) all.push({ s: negative[i], pos: false });
  for (const e of all) if (Number.isNaN(e.s)) throw new RangeError(`rocAuc: a ${e.pos ? "positive" : "negative"} score is NaN`);
  all.sort((a, b) => a.s - b.s);
  let rankSumPos = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j].s === all[i].s) j++;
    const averageRank = (i + 1 + j) / 2; // ranks i+1..j share their mean
    for (let t = i; t < j; t++) if (all[t].pos) rankSumPos += averageRank;
    i = j;
  }
  return (rankSumPos - (p * (p + 1)) / 2) / (p * q);
}

/** ROC AUC of every heuristic on a split: scores from the training graph, test positives vs negatives. */
export function evaluateHeuristics(split: LinkSplit): Record<LinkHeuristicName, number> {
  const out = {} as Record<LinkHeuristicName, number>;
  for (const name of Object.keys(LINK_HEURISTICS) as LinkHeuristicName[]) {
    out[name] = rocAuc(scorePairs(split.train, split.testPositive, name), scorePairs(split.train, split.testNegative, name));
  }
  return out;
}
