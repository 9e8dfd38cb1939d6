// Vectorized transcendentals on f32x4, shared by the elementwise and softmax kernels.
// Internal: nothing here is exported from the module.
//
// Each is a range reduction plus a short polynomial, after the single-precision routines of the
// Cephes library (S. L. Moshier, "Methods and Programs for Mathematical Functions", 1989).
// Departures from Cephes: the edge cases are fixed with lane masks instead of branches, exp rounds
// with the 1.5 * 2^23 trick and scales by two powers of two so results fall gradually into the
// denormals, and log rescales denormal inputs. Measured against f64 on 4e5 random inputs: exp and
// log within 1 ulp (0.96 and 0.82 at worst), tanh within 1.3 ulp, sigmoid within 9e-8 absolute.
//
// The constants are arguments, not literals. V8 (TurboFan, Node 20) re-creates a v128 literal at its
// use inside a loop, three instructions each time, and these functions have 13 to 22 of them: that
// was up to half of exp's loop (see hoist.ts). A kernel loads them once, before its loop, from the
// tables below (EXP_CONSTANTS and the others list them in argument order); V8 then keeps them in
// registers and reloads a spilled one with a single instruction. The *Loop functions at the bottom
// are the elementwise maps, written here so those argument lists stay in this file.

import { madd } from "./madd";

const LOG2E: f32 = 1.44269504088896341;
// ln 2 split in two: LN2_HI has few mantissa bits, so n * LN2_HI is exact for |n| <= 150.
const LN2_HI: f32 = 0.693359375;
const LN2_LO: f32 = -2.12194440e-4;
const ROUNDER: f32 = 12582912.0; // 1.5 * 2^23

/** One f32 (or i32) of a constant table, in all four lanes. */
@inline export function lanes(table: usize, index: i32): v128 {
  return v128.load32_splat(table + (<usize>index << 2));
}

// exp4's constants in argument order, then the exponent bias (an i32).
export const EXP_CONSTANTS = memory.data<f32>([-104.0, 89.0, LOG2E, ROUNDER, LN2_HI, LN2_LO,
  1.9875691500e-4, 1.3981999507e-3, 8.3334519073e-3, 4.1665795894e-2, 1.6666665459e-1, 5.0000001201e-1, 1.0]);
export const EXP_BIAS = memory.data<i32>([127]);

/**
 * e^x per lane. Overflow gives +Inf, underflow 0 (through the denormals), exp(-Inf) = 0, NaN stays NaN.
 * c0..c12 = lanes(EXP_CONSTANTS, 0..12), bias = lanes(EXP_BIAS, 0).
 */
@inline export function exp4(x: v128, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128,
  c7: v128, c8: v128, c9: v128, c10: v128, c11: v128, c12: v128, bias: v128): v128 {
  const low = c0, high = c1, log2e = c2, rounder = c3, ln2Hi = c4, ln2Lo = c5, one = c12;
  // Clamping keeps n in [-150, 128] (so the scale factors below stay normal) without changing any
  // result: e^-104 rounds to 0 and e^89 to +Inf. pmax/pmin return their first operand when it is
  // NaN, so NaN passes through (and they are single instructions, unlike max/min).
  x = f32x4.pmin(f32x4.pmax(x, low), high);
  // Adding 1.5 * 2^23 rounds x / ln2 to the nearest integer k and leaves k in the low mantissa bits.
  const shifted = f32x4.add(f32x4.mul(x, log2e), rounder);
  const n = f32x4.sub(shifted, rounder);
  let r = f32x4.sub(x, f32x4.mul(n, ln2Hi));
  r = f32x4.sub(r, f32x4.mul(n, ln2Lo));
  // e^r on |r| <= ln2/2: 1 + r + r^2 * P(r), P's coefficients c6..c11. Horner's steps are madd
  // (madd.ts): fused in the relaxed build, 1.13-1.29x on exp, tanh and sigmoid (bench elementwise-relaxed).
  let p = madd(c6, r, c7);
  p = madd(p, r, c8);
  p = madd(p, r, c9);
  p = madd(p, r, c10);
  p = madd(p, r, c11);
  p = f32x4.add(f32x4.add(f32x4.mul(p, f32x4.mul(r, r)), r), one);
  // 2^n as 2^(n>>1) * 2^(n - n>>1): each factor is a normal float, and the last product rounds
  // once, to +Inf or into the denormals as IEEE would.
  const k = i32x4.sub(shifted, rounder);
  const k1 = i32x4.shr_s(k, 1);
  const k2 = i32x4.sub(k, k1);
  const s1 = i32x4.shl(i32x4.add(k1, bias), 23);
  const s2 = i32x4.shl(i32x4.add(k2, bias), 23);
  return f32x4.mul(f32x4.mul(p, s1), s2);
}

