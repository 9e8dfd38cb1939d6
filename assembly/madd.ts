// The multiply-add of the kernels' inner loops, in the form the build allows.
//
// The relaxed build (asconfig.json's `relaxed` target) compiles it to f32x4.relaxed_madd, one fused
// multiply-add where the hardware has one (x64 with FMA3, arm64): one rounding instead of two, and
// one instruction instead of two. Which one the hardware does is up to the engine, by design of
// relaxed SIMD, so its results may differ by machine in the last bit; the plain build (mul, then
// add) gives the same bits everywhere, which is why it stays the deterministic choice.

/** c + a·b, lane by lane: fused in the relaxed build, a mul then an add in the plain one. */
// @ts-ignore: decorator
@inline export function madd(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(c, f32x4.mul(a, b));
}
