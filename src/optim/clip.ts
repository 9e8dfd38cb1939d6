/**
 * Gradient clipping, applied to the gradient buffers before an update.
 * By global norm (Pascanu et al. 2013; PyTorch clip_grad_norm_): one norm over every range given,
 * every range scaled by maxNorm/(norm + 1e-6) when that is below 1. By value: clamp to [−c, c].
 */
import { kernels } from "../wasm/module.ts";
import type { F32Buffer } from "./optimizer.ts";
import { positive } from "./validate.ts";

/** Each range must be 4-aligned, of a whole length, and inside WASM memory: else the kernel would trap or read garbage. */
function checkRanges(owner: string, ranges: readonly F32Buffer[]): void {
  const memory = kernels.memory.buffer.byteLength;
  ranges.forEach(({ ptr, length }, i) => {
    if (
      !Number.isInteger(ptr) ||
      ptr < 0 ||
      ptr % 4 !== 0 ||
      !Number.isInteger(length) ||
      length < 0 ||
      ptr + length * 4 > memory
    ) {
      throw new RangeError(
        `${owner}: range ${i} (pointer ${ptr}, ${length} values) is not a 4-aligned range inside WASM memory (${memory} bytes)`,
      );
    }
  });
}

/** The global L2 norm of the ranges, accumulated in f64. */
export function globalNorm(ranges: readonly F32Buffer[]): number {
  checkRanges("globalNorm", ranges);
  let sum = 0;
  for (const r of ranges) sum += kernels.sumSquares(r.ptr, r.length);
  return Math.sqrt(sum);
}

/** Scales every range so their joint norm is at most maxNorm; returns the norm before clipping. */
export function clipByGlobalNorm(ranges: readonly F32Buffer[], maxNorm: number): number {
  positive("clipByGlobalNorm", "maxNorm", maxNorm);
  const norm = globalNorm(ranges);
  const scale = maxNorm / (norm + 1e-6);
  // A non-finite norm is left for the optimizer's non-finite guard to report.
  if (Number.isFinite(norm) && scale < 1) for (const r of ranges) kernels.scaleBy(r.ptr, r.length, scale);
  return norm;
}

/** Clamps every element of every range to [−clipValue, clipValue]. */
export function clipByValue(ranges: readonly F32Buffer[], clipValue: number): void {
  positive("clipByValue", "clipValue", clipValue);
  checkRanges("clipByValue", ranges);
  for (const r of ranges) kernels.clipByValue(r.ptr, r.length, -clipValue, clipValue);
}
