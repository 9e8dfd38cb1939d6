// Reductions over one axis of a viewed [outer, len, inner] array, and whole-array sum and dot.
// When inner >= 4 the lanes run across inner (four outputs at once, stepping down len); when
// inner == 1 they run along len and are combined at the end; columns left over (inner % 4) are scalar.
// Sums accumulate in f64 (each f32x4 promoted to two f64x2), so their error does not grow with len.
// An empty axis (len == 0) gives sum 0, max -Inf and argmax 0.

import { vectorMax } from "./simd-math";

// The two halves of an f32x4 as f64x2.
@inline function lowF64(v: v128): v128 { return f64x2.promote_low_f32x4(v); }
@inline function highF64(v: v128): v128 { return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3)); }

@inline function horizontalSum(lo: v128, hi: v128): f64 {
  const s = f64x2.add(lo, hi);
  return f64x2.extract_lane(s, 0) + f64x2.extract_lane(s, 1);
}

@inline function horizontalMax(v: v128): f32 {
  v = f32x4.max(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  v = f32x4.max(v, v128.shuffle<f32>(v, v, 1, 0, 3, 2));
  return f32x4.extract_lane(v, 0);
}

/** Sum of n contiguous floats, in f64. */
function sumContiguous(a: usize, n: i32): f64 {
  const bytes = <usize>n << 2;
  const main = bytes & ~15;
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i: usize = 0;
  for (; i < main; i += 16) {
    const v = v128.load(a + i);
    lo = f64x2.add(lo, lowF64(v));
    hi = f64x2.add(hi, highF64(v));
  }
  let s = horizontalSum(lo, hi);
  for (; i < bytes; i += 4) s += <f64>load<f32>(a + i);
  return s;
}

/** Max of n contiguous floats (NaN if any is NaN, -Inf if n == 0). */
function maxContiguous(a: usize, n: i32): f32 {
  const bytes = <usize>n << 2;
  const main = bytes & ~15;
  let s = horizontalMax(vectorMax(a, main));
  for (let i = main; i < bytes; i += 4) s = Mathf.max(s, load<f32>(a + i)); // f32.max propagates NaN
  return s;
}

/** Index of the first element equal to the max (of the first NaN, if any); 0 if n == 0. */
function argmaxContiguous(a: usize, n: i32): i32 {
  const m = maxContiguous(a, n);
  const target = f32x4.splat(m);
  const findNaN = i32x4.splat(m != m ? -1 : 0);
  const bytes = <usize>n << 2;
  const main = bytes & ~15;
  let i: usize = 0;
  for (; i < main; i += 16) {
    const v = v128.load(a + i);
    const hit = v128.or(f32x4.eq(v, target), v128.and(f32x4.ne(v, v), findNaN));
    const bits = i32x4.bitmask(hit);
    if (bits != 0) return <i32>(i >> 2) + ctz(bits);
  }
  for (; i < bytes; i += 4) {
    const x = load<f32>(a + i);
    if (x == m || (x != x && m != m)) return <i32>(i >> 2);
  }
  return 0;
}

/** out[o, i] = sum over l of a[o, l, i]. */
export function sumAxis(out: usize, a: usize, outer: i32, len: i32, inner: i32): void {
  const stride = <usize>inner << 2;
  const slab = <usize>len * stride;
  for (let o = 0; o < outer; o++) {
    const src = a + <usize>o * slab;
    const dst = out + <usize>o * stride;
    if (inner == 1) {
      store<f32>(dst, <f32>sumContiguous(src, len));
      continue;
    }
    let c: usize = 0;
    for (; c + 16 <= stride; c += 16) {
      let lo = f64x2.splat(0);
      let hi = f64x2.splat(0);
      for (let l = 0, p = src + c; l < len; l++, p += stride) {
        const v = v128.load(p);
        lo = f64x2.add(lo, lowF64(v));
        hi = f64x2.add(hi, highF64(v));
      }
      v128.store(dst + c, v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5));
    }
    for (; c < stride; c += 4) {
      let s: f64 = 0;
      for (let l = 0, p = src + c; l < len; l++, p += stride) s += <f64>load<f32>(p);
      store<f32>(dst + c, <f32>s);
    }
  }
}

