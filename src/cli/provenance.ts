/**
 * What a saved model was trained on, so that `eval` can tell a held-out score from a score on
 * training examples. The model file records where the data came from and how it was sampled
 * (enough to draw the same training set again) and a fingerprint of that set (to know the redraw
 * is the same data). Overlap is decided by content: an evaluation example counts as seen if an
 * identical example (pixels and label) was in the training set.
 */
import type { Dataset } from "../data/dataset.ts";
import { crc32c } from "../report/crc32c.ts";

export interface TrainedOn {
  /** "mnist-package": a seeded sample of the `mnist` package's digits; "idx": the seeded 80% of an IDX pair. */
  source: "mnist-package" | "idx";
  images?: string;
  labels?: string;
  seed: number;
  /** Examples trained on, and held out for the test score. */
  train: number;
  test: number;
  /** CRC-32C of the training examples' keys, in training order, as hex. */
  fingerprint: string;
}

/** One key per example: two CRC-32Cs of its pixels (whole, second half) and its label, ~64 bits against chance collisions. */
export function exampleKeys(ds: Dataset): string[] {
  const f = ds.x.length / ds.n;
  const bytes = new Uint8Array(ds.x.buffer, ds.x.byteOffset, ds.x.byteLength);
  const keys: string[] = [];
  for (let i = 0; i < ds.n; i++) {
    const start = 4 * f * i,
      end = 4 * f * (i + 1);
    keys.push(
      `${crc32c(bytes, start, end).toString(16)}.${crc32c(bytes, (start + end) >> 1, end).toString(16)}.${ds.y[i]}`,
    );
  }
  return keys;
}

export function fingerprint(keys: readonly string[]): string {
  return crc32c(new TextEncoder().encode(keys.join("\n")))
    .toString(16)
    .padStart(8, "0");
}

/** How many examples of `evaluated` are also in the training set. */
export function overlap(trainingKeys: readonly string[], evaluated: Dataset): number {
  const seen = new Set(trainingKeys);
  return exampleKeys(evaluated).filter((k) => seen.has(k)).length;
}
