// The bench harness: a timer (median of several samples after a warm-up), rates in units/s,
// a plain-text table and a JSON record per suite. Suites live in their own files and are
// listed in bench/run.ts; this file knows nothing about any of them.
import { mkdirSync, writeFileSync, renameSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export interface BenchOptions {
  /** Short mode (well under two minutes): fewer, shorter samples and the largest cases skipped. */
  quick: boolean;
}

/** Seconds per call. */
export interface Timing {
  median: number;
  min: number;
  max: number;
  samples: number;
  repsPerSample: number;
}

/** A rate in units per second: median and the spread over samples (min from the slowest sample). */
export interface Rate {
  median: number;
  min: number;
  max: number;
}

/** How long to warm up and sample; samples ≥ 5. */
export interface TimeOptions {
  samples: number;
  warmupMs: number;
  sampleMs: number;
}

export function timingOptions(opts: BenchOptions): TimeOptions {
  return opts.quick ? { samples: 5, warmupMs: 60, sampleMs: 40 } : { samples: 11, warmupMs: 250, sampleMs: 120 };
}

/** Past this many ms per call, a measurement takes only the minimum 5 samples. */
const SLOW_CALL_MS = 1000;

/**
 * Times fn: runs it for warmupMs first (so V8 tiers the code up), picks a repetition count that
 * makes one sample last at least sampleMs, then takes `samples` samples. Returns seconds per call.
 */
export function measure(fn: () => void, { samples, warmupMs, sampleMs }: TimeOptions): Timing {
  if (samples < 5) throw new RangeError(`measure: need at least 5 samples, got ${samples}`);
  let calls = 0;
  const warmStart = performance.now();
  while (calls < 2 || performance.now() - warmStart < warmupMs) {
    fn();
    calls++;
  }
  const perCall = (performance.now() - warmStart) / calls;
  const reps = Math.max(1, Math.ceil(sampleMs / Math.max(perCall, 1e-6)));
  if (perCall > SLOW_CALL_MS) samples = 5;
  const times: number[] = [];
  for (let s = 0; s < samples; s++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    times.push((performance.now() - t0) / 1000 / reps);
  }
  times.sort((a, b) => a - b);
  return {
    median: times[times.length >> 1],
    min: times[0],
    max: times[times.length - 1],
    samples,
    repsPerSample: reps,
  };
}

/** Median, min and max of some numbers. */
export function spreadOf(xs: number[]): Rate {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[s.length >> 1], min: s[0], max: s[s.length - 1] };
}

/**
 * Times several functions in alternating samples, one sample of each per round, so a neighbour's
 * load on this shared machine falls on all of them alike; compare them with ratioPerRound, which
 * divides within each round before taking the median. Warm-up and repetitions as measure().
 * Returns each function's Timing and its seconds per call in every round.
 */
export function measureInterleaved(
  fns: (() => void)[],
  { samples, warmupMs, sampleMs }: TimeOptions,
): { timings: Timing[]; rounds: number[][] } {
  if (samples < 5) throw new RangeError(`measureInterleaved: need at least 5 samples, got ${samples}`);
  const spent = fns.map(() => 0);
  let calls = 0;
  const warmStart = performance.now();
  while (calls < 2 || performance.now() - warmStart < warmupMs) {
    fns.forEach((fn, i) => {
      const t = performance.now();
      fn();
      spent[i] += performance.now() - t;
    });
    calls++;
  }
  const slowest = Math.max(...spent) / calls;
  if (slowest > SLOW_CALL_MS) samples = 5;
  const reps = spent.map((ms) => Math.max(1, Math.ceil(sampleMs / Math.max(ms / calls, 1e-6))));
  const rounds: number[][] = fns.map(() => []);
  for (let s = 0; s < samples; s++) {
    fns.forEach((fn, i) => {
      settle();
      const t0 = performance.now();
      for (let r = 0; r < reps[i]; r++) fn();
      rounds[i].push((performance.now() - t0) / 1000 / reps[i]);
    });
  }
  const timings = rounds.map((xs, i) => ({ ...spreadOf(xs), samples, repsPerSample: reps[i] }));
  return { timings, rounds };
}

const pause = new Int32Array(new SharedArrayBuffer(4));
/**
 * Sleeps SETTLE_MS between the samples of different functions: a peer that allocates leaves V8's
 * collector working on the other core for a while after its sample, taking memory bandwidth from
 * the next one; measured, it cost our 1e6-parameter updates 25–35% when they followed TF.js at once.
 */
function settle(): void {
  Atomics.wait(pause, 0, 0, SETTLE_MS);
}
const SETTLE_MS = 50;

/** times[a] / times[b] in each round of measureInterleaved: median and spread. */
export function ratioPerRound(rounds: number[][], a: number, b: number): Rate {
  return spreadOf(rounds[a].map((t, s) => t / rounds[b][s]));
}

/** work units per call → units per second. */
export function rate(t: Timing, work: number): Rate {
  return { median: work / t.median, min: work / t.max, max: work / t.min };
}

export type Cell = string | number | null;
export type Row = Record<string, Cell>;
/** A table column: its header and how to show a row (rows keep raw numbers for the JSON). */
export interface Column {
  header: string;
  show: (row: Row) => string;
}
export interface Table {
  title: string;
  columns: Column[];
  rows: Row[];
  notes: string[];
}
export interface SuiteResult extends Table {
  /** Further tables of the same run, shown and written after the first. */
  more?: Table[];
}
export interface Suite {
  name: string;
  about: string;
  run(opts: BenchOptions): Promise<SuiteResult>;
}

