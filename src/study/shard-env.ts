/**
 * --shard from a job array's environment, so one command line serves every task of the array:
 *  - Slurm (sbatch --array): SLURM_ARRAY_TASK_ID is the task's value in the --array range, whose
 *    first value is SLURM_ARRAY_TASK_MIN and step SLURM_ARRAY_TASK_STEP; SLURM_ARRAY_TASK_COUNT
 *    is the number of tasks. --array=0-3 and --array=1-4 both give shards 1/4 … 4/4.
 *  - Kubernetes Indexed Jobs: JOB_COMPLETION_INDEX, 0 … completions − 1. The count is not in the
 *    environment: give it once, as --shard auto/N with N = the Job's completions.
 *  - AWS Batch array jobs: AWS_BATCH_JOB_ARRAY_INDEX, 0 … size − 1, and AWS_BATCH_JOB_ARRAY_SIZE.
 * Portable: the environment is a parameter.
 */
import { parseShard, type Shard } from "./runner.ts";

type Env = Record<string, string | undefined>;

/** What --shard says: a fixed slice, the job array's (with the count when given), or the whole plan. */
export type ShardOption = Shard | { auto: true; count?: number } | { none: true };

export interface EnvironmentShard {
  shard: Shard;
  from: string;
}

/** "i/n", "auto", "auto/n" or "none". */
export function parseShardOption(raw: string): ShardOption {
  const s = raw.trim();
  if (s === "none") return { none: true };
  const m = /^auto(?:\/(\d+))?$/.exec(s);
  if (m) {
    if (m[1] === undefined) return { auto: true };
    const count = Number(m[1]);
    if (count < 1) throw new RangeError(`shard ${raw}: the count must be at least 1`);
    return { auto: true, count };
  }
  if (s.startsWith("auto"))
    throw new RangeError(`shard '${raw}': expected auto or auto/n (n the number of tasks, e.g. auto/4)`);
  return parseShard(s);
}

const SCHEDULERS = [
  { name: "Slurm", index: "SLURM_ARRAY_TASK_ID" },
  { name: "Kubernetes", index: "JOB_COMPLETION_INDEX" },
  { name: "AWS Batch", index: "AWS_BATCH_JOB_ARRAY_INDEX" },
] as const;

function integer(env: Env, name: string): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === "") return undefined;
  if (!/^\d+$/.test(raw.trim())) throw new RangeError(`${name}=${raw}: expected a non-negative integer`);
  return Number(raw);
}

/**
 * The slice of this task of a job array, or null when no job array's variables are set.
 * `count` is the number of tasks when the user gave it (--shard auto/n); it must agree with the
 * scheduler's own count where there is one.
 */
export function shardFromEnvironment(env: Env, count?: number): EnvironmentShard | null {
  const present = SCHEDULERS.filter((s) => env[s.index] !== undefined && env[s.index] !== "");
  if (present.length === 0) return null;
  if (present.length > 1)
    throw new RangeError(`--shard auto: both ${present.map((s) => s.index).join(" and ")} are set; give --shard i/n`);
  const scheduler = present[0];
  const value = integer(env, scheduler.index)!;
  let position: number, known: number | undefined, from: string;
  if (scheduler.name === "Slurm") {
    const min = integer(env, "SLURM_ARRAY_TASK_MIN") ?? 0,
      step = integer(env, "SLURM_ARRAY_TASK_STEP") ?? 1;
    known = integer(env, "SLURM_ARRAY_TASK_COUNT");
    if ((value - min) % step !== 0 || value < min)
      throw new RangeError(
        `--shard auto: SLURM_ARRAY_TASK_ID=${value} is not on the --array range starting at ${min} with step ${step}; use a range such as --array=0-3`,
      );
    position = (value - min) / step;
    from = `SLURM_ARRAY_TASK_ID=${value} (min ${min}, step ${step}${known === undefined ? "" : `, count ${known}`})`;
  } else if (scheduler.name === "AWS Batch") {
    position = value;
    known = integer(env, "AWS_BATCH_JOB_ARRAY_SIZE");
    from = `AWS_BATCH_JOB_ARRAY_INDEX=${value}${known === undefined ? "" : ` (size ${known})`}`;
  } else {
    position = value;
    from = `JOB_COMPLETION_INDEX=${value}`;
  }
  if (count !== undefined && known !== undefined && count !== known)
    throw new RangeError(
      `--shard auto/${count}: the ${scheduler.name} array has ${known} tasks (${from}); give --shard auto`,
    );
  const n = count ?? known;
  if (n === undefined)
    throw new RangeError(
      `--shard auto: ${from} gives the index but not the number of tasks; give it once, as --shard auto/n${scheduler.name === "Kubernetes" ? " with n the Job's completions" : ""}`,
    );
  if (position >= n) throw new RangeError(`--shard auto: ${from} is task ${position + 1} but the array has ${n} tasks`);
  return { shard: { index: position + 1, count: n }, from: `${scheduler.name}: ${from}` };
}

/**
 * The slice to run. An explicit i/n or none is kept; auto reads the environment (and fails when it
 * finds no job array); with no --shard a job array's slice is used when the environment says both
 * the index and the count.
 */
export function resolveShard(option: ShardOption | undefined, env: Env): EnvironmentShard | null {
  if (option === undefined) {
    const counted =
      SCHEDULERS.some((s) => env[s.index] !== undefined && env[s.index] !== "") &&
      (env.SLURM_ARRAY_TASK_COUNT || env.AWS_BATCH_JOB_ARRAY_SIZE);
    return counted ? shardFromEnvironment(env) : null;
  }
  if ("none" in option) return null;
  if ("auto" in option) {
    const found = shardFromEnvironment(env, option.count);
    if (!found)
      throw new RangeError(
        `--shard auto: no job array here (none of ${SCHEDULERS.map((s) => s.index).join(", ")} is set); give --shard i/n`,
      );
    return found;
  }
  return { shard: option, from: "--shard" };
}
