// General matrix multiply, C (+)= op(A)·op(B), row-major f32, in the Goto/BLIS shape:
// op(A) and op(B) are copied ("packed") block by block into the workspace in the exact order
// the micro-kernel reads them, so the transposes cost only the packing and all four forms
// share one register-blocked micro-kernel. A product with m = 1 or n = 1 skips all of this
// for two plain SIMD loops (rowDots, rowAxpys).
//
// A narrow C (few columns, n ≤ 40: an output layer, its weight gradient) is computed as
// Cᵀ = op(B)ᵀ·op(A)ᵀ, its tiles transposed in registers on the way out (see narrow()): the
// 8-wide tiles then run along m, and the splatted packing, 4× the size of the data, is of the
// small operand. Each element is still summed over k in the same order, from zero, with the
// old C added last, and products and sums commute exactly, so C is bit-identical either way.
//
// Blocking (sizes in f32 elements; tuned on Zen 4 under V8 11, see bench/gemm.ts):
//   MR×NR = 4×8    the micro-tile. V8 issues all of a k step's loads before its arithmetic, so
//                  the step needs 8 accumulators + 2 B vectors + 4 A vectors + 1 product = 15
//                  xmm registers: all V8 allocates on x64. 5×8, or unrolling k, spills and runs
//                  at half speed.
//                  The relaxed build fuses each mul + add into one relaxed_madd (see madd.ts).
//   A is packed pre-splatted (each element as a full v128), so the inner loop has only plain
//   vector loads with folded offsets: one k step is 6 loads + 8 mul + 8 add + loop overhead.
//   KC = 256       the depth of one packed block: a B micro-panel (KC×NR, 8 KB) stays in L1
//                  while the A micro-panels stream past it from L2.
//   MC = 64        rows of op(A) packed at once (MC×KC, splatted: 256 KB, in L2).
//   NC = 512       columns of op(B) packed at once (KC×NC, 512 KB, in L2/L3).
//
// Workspace layout (byte offsets from `work`, 16-aligned), 768 KB + one tile:
//   [0, A_BYTES)                    packed A block: MC/MR strips, each KC×MR v128s, k-major
//                                   (strip[p*MR + i] = splat(op(A)[ic+ir+i, pc+p])); rows past m are 0.
//   [A_BYTES, A_BYTES + B_BYTES)    packed B block: NC/NR strips, each KC×NR floats, k-major
//                                   (strip[p*NR + j] = op(B)[pc+p, jc+jr+j]); columns past n are 0.
//   [.., + TILE_BYTES)              one MR×NR tile, where edge tiles are computed before the
//                                   valid part is copied into C.

import { madd } from "./madd";

const MR = 4;
const NR = 8;
const KC = 256;
const MC = 64;
const NC = 512;

const A_BYTES: usize = MC * KC * 16;
const B_BYTES: usize = KC * NC * 4;
const TILE_BYTES: usize = MR * NR * 4;

/** Bytes of scratch gemm needs at `work`: allocate once, 16-aligned. */
export function gemmWorkBytes(): i32 {
  return <i32>(A_BYTES + B_BYTES + TILE_BYTES);
}

/**
 * C[m,n] = op(A)·op(B), or C += op(A)·op(B) when accumulate is 1. op(A) is m×k (A is stored
 * k×m when transA is 1), op(B) is k×n (B is stored n×k when transB is 1).
 * Preconditions: C aliases neither A nor B; work holds gemmWorkBytes() bytes, 16-aligned.
 */
export function gemm(
  c: usize, a: usize, b: usize, m: i32, n: i32, k: i32,
  transA: i32, transB: i32, accumulate: i32, work: usize,
): void {
  gemmBlock(c, a, b, m, n, k, transA, transB, accumulate, work, 0, m, 0, n);
}

/**
 * The block of gemm's C at rows [row0, row0 + rows) and columns [col0, col0 + cols), and nothing
 * else: what one thread computes when a product is split over threads (src/threads/). Every
 * element is summed by the same code in the same order as in the whole product (which path a
 * product takes depends on its whole shape, and a tile's place in the blocking never changes its
 * sums), so the block comes out bit-identical to gemm's. Preconditions: gemm's, the block inside
 * C, and the whole product when m = 1 or n = 1 (the vector products walk their matrix by its
 * stored rows, which cross every block).
 */