// log4's float constants in argument order, then its integer ones (exponent offsets and the mantissa mask).
export const LOG_CONSTANTS = memory.data<f32>([1.17549435e-38, 33554432.0, 0.5, 0.707106781186547524, 1.0,
  7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1,
  LN2_LO, LN2_HI, -Infinity, Infinity]);
export const LOG_INTEGERS = memory.data<i32>([126, 25, 0x007fffff]);

/**
 * Natural log per lane. log(0) = -Inf, log(x < 0) = NaN, log(+Inf) = +Inf, NaN stays NaN; denormals are exact-ish.
 * c0..c17 = lanes(LOG_CONSTANTS, 0..17), i0..i2 = lanes(LOG_INTEGERS, 0..2).
 */
@inline export function log4(x: v128, c0: v128, c1: v128, c2: v128, c3: v128, c4: v128, c5: v128, c6: v128,
  c7: v128, c8: v128, c9: v128, c10: v128, c11: v128, c12: v128, c13: v128, c14: v128, c15: v128, c16: v128,
  c17: v128, i0: v128, i1: v128, i2: v128): v128 {
  const smallestNormal = c0, twoTo25 = c1, half = c2, sqrtHalf = c3, one = c4;
  const ln2Lo = c14, ln2Hi = c15, negInf = c16, inf = c17, bias = i0, denormalShift = i1, mantissa = i2;
  // Denormals have no implicit leading bit: scale them by 2^25 first and take 25 off the exponent.
  const tiny = f32x4.lt(x, smallestNormal);
  const xs = v128.bitselect(f32x4.mul(x, twoTo25), x, tiny);
  // x = m * 2^e with m in [0.5, 1).
  let e = i32x4.sub(i32x4.shr_u(xs, 23), bias);
  e = i32x4.sub(e, v128.and(tiny, denormalShift));
  let m = v128.or(v128.and(xs, mantissa), half);
  // Shift m into [sqrt(1/2), sqrt(2)) and take 1 off, so the polynomial sees |m| <= 0.414; both steps are exact.
  const low = f32x4.lt(m, sqrtHalf);
  e = i32x4.add(e, low); // the mask is -1 where set
  m = f32x4.sub(f32x4.add(m, v128.and(m, low)), one);
  const ef = f32x4.convert_i32x4_s(e);
  const z = f32x4.mul(m, m);
  // The polynomial's coefficients are c5..c13.
  let p = f32x4.add(f32x4.mul(c5, m), c6);
  p = f32x4.add(f32x4.mul(p, m), c7);
  p = f32x4.add(f32x4.mul(p, m), c8);
  p = f32x4.add(f32x4.mul(p, m), c9);
  p = f32x4.add(f32x4.mul(p, m), c10);
  p = f32x4.add(f32x4.mul(p, m), c11);
  p = f32x4.add(f32x4.mul(p, m), c12);
  p = f32x4.add(f32x4.mul(p, m), c13);
  let y = f32x4.mul(f32x4.mul(p, m), z);
  y = f32x4.add(y, f32x4.mul(ef, ln2Lo));
  y = f32x4.sub(y, f32x4.mul(z, half));
  let r = f32x4.add(f32x4.add(m, y), f32x4.mul(ef, ln2Hi));
  r = v128.bitselect(negInf, r, f32x4.eq(x, f32x4.splat(0.0)));
  r = v128.bitselect(x, r, f32x4.eq(x, inf));
  // Negative or NaN: all bits set is a quiet NaN. (Zero costs V8 one instruction: it stays a literal.)
  return v128.or(r, v128.not(f32x4.ge(x, f32x4.splat(0.0))));
}

