// gemmBlock, one thread's share of a split product, against the whole gemm: every block of C it
// writes must hold exactly gemm's bits (so a split product is bit-identical to one thread's), and
// it must write nothing outside its block.
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { f32View, gemmWorkspace, heap, kernels } from "../../src/wasm/module.ts";

const FORMS = [
  [0, 0],
  [1, 0],
  [0, 1],
  [1, 1],
] as const;
const CANARY = -12345.5;

function filled(rng: Random, n: number): number {
  const ptr = heap.alloc(Math.max(n, 1) * 4);
  const view = f32View(ptr, n);
  for (let i = 0; i < n; i++) view[i] = rng.range(-1, 1);
  return ptr;
}

/** Runs gemm whole, then the same product block by block, cut at rowCuts × colCuts; returns the mismatches. */
function compare(
  m: number,
  n: number,
  k: number,
  transA: number,
  transB: number,
  accumulate: number,
  rowCuts: number[],
  colCuts: number[],
  rng: Random,
): string[] {
  const a = filled(rng, m * k),
    b = filled(rng, k * n),
    c0 = filled(rng, m * n);
  const whole = heap.alloc(m * n * 4),
    blocks = heap.alloc(m * n * 4);
  const work = gemmWorkspace();
  try {
    f32View(whole, m * n).set(f32View(c0, m * n));
    kernels.gemm(whole, a, b, m, n, k, transA, transB, accumulate, work);
    f32View(blocks, m * n).set(accumulate ? f32View(c0, m * n) : new Float32Array(m * n).fill(CANARY));
    const rows = [0, ...rowCuts, m],
      cols = [0, ...colCuts, n];
    for (let r = 0; r + 1 < rows.length; r++) {
      for (let q = 0; q + 1 < cols.length; q++) {
        kernels.gemmBlock(
          blocks,
          a,
          b,
          m,
          n,
          k,
          transA,
          transB,
          accumulate,
          work,
          rows[r],
          rows[r + 1] - rows[r],
          cols[q],
          cols[q + 1] - cols[q],
        );
      }
    }
    const want = f32View(whole, m * n),
      got = f32View(blocks, m * n);
    const bad: string[] = [];
    for (let i = 0; i < m * n && bad.length < 3; i++) {
      if (!Object.is(want[i], got[i])) bad.push(`C[${Math.floor(i / n)},${i % n}] ${got[i]} ≠ ${want[i]}`);
    }
    return bad;
  } finally {
    for (const p of [a, b, c0, whole, blocks]) heap.release(p);
  }
}

describe("gemmBlock", () => {
  const rng = new Random(16);
  // Shapes of a training step (batch 64 and 256 through 784-500-10), narrow outputs, odd edges,
  // k past one packed block (256), and blocks of one row or column.
  const shapes = [
    [64, 500, 784],
    [784, 500, 64],
    [64, 10, 500],
    [500, 10, 64],
    [37, 29, 300],
    [9, 70, 513],
    [2, 2, 3],
  ];
  for (const [m, n, k] of shapes) {
    for (const [transA, transB] of FORMS) {
      for (const accumulate of [0, 1]) {
        it(`${m}×${n}×${k}, transA ${transA}, transB ${transB}, accumulate ${accumulate}: blocks = whole, bit for bit`, () => {
          const byRows = compare(
            m,
            n,
            k,
            transA,
            transB,
            accumulate,
            [1, Math.floor(m / 2)].filter((r) => r > 0 && r < m),
            [],
            rng,
          );
          const byCols = compare(
            m,
            n,
            k,
            transA,
            transB,
            accumulate,
            [],
            [1, Math.floor(n / 3), n - 1].filter((c, i, all) => c > 0 && c < n && all.indexOf(c) === i),
            rng,
          );
          const grid = compare(
            m,
            n,
            k,
            transA,
            transB,
            accumulate,
            [Math.ceil(m / 3)].filter((r) => r < m),
            [Math.ceil(n / 2)].filter((c) => c < n),
            rng,
          );
          expect([...byRows, ...byCols, ...grid]).toEqual([]);
        });
      }
    }
  }

  it("writes its block and nothing else (an empty block: nothing)", () => {
    const [m, n, k] = [40, 50, 70];
    const a = filled(rng, m * k),
      b = filled(rng, k * n),
      c = heap.alloc(m * n * 4);
    try {
      for (const [row0, rows, col0, cols] of [
        [8, 16, 16, 24],
        [0, 0, 0, 50],
        [0, 40, 10, 0],
        [39, 1, 0, 50],
      ]) {
        f32View(c, m * n).fill(CANARY);
        kernels.gemmBlock(c, a, b, m, n, k, 0, 0, 0, gemmWorkspace(), row0, rows, col0, cols);
        const view = f32View(c, m * n);
        let inside = 0,
          outsideTouched = 0;
        for (let i = 0; i < m; i++) {
          for (let j = 0; j < n; j++) {
            const mine = i >= row0 && i < row0 + rows && j >= col0 && j < col0 + cols;
            if (mine && view[i * n + j] !== CANARY) inside++;
            if (!mine && view[i * n + j] !== CANARY) outsideTouched++;
          }
        }
        expect({ inside, outsideTouched }).toEqual({ inside: rows * cols, outsideTouched: 0 });
      }
    } finally {
      for (const p of [a, b, c]) heap.release(p);
    }
  });

  it("the vector products (m = 1 or n = 1) as one whole block equal gemm", () => {
    expect(compare(1, 300, 50, 0, 0, 1, [], [], rng)).toEqual([]);
    expect(compare(300, 1, 50, 1, 0, 0, [], [], rng)).toEqual([]);
  });
});