export function gemmBlock(
  c: usize, a: usize, b: usize, m: i32, n: i32, k: i32,
  transA: i32, transB: i32, accumulate: i32, work: usize,
  row0: i32, rows: i32, col0: i32, cols: i32,
): void {
  if (rows <= 0 || cols <= 0) return;
  const ldc = n;
  // Byte strides of op(A) along k and along its rows, of op(B) along k and along its columns.
  const aStepK: usize = transA ? <usize>m * 4 : 4;
  const aStepI: usize = transA ? 4 : <usize>k * 4;
  const bStepK: usize = transB ? 4 : <usize>n * 4;
  const bStepJ: usize = transB ? <usize>k * 4 : 4;
  c += (<usize>row0 * <usize>ldc + <usize>col0) * 4;
  a += <usize>row0 * aStepI;
  b += <usize>col0 * bStepJ;
  if (k <= 0) {
    if (accumulate) return;
    for (let i = 0; i < rows; i++) memory.fill(c + <usize>i * <usize>ldc * 4, 0, <usize>cols * 4);
    return;
  }
  // A matrix-vector product: packing would pad the vector to a whole 4- or 8-wide tile and
  // waste most of the work. A vector operand (1×k or k×1) is contiguous in either layout.
  if (n == 1) {
    if (transA) rowAxpys(c, a, b, k, m, accumulate != 0); // C = Σ_p b[p]·A[p,:]
    else rowDots(c, a, b, m, k, accumulate != 0); // C[i] = A[i,:]·b
    return;
  }
  if (m == 1) {
    if (transB) rowDots(c, b, a, n, k, accumulate != 0); // C[j] = B[j,:]·a
    else rowAxpys(c, b, a, k, n, accumulate != 0); // C = Σ_p a[p]·B[p,:]
    return;
  }
  if (narrow(rows, cols)) {
    // Cᵀ = op(B)ᵀ·op(A)ᵀ: the same buffers with the roles swapped, so the small side is the
    // one packed splatted and the large one fills the 8-wide tiles; tiles are written to C
    // transposed.
    blockedTransposed(c, ldc, b, bStepK, bStepJ, a, aStepK, aStepI, cols, rows, k, accumulate != 0, work);
  } else {
    blocked(c, ldc, a, aStepK, aStepI, b, bStepK, bStepJ, rows, cols, k, accumulate != 0, false, work);
  }
}

/**
 * Whether C[m,n] is better computed as Cᵀ (see gemm). The micro-kernel computes whole 4×8 tiles,
 * so the work done is padded4(m)·padded8(n) cells as is and padded4(n)·padded8(m) swapped; and
 * the side of 4 is the one packed splatted (16 bytes an element), which had better be the small
 * one: with m ≥ 2n that saving pays for up to 10% more cells while n ≤ 8, 6% while n ≤ 16.
 * Measured with both modules in one process (a grid of n ≤ 40, m 4..600, k 100 and 300, all
 * forms): fewer cells swapped wins 1.03× (m = 20, n = 10) to 2.6× (n ≤ 4); at equal cells the
 * swap gains 1.1-1.4× for n ≤ 16 and m ≥ 2n, is neutral at n = 24-40 and loses up to 0.6× when
 * m < 2n; past the slack above (m = 36, n = 8; m = 52, n = 16) it loses 1-7%. Untested past n = 40.
 */
function narrow(m: i32, n: i32): bool {
  if (n > 40) return false;
  const asIs = ((m + 3) & ~3) * ((n + 7) & ~7);
  const swapped = ((n + 3) & ~3) * ((m + 7) & ~7);
  if (swapped < asIs) return true;
  if (n > 16 || m < max(2 * n, NR)) return false;
  return n <= 8 ? swapped * 10 <= asIs * 11 : swapped * 16 <= asIs * 17;
}

/** blocked(…, transposedC = true), kept out of gemm so the common path compiles as before. */
function blockedTransposed(
  c: usize, ldc: i32, a: usize, aStepK: usize, aStepI: usize, b: usize, bStepK: usize, bStepJ: usize,
  m: i32, n: i32, k: i32, accumulate: bool, work: usize,
): void {
  blocked(c, ldc, a, aStepK, aStepI, b, bStepK, bStepJ, m, n, k, accumulate, true, work);
}

/**
 * The blocked loops: P[m,n] (+)= op(A)·op(B) with op(A)[i,p] at a + p*aStepK + i*aStepI and
 * op(B)[p,j] at b + p*bStepK + j*bStepJ (byte strides). P is C (row stride ldc floats) when
 * transposedC is false, and Cᵀ when it is true: P[i,j] is then C[j,i].
 * Inlined with transposedC constant at each call, so the normal path has no trace of the other.
 */