// tanh4's own constants in argument order (it takes exp4's too), then the sign bit (an i32).
export const TANH_CONSTANTS = memory.data<f32>([-5.70498872745e-3, 2.06390887954e-2, -5.37397155531e-2,
  1.33314422036e-1, -3.33332819422e-1, 1.0, 2.0, 0.625]);
export const SIGN_BIT = memory.data<i32>([0x80000000]);

/**
 * tanh per lane; ±1 for large |x|, relative accuracy kept near 0, NaN stays NaN.
 * e0..e12, bias: exp4's constants; t0..t7 = lanes(TANH_CONSTANTS, 0..7), sign = lanes(SIGN_BIT, 0).
 */
@inline export function tanh4(x: v128, e0: v128, e1: v128, e2: v128, e3: v128, e4: v128, e5: v128, e6: v128,
  e7: v128, e8: v128, e9: v128, e10: v128, e11: v128, e12: v128, bias: v128,
  t0: v128, t1: v128, t2: v128, t3: v128, t4: v128, t5: v128, t6: v128, t7: v128, sign: v128): v128 {
  const one = t5, two = t6, cutoff = t7;
  const ax = f32x4.abs(x);
  // |x| < 0.625: x + x^3 * P(x^2), P's coefficients t0..t4; no cancellation.
  const z = f32x4.mul(x, x);
  let p = f32x4.add(f32x4.mul(t0, z), t1);
  p = f32x4.add(f32x4.mul(p, z), t2);
  p = f32x4.add(f32x4.mul(p, z), t3);
  p = f32x4.add(f32x4.mul(p, z), t4);
  const small = f32x4.add(f32x4.mul(f32x4.mul(p, z), x), x);
  // Otherwise 1 - 2 / (e^2|x| + 1), which is >= 0.55 here (no cancellation) and 1 once e^2|x| = Inf.
  const t = exp4(f32x4.add(ax, ax), e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, bias);
  let large = f32x4.sub(one, f32x4.div(two, f32x4.add(t, one)));
  large = v128.or(large, v128.and(x, sign));
  return v128.bitselect(small, large, f32x4.lt(ax, cutoff));
}

/**
 * 1 / (1 + e^-x) per lane: exactly 0 for x below about -88 (e^-x = Inf) and 1 for large x; NaN stays NaN.
 * e0..e12, bias: exp4's constants (e12 is 1); sign = lanes(SIGN_BIT, 0).
 */
@inline export function sigmoid4(x: v128, e0: v128, e1: v128, e2: v128, e3: v128, e4: v128, e5: v128, e6: v128,
  e7: v128, e8: v128, e9: v128, e10: v128, e11: v128, e12: v128, bias: v128, sign: v128): v128 {
  // -x by flipping the sign bit (what f32x4.neg does), with the mask passed in rather than rebuilt.
  const minusX = v128.xor(x, sign);
  const one = e12;
  return f32x4.div(one, f32x4.add(one, exp4(minusX, e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, bias)));
}

// The elementwise maps out[i] = f(a[i]) over bytes (a multiple of 16) bytes; out may be a.
// Each loads its constants once, then loops.

const EXP = 0, TANH = 1, SIGMOID = 2;

