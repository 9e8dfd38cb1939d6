// docs/cluster/: the sbatch scripts and the Kubernetes Indexed Job manifests run as written, with the
// environment each scheduler gives its tasks, the CLI bundle as `descent` and a small setting
// appended ($DESCENT_ARGS); the merged report must be the single machine's.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { withoutTimings } from "../study/report-checks.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const docs = join(root, "docs", "cluster");
const bundle = join(root, "build", `cli-cluster-test-${process.pid}`);
const temp = mkdtempSync(join(tmpdir(), "descent-cluster-"));
const DESCENT = `${process.execPath} ${join(bundle, "descent.mjs")}`;
const SMALL = "--quick --optimizers adam --train 100 --test 50";

function run(command: string, args: string[], env: Record<string, string>) {
  const r = spawnSync(command, args, {
    cwd: temp,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", ...env },
  });
  expect(r.status, `${command} ${args.join(" ")}\n${r.stderr}`).toBe(0);
  return r;
}
const report = (dir: string) => withoutTimings(readFileSync(join(dir, "report.md"), "utf8"));
let single = "";

beforeAll(() => {
  execFileSync(process.execPath, [join(root, "scripts", "build-cli.mjs"), bundle], { cwd: root });
  run(
    process.execPath,
    [
      join(bundle, "descent.mjs"),
      "study",
      "mnist",
      "--seeds",
      "10",
      "--tune",
      ...SMALL.split(" "),
      "--out",
      join(temp, "single"),
      "--quiet",
    ],
    {},
  );
  single = report(join(temp, "single"));
}, 120_000);
afterAll(() => {
  rmSync(bundle, { recursive: true, force: true });
  rmSync(temp, { recursive: true, force: true });
});

interface Container {
  name: string;
  image: string;
  command: string[];
  env?: { name: string; value: string }[];
}
interface JobManifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions: number;
    parallelism?: number;
    template: { spec: { restartPolicy: string; containers: Container[] } };
  };
}

/** Schema-level checks of a batch/v1 Job: what the API server requires of it, and of an Indexed one. */
function checkJob(job: JobManifest, indexed: boolean): Container {
  expect(job.apiVersion).toBe("batch/v1");
  expect(job.kind).toBe("Job");
  expect(job.metadata.name).toMatch(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  expect(Number.isInteger(job.spec.completions) && job.spec.completions >= 1).toBe(true);
  if (indexed) {
    expect(job.spec.completionMode).toBe("Indexed");
    expect(Number.isInteger(job.spec.parallelism) && job.spec.parallelism! >= 1).toBe(true);
  }
  expect(["Never", "OnFailure"]).toContain(job.spec.template.spec.restartPolicy);
  const containers = job.spec.template.spec.containers;
  expect(containers.length).toBeGreaterThanOrEqual(1);
  for (const c of containers) {
    expect(typeof c.name === "string" && typeof c.image === "string").toBe(true);
    expect(Array.isArray(c.command) && c.command.every((s) => typeof s === "string")).toBe(true);
  }
  return containers[0];
}

describe("docs/cluster", { timeout: 180_000 }, () => {
  it("sweep.sbatch as a Slurm array (--array as written) then merge.sbatch give the single machine's report", () => {
    const script = readFileSync(join(docs, "sweep.sbatch"), "utf8");
    expect(script).toContain("--seeds 10 --tune --shard auto");
    expect(single).toContain("Every run repeated with 10 seeds");
    expect(single).toContain("Protocol: **tuned per optimizer**");
    const [, lo, hi] = /^#SBATCH --array=(\d+)-(\d+)$/m.exec(script)!;
    const ids = Array.from({ length: Number(hi) - Number(lo) + 1 }, (_, k) => Number(lo) + k);
    const env = { DESCENT, SWEEP: join(temp, "slurm"), DESCENT_ARGS: SMALL };
    for (const id of ids) {
      run("bash", [join(docs, "sweep.sbatch")], {
        ...env,
        SLURM_ARRAY_TASK_ID: String(id),
        SLURM_ARRAY_TASK_MIN: lo,
        SLURM_ARRAY_TASK_MAX: hi,
        SLURM_ARRAY_TASK_STEP: "1",
        SLURM_ARRAY_TASK_COUNT: String(ids.length),
      });
    }
    run("bash", [join(docs, "merge.sbatch")], env);
    expect(report(join(temp, "slurm", "report"))).toBe(single);
  });

  it("the Indexed Job manifest is a valid batch/v1 Job whose tasks, then the merge Job, give the single machine's report", () => {
    const sweep = JSON.parse(readFileSync(join(docs, "sweep-job.json"), "utf8")) as JobManifest;
    const merge = JSON.parse(readFileSync(join(docs, "merge-job.json"), "utf8")) as JobManifest;
    const task = checkJob(sweep, true),
      merger = checkJob(merge, false);
    const n = sweep.spec.completions;
    expect(task.command.join(" ")).toContain(`--seeds 10 --tune --shard auto/${n} `);
    // The container's environment as written, with the test's `descent`, sweep directory and small setting.
    const env = (c: Container) => ({
      ...Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value])),
      DESCENT,
      SWEEP: join(temp, "k8s"),
      DESCENT_ARGS: SMALL,
    });
    for (let i = 0; i < n; i++)
      run(task.command[0], task.command.slice(1), { ...env(task), JOB_COMPLETION_INDEX: String(i) });
    run(merger.command[0], merger.command.slice(1), env(merger));
    expect(report(join(temp, "k8s", "report"))).toBe(single);
  });
});
