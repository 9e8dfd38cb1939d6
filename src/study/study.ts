/**
 * A study: the papers' experiment as independent runs plus a report over their results.
 * Because runs are independent and their results are plain JSON, the same study runs in one
 * process, in worker threads (--workers), or sliced across machines (--shard i/n, then merge):
 * the report only ever sees the list of results, in plan order, so every way gives the same report.
 */
import type { ConfigOf, OptionSpec } from "../options/option.ts";
import type { Table } from "../report/table.ts";
import type { Histogram } from "../report/histogram.ts";

/**
 * Options of a study as parsed (paper defaults filled in), typed by its option table; always
 * includes seed and quick (COMMON_STUDY_OPTIONS).
 */
export type StudyConfig<O extends readonly OptionSpec[] = readonly OptionSpec[]> = ConfigOf<O> & {
  readonly seed: number;
  readonly quick: boolean;
};

/** One independent unit of work: JSON-able, so it can cross a thread or a machine. */
export interface RunSpec {
  id: string;
  [key: string]: unknown;
}

export interface RunContext {
  /** Progress: called with a fraction in [0, 1] and a short status (epoch, loss). */
  progress(fraction: number, status: string): void;
  signal?: AbortSignal;
}

/** What a report holds: sections of prose, tables and plots, plus raw metrics. */
export interface StudyReport {
  title: string;
  sections: {
    heading: string;
    markdown?: string;
    tables?: (Table & { caption?: string })[];
    svgs?: { name: string; svg: string }[];
  }[];
  /** Per-step or per-epoch metrics: rows for metrics.csv / metrics.jsonl and TensorBoard scalars (run/tag). */
  metrics: { run: string; step: number; [metric: string]: number | string }[];
  /** What a metrics row's `step` counts, which names that column in metrics.csv and metrics.jsonl (default "step"). */
  stepUnit?: "epoch" | "iteration" | "step";
  /** Histograms (weights, gradients, optimizer state) for TensorBoard, by run and tag. */
  histograms?: { run: string; step: number; tag: string; histogram: Histogram }[];
}

/**
 * R: a run's result; O: the option table (written `[...] as const satisfies readonly OptionSpec[]`,
 * so the config is typed by it); S: the run specs plan() returns and run() receives.
 */
export interface Study<
  R = unknown,
  O extends readonly OptionSpec[] = readonly OptionSpec[],
  S extends RunSpec = RunSpec,
> {
  readonly name: string;
  readonly summary: string;
  /** The study's own options, with the paper's settings as defaults and the small ones as quickDefault. */
  readonly options: O;
  /** The independent runs for a config, in a fixed order. */
  plan(config: StudyConfig<O>): S[];
  /** Executes one run; the result must be JSON-able (non-finite numbers allowed: they are encoded). */
  run(spec: S, config: StudyConfig<O>, ctx: RunContext): Promise<R>;
  /** Builds the report from every run's result, in plan order. */
  report(config: StudyConfig<O>, results: { spec: S; result: R }[]): StudyReport;
}
