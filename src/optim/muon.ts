/**
 * Muon (Jordan et al. 2024, "Muon: An optimizer for hidden layers in neural networks"): momentum,
 * orthogonalized by a Newton–Schulz iteration, on each 2-D weight; AdamW on everything else.
 * For a group with a `shape` [rows, cols] (its stored row-major layout):
 *   M ← μ·M + G;   U = G + μ·M (Nesterov) or M
 *   X₀ = U / (‖U‖_F + 1e-7);  5 times:  A = X·Xᵀ,  X ← a·X + (b·A + c·A²)·X   (a, b, c) = (3.4445, −4.7750, 2.0315)
 *     (with rows > cols the iteration runs on the Gram matrix the other side: A = XᵀX, X ← a·X + X·(b·A + c·A²))
 *   W ← (1 − lr·λ)·W − lr·√max(1, rows/cols)·X
 * The quintic drives every singular value of X into about [0.7, 1.2], not exactly to 1: the authors'
 * trade of exactness for speed. The products run on the engine's GEMM kernel. A group without a
 * shape is AdamW (PyTorch's equation, β1 0.9, β2 0.95, ε 1e-8 by default here, as the authors run it);
 * `muonGroups(params)` makes one group per parameter of a model: 2-D ones Muon, the rest AdamW.
 */
import { kernels, f32View, heap } from "../wasm/module.ts";
import { fused, gemm } from "../threads/split.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { nonNegative, oneOf, positive, unitInterval } from "./validate.ts";

export interface MuonOptions extends BaseOptions {
  /** The stored [rows, cols] of a matrix group (Muon); null: an AdamW group. */
  shape: readonly [number, number] | null;
  momentum: number;
  nesterov: boolean;
  /** Newton–Schulz iterations. */
  steps: number;
  /** Decoupled weight decay λ, for both kinds of group. */
  weightDecay: number;
  beta1: number;
  beta2: number;
  eps: number;
}

/** The quintic's coefficients, chosen by the authors to maximize the slope at 0. */
export const NEWTON_SCHULZ = [3.4445, -4.775, 2.0315] as const;

/**
 * X ← NS(X) in place: the Newton–Schulz iteration on a rows×cols f32 matrix at x (already divided
 * by its Frobenius norm). Scratch is allocated here and released before returning.
 */
export function newtonSchulz(x: number, rows: number, cols: number, steps: number): void {
  const n = rows * cols,
    k = Math.min(rows, cols),
    wide = rows <= cols;
  const [a, b, c] = NEWTON_SCHULZ;
  const gram = heap.alloc(k * k * 4),
    poly = heap.alloc(k * k * 4),
    next = heap.alloc(n * 4);
  try {
    for (let s = 0; s < steps; s++) {
      // A = X·Xᵀ (rows ≤ cols) or XᵀX (rows > cols): the smaller Gram matrix.
      if (wide) gemm(gram, x, x, k, k, cols, 0, 1, 0);
      else gemm(gram, x, x, k, k, rows, 1, 0, 0);
      // B = b·A + c·A², then X ← a·X + B·X (or X·B), accumulated onto a·X.
      gemm(poly, gram, gram, k, k, k, 0, 0, 0);
      const A = f32View(gram, k * k),
        B = f32View(poly, k * k);
      for (let i = 0; i < k * k; i++) B[i] = b * A[i] + c * B[i];
      f32View(next, n).set(f32View(x, n));
      kernels.scaleBy(next, n, a);
      if (wide) gemm(next, poly, x, rows, cols, rows, 0, 0, 1);
      else gemm(next, x, poly, rows, cols, cols, 0, 0, 1);
      f32View(x, n).set(f32View(next, n));
    }
  } finally {
    heap.release(next);
    heap.release(poly);
    heap.release(gram);
  }
}