/** Column helpers: a raw value, a number with fixed digits, a ratio as a percentage, a rate's spread. */
export const text = (header: string, key: string): Column => ({ header, show: (r) => String(r[key] ?? "—") });
export const num = (header: string, key: string, digits = 1): Column => ({
  header,
  show: (r) => (typeof r[key] === "number" ? r[key].toFixed(digits) : "—"),
});
export const pct = (header: string, key: string): Column => ({
  header,
  show: (r) => (typeof r[key] === "number" ? `${(100 * r[key]).toFixed(0)}%` : "—"),
});
/** "median (min–max)" from the row's <key>, <key>Min, <key>Max. */
export const spread = (header: string, key: string, digits = 1): Column => ({
  header,
  show: (r) =>
    typeof r[key] === "number"
      ? `${r[key].toFixed(digits)} (${(r[key + "Min"] as number).toFixed(digits)}–${(r[key + "Max"] as number).toFixed(digits)})`
      : "—",
});
/** A Rate scaled to display units, as the three row fields spread() reads. */
export function rateFields(key: string, r: Rate, scale: number): Row {
  return { [key]: r.median / scale, [key + "Min"]: r.min / scale, [key + "Max"]: r.max / scale };
}

export function formatTable(result: SuiteResult): string {
  return [result, ...(result.more ?? [])].map(formatOne).join("\n\n");
}

function formatOne(result: Table): string {
  const cells = result.rows.map((row) => result.columns.map((c) => c.show(row)));
  const widths = result.columns.map((c, i) => Math.max(c.header.length, ...cells.map((r) => r[i].length)));
  const line = (parts: string[]) =>
    parts.map((p, i) => (i === 0 ? p.padEnd(widths[i]) : p.padStart(widths[i]))).join("  ");
  return [
    `## ${result.title}`,
    line(result.columns.map((c) => c.header)),
    line(widths.map((w) => "-".repeat(w))),
    ...cells.map(line),
    ...result.notes.map((n) => `  note: ${n}`),
  ].join("\n");
}

/** The machine and runtime a result was measured on, recorded beside every result. */
export function environment(opts: BenchOptions) {
  const cpu = cpus();
  // The load average says whether other work shared the cores while we measured (1-minute figure).
  return {
    date: new Date().toISOString(),
    node: process.version,
    v8: process.versions.v8,
    cpu: cpu[0]?.model ?? "unknown",
    cores: cpu.length,
    loadAverage: Number(loadavg()[0].toFixed(2)),
    quick: opts.quick,
  };
}

const resultsDir = join(dirname(fileURLToPath(import.meta.url)), "results");

/** Writes bench/results/<name>.json atomically; returns the path. */
export function writeResult(name: string, result: SuiteResult, opts: BenchOptions): string {
  mkdirSync(resultsDir, { recursive: true });
  const path = join(resultsDir, `${name}.json`);
  const body = {
    suite: name,
    ...environment(opts),
    title: result.title,
    notes: result.notes,
    rows: result.rows,
    ...(result.more ? { more: result.more.map(({ title, notes, rows }) => ({ title, notes, rows })) } : {}),
  };
  writeFileSync(path + ".tmp", JSON.stringify(body, null, 2) + "\n");
  renameSync(path + ".tmp", path);
  return path;
}

/** A Timing as milliseconds per call, as the three row fields spread() reads. */
export function msFields(key: string, t: Timing): Row {
  return { [key]: t.median * 1e3, [key + "Min"]: t.min * 1e3, [key + "Max"]: t.max * 1e3 };
}

/**
 * measureInterleaved's rounds in the process's CPU time (user + system) instead of wall time: a
 * one-thread kernel is charged only while it runs, not while a neighbour holds the core, which on
 * this shared machine (load averages of 15-20 on 2 cores) is most of the wall time. Cache and memory
 * bandwidth are still shared, so it is cleaner, not clean. Returns seconds per call per round.
 */
export function measureInterleavedCpu(fns: (() => void)[], { samples, warmupMs, sampleMs }: TimeOptions): number[][] {
  const spent = fns.map(() => 0);
  let calls = 0;
  const cpuMs = (since?: NodeJS.CpuUsage) => {
    const u = process.cpuUsage(since);
    return (u.user + u.system) / 1000;
  };
  const warmStart = cpuMs();
  while (calls < 2 || cpuMs() - warmStart < warmupMs) {
    fns.forEach((fn, i) => {
      const t = process.cpuUsage();
      fn();
      spent[i] += cpuMs(t);
    });
    calls++;
  }
  const reps = spent.map((ms) => Math.max(1, Math.ceil(sampleMs / Math.max(ms / calls, 1e-3))));
  const rounds: number[][] = fns.map(() => []);
  for (let s = 0; s < samples; s++) {
    fns.forEach((fn, i) => {
      const t0 = process.cpuUsage();
      for (let r = 0; r < reps[i]; r++) fn();
      rounds[i].push(cpuMs(t0) / 1000 / reps[i]);
    });
  }
  return rounds;
}