// @ts-ignore: decorator
@inline function blocked(
  c: usize, ldcFloats: i32, a: usize, aStepK: usize, aStepI: usize, b: usize, bStepK: usize, bStepJ: usize,
  m: i32, n: i32, k: i32, accumulate: bool, transposedC: bool, work: usize,
): void {
  // Byte strides of P along its rows and columns.
  const ldc: usize = transposedC ? 4 : <usize>ldcFloats * 4;
  const cStepJ: usize = transposedC ? <usize>ldcFloats * 4 : 4;
  const packedA = work;
  const packedB = work + A_BYTES;
  const tile = packedB + B_BYTES;

  for (let jc = 0; jc < n; jc += NC) {
    const nc = min(NC, n - jc);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      const add = accumulate || pc > 0;
      const stripBytes: usize = <usize>kc * NR * 4;
      for (let jr = 0; jr < nc; jr += NR) {
        packB(packedB + <usize>(jr / NR) * stripBytes, b + <usize>pc * bStepK + <usize>(jc + jr) * bStepJ,
          bStepK, bStepJ, kc, min(NR, nc - jr));
      }
      for (let ic = 0; ic < m; ic += MC) {
        const mc = min(MC, m - ic);
        const aStripBytes: usize = <usize>kc * MR * 16;
        for (let ir = 0; ir < mc; ir += MR) {
          packA(packedA + <usize>(ir / MR) * aStripBytes, a + <usize>pc * aStepK + <usize>(ic + ir) * aStepI,
            aStepK, aStepI, kc, min(MR, mc - ir));
        }
        for (let jr = 0; jr < nc; jr += NR) {
          const nr = min(NR, nc - jr);
          const pb = packedB + <usize>(jr / NR) * stripBytes;
          for (let ir = 0; ir < mc; ir += MR) {
            const mr = min(MR, mc - ir);
            const pa = packedA + <usize>(ir / MR) * aStripBytes;
            const ct = c + <usize>(ic + ir) * ldc + <usize>(jc + jr) * cStepJ;
            if (mr == MR && nr == NR) {
              if (transposedC) microKernel(ct, cStepJ, pa, pb, kc, add, true);
              else microKernel(ct, ldc, pa, pb, kc, add, false);
            } else {
              microKernel(tile, NR * 4, pa, pb, kc, false, false);
              storeEdge(ct, ldc, cStepJ, tile, mr, nr, add);
            }
          }
        }
      }
    }
  }
}

/**
 * Packs a kc×nr panel of op(B) (nr ≤ NR) as one NR-wide k-major strip:
 * dst[p*NR + j] = op(B)[p, j] = src[p*stepP + j*stepJ] (byte strides), zero for nr ≤ j < NR.
 * The two real layouts get SIMD paths: B row-major (j contiguous: a row copy) and B stored
 * transposed (p contiguous: 4×4 transposes).
 */
function packB(dst: usize, src: usize, stepP: usize, stepJ: usize, kc: i32, nr: i32): void {
  const end = dst + <usize>kc * NR * 4;
  if (nr == NR && stepJ == 4) {
    for (; dst < end; dst += NR * 4) {
      v128.store(dst, load<v128>(src));
      v128.store(dst, load<v128>(src, 16), 16);
      src += stepP;
    }
    return;
  }
  if (nr == NR && stepP == 4) {
    const end4 = dst + <usize>(kc & ~3) * NR * 4;
    for (; dst < end4; dst += 4 * NR * 4) {
      transpose4(dst, src, stepJ);
      transpose4(dst + 16, src + 4 * stepJ, stepJ);
      src += 16;
    }
    for (; dst < end; dst += NR * 4) {
      for (let j = 0; j < NR; j++) store<f32>(dst + <usize>j * 4, load<f32>(src + <usize>j * stepJ));
      src += 4;
    }
    return;
  }
  // An edge panel: scalar, zero-padded to NR.
  for (; dst < end; dst += NR * 4) {
    let j = 0;
    for (; j < nr; j++) store<f32>(dst + <usize>j * 4, load<f32>(src + <usize>j * stepJ));
    for (; j < NR; j++) store<f32>(dst + <usize>j * 4, 0);
    src += stepP;
  }
}

/**
 * Four rows of four floats at src (row stride `stride` bytes), transposed into four rows of
 * a B strip at dst (row stride NR floats): dst[r*NR + c] = src[c*stride + r].
 */
