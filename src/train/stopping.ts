/**
 * When to stop. The survey's adaptive criterion: stop once the training loss improves by less
 * than `threshold` between consecutive epochs, `patience` times in a row; the epoch where it
 * fires is the run's "epochs to converge". Early stopping: stop once the validation loss has not
 * improved on its best by more than `minDelta` for `patience` epochs.
 */
export interface AdaptiveStopping {
  threshold: number;
  patience?: number;
  relative?: boolean;
}
export interface EarlyStopping {
  patience: number;
  minDelta?: number;
}

export interface StoppingState {
  previousLoss: number | null;
  flatEpochs: number;
  bestValidation: number | null;
  staleEpochs: number;
}

export const initialStopping = (): StoppingState => ({
  previousLoss: null,
  flatEpochs: 0,
  bestValidation: null,
  staleEpochs: 0,
});

export function checkStoppingOptions(adaptive?: AdaptiveStopping, early?: EarlyStopping): void {
  if (adaptive) {
    if (!(adaptive.threshold >= 0) || !Number.isFinite(adaptive.threshold))
      throw new RangeError(`stopping: threshold must be a finite number ≥ 0, got ${adaptive.threshold}`);
    if (adaptive.patience !== undefined && (!Number.isInteger(adaptive.patience) || adaptive.patience < 1))
      throw new RangeError(`stopping: patience must be an integer ≥ 1, got ${adaptive.patience}`);
  }
  if (early) {
    if (!Number.isInteger(early.patience) || early.patience < 1)
      throw new RangeError(`earlyStopping: patience must be an integer ≥ 1, got ${early.patience}`);
    if (early.minDelta !== undefined && !(early.minDelta >= 0))
      throw new RangeError(`earlyStopping: minDelta must be ≥ 0, got ${early.minDelta}`);
  }
}

/** Feeds one epoch's losses; returns which criterion fired, if any. */
export function observeEpoch(
  s: StoppingState,
  trainLoss: number,
  validationLoss: number | undefined,
  adaptive?: AdaptiveStopping,
  early?: EarlyStopping,
): "converged" | "early-stopping" | null {
  let fired: "converged" | "early-stopping" | null = null;
  if (adaptive) {
    if (s.previousLoss !== null) {
      const improvement = s.previousLoss - trainLoss;
      const scale = adaptive.relative ? Math.abs(s.previousLoss) : 1;
      s.flatEpochs = improvement < adaptive.threshold * scale ? s.flatEpochs + 1 : 0;
      if (s.flatEpochs >= (adaptive.patience ?? 1)) fired = "converged";
    }
    s.previousLoss = trainLoss;
  }
  if (early && validationLoss !== undefined) {
    if (s.bestValidation === null || validationLoss < s.bestValidation - (early.minDelta ?? 0)) {
      s.bestValidation = validationLoss;
      s.staleEpochs = 0;
    } else s.staleEpochs++;
    if (!fired && s.staleEpochs >= early.patience) fired = "early-stopping";
  }
  return fired;
}
