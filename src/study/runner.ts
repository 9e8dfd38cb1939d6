/**
 * The portable half of the runner: slicing a plan into shards, executing runs with bounded
 * concurrency (the executor decides where: this thread or a worker), and rendering every output
 * file from the results. The report is a pure function of (study, config, results in plan order),
 * so one machine, N workers, or n shards merged give the same report.md and results.json.
 * runStudy (workers, files, merge) is in runner.node.ts.
 */
import type { RunSpec, Study, StudyConfig, StudyReport } from "./study.ts";
import { markdownTable, csv, jsonl } from "../report/table.ts";
import { htmlReport } from "../report/html.ts";
import { EventWriter, eventFileName } from "../report/tensorboard.ts";

export interface Shard {
  index: number;
  count: number;
}

/** "i/n" with 1 ≤ i ≤ n. */
export function parseShard(raw: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(raw.trim());
  if (!m) throw new RangeError(`a shard is i/n (for example 2/4), got '${raw}'`);
  const index = Number(m[1]),
    count = Number(m[2]);
  if (count < 1 || index < 1 || index > count) throw new RangeError(`shard ${raw}: need 1 ≤ i ≤ n`);
  return { index, count };
}

/** Run k of the plan belongs to shard (k mod n) + 1: round robin, so every shard gets a mix of cheap and costly runs. */
export function shardOf(position: number, count: number): number {
  return (position % count) + 1;
}

export function sliceShard<T>(plan: readonly T[], shard?: Shard | null): T[] {
  return shard ? plan.filter((_, k) => shardOf(k, shard.count) === shard.index) : [...plan];
}

export function checkPlan(study: Study, plan: readonly RunSpec[]): void {
  const seen = new Set<string>();
  for (const spec of plan) {
    if (typeof spec.id !== "string" || spec.id === "") throw new Error(`study ${study.name}: a planned run has no id`);
    if (seen.has(spec.id)) throw new Error(`study ${study.name}: run id '${spec.id}' is planned twice`);
    seen.add(spec.id);
  }
}

export interface Finished {
  spec: RunSpec;
  result: unknown;
}

export type RunEvent =
  | { type: "start"; spec: RunSpec; position: number; total: number }
  | { type: "progress"; spec: RunSpec; fraction: number; status: string }
  | { type: "done"; spec: RunSpec; seconds: number };

export type Execute = (spec: RunSpec, progress: (fraction: number, status: string) => void) => Promise<unknown>;

/** A run failed with an error (not a divergence, which is a result): the others that finished are kept. */
export class RunFailure extends Error {
  constructor(
    readonly spec: RunSpec,
    readonly error: unknown,
    readonly finished: Finished[],
  ) {
    super(`run '${spec.id}' failed: ${error instanceof Error ? error.message : String(error)}`);
    this.name = "RunFailure";
  }
}

const isAbort = (e: unknown) => e instanceof Error && e.name === "AbortError";

/**
 * Runs the specs, at most `concurrency` at a time, and returns the finished ones in plan order.
 * On abort no new run starts; runs in flight end as the executor sees the signal; `interrupted` says so.
 */
export async function executeRuns(
  specs: readonly RunSpec[],
  execute: Execute,
  {
    concurrency = 1,
    signal,
    onEvent,
  }: { concurrency?: number; signal?: AbortSignal; onEvent?: (e: RunEvent) => void } = {},
): Promise<{ finished: Finished[]; interrupted: boolean }> {
  const done = new Map<number, unknown>();
  let next = 0;
  let failure = null as { spec: RunSpec; error: unknown } | null;
  const worker = async () => {
    while (next < specs.length && !signal?.aborted && !failure) {
      const k = next++,
        spec = specs[k];
      onEvent?.({ type: "start", spec, position: k, total: specs.length });
      const t0 = performance.now();
      try {
        const result = await execute(spec, (fraction, status) =>
          onEvent?.({ type: "progress", spec, fraction, status }),
        );
        done.set(k, result);
        onEvent?.({ type: "done", spec, seconds: (performance.now() - t0) / 1000 });
      } catch (e) {
        if (isAbort(e) || signal?.aborted) return;
        failure ??= { spec, error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, specs.length)) }, worker));
  const finished = [...done.keys()].sort((a, b) => a - b).map((k) => ({ spec: specs[k], result: done.get(k) }));
  if (failure) throw new RunFailure(failure.spec, failure.error, finished);
  return { finished, interrupted: finished.length < specs.length };
}

/** What results.json holds: enough to rebuild the report, and to merge shards. */
export interface ResultsFile {
  format: "descent-results";
  version: 1;
  study: string;
  config: StudyConfig;
  /** Every run id of the full plan, in order. */
  plan: string[];
  /** The slice these results belong to, or null for the whole plan. */
  shard: Shard | null;
  /** The ids of the runs whose results are here. */
  runIds: string[];
  complete: boolean;
  results: Finished[];
}

/** JSON with NaN and ±Infinity kept as the strings "NaN", "Infinity", "-Infinity" (a diverged run stays visible). */
export function encodeJson(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === "number" && !Number.isFinite(v) ? String(v) : v), 2) + "\n";
}