// @ts-ignore: decorator
@inline function transpose4(dst: usize, src: usize, stride: usize): void {
  const r0 = load<v128>(src);
  const r1 = load<v128>(src + stride);
  const r2 = load<v128>(src + 2 * stride);
  const r3 = load<v128>(src + 3 * stride);
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.shuffle(t0, t2, 0, 1, 4, 5));
  v128.store(dst + NR * 4, f32x4.shuffle(t0, t2, 2, 3, 6, 7));
  v128.store(dst + 2 * NR * 4, f32x4.shuffle(t1, t3, 0, 1, 4, 5));
  v128.store(dst + 3 * NR * 4, f32x4.shuffle(t1, t3, 2, 3, 6, 7));
}

/**
 * Packs a kc×mr panel of op(A) (mr ≤ MR) with every element splatted to a full v128, so the
 * micro-kernel reads A with plain vector loads: dst[(p*MR + i)*4 + lane] = op(A)[i, p]
 * = src[p*stepP + i*stepI]; rows mr ≤ i < MR are zero.
 */
function packA(dst: usize, src: usize, stepP: usize, stepI: usize, kc: i32, mr: i32): void {
  const end = dst + <usize>kc * MR * 16;
  if (mr == MR) {
    for (; dst < end; dst += MR * 16) {
      v128.store(dst, v128.load32_splat(src));
      v128.store(dst, v128.load32_splat(src + stepI), 16);
      v128.store(dst, v128.load32_splat(src + 2 * stepI), 32);
      v128.store(dst, v128.load32_splat(src + 3 * stepI), 48);
      src += stepP;
    }
    return;
  }
  for (; dst < end; dst += MR * 16) {
    let i = 0;
    for (; i < mr; i++) v128.store(dst + <usize>i * 16, v128.load32_splat(src + <usize>i * stepI));
    for (; i < MR; i++) v128.store(dst + <usize>i * 16, f32x4.splat(0));
    src += stepP;
  }
}

/**
 * The MR×NR = 4×8 tile = a packed A strip (kc×4, splatted) · a packed B strip (kc×8), plus the
 * tile's old value when add is set. Stored at c with row stride ldc bytes, or, when transposed,
 * as its transpose: 8 rows of 4 floats at c with row stride ldc. Per k step: two B vectors,
 * four A splats, 8 mul + 8 add. The loop is not unrolled: see the register count above.
 * Inlined on purpose: with its pointers computed by i32 adds in the caller, V8 knows they are
 * zero-extended and drops two register moves per k step (+8% at every size); `transposed` is a
 * constant at every call, so each copy keeps one epilogue.
 */
