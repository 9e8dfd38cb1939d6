// Muon: the fused path (engine GEMM, f32) against Keller Jordan's equations written out in f64, its
// AdamW groups against adamw itself, and a rate check on a matrix quadratic.
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { adamw, muon, muonGroups, NEWTON_SCHULZ, type MuonOptions } from "../../src/optim/index.ts";
import { f32View, heap } from "../../src/wasm/module.ts";
import { freeState } from "../../src/optim/state.ts";

type Matrix = Float64Array; // row-major

function matmul(a: Matrix, b: Matrix, m: number, k: number, n: number): Matrix {
  const c = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) c[i * n + j] += a[i * k + p] * b[p * n + j];
  return c;
}
function transpose(a: Matrix, m: number, n: number): Matrix {
  const t = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j];
  return t;
}

/** The written reference: X = U/(‖U‖_F + 1e-7), then X ← aX + (bA + cA²)X with A = XXᵀ, on the wide orientation. */
function newtonSchulzRef(u: Matrix, rows: number, cols: number, steps: number): Matrix {
  const tall = rows > cols;
  let x = tall ? transpose(u, rows, cols) : Float64Array.from(u);
  const [m, n] = tall ? [cols, rows] : [rows, cols];
  const norm = Math.sqrt(x.reduce((s, v) => s + v * v, 0));
  x = x.map((v) => v / (norm + 1e-7));
  const [a, b, c] = NEWTON_SCHULZ;
  for (let s = 0; s < steps; s++) {
    const A = matmul(x, transpose(x, m, n), m, n, m);
    const AA = matmul(A, A, m, m, m);
    const B = A.map((v, i) => b * v + c * AA[i]);
    const BX = matmul(B, x, m, m, n);
    x = x.map((v, i) => a * v + BX[i]);
  }
  return tall ? transpose(x, m, n) : x;
}

function muonRef(o: MuonOptions, lr: number, w: Matrix, g: Matrix, mom: Matrix, rows: number, cols: number): void {
  for (let i = 0; i < w.length; i++) mom[i] = o.momentum * mom[i] + g[i];
  const u = mom.map((m, i) => (o.nesterov ? g[i] + o.momentum * m : m));
  const x = newtonSchulzRef(u, rows, cols, o.steps);
  const scale = Math.sqrt(Math.max(1, rows / cols));
  for (let i = 0; i < w.length; i++) w[i] = (1 - lr * o.weightDecay) * w[i] - lr * scale * x[i];
}

describe("muon on a matrix group", () => {
  it.each([
    [5, 3],
    [3, 5],
    [4, 4],
    [1, 6],
    [17, 9],
  ])("follows the written equation over 20 steps, shape %i×%i", (rows, cols) => {
    const n = rows * cols,
      rng = new Random(rows * 100 + cols);
    const opt = muon({ lr: 0.02, weightDecay: 0.1, shape: [rows, cols] });
    const state = opt.init(n);
    const w = heap.alloc(n * 4),
      g = heap.alloc(n * 4);
    const refW = Float64Array.from({ length: n }, () => rng.normal());
    f32View(w, n).set(refW);
    const refM = new Float64Array(n);
    let worst = 0;
    for (let t = 0; t < 20; t++) {
      const grad = Float32Array.from({ length: n }, () => rng.normal());
      f32View(g, n).set(grad);
      opt.update(w, g, state);
      muonRef(opt.options, 0.02, refW, Float64Array.from(grad), refM, rows, cols);
      const ours = f32View(w, n);
      for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(ours[i] - refW[i]));
    }
    // Each step moves W by lr·s·X with |X| ≲ 1; f32 GEMM and the quintic's amplification of f32
    // rounding (its slope at 0 is a = 3.4) keep the gap near 1e-6 per step.
    expect(worst).toBeLessThanOrEqual(1e-4);
    freeState(state);
    heap.release(w);
    heap.release(g);
  });

  it("drives the singular values of the update into [0.6, 1.25] (orthogonal up to the quintic's band)", () => {
    const rows = 6,
      cols = 6,
      rng = new Random(3);
    const u = Float64Array.from({ length: rows * cols }, () => rng.normal());
    const x = newtonSchulzRef(u, rows, cols, 5);
    // XᵀX's eigenvalues are the squared singular values: check its Rayleigh quotients on many directions.
    const gram = matmul(transpose(x, rows, cols), x, cols, rows, cols);
    for (let k = 0; k < 200; k++) {
      const v = Float64Array.from({ length: cols }, () => rng.normal());
      const gv = matmul(gram, v, cols, cols, 1);
      const q = gv.reduce((s, y, i) => s + y * v[i], 0) / v.reduce((s, y) => s + y * y, 0);
      expect(q).toBeGreaterThanOrEqual(0.6 ** 2);
      expect(q).toBeLessThanOrEqual(1.25 ** 2);
    }
  });

  it("refuses a shape that does not cover its group", () => {
    expect(() => muon({}, [{ offset: 0, length: 10, shape: [3, 3] }])).toThrow(
      /groups\[0\] has shape \[3, 3\] \(9 values\) but length 10/,
    );
    expect(() => muon({ shape: [0, 3] as never })).toThrow(/muon: shape = \[0,3\]/);
  });
});

