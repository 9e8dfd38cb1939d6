// Softmax and log-softmax over each row of a [rows, cols]: subtract the row max, exponentiate, sum
// (in f64), normalise. Subtracting the max keeps every exponent <= 0, so logits of any size stay
// finite. A row holding +Inf or NaN, or only -Inf, gives a row of NaN (its max - max is NaN).
// out may be a.
import { EXP_BIAS, EXP_CONSTANTS, LOG_CONSTANTS, LOG_INTEGERS, exp4, lanes, log4, vectorMax } from "./simd-math";

@inline function rowMax(a: usize, bytes: usize, main: usize): f32 {
  let m = vectorMax(a, main);
  m = f32x4.max(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
  m = f32x4.max(m, v128.shuffle<f32>(m, m, 1, 0, 3, 2));
  let s = f32x4.extract_lane(m, 0);
  for (let i = main; i < bytes; i += 4) s = Mathf.max(s, load<f32>(a + i));
  return s;
}

/**
 * Writes e^(a - max) to out when keep is set (else only sums) and returns the sum, in f64.
 * e0..e12, bias are exp4's constants, loaded once per call of the row kernels (see simd-math.ts).
 * Inlined, so they stay out of the row loop too: passed through a call they cost 10-row softmax 7%,
 * inlined it gained 10% (and the log-softmax copy drops the stores).
 */
@inline function expShifted(out: usize, a: usize, bytes: usize, main: usize, max: f32, keep: bool, e0: v128, e1: v128, e2: v128,
  e3: v128, e4: v128, e5: v128, e6: v128, e7: v128, e8: v128, e9: v128, e10: v128, e11: v128, e12: v128, bias: v128): f64 {
  const mv = f32x4.splat(max);
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i: usize = 0;
  for (; i < main; i += 16) {
    const e = exp4(f32x4.sub(v128.load(a + i), mv), e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, bias);
    if (keep) v128.store(out + i, e);
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(e));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(v128.shuffle<f32>(e, e, 2, 3, 2, 3)));
  }
  const s2 = f64x2.add(lo, hi);
  let s = f64x2.extract_lane(s2, 0) + f64x2.extract_lane(s2, 1);
  for (; i < bytes; i += 4) {
    // One scalar through the vector exp, so the tail matches the body.
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(a + i) - max), e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, bias), 0);
    if (keep) store<f32>(out + i, e);
    s += <f64>e;
  }
  return s;
}

// Softmax and log-softmax share one block of exp4's constants, unpacked once here. log is a
// constant at each call below, so each kernel keeps one of the two row loops (and only
// log-softmax loads log4's constants).
@inline function rowsOf(log: bool, out: usize, a: usize, rows: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  const main = bytes & ~15;
  const t = EXP_CONSTANTS;
  const e0 = lanes(t, 0), e1 = lanes(t, 1), e2 = lanes(t, 2), e3 = lanes(t, 3), e4 = lanes(t, 4), e5 = lanes(t, 5), e6 = lanes(t, 6);
  const e7 = lanes(t, 7), e8 = lanes(t, 8), e9 = lanes(t, 9), e10 = lanes(t, 10), e11 = lanes(t, 11), e12 = lanes(t, 12);
  const bias = lanes(EXP_BIAS, 0);
  if (!log) {
    for (let r = 0; r < rows; r++) {
      const src = a + <usize>r * bytes;
      const dst = out + <usize>r * bytes;
      const sum = <f32>expShifted(dst, src, bytes, main, rowMax(src, bytes, main), true, e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, bias);
      // Divide rather than multiply by 1/sum: one rounding per element.
      const sv = f32x4.splat(sum);
      let i: usize = 0;
      for (; i < main; i += 16) v128.store(dst + i, f32x4.div(v128.load(dst + i), sv));
      for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(dst + i) / sum);
    }
    return;
  }
  const u = LOG_CONSTANTS;
  const c0 = lanes(u, 0), c1 = lanes(u, 1), c2 = lanes(u, 2), c3 = lanes(u, 3), c4 = lanes(u, 4), c5 = lanes(u, 5), c6 = lanes(u, 6);
  const c7 = lanes(u, 7), c8 = lanes(u, 8), c9 = lanes(u, 9), c10 = lanes(u, 10), c11 = lanes(u, 11), c12 = lanes(u, 12);
  const c13 = lanes(u, 13), c14 = lanes(u, 14), c15 = lanes(u, 15), c16 = lanes(u, 16), c17 = lanes(u, 17);
  const i0 = lanes(LOG_INTEGERS, 0), i1 = lanes(LOG_INTEGERS, 1), i2 = lanes(LOG_INTEGERS, 2);
  for (let r = 0; r < rows; r++) {
    const src = a + <usize>r * bytes;
    const dst = out + <usize>r * bytes;
    const max = rowMax(src, bytes, main);
    const sum = expShifted(0, src, bytes, main, max, false, e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, bias);
    // log of the f32-rounded sum, corrected to first order for that rounding: when one entry
    // dominates, sum = 1 + (tiny) and the correction is all of log(sum).
    const sum32 = <f32>sum;
    const logSum = <f32>(<f64>f32x4.extract_lane(log4(f32x4.splat(sum32), c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, i0, i1, i2), 0) + (sum - <f64>sum32) / <f64>sum32);
    // (a - max) - logSum, in that order: a - max is exact for the entries that matter (near the max).
    const mv = f32x4.splat(max);
    const lv = f32x4.splat(logSum);
    let i: usize = 0;
    for (; i < main; i += 16) v128.store(dst + i, f32x4.sub(f32x4.sub(v128.load(src + i), mv), lv));
    for (; i < bytes; i += 4) store<f32>(dst + i, (load<f32>(src + i) - max) - logSum);
  }
}

/** out[r, :] = softmax(a[r, :]). */
export function softmaxRows(out: usize, a: usize, rows: i32, cols: i32): void { rowsOf(false, out, a, rows, cols); }

/** out[r, :] = a[r, :] - max - log(sum of e^(a - max)). */
export function logSoftmaxRows(out: usize, a: usize, rows: i32, cols: i32): void { rowsOf(true, out, a, rows, cols); }