// @ts-ignore: decorator
@inline function microKernel(c: usize, ldc: usize, a: usize, b: usize, kc: i32, add: bool, transposed: bool): void {
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  const end = a + <usize>kc * MR * 16;
  while (a < end) {
    const b0 = load<v128>(b);
    const b1 = load<v128>(b, 16);
    let s = load<v128>(a);
    c00 = madd(s, b0, c00);
    c01 = madd(s, b1, c01);
    s = load<v128>(a, 16);
    c10 = madd(s, b0, c10);
    c11 = madd(s, b1, c11);
    s = load<v128>(a, 32);
    c20 = madd(s, b0, c20);
    c21 = madd(s, b1, c21);
    s = load<v128>(a, 48);
    c30 = madd(s, b0, c30);
    c31 = madd(s, b1, c31);
    a += MR * 16;
    b += NR * 4;
  }
  if (transposed) {
    storeTransposed4(c, ldc, c00, c10, c20, c30, add);
    storeTransposed4(c + 4 * ldc, ldc, c01, c11, c21, c31, add);
    return;
  }
  if (add) {
    c00 = f32x4.add(c00, load<v128>(c)); c01 = f32x4.add(c01, load<v128>(c, 16));
    c10 = f32x4.add(c10, load<v128>(c + ldc)); c11 = f32x4.add(c11, load<v128>(c + ldc, 16));
    c20 = f32x4.add(c20, load<v128>(c + 2 * ldc)); c21 = f32x4.add(c21, load<v128>(c + 2 * ldc, 16));
    c30 = f32x4.add(c30, load<v128>(c + 3 * ldc)); c31 = f32x4.add(c31, load<v128>(c + 3 * ldc, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c + ldc, c10); v128.store(c + ldc, c11, 16);
  v128.store(c + 2 * ldc, c20); v128.store(c + 2 * ldc, c21, 16);
  v128.store(c + 3 * ldc, c30); v128.store(c + 3 * ldc, c31, 16);
}

/**
 * The transpose of the 4×4 block with rows r0..r3, stored as four rows of four floats at c
 * (row stride ldc bytes, any alignment): c[q][i] (+)= r_i[q].
 */
// @ts-ignore: decorator
@inline function storeTransposed4(c: usize, ldc: usize, r0: v128, r1: v128, r2: v128, r3: v128, add: bool): void {
  const t0 = f32x4.shuffle(r0, r1, 0, 4, 1, 5);
  const t1 = f32x4.shuffle(r0, r1, 2, 6, 3, 7);
  const t2 = f32x4.shuffle(r2, r3, 0, 4, 1, 5);
  const t3 = f32x4.shuffle(r2, r3, 2, 6, 3, 7);
  let q0 = f32x4.shuffle(t0, t2, 0, 1, 4, 5);
  let q1 = f32x4.shuffle(t0, t2, 2, 3, 6, 7);
  let q2 = f32x4.shuffle(t1, t3, 0, 1, 4, 5);
  let q3 = f32x4.shuffle(t1, t3, 2, 3, 6, 7);
  if (add) {
    q0 = f32x4.add(q0, load<v128>(c)); q1 = f32x4.add(q1, load<v128>(c + ldc));
    q2 = f32x4.add(q2, load<v128>(c + 2 * ldc)); q3 = f32x4.add(q3, load<v128>(c + 3 * ldc));
  }
  v128.store(c, q0); v128.store(c + ldc, q1);
  v128.store(c + 2 * ldc, q2); v128.store(c + 3 * ldc, q3);
}

/**
 * Copies the valid mr×nr corner of a computed tile (row stride NR) into P (row stride ldc,
 * column stride stepJ, in bytes), adding if asked.
 */
function storeEdge(c: usize, ldc: usize, stepJ: usize, tile: usize, mr: i32, nr: i32, add: bool): void {
  for (let i = 0; i < mr; i++) {
    const row = c + <usize>i * ldc;
    const t = tile + <usize>(i * NR) * 4;
    for (let j = 0; j < nr; j++) {
      const o = row + <usize>j * stepJ;
      const v = load<f32>(t + <usize>j * 4);
      store<f32>(o, add ? load<f32>(o) + v : v);
    }
  }
}

/** out[r] (+)= M[r,:]·x for r < rows; M is rows×len row-major, x has len floats. */
function rowDots(out: usize, mat: usize, x: usize, rows: i32, len: i32, add: bool): void {
  const rowBytes = <usize>len * 4;
  const len16 = len & ~15, len4 = len & ~3;
  for (let r = 0; r < rows; r++) {
    const row = mat + <usize>r * rowBytes;
    // Four partial sums hide the add latency; the row streams through once.
    let s0 = f32x4.splat(0), s1 = f32x4.splat(0), s2 = f32x4.splat(0), s3 = f32x4.splat(0);
    let j = 0;
    for (; j < len16; j += 16) {
      const o = <usize>j * 4;
      s0 = madd(load<v128>(row + o), load<v128>(x + o), s0);
      s1 = madd(load<v128>(row + o, 16), load<v128>(x + o, 16), s1);
      s2 = madd(load<v128>(row + o, 32), load<v128>(x + o, 32), s2);
      s3 = madd(load<v128>(row + o, 48), load<v128>(x + o, 48), s3);
    }
    for (; j < len4; j += 4) {
      s0 = madd(load<v128>(row + <usize>j * 4), load<v128>(x + <usize>j * 4), s0);
    }
    const v = f32x4.add(f32x4.add(s0, s1), f32x4.add(s2, s3));
    let sum = f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
    for (; j < len; j++) sum += load<f32>(row + <usize>j * 4) * load<f32>(x + <usize>j * 4);
    const o = out + <usize>r * 4;
    store<f32>(o, add ? load<f32>(o) + sum : sum);
  }
}

/** out[0..len) (+)= Σ_r x[r]·M[r,:]; M is rows×len row-major, x has rows floats. */
function rowAxpys(out: usize, mat: usize, x: usize, rows: i32, len: i32, add: bool): void {
  if (!add) memory.fill(out, 0, <usize>len * 4);
  const rowBytes = <usize>len * 4;
  const len4 = len & ~3;
  for (let r = 0; r < rows; r++) {
    const row = mat + <usize>r * rowBytes;
    const xr = load<f32>(x + <usize>r * 4);
    // A splat of xr would be redone on every pass of the loop below (V8 re-creates splats at their
    // use, see hoist.ts); a splatting load stays where it is written.
    const xv = v128.load32_splat(x + <usize>r * 4);
    let j = 0;
    for (; j < len4; j += 4) {
      const o = <usize>j * 4;
      v128.store(out + o, madd(xv, load<v128>(row + o), load<v128>(out + o)));
    }
    for (; j < len; j++) {
      const o = <usize>j * 4;
      store<f32>(out + o, load<f32>(out + o) + xr * load<f32>(row + o));
    }
  }
}
