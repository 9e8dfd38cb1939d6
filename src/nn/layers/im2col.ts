/**
 * Sliding windows by index (im2col), shared by convolution and pooling. A window's elements are
 * gathered from x viewed as a column [N·C·H·W, 1]; positions that fall on the padding read one
 * extra row holding the pad value (0 for convolution and average pooling, −∞ for max pooling).
 * Everything is composed from reshape, concat and gather, so the backward pass (a scatter-add into
 * x) comes from the engine. Index tables depend only on the input shape and are cached.
 */
import type { Tensor } from "../../tensor/tensor.ts";
import { concat, full, gather, reshape } from "../ops.ts";

export interface Window {
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  ph: number;
  pw: number;
}
export interface Geometry {
  n: number;
  c: number;
  h: number;
  w: number;
  ho: number;
  wo: number;
}

/** Output size of the windows over [n, c, h, w]; throws naming the layer when the input is too small. */
export function geometry(layer: string, [n, c, h, w]: readonly number[], win: Window): Geometry {
  const ho = Math.floor((h + 2 * win.ph - win.kh) / win.sh) + 1;
  const wo = Math.floor((w + 2 * win.pw - win.kw) / win.sw) + 1;
  if (ho < 1 || wo < 1) {
    throw new RangeError(
      `${layer}: input ${h}×${w} with padding ${win.ph}×${win.pw} is smaller than the ${win.kh}×${win.kw} window`,
    );
  }
  return { n, c, h, w, ho, wo };
}

/**
 * "conv": rows (n, oy, ox), columns (c, ky, kx) — the GEMM operand of a convolution.
 * "pool": rows (n, c, oy, ox), columns (ky, kx) — one window per row, reduced along the row.
 */
export function windowIndices(
  g: Geometry,
  win: Window,
  order: "conv" | "pool",
): { indices: Int32Array; padded: boolean } {
  const { n, c, h, w, ho, wo } = g;
  const k = win.kh * win.kw;
  const pad = n * c * h * w;
  const indices = new Int32Array(n * c * ho * wo * k);
  let padded = false;
  for (let b = 0; b < n; b++)
    for (let ch = 0; ch < c; ch++)
      for (let oy = 0; oy < ho; oy++)
        for (let ox = 0; ox < wo; ox++) {
          const base =
            order === "conv" ? ((b * ho + oy) * wo + ox) * c * k + ch * k : (((b * c + ch) * ho + oy) * wo + ox) * k;
          for (let ky = 0; ky < win.kh; ky++)
            for (let kx = 0; kx < win.kw; kx++) {
              const y = oy * win.sh - win.ph + ky,
                x = ox * win.sw - win.pw + kx;
              const inside = y >= 0 && y < h && x >= 0 && x < w;
              if (!inside) padded = true;
              indices[base + ky * win.kw + kx] = inside ? ((b * c + ch) * h + y) * w + x : pad;
            }
        }
  return { indices, padded };
}

/** The windows of x as a [rows, cols] matrix, rows·cols = indices.length. */
export function gatherWindows(
  x: Tensor,
  { indices, padded }: { indices: Int32Array; padded: boolean },
  cols: number,
  padValue: number,
): Tensor {
  let column = reshape(x, [x.size, 1]);
  if (padded) column = concat([column, full([1, 1], padValue)], 0);
  return reshape(gather(column, indices), [indices.length / cols, cols]);
}

/** A small cache keyed by input shape: index tables are rebuilt only when the shape changes. */
export class IndexCache<T> {
  private entries = new Map<string, T>();
  get(shape: readonly number[], make: () => T): T {
    const key = shape.join(",");
    let v = this.entries.get(key);
    if (v === undefined) {
      if (this.entries.size >= 8) this.entries.clear(); // bounded: shapes rarely vary beyond train/eval batch sizes
      v = make();
      this.entries.set(key, v);
    }
    return v;
  }
}