export function decodeJson(text: string): unknown {
  return JSON.parse(text, (_k, v) =>
    v === "NaN" ? NaN : v === "Infinity" ? Infinity : v === "-Infinity" ? -Infinity : v,
  );
}

export function resultsFile(
  study: Study,
  config: StudyConfig,
  plan: readonly RunSpec[],
  finished: Finished[],
  shard: Shard | null,
): ResultsFile {
  const expected = sliceShard(plan, shard).length;
  return {
    format: "descent-results",
    version: 1,
    study: study.name,
    config,
    plan: plan.map((s) => s.id),
    shard,
    runIds: finished.map((f) => f.spec.id),
    complete: finished.length === expected,
    results: finished,
  };
}

const safeName = (s: string) => s.replace(/[^A-Za-z0-9._-]+/g, "_");

/** Every file of a report directory, from the results. `wallTime` (seconds) stamps the TensorBoard events. */
export function renderOutputs(
  study: Study,
  file: ResultsFile,
  { wallTime = 0, command }: { wallTime?: number; command?: string } = {},
): Record<string, string | Uint8Array> {
  const files: Record<string, string | Uint8Array> = {
    "results.json": encodeJson(file),
    // Exactly the options, so `descent study <name> --config config.json` reproduces the run.
    "config.json": encodeJson(file.config),
  };
  if (file.shard) return files; // a slice is merged before anything is drawn
  const report = study.report(file.config, file.results);
  const notice = file.complete
    ? ""
    : `> **Partial report**: ${file.results.length} of ${file.plan.length} runs finished (the study was interrupted). Missing: ${file.plan.filter((id) => !file.runIds.includes(id)).join(", ")}.\n`;
  files["report.md"] = reportMarkdown(study, report, file.config, notice, command);
  const svgNames = new Set<string>();
  for (const s of report.sections)
    for (const svg of s.svgs ?? []) {
      const name = `${safeName(svg.name)}.svg`;
      if (svgNames.has(name)) throw new Error(`study ${study.name}: two plots named ${name}`);
      svgNames.add(name);
      files[name] = svg.svg;
    }
  files["report.html"] = htmlReport({
    title: report.title,
    sections: [
      ...(notice ? [{ heading: "Partial report", markdown: notice.replace(/^> /, "") }] : []),
      ...report.sections.map((s) => ({
        heading: s.heading,
        markdown: s.markdown,
        tables: s.tables,
        svgs: (s.svgs ?? []).map((v) => v.svg),
      })),
    ],
    config: file.config,
  });
  const metricNames = [
    ...new Set(report.metrics.flatMap((m) => Object.keys(m).filter((k) => k !== "run" && k !== "step"))),
  ];
  const unit = report.stepUnit ?? "step"; // the column says what it counts: epochs are not steps
  files["metrics.csv"] = csv({
    columns: ["run", unit, ...metricNames],
    rows: report.metrics.map((m) => [m.run, m.step, ...metricNames.map((k) => m[k])]),
  });
  files["metrics.jsonl"] = jsonl(report.metrics.map(({ run, step, ...values }) => ({ run, [unit]: step, ...values })));
  const writers = new Map<string, EventWriter>();
  for (const m of report.metrics) {
    const values: Record<string, number> = {};
    for (const [k, v] of Object.entries(m)) if (k !== "run" && k !== "step" && typeof v === "number") values[k] = v;
    if (Object.keys(values).length === 0) continue;
    let w = writers.get(m.run);
    if (!w) writers.set(m.run, (w = new EventWriter({ clock: () => wallTime })));
    w.scalars(values, m.step);
  }
  for (const h of report.histograms ?? []) {
    let w = writers.get(h.run);
    if (!w) writers.set(h.run, (w = new EventWriter({ clock: () => wallTime })));
    w.histogram(h.tag, h.histogram, h.step);
  }
  for (const [run, w] of writers) files[`tb/${safeName(run)}/${eventFileName("descent", wallTime)}`] = w.bytes();
  return files;
}

function reportMarkdown(
  study: Study,
  report: StudyReport,
  config: StudyConfig,
  notice: string,
  command?: string,
): string {
  const out = [`# ${report.title}`, ""];
  if (notice) out.push(notice);
  for (const s of report.sections) {
    out.push(`## ${s.heading}`, "");
    if (s.markdown) out.push(s.markdown.trim(), "");
    for (const t of s.tables ?? []) {
      if (t.caption) out.push(`**${t.caption}**`, "");
      out.push(markdownTable(t));
    }
    for (const svg of s.svgs ?? []) out.push(`![${svg.name}](${safeName(svg.name)}.svg)`, "");
  }
  out.push(
    "## Configuration",
    "",
    `Reproduce with \`${command ?? `descent study ${study.name} --config config.json`}\` (config.json holds exactly this):`,
    "",
    "```json",
    JSON.stringify(config, null, 2),
    "```",
    "",
  );
  return out.join("\n");
}