const family: Family<MuonOptions> = {
  name: "muon",
  defaults: {
    lr: 0.02,
    onNonFinite: "throw",
    shape: null,
    momentum: 0.95,
    nesterov: true,
    steps: 5,
    weightDecay: 0,
    beta1: 0.9,
    beta2: 0.95,
    eps: 1e-8,
  },
  validate(o) {
    if (
      o.shape !== null &&
      !(Array.isArray(o.shape) && o.shape.length === 2 && o.shape.every((d) => Number.isInteger(d) && d >= 1))
    ) {
      throw new RangeError(
        `muon: shape = ${JSON.stringify(o.shape)} is outside the valid range [rows, cols] of integers ≥ 1, or null`,
      );
    }
    unitInterval("muon", "momentum", o.momentum);
    oneOf("muon", "nesterov", o.nesterov, [true, false]);
    if (!Number.isInteger(o.steps) || o.steps < 1)
      throw new RangeError(`muon: steps = ${o.steps} is outside the valid range the integers ≥ 1`);
    nonNegative("muon", "weightDecay", o.weightDecay);
    unitInterval("muon", "beta1", o.beta1);
    unitInterval("muon", "beta2", o.beta2);
    positive("muon", "eps", o.eps);
  },
  buffers: (o) => (o.shape ? ["m"] : ["m", "v"]),
  apply({ o, lr, t, w, g, buf, n }) {
    if (!o.shape) {
      const bc1 = 1 - o.beta1 ** t,
        bc2 = 1 - o.beta2 ** t;
      fused.adam(
        w,
        g,
        buf.m,
        buf.v,
        n,
        o.beta1,
        1 - o.beta1,
        o.beta2,
        1 - o.beta2,
        lr / bc1,
        1 / Math.sqrt(bc2),
        o.eps,
        0,
        1 - lr * o.weightDecay,
      );
      return;
    }
    const [rows, cols] = o.shape;
    const x = heap.alloc(n * 4);
    try {
      const G = f32View(g, n),
        M = f32View(buf.m, n),
        X = f32View(x, n),
        mu = o.momentum;
      for (let i = 0; i < n; i++) {
        const m = Math.fround(mu * M[i] + G[i]);
        M[i] = m;
        X[i] = o.nesterov ? G[i] + mu * m : m;
      }
      const norm = Math.sqrt(kernels.sumSquares(x, n));
      kernels.scaleBy(x, n, 1 / (norm + 1e-7));
      newtonSchulz(x, rows, cols, o.steps);
      // W ← (1 − lr·λ)W − lr·s·X is SGD's kernel with step lr·s and coupled decay λ/s.
      const scale = Math.sqrt(Math.max(1, rows / cols));
      fused.sgd(w, x, n, lr * scale, o.weightDecay / scale);
    } finally {
      heap.release(x);
    }
  },
};

/** Muon over parameter groups; a group's `shape` makes it a Muon group, and rows·cols must be its length. */
export function muon(
  options: Partial<MuonOptions> = {},
  groups: readonly GroupSpec<MuonOptions>[] = [],
): Optimizer<MuonOptions> {
  groups.forEach((gr, i) => {
    const shape = gr.shape ?? options.shape;
    if (shape && Array.isArray(shape) && shape.length === 2 && shape[0] * shape[1] !== gr.length) {
      throw new RangeError(
        `muon: groups[${i}] has shape [${shape.join(", ")}] (${shape[0] * shape[1]} values) but length ${gr.length}`,
      );
    }
  });
  return makeOptimizer(family, options, groups);
}

/** One group per parameter: 2-D parameters as Muon groups, the others AdamW with `adamLr` (if given). */
export function muonGroups(
  params: readonly { offset: number; size: number; shape: readonly number[] }[],
  adamLr?: number,
): GroupSpec<MuonOptions>[] {
  return params.map((p) =>
    p.shape.length === 2
      ? { offset: p.offset, length: p.size, shape: [p.shape[0], p.shape[1]] as const }
      : { offset: p.offset, length: p.size, ...(adamLr === undefined ? {} : { lr: adamLr }) },
  );
}
