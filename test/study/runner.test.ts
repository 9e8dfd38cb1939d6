import { describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { decodeJson, encodeJson, executeRuns, parseShard, RunFailure, sliceShard } from "../../src/study/runner.ts";
import { mergeShards, runStudy } from "../../src/study/runner.node.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { findStudy } from "../../src/study/registry.ts";
import type { Study } from "../../src/study/study.ts";
import { tableUnder, withoutTimingKeys, withoutTimings } from "./report-checks.ts";

const temp = () => mkdtempSync(join(tmpdir(), "descent-runner-"));

/** A deterministic study with no timings: its report must be identical byte for byte however it runs. */
const squares: Study<{ x: number; square: number; root: number }> = {
  name: "squares",
  summary: "x², √x for x = 0..n−1",
  options: [{ name: "n", type: "int", help: "how many", default: 7, min: 1 }],
  plan: (config) => Array.from({ length: config.n as number }, (_, x) => ({ id: `x${x}`, x })),
  async run(spec, config, ctx) {
    ctx.progress(0.5, "half");
    const x = spec.x as number;
    return { x, square: x * x + config.seed, root: x === 0 ? -Infinity : Math.log(x) };
  },
  report: (config, results) => ({
    title: "Squares",
    sections: [
      {
        heading: "Table",
        tables: [
          { columns: ["x", "x²", "log x"], rows: results.map((r) => [r.result.x, r.result.square, r.result.root]) },
        ],
      },
    ],
    metrics: results.map((r) => ({ run: r.spec.id, step: r.result.x, square: r.result.square })),
  }),
};

describe("shards", () => {
  it("parses i/n and refuses what is not a slice", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    for (const bad of ["0/3", "4/3", "1-3", "a/b", "1/0"]) expect(() => parseShard(bad)).toThrow(/shard|i\/n/);
  });

  it("deals the plan round robin: the slices are disjoint and cover it", () => {
    const plan = Array.from({ length: 11 }, (_, i) => i);
    const slices = [1, 2, 3].map((index) => sliceShard(plan, { index, count: 3 }));
    expect(slices[0]).toEqual([0, 3, 6, 9]);
    expect(slices.flat().sort((a, b) => a - b)).toEqual(plan);
  });
});

describe("results encoding", () => {
  it("keeps NaN and ±Infinity through JSON", () => {
    const v = decodeJson(encodeJson({ a: NaN, b: [Infinity, -Infinity, 1.5] })) as { a: number; b: number[] };
    expect(v.a).toBeNaN();
    expect(v.b).toEqual([Infinity, -Infinity, 1.5]);
  });
});

