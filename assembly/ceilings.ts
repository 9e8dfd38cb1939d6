// What one core can do at best, for the benchmarks to divide by: register-resident loops of the
// operations our kernels are made of, with no memory traffic. Benchmark build only (assembly/bench.ts).
import { madd } from "./madd";

/** The ceiling loop's factors s and t: x ← x·s + t converges to t/(1-s) = 1, no overflow or denormals. */
const CEILING_FACTORS = memory.data<f32>([0.999, 0.001]);

/**
 * This machine's f32x4 mul+add ceiling: 12 independent register-resident chains, each doing
 * one f32x4 mul and one f32x4 add per iteration (flops = iterations × 12 × 8). Twelve because
 * each chain waits on a mul and an add (~6 cycles on Zen 4): fewer chains measure latency, not
 * throughput (8 gave 70%, 10 gave 85%); 14 spill. The checksum keeps the loop alive.
 */
export function fmaCeiling(iterations: i32): f32 {
  // s and t are loaded, not literals: V8 would rematerialize a constant inside the loop.
  const s = v128.load32_splat(CEILING_FACTORS), t = v128.load32_splat(CEILING_FACTORS, 4);
  let x0 = f32x4.splat(0.0), x1 = f32x4.splat(0.1), x2 = f32x4.splat(0.2), x3 = f32x4.splat(0.3);
  let x4 = f32x4.splat(0.4), x5 = f32x4.splat(0.5), x6 = f32x4.splat(0.6), x7 = f32x4.splat(0.7);
  let x8 = f32x4.splat(0.8), x9 = f32x4.splat(0.9), x10 = f32x4.splat(1.0), x11 = f32x4.splat(1.1);
  for (let i = 0; i < iterations; i++) {
    x0 = f32x4.add(f32x4.mul(x0, s), t); x1 = f32x4.add(f32x4.mul(x1, s), t);
    x2 = f32x4.add(f32x4.mul(x2, s), t); x3 = f32x4.add(f32x4.mul(x3, s), t);
    x4 = f32x4.add(f32x4.mul(x4, s), t); x5 = f32x4.add(f32x4.mul(x5, s), t);
    x6 = f32x4.add(f32x4.mul(x6, s), t); x7 = f32x4.add(f32x4.mul(x7, s), t);
    x8 = f32x4.add(f32x4.mul(x8, s), t); x9 = f32x4.add(f32x4.mul(x9, s), t);
    x10 = f32x4.add(f32x4.mul(x10, s), t); x11 = f32x4.add(f32x4.mul(x11, s), t);
  }
  const sum = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(x0, x1), f32x4.add(x2, x3)), f32x4.add(f32x4.add(x4, x5), f32x4.add(x6, x7))),
    f32x4.add(f32x4.add(x8, x9), f32x4.add(x10, x11)),
  );
  return f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
}

/**
 * The multiply-add ceiling of the build: 12 register-resident accumulators, each x ← x + s·t by
 * madd (madd.ts) once per iteration, the form of the GEMM micro-kernel's c ← c + a·b. In the relaxed
 * build that is one f32x4.relaxed_madd per chain and iteration (2 flops a lane), the rate the
 * relaxed GEMM is divided by. Only the relaxed form is a ceiling: in the plain build s·t is a
 * separate, loop-invariant mul that the optimizer hoists, leaving adds (bench/ceiling.ts skips it).
 * flops = iterations × 12 × 8. The accumulators grow by about 1e-3 an iteration: no overflow, no denormals.
 */
export function maddCeiling(iterations: i32): f32 {
  const s = v128.load32_splat(CEILING_FACTORS), t = v128.load32_splat(CEILING_FACTORS, 4);
  let x0 = f32x4.splat(0.0), x1 = f32x4.splat(0.1), x2 = f32x4.splat(0.2), x3 = f32x4.splat(0.3);
  let x4 = f32x4.splat(0.4), x5 = f32x4.splat(0.5), x6 = f32x4.splat(0.6), x7 = f32x4.splat(0.7);
  let x8 = f32x4.splat(0.8), x9 = f32x4.splat(0.9), x10 = f32x4.splat(1.0), x11 = f32x4.splat(1.1);
  for (let i = 0; i < iterations; i++) {
    x0 = madd(s, t, x0); x1 = madd(s, t, x1); x2 = madd(s, t, x2); x3 = madd(s, t, x3);
    x4 = madd(s, t, x4); x5 = madd(s, t, x5); x6 = madd(s, t, x6); x7 = madd(s, t, x7);
    x8 = madd(s, t, x8); x9 = madd(s, t, x9); x10 = madd(s, t, x10); x11 = madd(s, t, x11);
  }
  const sum = f32x4.add(
    f32x4.add(f32x4.add(f32x4.add(x0, x1), f32x4.add(x2, x3)), f32x4.add(f32x4.add(x4, x5), f32x4.add(x6, x7))),
    f32x4.add(f32x4.add(x8, x9), f32x4.add(x10, x11)),
  );
  return f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
}

/** The numerators of sqrtDivCeiling: x ← a/√x converges to a^(2/3), near 1, with no overflow or denormals. */
const SQRT_DIV_FACTORS = memory.data<f32>([1.0000001, 0.9999999]);

/**
 * The rate of the divider, which bounds every optimizer with a square root and a division per
 * element (Adam and its kin, AdaGrad, RMSProp): 8 independent chains x ← a/√x, one f32x4 sqrt and
 * one f32x4 div each per iteration (pairs = iterations × 8). Eight chains hide the latency of the
 * pair (~25 cycles) behind its throughput. The checksum keeps the loop alive.
 */
export function sqrtDivCeiling(iterations: i32): f32 {
  const a = v128.load32_splat(SQRT_DIV_FACTORS), b = v128.load32_splat(SQRT_DIV_FACTORS, 4);
  // Starting values 2..9: none is a fixed point of x ← a/x, so every chain's first step shows its sqrt.
  let x0 = f32x4.splat(2.0), x1 = f32x4.splat(3.0), x2 = f32x4.splat(4.0), x3 = f32x4.splat(5.0);
  let x4 = f32x4.splat(6.0), x5 = f32x4.splat(7.0), x6 = f32x4.splat(8.0), x7 = f32x4.splat(9.0);
  for (let i = 0; i < iterations; i++) {
    x0 = f32x4.div(a, f32x4.sqrt(x0)); x1 = f32x4.div(b, f32x4.sqrt(x1));
    x2 = f32x4.div(a, f32x4.sqrt(x2)); x3 = f32x4.div(b, f32x4.sqrt(x3));
    x4 = f32x4.div(a, f32x4.sqrt(x4)); x5 = f32x4.div(b, f32x4.sqrt(x5));
    x6 = f32x4.div(a, f32x4.sqrt(x6)); x7 = f32x4.div(b, f32x4.sqrt(x7));
  }
  const sum = f32x4.add(f32x4.add(f32x4.add(x0, x1), f32x4.add(x2, x3)), f32x4.add(f32x4.add(x4, x5), f32x4.add(x6, x7)));
  return f32x4.extract_lane(sum, 0) + f32x4.extract_lane(sum, 1) + f32x4.extract_lane(sum, 2) + f32x4.extract_lane(sum, 3);
}
