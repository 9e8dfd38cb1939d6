/**
 * --seeds N: every planned run repeated with seeds seed, seed+1, ..., seed+N−1. Each repeat is its
 * own run (so repeats spread over workers and shards); reports group them back by `key`.
 */
import type { RunSpec, StudyConfig } from "../study.ts";
import { formatMeanStd, formatNumber, meanStd } from "../../report/format.ts";
import type { OptionSpec } from "../../options/option.ts";

export const SEEDS_OPTION = {
  name: "seeds",
  type: "int",
  help: "repeat every run with this many seeds and report mean ± std",
  default: 1,
  min: 1,
  max: 1000,
} as const satisfies OptionSpec;

export interface SeededSpec extends RunSpec {
  key: string;
  seed: number;
}

/** The seeds of a config: a study without --seeds runs once. */
type Seeded = Pick<StudyConfig, "seed"> & { readonly seeds?: number };

export function withSeeds<S extends RunSpec>(specs: readonly S[], config: Seeded): (S & SeededSpec)[] {
  const n = config.seeds ?? 1;
  return specs.flatMap((spec) =>
    Array.from({ length: n }, (_, k) => {
      const seed = config.seed + k;
      return { ...spec, key: spec.id, seed, id: n > 1 ? `${spec.id}-seed${seed}` : spec.id };
    }),
  );
}

export interface Group<S, R> {
  key: string;
  spec: S;
  results: R[];
}

/** Results grouped by key, groups in the order their first run appears (plan order). */
export function groupByKey<S extends { key?: string; id: string }, R>(
  results: readonly { spec: S; result: R }[],
): Group<S, R>[] {
  const groups = new Map<string, Group<S, R>>();
  for (const { spec, result } of results) {
    const key = spec.key ?? spec.id;
    const g = groups.get(key) ?? { key, spec, results: [] };
    g.results.push(result);
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** How a statistic is written: the number format of a single value, and a unit after it (also after mean ± std). */
export interface CellFormat {
  format?: (x: number) => string;
  unit?: string;
}

/** One value, or "mean ± std" over repeats; the non-finite values are left out (and counted elsewhere). */
export function statCell(values: readonly number[], { format = plain, unit = "" }: CellFormat = {}): string {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return values.length ? format(values[0]) : "";
  if (finite.length === 1) return format(finite[0]) + unit;
  const { mean, std } = meanStd(finite);
  // Repeats that agree exactly keep the value's own format: a count stays "2 ± 0", not "2.000 ± 0".
  return (std === 0 ? `${format(mean)} ± 0` : formatMeanStd(mean, std)) + unit;
}

/** Counts as integers, everything else with four significant digits. */
export const plain = (x: number) => (Number.isInteger(x) && Math.abs(x) < 1e9 ? String(x) : formatNumber(x));

export const seconds: CellFormat = { format: (x) => formatNumber(x, 3), unit: " s" };

/**
 * For tables whose renderer formats numbers itself: one value stays a number, several become
 * "mean ± std" (non-finite ones left out, as in statCell). So a single-seed report reads as before.
 */
export function numberOrStat(values: readonly number[], format?: CellFormat): number | string {
  return values.length === 1 ? values[0] : statCell(values, format);
}

/** The seeds line of a report's setting: which seeds, and what they change. */
export function seedsLine(config: Seeded, what: string): string {
  const n = config.seeds ?? 1;
  return n > 1
    ? `Every run repeated with ${n} seeds (${config.seed} … ${config.seed + n - 1}; the seed fixes ${what}): cells are mean ± sample std.`
    : `One run each, seed ${config.seed} (it fixes ${what}); use --seeds N for mean ± std over N seeds.`;
}
