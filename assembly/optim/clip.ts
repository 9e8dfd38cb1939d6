// Gradient clipping: the sum of squares for a global norm, a scale, and a clamp by value.
import { hoistedSplat } from "../hoist";

/** Σ x[i]², accumulated in f64 (two f64x2 lanes pairs). */
export function sumSquares(x: usize, n: i32): f64 {
  let acc = f64x2.splat(0);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const v = v128.load(x + ((<usize>i) << 2));
    const lo = f64x2.promote_low_f32x4(v);
    const hi = f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
    acc = f64x2.add(acc, f64x2.add(f64x2.mul(lo, lo), f64x2.mul(hi, hi)));
  }
  let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
  for (let i = n4; i < n; i++) {
    const v = <f64>load<f32>(x + ((<usize>i) << 2));
    sum += v * v;
  }
  return sum;
}

/** x[i] ← s·x[i]. */
export function scaleBy(x: usize, n: i32, s: f32): void {
  const sV = hoistedSplat(s);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(x + o, f32x4.mul(v128.load(x + o), sV));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(x + o, load<f32>(x + o) * s);
  }
}

/** x[i] ← min(max(x[i], lo), hi), lo ≤ hi. */
export function clipByValue(x: usize, n: i32, lo: f32, hi: f32): void {
  const loV = hoistedSplat(lo), hiV = hoistedSplat(hi);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(x + o, f32x4.min(f32x4.max(v128.load(x + o), loV), hiV));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(x + o, min<f32>(max<f32>(load<f32>(x + o), lo), hi));
  }
}
