import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { f32View, gemmWorkspace, heap, kernels } from "../../src/wasm/module.ts";

interface Case {
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
  accumulate: boolean;
}

const FORMS = [
  { name: "A·B", transA: false, transB: false },
  { name: "Aᵀ·B", transA: true, transB: false },
  { name: "A·Bᵀ", transA: false, transB: true },
  { name: "Aᵀ·Bᵀ", transA: true, transB: true },
];
const SMALL = [0, 1, 3, 5, 17, 33];
const GUARD = 8; // canary floats on each side of C: the kernel must write exactly m×n values
const CANARY = -12345.5;
const TOLERANCE = 1e-5;

function randomArray(rng: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.range(-1, 1);
  return out;
}

/** f64 reference of C (+)= op(A)·op(B), and the per-entry scale Σ|a||b| (+|c|) the error is judged against. */
function reference(t: Case, a: Float32Array, b: Float32Array, c0: Float32Array) {
  const { m, n, k } = t;
  const want = new Float64Array(m * n),
    scale = new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let sum = t.accumulate ? c0[i * n + j] : 0,
        mag = Math.abs(sum);
      for (let p = 0; p < k; p++) {
        const x = t.transA ? a[p * m + i] : a[i * k + p];
        const y = t.transB ? b[j * k + p] : b[p * n + j];
        sum += x * y;
        mag += Math.abs(x * y);
      }
      want[i * n + j] = sum;
      scale[i * n + j] = mag;
    }
  }
  return { want, scale };
}

/** Runs one case through the kernel; returns the first mismatch as text, or null. */
function check(t: Case, rng: Random): string | null {
  const { m, n, k } = t;
  const a = randomArray(rng, m * k),
    b = randomArray(rng, k * n),
    c0 = randomArray(rng, m * n);
  const work = gemmWorkspace();
  const pa = heap.alloc(a.length * 4),
    pb = heap.alloc(b.length * 4);
  const pcBlock = heap.alloc((m * n + 2 * GUARD) * 4);
  const pc = pcBlock + GUARD * 4;
  try {
    f32View(pa, a.length).set(a);
    f32View(pb, b.length).set(b);
    f32View(pcBlock, m * n + 2 * GUARD).fill(CANARY);
    f32View(pc, m * n).set(c0);
    kernels.gemm(pc, pa, pb, m, n, k, +t.transA, +t.transB, +t.accumulate, work);
    const got = f32View(pcBlock, m * n + 2 * GUARD).slice();
    const label = `m=${m} n=${n} k=${k} transA=${+t.transA} transB=${+t.transB} accumulate=${+t.accumulate}`;
    for (let g = 0; g < GUARD; g++) {
      if (got[g] !== CANARY || got[GUARD + m * n + g] !== CANARY) return `${label}: wrote outside C`;
    }
    const { want, scale } = reference(t, a, b, c0);
    for (let e = 0; e < m * n; e++) {
      const err = Math.abs(got[GUARD + e] - want[e]);
      if (!(err <= TOLERANCE * scale[e] + 1e-30)) {
        return `${label}: C[${Math.floor(e / n)},${e % n}] = ${got[GUARD + e]}, want ${want[e]} (scale ${scale[e]})`;
      }
    }
    return null;
  } finally {
    heap.release(pa);
    heap.release(pb);
    heap.release(pcBlock);
  }
}

