// Moving data without arithmetic (apart from the accumulating variants): transpose, strided block
// copy, row gather and scatter-add. Strides and column counts are in elements.

// Tiles of TILE x TILE floats (1 KB) keep both the rows read and the rows written in L1.
const TILE = 16;

/** Rows r..r+3, columns c..c+3 of a (row pitch aPitch bytes) land transposed in out (pitch outPitch). */
@inline function transpose4x4(out: usize, outPitch: usize, a: usize, aPitch: usize): void {
  const r0 = v128.load(a);
  const r1 = v128.load(a + aPitch);
  const r2 = v128.load(a + 2 * aPitch);
  const r3 = v128.load(a + 3 * aPitch);
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); // a00 a10 a01 a11
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5); // a20 a30 a21 a31
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7); // a02 a12 a03 a13
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7); // a22 a32 a23 a33
  v128.store(out, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
  v128.store(out + outPitch, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
  v128.store(out + 2 * outPitch, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
  v128.store(out + 3 * outPitch, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
}

/** out [cols, rows] = transpose of a [rows, cols]. out must not overlap a. */
export function transpose2d(out: usize, a: usize, rows: i32, cols: i32): void {
  const aPitch = <usize>cols << 2;
  const outPitch = <usize>rows << 2;
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const rEnd = min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const cEnd = min(c0 + TILE, cols);
      let r = r0;
      for (; r + 4 <= rEnd; r += 4) {
        let c = c0;
        for (; c + 4 <= cEnd; c += 4) {
          transpose4x4(out + <usize>c * outPitch + (<usize>r << 2), outPitch, a + <usize>r * aPitch + (<usize>c << 2), aPitch);
        }
        for (; c < cEnd; c++) {
          for (let k = r; k < r + 4; k++) {
            store<f32>(out + <usize>c * outPitch + (<usize>k << 2), load<f32>(a + <usize>k * aPitch + (<usize>c << 2)));
          }
        }
      }
      for (; r < rEnd; r++) {
        for (let c = c0; c < cEnd; c++) {
          store<f32>(out + <usize>c * outPitch + (<usize>r << 2), load<f32>(a + <usize>r * aPitch + (<usize>c << 2)));
        }
      }
    }
  }
}

@inline function copyRow(dst: usize, src: usize, bytes: usize): void {
  const main = bytes & ~15;
  let i: usize = 0;
  for (; i < main; i += 16) v128.store(dst + i, v128.load(src + i));
  for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(src + i));
}

@inline function addRow(dst: usize, src: usize, bytes: usize): void {
  const main = bytes & ~15;
  let i: usize = 0;
  for (; i < main; i += 16) v128.store(dst + i, f32x4.add(v128.load(dst + i), v128.load(src + i)));
  for (; i < bytes; i += 4) store<f32>(dst + i, load<f32>(dst + i) + load<f32>(src + i));
}

/**
 * dst[r*dstStride + c] = src[r*srcStride + c] (or += when accumulate != 0), r < rows, c < cols.
 * dst and src must not overlap.
 */
export function copy2d(dst: usize, dstStride: i32, src: usize, srcStride: i32, rows: i32, cols: i32, accumulate: i32): void {
  const dstPitch = <usize>dstStride << 2;
  const srcPitch = <usize>srcStride << 2;
  const bytes = <usize>cols << 2;
  if (accumulate != 0) {
    for (let r = 0; r < rows; r++) addRow(dst + <usize>r * dstPitch, src + <usize>r * srcPitch, bytes);
  } else {
    for (let r = 0; r < rows; r++) copyRow(dst + <usize>r * dstPitch, src + <usize>r * srcPitch, bytes);
  }
}

/** out[i, :] = table[idx[i], :], i < n; idx is i32 and every index is in range (the host checked). */
export function gatherRows(out: usize, table: usize, idx: usize, n: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  for (let i = 0; i < n; i++) {
    const row = <usize>load<i32>(idx + (<usize>i << 2));
    copyRow(out + <usize>i * bytes, table + row * bytes, bytes);
  }
}

/** table[idx[i], :] += g[i, :], i < n, in order, so a repeated index accumulates every one of its rows. */
export function scatterAddRows(table: usize, idx: usize, g: usize, n: i32, cols: i32): void {
  const bytes = <usize>cols << 2;
  for (let i = 0; i < n; i++) {
    const row = <usize>load<i32>(idx + (<usize>i << 2));
    addRow(table + row * bytes, g + <usize>i * bytes, bytes);
  }
}
