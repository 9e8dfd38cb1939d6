/** What fit saves at an epoch boundary to resume from, and the check made before loading one. */
import type { ModelJSON } from "../nn/model.ts";
import type { SavedState } from "../optim/state.ts";
import type { StoppingState } from "./stopping.ts";
import type { EpochRecord } from "./records.ts";

export interface Snapshot {
  format: "descent-checkpoint";
  version: 1;
  epoch: number;
  steps: number;
  model: ModelJSON;
  optimizer: SavedState;
  rng: number[];
  history: EpochRecord[];
  stopping: StoppingState;
  plateau?: unknown;
}

/** Checks a snapshot's format before anything is loaded from it. */
export function checkSnapshot(s: unknown): Snapshot {
  const snap = s as Snapshot;
  if (!snap || snap.format !== "descent-checkpoint")
    throw new RangeError(`checkpoint: not a descent checkpoint (format ${JSON.stringify(snap?.format)})`);
  if (snap.version !== 1)
    throw new RangeError(
      `checkpoint: unsupported version ${JSON.stringify(snap.version)} (this build reads version 1)`,
    );
  if (!Number.isInteger(snap.epoch) || snap.epoch < 0)
    throw new RangeError(`checkpoint: epoch ${snap.epoch} is not a count`);
  if (!Array.isArray(snap.rng) || !Array.isArray(snap.history) || !snap.optimizer || !snap.model)
    throw new RangeError("checkpoint: missing model, optimizer, rng or history");
  if (snap.model.format !== "descent-model" || snap.model.version !== 1)
    throw new RangeError(
      `checkpoint: its model is format ${JSON.stringify(snap.model.format)} version ${JSON.stringify(snap.model.version)}; this build reads descent-model version 1`,
    );
  return snap;
}
