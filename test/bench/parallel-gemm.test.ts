import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { f32View, gemmWorkspace, heap, kernels } from "../../src/wasm/module.ts";
import { createParallelGemm, rowBlocks, type ParallelGemm } from "../../bench/parallel-gemm.ts";

const FORMS = [
  { name: "A·B", transA: 0, transB: 0 },
  { name: "Aᵀ·B", transA: 1, transB: 0 },
  { name: "A·Bᵀ", transA: 0, transB: 1 },
  { name: "Aᵀ·Bᵀ", transA: 1, transB: 1 },
];
// Shapes that split (m ≥ 128 and m·n·k ≥ 2²²): odd sizes, a one-row tail block (m = 129, 193),
// blocks past KC = 256 in depth and NC = 512 in width; then sizes that stay on one thread.
const SPLIT = [
  [129, 131, 300],
  [193, 17, 1300],
  [300, 33, 513],
  [257, 520, 33],
  [1000, 9, 600],
];
const SMALL = [
  [0, 5, 3],
  [1, 17, 33],
  [3, 5, 1],
  [17, 33, 5],
  [33, 1, 17],
  [130, 1, 40],
];
const GUARD = 8;
const CANARY = -12345.5;

function randomArray(rng: Random, n: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.range(-1, 1);
  return out;
}

/** The engine's single-thread kernel on the same operands: the oracle the split must match bit for bit. */
function singleThread(
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array,
  m: number,
  n: number,
  k: number,
  tA: number,
  tB: number,
  acc: number,
): Float32Array {
  const pa = heap.alloc(a.length * 4),
    pb = heap.alloc(b.length * 4),
    pc = heap.alloc(c0.length * 4);
  f32View(pa, a.length).set(a);
  f32View(pb, b.length).set(b);
  f32View(pc, c0.length).set(c0);
  kernels.gemm(pc, pa, pb, m, n, k, tA, tB, acc, gemmWorkspace());
  const out = f32View(pc, c0.length).slice();
  heap.release(pa);
  heap.release(pb);
  heap.release(pc);
  return out;
}

/** Runs pg.gemm with canaries around C; returns C and the two guards. */
function viaPool(
  pg: ParallelGemm,
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array,
  m: number,
  n: number,
  k: number,
  tA: number,
  tB: number,
  acc: number,
) {
  const pa = pg.heap.alloc(a.length * 4),
    pb = pg.heap.alloc(b.length * 4);
  const pc = pg.heap.alloc((c0.length + 2 * GUARD) * 4);
  pg.f32View(pa, a.length).set(a);
  pg.f32View(pb, b.length).set(b);
  const full = pg.f32View(pc, c0.length + 2 * GUARD);
  full.fill(CANARY);
  full.set(c0, GUARD);
  pg.gemm(pc + GUARD * 4, pa, pb, m, n, k, tA, tB, acc);
  const after = pg.f32View(pc, c0.length + 2 * GUARD).slice();
  pg.heap.release(pa);
  pg.heap.release(pb);
  pg.heap.release(pc);
  return {
    c: after.subarray(GUARD, GUARD + c0.length),
    guards: [...after.subarray(0, GUARD), ...after.subarray(GUARD + c0.length)],
  };
}

function maxRelativeToF64(
  c: Float32Array,
  a: Float32Array,
  b: Float32Array,
  c0: Float32Array,
  m: number,
  n: number,
  k: number,
  tA: number,
  tB: number,
  acc: number,
): number {
  let worst = 0;
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = acc ? c0[i * n + j] : 0,
        mag = Math.abs(sum);
      for (let p = 0; p < k; p++) {
        const x = tA ? a[p * m + i] : a[i * k + p],
          y = tB ? b[j * k + p] : b[p * n + j];
        sum += x * y;
        mag += Math.abs(x * y);
      }
      worst = Math.max(worst, Math.abs(c[i * n + j] - sum) / Math.max(mag, 1e-30));
    }
  return worst;
}