describe("gemm", () => {
  it("asks for a modest, 16-aligned workspace", () => {
    const bytes = kernels.gemmWorkBytes();
    expect(bytes % 16).toBe(0);
    expect(bytes).toBeGreaterThan(0);
    expect(bytes).toBeLessThanOrEqual(1.5 * 2 ** 20);
  });

  for (const form of FORMS) {
    for (const accumulate of [false, true]) {
      it(`${form.name}, accumulate=${+accumulate}: every m, n, k in {${SMALL.join(", ")}}`, () => {
        const rng = new Random(7);
        const failures: string[] = [];
        for (const m of SMALL)
          for (const n of SMALL)
            for (const k of SMALL) {
              const failure = check({ m, n, k, ...form, accumulate }, rng);
              if (failure) failures.push(failure);
            }
        expect(failures).toEqual([]);
      });
    }
  }

  // Shapes of the MLP (784→500 layer on a batch of 64) and ones straddling every block edge
  // (MR=4, NR=8, KC=256, MC=64, NC=512), including a k that needs two or three depth blocks.
  const LARGE: Array<[number, number, number]> = [
    [64, 500, 784],
    [130, 257, 129],
    [131, 521, 300],
    [7, 1030, 513],
    [257, 9, 260],
    [500, 1, 784],
    [1, 500, 784],
    [1, 1, 1003], // the matrix-vector paths, long rows
  ];
  for (const form of FORMS) {
    it(`${form.name}: larger shapes across block boundaries`, () => {
      const rng = new Random(11);
      const failures: string[] = [];
      for (const [m, n, k] of LARGE) {
        for (const accumulate of [false, true]) {
          const failure = check({ m, n, k, ...form, accumulate }, rng);
          if (failure) failures.push(failure);
        }
      }
      expect(failures).toEqual([]);
    });
  }

  // A narrow C (n up to 40, see narrow() in assembly/gemm.ts) is computed as Cᵀ and written
  // transposed: every n from 1 to 17, m on both sides of the 8-wide tile and the 64-row block
  // (and past NC = 512), k from 1 to two depth blocks.
  const NARROW_M = [7, 8, 33, 130, 601];
  const NARROW_K = [1, 3, 64, 257, 300, 520];
  for (const form of FORMS) {
    for (const accumulate of [false, true]) {
      it(`${form.name}, accumulate=${+accumulate}: narrow C, n = 1..17`, () => {
        const rng = new Random(23);
        const failures: string[] = [];
        for (let n = 1; n <= 17; n++) {
          NARROW_M.forEach((m, i) => {
            const k = NARROW_K[(n + i) % NARROW_K.length];
            const failure = check({ m, n, k, ...form, accumulate }, rng);
            if (failure) failures.push(failure);
          });
        }
        expect(failures).toEqual([]);
      });
    }
  }

  it("a narrow C is bit-identical to the transpose of the wide product op(B)ᵀ·op(A)ᵀ", () => {
    // The two are summed in the same order by different paths (one of them transposed), so
    // they must agree exactly, not just within the tolerance.
    const rng = new Random(29);
    const mismatches: string[] = [];
    for (const [m, n, k] of [
      [64, 10, 500],
      [500, 10, 64],
      [601, 3, 300],
      [37, 17, 257],
      [130, 36, 70],
    ]) {
      for (const form of FORMS) {
        const a = randomArray(rng, m * k),
          b = randomArray(rng, k * n);
        const work = gemmWorkspace();
        const pa = heap.alloc(a.length * 4),
          pb = heap.alloc(b.length * 4);
        const pc = heap.alloc(m * n * 4),
          pct = heap.alloc(m * n * 4);
        try {
          f32View(pa, a.length).set(a);
          f32View(pb, b.length).set(b);
          kernels.gemm(pc, pa, pb, m, n, k, +form.transA, +form.transB, 0, work);
          kernels.gemm(pct, pb, pa, n, m, k, +!form.transB, +!form.transA, 0, work);
          const c = f32View(pc, m * n).slice(),
            ct = f32View(pct, m * n).slice();
          for (let e = 0; e < m * n; e++) {
            const i = Math.floor(e / n),
              j = e % n;
            if (!Object.is(c[e], ct[j * m + i])) {
              mismatches.push(`${form.name} m=${m} n=${n} k=${k}: C[${i},${j}] = ${c[e]}, (Cᵀ)ᵀ = ${ct[j * m + i]}`);
              break;
            }
          }
        } finally {
          heap.release(pa);
          heap.release(pb);
          heap.release(pc);
          heap.release(pct);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });

  it("k = 0 gives C = 0, or leaves C unchanged when accumulating", () => {
    const m = 5,
      n = 7;
    const pc = heap.alloc(m * n * 4);
    try {
      f32View(pc, m * n).fill(3);
      kernels.gemm(pc, pc, pc, m, n, 0, 0, 0, 1, gemmWorkspace());
      expect(Array.from(f32View(pc, m * n))).toEqual(new Array(m * n).fill(3));
      kernels.gemm(pc, pc, pc, m, n, 0, 0, 0, 0, gemmWorkspace());
      expect(Array.from(f32View(pc, m * n))).toEqual(new Array(m * n).fill(0));
    } finally {
      heap.release(pc);
    }
  });
});