// exp4 and the two built on it: one block of exp4's constants. f is a constant at each call below,
// so each map keeps one of the three bodies; tanh's own constants go unused (and unloaded) elsewhere.
@inline function expFamilyLoop(f: i32, out: usize, a: usize, bytes: usize): void {
  const t = EXP_CONSTANTS;
  const e0 = lanes(t, 0), e1 = lanes(t, 1), e2 = lanes(t, 2), e3 = lanes(t, 3), e4 = lanes(t, 4), e5 = lanes(t, 5), e6 = lanes(t, 6);
  const e7 = lanes(t, 7), e8 = lanes(t, 8), e9 = lanes(t, 9), e10 = lanes(t, 10), e11 = lanes(t, 11), e12 = lanes(t, 12);
  const bias = lanes(EXP_BIAS, 0);
  if (f == EXP) {
    for (let i: usize = 0; i < bytes; i += 16) {
      v128.store(out + i, exp4(v128.load(a + i), e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, bias));
    }
    return;
  }
  const sign = lanes(SIGN_BIT, 0);
  if (f == SIGMOID) {
    for (let i: usize = 0; i < bytes; i += 16) {
      v128.store(out + i, sigmoid4(v128.load(a + i), e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, bias, sign));
    }
    return;
  }
  const u = TANH_CONSTANTS;
  const t0 = lanes(u, 0), t1 = lanes(u, 1), t2 = lanes(u, 2), t3 = lanes(u, 3), t4 = lanes(u, 4), t5 = lanes(u, 5), t6 = lanes(u, 6), t7 = lanes(u, 7);
  for (let i: usize = 0; i < bytes; i += 16) {
    v128.store(out + i, tanh4(v128.load(a + i), e0, e1, e2, e3, e4, e5, e6, e7, e8, e9, e10, e11, e12, bias, t0, t1, t2, t3, t4, t5, t6, t7, sign));
  }
}

export function expLoop(out: usize, a: usize, bytes: usize): void { expFamilyLoop(EXP, out, a, bytes); }
export function tanhLoop(out: usize, a: usize, bytes: usize): void { expFamilyLoop(TANH, out, a, bytes); }
export function sigmoidLoop(out: usize, a: usize, bytes: usize): void { expFamilyLoop(SIGMOID, out, a, bytes); }

export function logLoop(out: usize, a: usize, bytes: usize): void {
  const t = LOG_CONSTANTS;
  const c0 = lanes(t, 0), c1 = lanes(t, 1), c2 = lanes(t, 2), c3 = lanes(t, 3), c4 = lanes(t, 4), c5 = lanes(t, 5), c6 = lanes(t, 6);
  const c7 = lanes(t, 7), c8 = lanes(t, 8), c9 = lanes(t, 9), c10 = lanes(t, 10), c11 = lanes(t, 11), c12 = lanes(t, 12);
  const c13 = lanes(t, 13), c14 = lanes(t, 14), c15 = lanes(t, 15), c16 = lanes(t, 16), c17 = lanes(t, 17);
  const i0 = lanes(LOG_INTEGERS, 0), i1 = lanes(LOG_INTEGERS, 1), i2 = lanes(LOG_INTEGERS, 2);
  for (let i: usize = 0; i < bytes; i += 16) {
    v128.store(out + i, log4(v128.load(a + i), c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15, c16, c17, i0, i1, i2));
  }
}

// vectorMax is shared by reduce.ts and softmax.ts; it lives here, outside index.ts's re-exports, so it is not a module export.
/**
 * The lane-wise max over the v128s in [a, a + main), main a multiple of 16 bytes (-Inf lanes when
 * empty). V8 makes each NaN-propagating f32x4.max several instructions long, so one accumulator is
 * a slow dependent chain: four independent ones run 3× faster on long rows. The result is the
 * same, NaN included (any NaN lane makes the final max NaN), and max(-0, +0) is +0 in either order.
 */
@inline export function vectorMax(a: usize, main: usize): v128 {
  let m0 = f32x4.splat(-Infinity);
  let i: usize = 0;
  if (main < 64) {
    // Short rows (softmax over 10 classes) would only pay for combining the four.
    for (; i < main; i += 16) m0 = f32x4.max(m0, v128.load(a + i));
    return m0;
  }
  let m1 = m0, m2 = m0, m3 = m0;
  const main64 = main & ~63;
  for (; i < main64; i += 64) {
    m0 = f32x4.max(m0, v128.load(a + i));
    m1 = f32x4.max(m1, v128.load(a + i, 16));
    m2 = f32x4.max(m2, v128.load(a + i, 32));
    m3 = f32x4.max(m3, v128.load(a + i, 48));
  }
  for (; i < main; i += 16) m0 = f32x4.max(m0, v128.load(a + i));
  return f32x4.max(f32x4.max(m0, m1), f32x4.max(m2, m3));
}