describe("muon's other groups", () => {
  it("are AdamW: bit for bit adamw({ beta2: 0.95 }) on the same slice, beside a matrix group", () => {
    const params = [
      { offset: 0, size: 12, shape: [4, 3] },
      { offset: 12, size: 5, shape: [5] },
    ];
    const groups = muonGroups(params);
    expect(groups[0]).toMatchObject({ shape: [4, 3] });
    expect(groups[1]).not.toHaveProperty("shape");
    const opt = muon({ lr: 1e-2, weightDecay: 0.01 }, groups),
      ref = adamw({ lr: 1e-2, beta2: 0.95, weightDecay: 0.01 });
    const s1 = opt.init(17),
      s2 = ref.init(5);
    const w = heap.alloc(17 * 4),
      g = heap.alloc(17 * 4),
      w2 = heap.alloc(5 * 4),
      g2 = heap.alloc(5 * 4);
    const rng = new Random(8);
    f32View(w, 17).set(Float32Array.from({ length: 17 }, () => rng.normal()));
    f32View(w2, 5).set(f32View(w + 48, 5));
    for (let t = 0; t < 30; t++) {
      f32View(g, 17).set(Float32Array.from({ length: 17 }, () => rng.normal()));
      f32View(g2, 5).set(f32View(g + 48, 5));
      opt.update(w, g, s1);
      ref.update(w2, g2, s2);
    }
    expect(f32View(w + 48, 5).slice()).toEqual(f32View(w2, 5).slice());
    [w, g, w2, g2].forEach((p) => heap.release(p));
    freeState(s1);
    freeState(s2);
  });
});

// f(W) = ½‖W − W*‖²_F: the gradient is the error E, and Muon steps along its polar factor, moving
// every singular value of E toward 0 by ≈ lr·s per step (steepest descent in the spectral norm). From
// W = 0 that takes ‖W*‖₂/lr steps, with momentum 0.95 lagging ≈ 1/(1 − μ) = 20 more, then W stays in
// a band of a few lr·s in every direction. Claimed at 3‖W*‖₂/lr steps: ‖W − W*‖_F² ≤ 1e-2·‖W*‖_F²,
// which the band (rank·(5·lr·s)² for 8×4: 4·(0.1·1.41)² = 0.08) over ‖W*‖_F² ≈ 32 satisfies.
it("muon reaches a band of a few lr around the minimum of a matrix quadratic in ~‖W*‖₂/lr steps", () => {
  const rows = 8,
    cols = 4,
    n = 32,
    lr = 0.02,
    rng = new Random(12);
  const target = Float64Array.from({ length: n }, () => rng.normal());
  // ‖W*‖₂ ≤ ‖W*‖_F: a safe travel estimate.
  const frob2 = target.reduce((s, v) => s + v * v, 0);
  const steps = Math.ceil((3 * Math.sqrt(frob2)) / lr);
  const opt = muon({ lr, shape: [rows, cols] }),
    state = opt.init(n);
  const w = heap.alloc(n * 4),
    g = heap.alloc(n * 4);
  f32View(w, n).fill(0);
  for (let t = 0; t < steps; t++) {
    f32View(g, n).set(Float32Array.from(f32View(w, n), (v, i) => v - target[i]));
    opt.update(w, g, state);
  }
  const err = Array.from(f32View(w, n)).reduce((s, v, i) => s + (v - target[i]) ** 2, 0);
  expect(err / frob2).toBeLessThanOrEqual(1e-2);
  heap.release(w);
  heap.release(g);
  freeState(state);
});
