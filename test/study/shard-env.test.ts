// --shard from the job-array environment of Slurm, Kubernetes Indexed Jobs and AWS Batch: the
// index's base and the count as each scheduler documents them, and the slices merging into the
// single-machine report.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { mergeShards, runStudy } from "../../src/study/runner.node.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { findStudy } from "../../src/study/registry.ts";
import { parseShardOption, resolveShard, shardFromEnvironment } from "../../src/study/shard-env.ts";
import { withoutTimings } from "./report-checks.ts";

const slurm = (id: number, min: number, count: number, step = 1) => ({
  SLURM_ARRAY_TASK_ID: String(id),
  SLURM_ARRAY_TASK_MIN: String(min),
  SLURM_ARRAY_TASK_MAX: String(min + step * (count - 1)),
  SLURM_ARRAY_TASK_STEP: String(step),
  SLURM_ARRAY_TASK_COUNT: String(count),
});
const k8s = (i: number) => ({ JOB_COMPLETION_INDEX: String(i) });
const aws = (i: number, size: number) => ({
  AWS_BATCH_JOB_ARRAY_INDEX: String(i),
  AWS_BATCH_JOB_ARRAY_SIZE: String(size),
});

describe("--shard auto", () => {
  it("parses i/n, auto, auto/n and none", () => {
    expect(parseShardOption("2/4")).toEqual({ index: 2, count: 4 });
    expect(parseShardOption("auto")).toEqual({ auto: true });
    expect(parseShardOption("auto/8")).toEqual({ auto: true, count: 8 });
    expect(parseShardOption("none")).toEqual({ none: true });
    expect(() => parseShardOption("auto/x")).toThrow("shard 'auto/x': expected auto or auto/n");
    expect(() => parseShardOption("auto/0")).toThrow("the count must be at least 1");
    expect(() => parseShardOption("5/4")).toThrow("need 1 ≤ i ≤ n");
  });

  it.each([
    ["Slurm --array=0-3, task 0", slurm(0, 0, 4), undefined, { index: 1, count: 4 }],
    ["Slurm --array=0-3, task 3", slurm(3, 0, 4), undefined, { index: 4, count: 4 }],
    ["Slurm --array=1-4, task 1", slurm(1, 1, 4), undefined, { index: 1, count: 4 }],
    ["Slurm --array=1-7:2, task 5", slurm(5, 1, 4, 2), undefined, { index: 3, count: 4 }],
    ["Kubernetes, index 0 of completions 3", k8s(0), 3, { index: 1, count: 3 }],
    ["Kubernetes, index 2 of completions 3", k8s(2), 3, { index: 3, count: 3 }],
    ["AWS Batch, index 0 of size 2", aws(0, 2), undefined, { index: 1, count: 2 }],
    ["AWS Batch, index 4 of size 5", aws(4, 5), 5, { index: 5, count: 5 }],
  ])("%s", (_, env, count, shard) => {
    expect(shardFromEnvironment(env, count)!.shard).toEqual(shard);
  });

  it("says what is wrong with the environment", () => {
    expect(shardFromEnvironment({})).toBeNull();
    expect(() => shardFromEnvironment(k8s(1))).toThrow(
      "--shard auto: JOB_COMPLETION_INDEX=1 gives the index but not the number of tasks; give it once, as --shard auto/n with n the Job's completions",
    );
    expect(() => shardFromEnvironment(k8s(3), 3)).toThrow("JOB_COMPLETION_INDEX=3 is task 4 but the array has 3 tasks");
    expect(() => shardFromEnvironment(aws(0, 4), 3)).toThrow("--shard auto/3: the AWS Batch array has 4 tasks");
    expect(() => shardFromEnvironment({ ...k8s(0), ...aws(0, 2) })).toThrow(
      "both JOB_COMPLETION_INDEX and AWS_BATCH_JOB_ARRAY_INDEX are set",
    );
    expect(() => shardFromEnvironment(slurm(2, 1, 4, 2))).toThrow(
      "SLURM_ARRAY_TASK_ID=2 is not on the --array range starting at 1 with step 2",
    );
    expect(() => shardFromEnvironment({ AWS_BATCH_JOB_ARRAY_INDEX: "x" })).toThrow(
      "AWS_BATCH_JOB_ARRAY_INDEX=x: expected a non-negative integer",
    );
    expect(() => resolveShard({ auto: true }, {})).toThrow("--shard auto: no job array here");
  });

  it("is the default inside a job array that gives index and count; an explicit slice or none wins", () => {
    expect(resolveShard(undefined, slurm(1, 0, 2))).toEqual({
      shard: { index: 2, count: 2 },
      from: "Slurm: SLURM_ARRAY_TASK_ID=1 (min 0, step 1, count 2)",
    });
    expect(resolveShard(undefined, aws(0, 3))!.shard).toEqual({ index: 1, count: 3 });
    expect(resolveShard(undefined, k8s(0))).toBeNull();
    expect(resolveShard(undefined, {})).toBeNull();
    expect(resolveShard({ none: true }, slurm(1, 0, 2))).toBeNull();
    expect(resolveShard({ index: 1, count: 3 }, slurm(1, 0, 2))!.shard).toEqual({ index: 1, count: 3 });
  });
});

describe("slices from each scheduler's environment merge into the single-machine report", () => {
  const root = mkdtempSync(join(tmpdir(), "descent-shard-env-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const study = findStudy("landscape");
  const config = resolveStudyConfig(study, { quick: true });
  const md = (dir: string) => withoutTimings(readFileSync(join(dir, "report.md"), "utf8"));
  let single = "";

  it.each([
    ["Slurm", (k: number) => slurm(k + 1, 1, 3), undefined],
    ["Kubernetes", (k: number) => k8s(k), 3],
    ["AWS Batch", (k: number) => aws(k, 3), undefined],
  ] as const)(
    "%s",
    async (name, env, count) => {
      if (!single) single = md((await runStudy(study, config, { out: join(root, "single") })).dir);
      const dirs: string[] = [];
      for (let k = 0; k < 3; k++) {
        const { shard } = resolveShard(count === undefined ? undefined : { auto: true, count }, env(k))!;
        expect(shard).toEqual({ index: k + 1, count: 3 });
        dirs.push((await runStudy(study, config, { shard, out: join(root, name, `shard-${k}`) })).dir);
      }
      const merged = await mergeShards(dirs.reverse(), findStudy, { out: join(root, name, "report") });
      expect(md(merged.dir)).toBe(single);
    },
    60_000,
  );
});
