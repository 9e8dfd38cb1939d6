// Softmax and log-softmax over each row of a [rows, cols]: subtract the row max, exponentiate, sum
// (in f64), normalise. Subtracting the max keeps every exponent <= 0, so logits of any size stay
// finite. A row holding +Inf or NaN, or only -Inf, gives a row of NaN (its max - max is NaN).
// out may be a.
import { exp4, log4 } from "./simd-math";

@inline function rowMax(a: usize, bytes: usize, main: usize): f32 {
  let m = f32x4.splat(-Infinity);
  let i: usize = 0;
  for (; i < main; i += 16) m = f32x4.max(m, v128.load(a + i));
  m = f32x4.max(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
  m = f32x4.max(m, v128.shuffle<f32>(m, m, 1, 0, 3, 2));
  let s = f32x4.extract_lane(m, 0);
  for (; i < bytes; i += 4) s = Mathf.max(s, load<f32>(a + i));
  return s;
}

// One scalar through the vector exp, so the tail matches the body.
@inline function exp1(x: f32): f32 { return f32x4.extract_lane(exp4(f32x4.splat(x)), 0); }

/**
 * Writes e^(a - max) to out when keep is set (else only sums) and returns the sum, in f64.
 * Not inlined: softmax and log-softmax share one copy of the exp loop.
 */
function expShifted(out: usize, a: usize, bytes: usize, main: usize, max: f32, keep: bool): f64 {
  const mv = f32x4.splat(max);
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i: usize = 0;
  for (; i < main; i += 16) {
    const e = exp4(f32x4.sub(v128.load(a + i), mv));
    if (keep) v128.store(out + i, e);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
  }
  const s2 = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  for (; i < bytes; i += 4) {
    const e = exp1(load<f32>(a + i) - max);
    if (keep) store<f32>(out + i, e);
    s += <f64>e;
  }
  return s;
}

/** out[r, :] = softmax(a[r, :]). */
export function softmaxRows(out: usize, a: usize, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  const main = bytes & ~15;
  for (let r = 0; r < rows; r++) {
    const src = a + <usize>r * bytes;
    const dst = out + <usize>r * bytes;
    const sum = <f32>expShifted(dst, src, bytes, main, rowMax(src, bytes, main), true);
    // Divide rather than multiply by 1/sum: one rounding per element.
    const sv = f32x4.splat(sum);
    let i: usize = 0;
    for (; i < main; i += 16) v128.store(dst + i, f32x4.div(v128.load(dst + i), sv));
    for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(dst + i) / sum);
  }
}

/** out[r, :] = a[r, :] - max - log(sum of e^(a - max)). */
export function logSoftmaxRows(out: usize, a: usize, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  const main = bytes & ~15;
  for (let r = 0; r < rows; r++) {
    const src = a + <usize>r * bytes;
    const dst = out + <usize>r * bytes;
    const max = rowMax(src, bytes, main);
    const sum = expShifted(0, src, bytes, main, max, false);
    // log of the f32-rounded sum, corrected to first order for that rounding: when one entry
    // dominates, sum = 1 + (tiny) and the correction is all of log(sum).
    const sum32 = <f32>sum;
    const logSum = <f32>(<f64>f32x4.extract_lane(log4(f32x4.splat(sum32)), 0) + (sum - <f64>sum32) / <f64>sum32);
    // (a - max) - logSum, in that order: a - max is exact for the entries that matter (near the max).
    const mv = f32x4.splat(max);
    const lv = f32x4.splat(logSum);
    let i: usize = 0;
    for (; i < main; i += 16) v128.store(dst + i, f32x4.sub(f32x4.sub(v128.load(src + i), mv), lv));
    for (; i < bytes; i += 4) store<f32>(dst + i, (load<f32>(src + i) - max) - logSum);
  }
}