describe("executeRuns", () => {
  const specs = Array.from({ length: 6 }, (_, i) => ({ id: `r${i}`, i }));

  it("returns results in plan order whatever order they finish in, never more than `concurrency` at once", async () => {
    let running = 0,
      peak = 0;
    const { finished, interrupted } = await executeRuns(
      specs,
      async (spec) => {
        running++;
        peak = Math.max(peak, running);
        await new Promise((r) => setTimeout(r, 5 * (6 - (spec.i as number))));
        running--;
        return spec.i;
      },
      { concurrency: 3 },
    );
    expect(finished.map((f) => f.result)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(peak).toBe(3);
    expect(interrupted).toBe(false);
  });

  it("stops starting runs on abort and keeps the finished ones", async () => {
    const controller = new AbortController();
    const { finished, interrupted } = await executeRuns(
      specs,
      async (spec) => {
        if (spec.i === 2) {
          controller.abort();
          throw new DOMException("stop", "AbortError");
        }
        return spec.i;
      },
      { signal: controller.signal },
    );
    expect(finished.map((f) => f.spec.id)).toEqual(["r0", "r1"]);
    expect(interrupted).toBe(true);
  });

  it("reports a failing run with the ones that finished", async () => {
    const e = await executeRuns(specs, async (spec) => {
      if (spec.i === 3) throw new Error("bad input");
      return spec.i;
    }).catch((x) => x);
    expect(e).toBeInstanceOf(RunFailure);
    expect(e.message).toBe("run 'r3' failed: bad input");
    expect(e.finished.map((f: { spec: { id: string } }) => f.spec.id)).toEqual(["r0", "r1", "r2"]);
  });
});

describe("runStudy and merge", () => {
  it("writes every output, and shards merged give the single machine's report byte for byte", async () => {
    const find = () => squares;
    const config = { ...resolveStudyConfig(squares, { seed: 3 }), n: 7 };
    const single = await runStudy(squares, config, { out: join(temp(), "single") });
    for (const f of ["report.md", "report.html", "results.json", "config.json", "metrics.csv", "metrics.jsonl"])
      expect(
        single.files.some((p) => p.endsWith(f)),
        f,
      ).toBe(true);
    const dirs = [];
    for (const index of [1, 2, 3])
      dirs.push((await runStudy(squares, config, { shard: { index, count: 3 }, out: join(temp(), `s${index}`) })).dir);
    const shard1 = decodeJson(readFileSync(join(dirs[0], "results.json"), "utf8")) as {
      runIds: string[];
      complete: boolean;
      shard: unknown;
    };
    expect(shard1.runIds).toEqual(["x0", "x3", "x6"]);
    expect(shard1.shard).toEqual({ index: 1, count: 3 });
    const merged = await mergeShards([dirs[2], dirs[0], dirs[1]], find, { out: join(temp(), "merged") });
    for (const f of ["report.md", "results.json", "config.json", "metrics.csv", "metrics.jsonl", "report.html"]) {
      expect(readFileSync(join(merged.dir, f), "utf8"), f).toBe(readFileSync(join(single.dir, f), "utf8"));
    }
    const rows = tableUnder(readFileSync(join(single.dir, "report.md"), "utf8"), "Table").rows;
    expect(rows[0]).toEqual(["0", "3.000", "-inf"]);
    expect(rows[6]).toEqual(["6.000", "39.00", "1.792"]);
    await expect(mergeShards([dirs[0], dirs[1]], find)).rejects.toThrow(/2 run\(s\) missing: x2, x5/);
    await expect(mergeShards([dirs[0], dirs[0], dirs[1], dirs[2]], find)).rejects.toThrow(/appears twice/);
  });

  it("runs in-process under several workers' concurrency and writes a partial report when interrupted", async () => {
    const controller = new AbortController();
    const slow: Study = {
      ...squares,
      async run(spec, config, ctx) {
        if (spec.x === 4) controller.abort();
        if (ctx.signal?.aborted) throw new DOMException("stop", "AbortError");
        return squares.run(spec, config, ctx);
      },
    };
    const r = await runStudy(slow, resolveStudyConfig(slow, {}), {
      out: join(temp(), "partial"),
      signal: controller.signal,
    });
    expect(r.interrupted).toBe(true);
    expect(r.file.runIds).toEqual(["x0", "x1", "x2", "x3"]);
    const md = readFileSync(join(r.dir, "report.md"), "utf8");
    expect(md).toMatch(/Partial report\*\*: 4 of 7 runs finished/);
    expect(tableUnder(md, "Table").rows).toHaveLength(4);
  });

  it("a real study (karate, quick): shards merged match one machine except the wall-clock cells", async () => {
    const study = findStudy("karate");
    const config = resolveStudyConfig(study, { quick: true, optimizers: ["gd", "adam", "rmsprop"], epochs: 5 });
    const single = await runStudy(study, config, { out: join(temp(), "k") });
    const a = await runStudy(study, config, { shard: { index: 1, count: 2 }, out: join(temp(), "k1") });
    const b = await runStudy(study, config, { shard: { index: 2, count: 2 }, out: join(temp(), "k2") });
    const merged = await mergeShards([a.dir, b.dir], findStudy, { out: join(temp(), "km") });
    const read = (dir: string, f: string) => readFileSync(join(dir, f), "utf8");
    expect(withoutTimings(read(merged.dir, "report.md"))).toBe(withoutTimings(read(single.dir, "report.md")));
    expect(withoutTimingKeys(decodeJson(read(merged.dir, "results.json")))).toEqual(
      withoutTimingKeys(decodeJson(read(single.dir, "results.json"))),
    );
    expect(read(merged.dir, "metrics.csv")).toBe(read(single.dir, "metrics.csv"));
  });
});
