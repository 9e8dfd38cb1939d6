/** An undirected simple graph: no self-loops, no repeated edges. Plain data, like Dataset. */
export interface Graph {
  nodes: number;
  /** Edges as flat pairs (u, v) with u < v, sorted by (u, v); length 2 × edge count. */
  edges: Int32Array;
  /** A label per node (e.g. the karate club's factions), when known. */
  labels?: Int32Array;
  classes?: number;
}

export function edgeCount(g: Graph): number {
  return g.edges.length / 2;
}

/** Builds a Graph from pairs in any orientation and order; rejects self-loops, duplicates and ids out of range. */
export function makeGraph(nodes: number, pairs: ArrayLike<number>, labels?: ArrayLike<number>): Graph {
  if (!Number.isInteger(nodes) || nodes < 1) throw new RangeError(`graph: nodes must be a positive integer, got ${nodes}`);
  if (pairs.length % 2 !== 0) throw new RangeError(`graph: pairs has odd length ${pairs.length}; expected flat (u, v) pairs`);
  const keys: number[] = [];
  const seen = new Set<number>();
  for (let k = 0; k < pairs.length; k += 2) {
    const a = pairs[k], b = pairs[k + 1];
    for (const v of [a, b]) {
      if (!Number.isInteger(v) || v < 0 || v >= nodes) throw new RangeError(`graph: edge ${k / 2} (${a}, ${b}) has node ${v} outside [0, ${nodes - 1}]`);
    }
    if (a === b) throw new RangeError(`graph: edge ${k / 2} is a self-loop on node ${a}`);
    const key = pairKey(a, b, nodes);
    if (seen.has(key)) throw new RangeError(`graph: edge ${k / 2} (${a}, ${b}) is repeated`);
    seen.add(key);
    keys.push(key);
  }
  keys.sort((x, y) => x - y);
  const edges = new Int32Array(pairs.length);
  keys.forEach((key, i) => { edges[2 * i] = Math.floor(key / nodes); edges[2 * i + 1] = key % nodes; });
  const g: Graph = { nodes, edges };
  if (labels) {
    if (labels.length !== nodes) throw new RangeError(`graph: ${labels.length} labels for ${nodes} nodes`);
    let classes = 0;
    for (let i = 0; i < nodes; i++) {
      if (!Number.isInteger(labels[i]) || labels[i] < 0) throw new RangeError(`graph: label ${labels[i]} of node ${i} must be a non-negative integer`);
      classes = Math.max(classes, labels[i] + 1);
    }
    g.labels = Int32Array.from(labels);
    g.classes = classes;
  }
  return g;
}

/** A unique number for the unordered pair {a, b}: min·nodes + max. */
export function pairKey(a: number, b: number, nodes: number): number {
  return a < b ? a * nodes + b : b * nodes + a;
}

/** Each node's neighbours, ascending. */
export function neighbourLists(g: Graph): Int32Array[] {
  const deg = degrees(g);
  const lists = Array.from(deg, (d) => new Int32Array(d));
  const fill = new Int32Array(g.nodes);
  // Sorted edges already give ascending lists (smaller neighbours arrive first); the sort keeps
  // that true for any Graph built by hand.
  for (let k = 0; k < g.edges.length; k += 2) {
    const u = g.edges[k], v = g.edges[k + 1];
    lists[u][fill[u]++] = v;
    lists[v][fill[v]++] = u;
  }
  for (const l of lists) l.sort();
  return lists;
}

export function degrees(g: Graph): Int32Array {
  const deg = new Int32Array(g.nodes);
  for (const v of g.edges) deg[v]++;
  return deg;
}

/** The symmetric 0/1 adjacency matrix A, dense, row-major nodes × nodes. */
export function denseAdjacency(g: Graph): Float32Array {
  const n = g.nodes, a = new Float32Array(n * n);
  for (let k = 0; k < g.edges.length; k += 2) {
    const u = g.edges[k], v = g.edges[k + 1];
    a[u * n + v] = 1;
    a[v * n + u] = 1;
  }
  return a;
}

/**
 * The GCN propagation matrix Â = D̃^{-1/2} (A + I) D̃^{-1/2}, D̃ the degrees of A + I
 * (Kipf & Welling 2017, "Semi-supervised classification with graph convolutional networks",
 * eq. 2), dense row-major nodes × nodes. Computed in f64, stored as f32.
 */
export function normalizedAdjacency(g: Graph): Float32Array {
  const n = g.nodes;
  const a = denseAdjacency(g);
  for (let i = 0; i < n; i++) a[i * n + i] = 1;
  const invSqrt = Array.from(degrees(g), (d) => 1 / Math.sqrt(d + 1));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) if (a[i * n + j] !== 0) a[i * n + j] = invSqrt[i] * invSqrt[j];
  }
  return a;
}

/**
 * Parses the edge-list text format of data/karate-club.txt: one edge "u v" a line (node ids
 * are non-negative integers), blank lines ignored, lines starting with '#' are comments, except
 * "# club l0 l1 ..." which gives one label per node (and so the node count). Without it the
 * node count is the largest id + 1. Errors name the source and the 1-based line.
 */
export function parseEdgeList(text: string, name: string): Graph {
  const lines = text.split(/\r?\n/);
  const pairs: number[] = [];
  const firstLine = new Map<string, number>();
  let labels: number[] | undefined, labelsLine = 0;
  let maxId = -1, maxIdLine = 0;
  lines.forEach((raw, index) => {
    const line = raw.trim(), at = `${name}:${index + 1}`;
    if (line === "") return;
    if (line.startsWith("#")) {
      const club = /^#\s*club\b(.*)$/.exec(line);
      if (!club) return;
      if (labels) throw new Error(`${at}: a second "# club" line (the first is line ${labelsLine})`);
      const tokens = club[1].trim().split(/\s+/).filter((t) => t !== "");
      if (tokens.length === 0) throw new Error(`${at}: "# club" line lists no labels`);
      labels = tokens.map((t) => {
        if (!/^\d+$/.test(t)) throw new Error(`${at}: label '${t}' is not a non-negative integer`);
        return Number(t);
      });
      labelsLine = index + 1;
      return;
    }
    const tokens = line.split(/\s+/);
    if (tokens.length !== 2 || !tokens.every((t) => /^\d+$/.test(t))) {
      throw new Error(`${at}: expected an edge 'u v' (two non-negative integer node ids), got '${line}'`);
    }
    const [u, v] = tokens.map(Number);
    if (u === v) throw new Error(`${at}: self-loop '${line}' on node ${u}`);
    const key = u < v ? `${u} ${v}` : `${v} ${u}`;
    const earlier = firstLine.get(key);
    if (earlier !== undefined) throw new Error(`${at}: edge '${line}' repeats line ${earlier}`);
    firstLine.set(key, index + 1);
    if (Math.max(u, v) > maxId) { maxId = Math.max(u, v); maxIdLine = index + 1; }
    pairs.push(u, v);
  });
  if (pairs.length === 0) throw new Error(`${name}: no edges`);
  if (labels && maxId >= labels.length) {
    throw new Error(`${name}:${maxIdLine}: node ${maxId} has no label: the "# club" line (line ${labelsLine}) lists ${labels.length} labels, for nodes 0-${labels.length - 1}`);
  }
  return makeGraph(labels ? labels.length : maxId + 1, pairs, labels);
}
