/**
 * runStudy: plan, execute (this thread or --workers threads), write the report directory.
 * mergeShards: read the results.json of every slice and write the one report a single machine
 * would have written. Node only (files and threads); the logic is in runner.ts.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { RunSpec, Study, StudyConfig } from "./study.ts";
import { keepReport } from "../report/write.node.ts";
import { prepareDirectory } from "../train/destination.node.ts";
import {
  checkPlan,
  decodeJson,
  executeRuns,
  renderOutputs,
  resultsFile,
  RunFailure,
  sliceShard,
  type Finished,
  type ResultsFile,
  type RunEvent,
  type Shard,
} from "./runner.ts";
import { workerPool } from "./pool.node.ts";

export interface RunStudyOptions {
  /** Worker threads (1: run in this thread). */
  workers?: number;
  shard?: Shard | null;
  /** The report directory; default runs/<study>-<timestamp>. */
  out?: string;
  signal?: AbortSignal;
  onEvent?: (e: RunEvent) => void;
  /** The command line that produced the report, recorded in it. */
  command?: string;
}

export interface StudyOutcome {
  dir: string;
  files: string[];
  file: ResultsFile;
  interrupted: boolean;
  /** Set when the report could not be written where asked (after the runs) and went to `dir` instead. */
  rescued?: { from: string; reason: string };
}

export const timestamp = (d = new Date()) =>
  d
    .toISOString()
    .replace(/\.\d+Z$/, "Z")
    .replace(/[:]/g, "-");

export function defaultOut(study: string, shard?: Shard | null): string {
  return join("runs", `${study}${shard ? `-shard${shard.index}of${shard.count}` : ""}-${timestamp()}`);
}

export async function runStudy(study: Study, config: StudyConfig, o: RunStudyOptions = {}): Promise<StudyOutcome> {
  const plan = study.plan(config);
  checkPlan(study, plan);
  const dir = o.out ?? defaultOut(study.name, o.shard);
  prepareDirectory(dir, "report directory"); // before any run: never compute what cannot be kept
  const mine = sliceShard(plan, o.shard);
  const workers = Math.max(1, o.workers ?? 1);
  const pool = workers > 1 ? workerPool(Math.min(workers, mine.length || 1), study.name, config, o.signal) : null;
  let finished: Finished[],
    interrupted: boolean,
    failure: RunFailure | null = null;
  try {
    const execute =
      pool?.execute ??
      ((spec: RunSpec, progress: (f: number, s: string) => void) =>
        study.run(spec, config, { progress, signal: o.signal }));
    ({ finished, interrupted } = await executeRuns(mine, execute, {
      concurrency: workers,
      signal: o.signal,
      onEvent: o.onEvent,
    }));
  } catch (e) {
    if (!(e instanceof RunFailure)) throw e;
    failure = e;
    finished = e.finished;
    interrupted = true;
  } finally {
    await pool?.close();
  }
  const file = resultsFile(study, config, plan, finished, o.shard ?? null);
  const kept = await keepReport(dir, renderOutputs(study, file, { wallTime: Date.now() / 1000, command: o.command }));
  if (failure) throw Object.assign(failure, { dir: kept.dir, rescued: kept.rescued });
  return { ...kept, file, interrupted };
}

/** Reads a results.json (a directory or the file itself). */
export async function readResults(path: string): Promise<ResultsFile> {
  const target = path.endsWith(".json") ? path : join(path, "results.json");
  let text: string;
  try {
    text = await readFile(target, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new RangeError(
      code === "ENOTDIR"
        ? `merge: '${path}' is a file, not a shard's directory or results.json`
        : code === "EISDIR"
          ? `merge: '${target}' is a directory, not a results file`
          : `merge: no results at ${target}`,
    );
  }
  const file = decodeJson(text) as ResultsFile;
  if (file?.format !== "descent-results" || file.version !== 1)
    throw new RangeError(`merge: ${target} is not a descent results file`);
  return file;
}

/**
 * Combines slices into the whole plan's results, checking they belong together (same study,
 * same config, same plan) and that no run is missing or given twice, then writes the report.
 */
export async function mergeShards(
  paths: readonly string[],
  find: (name: string) => Study,
  o: { out?: string; command?: string } = {},
): Promise<StudyOutcome> {
  if (paths.length === 0) throw new RangeError("merge: give at least one shard directory");
  if (o.out !== undefined) prepareDirectory(o.out, "merged report directory");
  const files = await Promise.all(paths.map(readResults));
  const first = files[0];
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  files.forEach((f, i) => {
    if (f.study !== first.study)
      throw new RangeError(`merge: ${paths[i]} is study '${f.study}', ${paths[0]} is '${first.study}'`);
    if (!same(f.config, first.config))
      throw new RangeError(`merge: ${paths[i]} was run with another config than ${paths[0]}`);
    if (!same(f.plan, first.plan)) throw new RangeError(`merge: ${paths[i]} has another plan than ${paths[0]}`);
  });
  const byId = new Map<string, Finished>();
  files.forEach((f, i) =>
    f.results.forEach((r) => {
      if (byId.has(r.spec.id)) throw new RangeError(`merge: run '${r.spec.id}' appears twice (again in ${paths[i]})`);
      byId.set(r.spec.id, r);
    }),
  );
  const missing = first.plan.filter((id) => !byId.has(id));
  if (missing.length)
    throw new RangeError(
      `merge: ${missing.length} run(s) missing: ${missing.join(", ")}; give every shard's directory`,
    );
  const study = find(first.study);
  const dir = o.out ?? join("runs", `${study.name}-merged-${timestamp()}`);
  if (o.out === undefined) prepareDirectory(dir, "merged report directory"); // named after the study, so known only now
  const results = first.plan.map((id) => byId.get(id)!);
  const plan = results.map((r) => r.spec);
  const merged = resultsFile(study, first.config, plan, results, null);
  const kept = await keepReport(dir, renderOutputs(study, merged, { wallTime: Date.now() / 1000, command: o.command }));
  return { ...kept, file: merged, interrupted: false };
}
