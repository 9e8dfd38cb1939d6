/** Report cells over a group of repeats (one per seed): values, divergence, convergence. */
import { divergedCell } from "../../report/format.ts";
import { statCell, type CellFormat } from "./seeds.ts";
import type { TrainOutcome } from "./train.ts";

type Outcome = Pick<TrainOutcome, "diverged" | "convergedEpoch" | "epochs">;

/** "diverged at epoch k" when every repeat diverged; with some, the statistic of the others and how many diverged. */
export function valueCell<R extends Outcome>(results: readonly R[], value: (r: R) => number, format?: CellFormat): string {
  const ok = results.filter((r) => !r.diverged);
  if (ok.length === 0) return divergedCell(results[0].diverged!.epoch);
  const cell = statCell(ok.map(value), format);
  return ok.length < results.length ? `${cell} (${results.length - ok.length}/${results.length} diverged)` : cell;
}

/** The epoch the adaptive criterion fired; "not within N" when it never did. */
export function epochsCell(results: readonly Outcome[]): string {
  const ok = results.filter((r) => !r.diverged);
  if (ok.length === 0) return divergedCell(results[0].diverged!.epoch);
  const converged = ok.filter((r) => r.convergedEpoch !== null);
  if (converged.length === 0) return `not within ${Math.max(...ok.map((r) => r.epochs))}`;
  const cell = statCell(converged.map((r) => r.convergedEpoch!));
  const notes = [ok.length > converged.length ? `${ok.length - converged.length} not converged` : "", ok.length < results.length ? `${results.length - ok.length} diverged` : ""].filter(Boolean);
  return notes.length ? `${cell} (${notes.join(", ")} of ${results.length})` : cell;
}

export const lrCell = (lrs: readonly number[]) => [...new Set(lrs)].map((x) => String(Number(x.toPrecision(3)))).join(", ");
