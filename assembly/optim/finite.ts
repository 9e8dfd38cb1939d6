// The guard every optimizer step runs first: are all gradients finite?

/** 1 if every x[i], i < n, is finite, else 0. x·0 is 0 for finite x and NaN for ±Inf and NaN. */
export function allFinite(x: usize, n: i32): i32 {
  let acc = f32x4.splat(0);
  const zero = f32x4.splat(0);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(x + ((<usize>i) << 2)), zero));
  let tail: f32 = 0;
  for (let i = n4; i < n; i++) tail += load<f32>(x + ((<usize>i) << 2)) * 0;
  const lanes = f32x4.eq(acc, acc); // NaN ≠ NaN
  return i32x4.all_true(lanes) && tail == tail ? 1 : 0;
}
