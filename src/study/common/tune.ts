/**
 * --tune: each optimizer gets its own learning rate, the one of a log grid with the lowest
 * validation loss after a short trial, before the reported runs. The papers use one rate for all,
 * which by itself decides much of their ranking; reports say which protocol produced them.
 */
import type { OptionSpec } from "../../options/option.ts";
import { rateText } from "./cells.ts";

/** --tune and --tune-epochs; a study whose runs are long or short in epochs gives its own trial length. */
export function tuneOptions({ epochs = 3, quickEpochs = 1, criterion = "validation loss" } = {}) {
  return [
    {
      name: "tune",
      type: "boolean",
      help: `choose each optimizer's learning rate on a log grid by ${criterion} first`,
      default: false,
    },
    {
      name: "tune-epochs",
      type: "int",
      help: "epochs of each tuning trial",
      default: epochs,
      quickDefault: quickEpochs,
      min: 1,
      max: 1000,
    },
  ] as const satisfies readonly OptionSpec[];
}

export const TUNE_OPTIONS = tuneOptions();

/** 1e-4 … 1 in half-decades (quick: one per decade). */
export function learningRateGrid(quick: boolean): number[] {
  return quick ? [1e-3, 1e-2, 1e-1] : [1e-4, 3e-4, 1e-3, 3e-3, 1e-2, 3e-2, 1e-1, 3e-1, 1];
}

export interface Tuning {
  grid: number[];
  losses: number[];
  chosen: number;
}

/** Runs the trial at every rate; a diverged or non-finite trial counts as +∞. Ties keep the smaller rate. */
export async function tuneLearningRate(
  grid: readonly number[],
  trial: (lr: number) => Promise<number>,
): Promise<Tuning> {
  const losses: number[] = [];
  for (const lr of grid) {
    const loss = await trial(lr);
    losses.push(Number.isFinite(loss) ? loss : Infinity);
  }
  let best = 0;
  losses.forEach((l, i) => {
    if (l < losses[best]) best = i;
  });
  return { grid: [...grid], losses, chosen: grid[best] };
}

/** `lr` is the shared rate, or a phrase naming the fixed rates when a study has more than one; `criterion` is what the trials are judged by. */
export function protocolLine(tuned: boolean, lr: number | string, criterion = "validation loss"): string {
  return tuned
    ? `Protocol: **tuned per optimizer** (each learning rate chosen on a log grid by ${criterion} after a short trial; see the Learning Rate column).`
    : typeof lr === "number"
      ? `Protocol: **one learning rate for all (the papers' protocol)**, lr = ${rateText(lr)}; that choice alone decides much of the ranking (run with --tune for per-optimizer rates).`
      : `Protocol: **fixed learning rates (the paper's protocol)**, ${lr}; that choice alone decides much of the ranking (run with --tune for per-optimizer rates).`;
}
