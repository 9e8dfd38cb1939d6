/** Report cells over a group of repeats (one per seed): values, divergence, convergence. */
import { divergedCell } from "../../report/format.ts";
import { seconds, statCell, type CellFormat } from "./seeds.ts";
import type { TrainOutcome } from "./train.ts";

type Outcome = Pick<TrainOutcome, "diverged" | "convergedEpoch" | "epochs">;

/** Epochs a run completed: a diverged run's last epoch is the one it broke off. */
const wholeEpochs = (r: Outcome) => r.epochs - (r.diverged ? 1 : 0);

/** "diverged at epoch k" when every repeat diverged; with some, the statistic of the others and how many diverged. */
export function valueCell<R extends Outcome>(
  results: readonly R[],
  value: (r: R) => number,
  format?: CellFormat,
): string {
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
  const notes = [
    ok.length > converged.length ? `${ok.length - converged.length} not converged` : "",
    ok.length < results.length ? `${results.length - ok.length} diverged` : "",
  ].filter(Boolean);
  return notes.length ? `${cell} (${notes.join(", ")} of ${results.length})` : cell;
}

/**
 * A wall-clock time, measured whatever became of the run (a diverged run's time is still its time).
 * `perEpoch`: a time per whole epoch, which a run that diverged in its first epoch does not have.
 */
export function timeCell<R extends Outcome>(
  results: readonly R[],
  value: (r: R) => number,
  { perEpoch = false }: { perEpoch?: boolean } = {},
): string {
  const timed = results.filter((r) => !perEpoch || wholeEpochs(r) > 0);
  if (timed.length === 0) return `— (${divergedCell(results[0].diverged!.epoch)})`;
  const cell = statCell(timed.map(value), seconds);
  return timed.length < results.length
    ? `${cell} (${results.length - timed.length}/${results.length} diverged in epoch 1)`
    : cell;
}

/** Seconds until the adaptive criterion fired: only runs that converged have one. */
export function timeToConvergeCell<R extends Outcome>(results: readonly R[], value: (r: R) => number): string {
  const ok = results.filter((r) => !r.diverged);
  if (ok.length === 0) return `— (${divergedCell(results[0].diverged!.epoch)})`;
  const converged = ok.filter((r) => r.convergedEpoch !== null);
  if (converged.length === 0) return `— (not converged within ${Math.max(...ok.map((r) => r.epochs))} epochs)`;
  const cell = statCell(converged.map(value), seconds);
  const notes = [
    ok.length > converged.length ? `${ok.length - converged.length} not converged` : "",
    ok.length < results.length ? `${results.length - ok.length} diverged` : "",
  ].filter(Boolean);
  return notes.length ? `${cell} (${notes.join(", ")} of ${results.length})` : cell;
}

/** A learning rate as one would type it: 0.01, 0.0015, 1e-5, 1e20 (not 100000000000000000000 or 1e+30). */
export function rateText(x: number): string {
  const short = Number(x.toPrecision(3)),
    size = Math.abs(short);
  return size !== 0 && (size >= 1e5 || size < 1e-4) ? short.toExponential().replace("e+", "e") : String(short);
}

export const lrCell = (lrs: readonly number[]) => [...new Set(lrs)].map(rateText).join(", ");
