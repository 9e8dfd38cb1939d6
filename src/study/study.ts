/**
 * A study: the papers' experiment as independent runs plus a report over their results.
 * Because runs are independent and their results are plain JSON, the same study runs in one
 * process, in worker threads (--workers), or sliced across machines (--shard i/n, then merge):
 * the report only ever sees the list of results, in plan order, so every way gives the same report.
 */
import type { OptionSpec } from "../cli/args.ts";
import type { Table } from "../report/table.ts";
import type { Histogram } from "../report/histogram.ts";

/** Options of a study as parsed (paper defaults filled in); always includes seed and quick. */
export type StudyConfig = Record<string, unknown> & { seed: number; quick: boolean };

/** One independent unit of work: JSON-able, so it can cross a thread or a machine. */
export interface RunSpec { id: string; [key: string]: unknown }

export interface RunContext {
  /** Progress: called with a fraction in [0, 1] and a short status (epoch, loss). */
  progress(fraction: number, status: string): void;
  signal?: AbortSignal;
}

/** What a report holds: sections of prose, tables and plots, plus raw metrics. */
export interface StudyReport {
  title: string;
  sections: { heading: string; markdown?: string; tables?: (Table & { caption?: string })[]; svgs?: { name: string; svg: string }[] }[];
  /** Per-step or per-epoch metrics: rows for metrics.csv / metrics.jsonl and TensorBoard scalars (run/tag). */
  metrics: { run: string; step: number; [metric: string]: number | string }[];
  /** Histograms (weights, gradients, optimizer state) for TensorBoard, by run and tag. */
  histograms?: { run: string; step: number; tag: string; histogram: Histogram }[];
}

export interface Study<R = unknown> {
  readonly name: string;
  readonly summary: string;
  /** The study's own options, with the paper's settings as defaults. */
  readonly options: OptionSpec[];
  /** The independent runs for a config, in a fixed order. */
  plan(config: StudyConfig): RunSpec[];
  /** Executes one run; the result must be JSON-able (non-finite numbers allowed: they are encoded). */
  run(spec: RunSpec, config: StudyConfig, ctx: RunContext): Promise<R>;
  /** Builds the report from every run's result, in plan order. */
  report(config: StudyConfig, results: { spec: RunSpec; result: R }[]): StudyReport;
}