describe("rowBlocks", () => {
  it("covers C with blocks starting at multiples of 64, none of one row", () => {
    for (const m of [128, 129, 191, 192, 193, 256, 1000, 1024, 1025]) {
      for (const threads of [2, 3, 4]) {
        const blocks = rowBlocks(m, 64, 1024, threads);
        expect(blocks.length).toBeGreaterThan(1);
        expect(blocks.length).toBeLessThanOrEqual(threads);
        let row = 0;
        for (const [first, rows] of blocks) {
          expect(first).toBe(row);
          expect(first % 64).toBe(0);
          expect(rows).toBeGreaterThan(1);
          row += rows;
        }
        expect(row).toBe(m);
      }
    }
  });
  it("keeps vectors and small products on one thread", () => {
    expect(rowBlocks(1024, 1, 1024, 2)).toEqual([[0, 1024]]);
    expect(rowBlocks(127, 1024, 1024, 2)).toEqual([[0, 127]]);
    expect(rowBlocks(128, 128, 127, 2)).toEqual([[0, 128]]);
  });
});

describe("createParallelGemm on 2 threads", () => {
  let pg: ParallelGemm;
  beforeAll(async () => {
    pg = await createParallelGemm({ threads: 2 });
  });
  afterAll(async () => {
    await pg.close();
  });

  it("runs on shared memory and a worker here (Node 20 has both)", () => {
    expect(pg.parallel).toBe(true);
    expect(pg.threads).toBe(2);
    for (const [m, n, k] of SPLIT) expect(rowBlocks(m, n, k, 2).length).toBe(2); // the cases below do split
  });

  const rng = new Random(6);
  for (const form of FORMS) {
    for (const [m, n, k] of [...SPLIT, ...SMALL]) {
      for (const acc of [0, 1]) {
        it(`${form.name} ${m}×${n}×${k}${acc ? " accumulate" : ""}: bit-identical to one thread, C's neighbours untouched`, () => {
          const a = randomArray(rng, m * k),
            b = randomArray(rng, k * n),
            c0 = randomArray(rng, m * n);
          const want = singleThread(a, b, c0, m, n, k, form.transA, form.transB, acc);
          const got = viaPool(pg, a, b, c0, m, n, k, form.transA, form.transB, acc);
          expect(got.guards.every((g) => g === CANARY)).toBe(true);
          let mismatches = 0;
          for (let i = 0; i < want.length; i++) if (!Object.is(want[i], got.c[i])) mismatches++;
          expect(mismatches).toBe(0);
          // And against an f64 reference, so a shared bug in both paths cannot hide.
          if (acc === 0)
            expect(maxRelativeToF64(got.c, a, b, c0, m, n, k, form.transA, form.transB, acc)).toBeLessThan(1e-5);
        });
      }
    }
  }

  it("survives the shared memory growing between products (scratch and operands allocated later)", () => {
    const m = 512,
      n = 300,
      k = 700;
    const a = randomArray(rng, m * k),
      b = randomArray(rng, k * n),
      c0 = new Float32Array(m * n);
    const first = viaPool(pg, a, b, c0, m, n, k, 1, 0, 0).c.slice();
    const big = pg.heap.alloc(64 << 20); // forces growth
    const second = viaPool(pg, a, b, c0, m, n, k, 1, 0, 0).c;
    pg.heap.release(big);
    expect(Array.from(second)).toEqual(Array.from(first));
  });
});

describe("createParallelGemm fall-back", () => {
  it("without SharedArrayBuffer: one thread on the engine's own heap, same results", async () => {
    const saved = globalThis.SharedArrayBuffer;
    // @ts-expect-error the runtime without it is what is being simulated
    delete globalThis.SharedArrayBuffer;
    let pg: ParallelGemm;
    try {
      pg = await createParallelGemm({ threads: 2 });
    } finally {
      globalThis.SharedArrayBuffer = saved;
    }
    expect(pg.parallel).toBe(false);
    expect(pg.threads).toBe(1);
    expect(pg.heap).toBe(heap);
    const rng = new Random(7);
    const [m, n, k] = [200, 150, 130];
    const a = randomArray(rng, m * k),
      b = randomArray(rng, k * n),
      c0 = new Float32Array(m * n);
    const want = singleThread(a, b, c0, m, n, k, 0, 1, 0);
    expect(Array.from(viaPool(pg, a, b, c0, m, n, k, 0, 1, 0).c)).toEqual(Array.from(want));
    await pg.close();
  });

  it("threads: 1 asks for the fall-back; a bad thread count is refused with the value", async () => {
    const pg = await createParallelGemm({ threads: 1 });
    expect(pg.parallel).toBe(false);
    await expect(createParallelGemm({ threads: 0 })).rejects.toThrow(/got 0/);
    await expect(createParallelGemm({ threads: 1.5 })).rejects.toThrow(/got 1.5/);
  });
});
