import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { degrees, denseAdjacency, edgeCount, makeGraph, neighbourLists, normalizedAdjacency, parseEdgeList } from "../../src/data/graph.ts";
import { KARATE_CLUB_TEXT, karateClub } from "../../src/data/karate-club.ts";

describe("karate club", () => {
  it("embeds data/karate-club.txt verbatim", () => {
    expect(KARATE_CLUB_TEXT).toBe(readFileSync(new URL("../../data/karate-club.txt", import.meta.url), "utf8"));
  });

  it("has 34 nodes, 78 edges, two factions and Zachary's known degrees", () => {
    const g = karateClub();
    expect(g.nodes).toBe(34);
    expect(edgeCount(g)).toBe(78);
    expect(g.classes).toBe(2);
    const deg = degrees(g);
    expect(deg[0]).toBe(16); // Mr. Hi
    expect(deg[33]).toBe(17); // the officer
    expect(deg.reduce((a, b) => a + b, 0)).toBe(156);
    expect(g.labels![0]).toBe(0);
    expect(g.labels![33]).toBe(1);
    expect(g.labels!.reduce((a, b) => a + b, 0)).toBe(17); // 17 / 17, as the file's "# club" line says
    for (let k = 0; k < g.edges.length; k += 2) expect(g.edges[k]).toBeLessThan(g.edges[k + 1]);
  });

  it("returns a fresh copy each call", () => {
    const a = karateClub();
    a.edges[0] = 99;
    expect(karateClub().edges[0]).toBe(0);
  });
});

describe("adjacency", () => {
  // A path 0-1-2 plus an isolated node 3.
  const path = makeGraph(4, [2, 1, 0, 1]);

  it("makeGraph sorts, orients u < v, and lists neighbours ascending", () => {
    expect(Array.from(path.edges)).toEqual([0, 1, 1, 2]);
    expect(neighbourLists(path).map((l) => Array.from(l))).toEqual([[1], [0, 2], [1], []]);
    expect(Array.from(denseAdjacency(path))).toEqual([0, 1, 0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
  });

  it("normalizedAdjacency matches D^-1/2 (A+I) D^-1/2 written out for the path", () => {
    const s = (a: number, b: number) => 1 / Math.sqrt(a * b);
    const want = [
      [s(2, 2), s(2, 3), 0, 0],
      [s(3, 2), s(3, 3), s(3, 2), 0],
      [0, s(2, 3), s(2, 2), 0],
      [0, 0, 0, 1],
    ].flat();
    const got = normalizedAdjacency(path);
    want.forEach((w, i) => expect(got[i]).toBeCloseTo(w, 6));
  });

  it("on the karate club it is symmetric with eigenvector sqrt(deg + 1), eigenvalue 1", () => {
    const g = karateClub(), n = 34, a = normalizedAdjacency(g), deg = degrees(g);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(a[i * n + j]).toBe(a[j * n + i]);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += a[i * n + j] * Math.sqrt(deg[j] + 1);
      expect(s).toBeCloseTo(Math.sqrt(deg[i] + 1), 5);
    }
  });

  it.each([
    [[0, 0], /edge 0 is a self-loop on node 0/],
    [[0, 1, 1, 0], /edge 1 \(1, 0\) is repeated/],
    [[0, 4], /edge 0 \(0, 4\) has node 4 outside \[0, 3\]/],
    [[0, 1, 2], /odd length 3/],
  ])("makeGraph rejects %j", (pairs, message) => {
    expect(() => makeGraph(4, pairs)).toThrow(message);
  });
});

describe("parseEdgeList", () => {
  it("reads edges, comments, blank lines, CRLF and a club line", () => {
    const g = parseEdgeList("# a graph\r\n# club 0 1 1\r\n\r\n0 1\r\n 2   1 \r\n", "g.txt");
    expect(g.nodes).toBe(3);
    expect(Array.from(g.edges)).toEqual([0, 1, 1, 2]);
    expect(Array.from(g.labels!)).toEqual([0, 1, 1]);
    expect(parseEdgeList("0 5\n", "h").nodes).toBe(6);
  });

  it.each([
    ["0 1\n1 x\n", /g:2: expected an edge 'u v' \(two non-negative integer node ids\), got '1 x'/],
    ["0 1\n1 2 3\n", /g:2: expected an edge 'u v'.*got '1 2 3'/],
    ["0 -1\n", /g:1: expected an edge/],
    ["0 1\n\n3 3\n", /g:3: self-loop '3 3' on node 3/],
    ["0 1\n1 2\n1 0\n", /g:3: edge '1 0' repeats line 1/],
    ["# club 0 1\n0 1\n1 2\n", /g:3: node 2 has no label: the "# club" line \(line 1\) lists 2 labels, for nodes 0-1/],
    ["# club 0 a\n0 1\n", /g:1: label 'a' is not a non-negative integer/],
    ["# club\n0 1\n", /g:1: "# club" line lists no labels/],
    ["# club 0 1\n# club 0 1\n0 1\n", /g:2: a second "# club" line \(the first is line 1\)/],
    ["# only comments\n\n", /g: no edges/],
  ])("reports %j with its line", (text, message) => {
    expect(() => parseEdgeList(text, "g")).toThrow(message);
  });
});