/** out[o, i] = max over l of a[o, l, i]; NaN if any is NaN. */
export function maxAxis(out: usize, a: usize, outer: i32, len: i32, inner: i32): void {
  const stride = <usize>inner << 2;
  const slab = <usize>len * stride;
  for (let o = 0; o < outer; o++) {
    const src = a + <usize>o * slab;
    const dst = out + <usize>o * stride;
    if (inner == 1) {
      store<f32>(dst, maxContiguous(src, len));
      continue;
    }
    let c: usize = 0;
    for (; c + 16 <= stride; c += 16) {
      let m = f32x4.splat(-Infinity);
      for (let l = 0, p = src + c; l < len; l++, p += stride) m = f32x4.max(m, v128.load(p));
      v128.store(dst + c, m);
    }
    for (; c < stride; c += 4) {
      let m: f32 = -Infinity;
      for (let l = 0, p = src + c; l < len; l++, p += stride) m = Mathf.max(m, load<f32>(p));
      store<f32>(dst + c, m);
    }
  }
}

/**
 * outI32[o, i] = the first l where a[o, l, i] reaches the max over l. A NaN counts as the max
 * (the first NaN wins), matching maxAxis, which returns NaN there.
 */
export function argmaxAxis(outI32: usize, a: usize, outer: i32, len: i32, inner: i32): void {
  const stride = <usize>inner << 2;
  const slab = <usize>len * stride;
  for (let o = 0; o < outer; o++) {
    const src = a + <usize>o * slab;
    const dst = outI32 + <usize>o * stride;
    if (inner == 1) {
      store<i32>(dst, argmaxContiguous(src, len));
      continue;
    }
    let c: usize = 0;
    for (; c + 16 <= stride; c += 16) {
      let best = f32x4.splat(-Infinity);
      let at = i32x4.splat(0);
      for (let l = 0, p = src + c; l < len; l++, p += stride) {
        const v = v128.load(p);
        // Strictly greater, so ties keep the first; a NaN replaces a number but not an earlier NaN.
        const take = v128.or(f32x4.gt(v, best), v128.and(f32x4.ne(v, v), f32x4.eq(best, best)));
        best = v128.bitselect(v, best, take);
        at = v128.bitselect(i32x4.splat(l), at, take);
      }
      v128.store(dst + c, at);
    }
    for (; c < stride; c += 4) {
      let best: f32 = -Infinity;
      let at = 0;
      for (let l = 0, p = src + c; l < len; l++, p += stride) {
        const x = load<f32>(p);
        if (x > best || (x != x && best == best)) { best = x; at = l; }
      }
      store<i32>(dst + c, at);
    }
  }
}

/** Sum of a[0..n), accumulated in f64. */
export function sumAll(a: usize, n: i32): f64 {
  return sumContiguous(a, n);
}

/** Dot product of a and b, accumulated in f64: each product of two f32 is exact in f64. */
export function dot(a: usize, b: usize, n: i32): f64 {
  const bytes = <usize>n << 2;
  const main = bytes & ~15;
  let lo = f64x2.splat(0);
  let hi = f64x2.splat(0);
  let i: usize = 0;
  for (; i < main; i += 16) {
    const x = v128.load(a + i);
    const y = v128.load(b + i);
    lo = f64x2.add(lo, f64x2.mul(lowF64(x), lowF64(y)));
    hi = f64x2.add(hi, f64x2.mul(highF64(x), highF64(y)));
  }
  let s = horizontalSum(lo, hi);
  for (; i < bytes; i += 4) s += <f64>load<f32>(a + i) * <f64>load<f32>(b + i);
  return s;
}
