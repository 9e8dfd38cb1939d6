// The guard every optimizer step runs first: are all gradients finite?
import { hoisted } from "../hoist";

/**
 * 1 if every x[i], i < n, is finite, else 0. A float is NaN or ±Inf exactly when its exponent bits
 * are all ones; four independent OR-accumulators (16 floats an iteration) keep the loop at memory
 * speed instead of waiting on one dependent chain.
 */
export function allFinite(x: usize, n: i32): i32 {
  // Hoisted: V8 otherwise rebuilds the mask inside the loop (hoist.ts).
  const mask = hoisted(i32x4.splat(0x7f800000));
  let a0 = i32x4.splat(0), a1 = i32x4.splat(0), a2 = i32x4.splat(0), a3 = i32x4.splat(0);
  const n16 = n & ~15;
  for (let i = 0; i < n16; i += 16) {
    const p = x + ((<usize>i) << 2);
    a0 = v128.or(a0, i32x4.eq(v128.and(v128.load(p), mask), mask));
    a1 = v128.or(a1, i32x4.eq(v128.and(v128.load(p, 16), mask), mask));
    a2 = v128.or(a2, i32x4.eq(v128.and(v128.load(p, 32), mask), mask));
    a3 = v128.or(a3, i32x4.eq(v128.and(v128.load(p, 48), mask), mask));
  }
  if (v128.any_true(v128.or(v128.or(a0, a1), v128.or(a2, a3)))) return 0;
  for (let i = n16; i < n; i++) {
    if ((load<u32>(x + ((<usize>i) << 2)) & 0x7f800000) == 0x7f800000) return 0;
  }
  return 1;
}
