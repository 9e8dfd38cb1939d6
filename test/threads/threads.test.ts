// Training on threads (src/threads/) in Node: the engine moves onto a shared memory with
// everything it held, a product or an optimizer pass split over two threads gives exactly the
// bits of one thread, fit({ threads }) trains bit-identically and restores the thread count, and
// asking for threads where they cannot run fails at once, naming why, having done nothing.
// One file: the move to shared memory is for the life of the process.
import { afterAll, describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { tensor, matmul } from "../../src/index.ts";
import { Activation, Linear, Model, Sequential } from "../../src/nn/index.ts";
import { CATALOGUE, isStepEntry } from "../../src/optim/catalogue.ts";
import { adam, sgd } from "../../src/optim/index.ts";
import { fit } from "../../src/train/index.ts";
import { makeBlobs } from "../../src/data/synthetic.ts";
import { gemm } from "../../src/threads/split.ts";
import { learnt } from "../../src/threads/tuning.ts";
import { activePool, setThreads, stopThreads, threadCount, threadsUnavailable } from "../../src/threads/threads.ts";
import { f32View, heap, kernels, memoryIsShared } from "../../src/wasm/module.ts";

const rng = new Random(16);
const randomTensor = (shape: [number, number]) =>
  tensor(
    Float32Array.from({ length: shape[0] * shape[1] }, () => rng.range(-1, 1)),
    shape,
  );
/** The bytes of a result, for exact comparison (NaN payloads and signed zeros included). */
const bits = (x: Float32Array) =>
  Array.from(new Uint32Array(x.buffer.slice(x.byteOffset, x.byteOffset + x.byteLength)));

const weightsOf = (model: Model) => f32View(model.parameters.values.ptr, model.parameters.values.length).slice();

afterAll(async () => {
  await stopThreads();
});

describe("threads", () => {
  it("refuses a thread count that is not a whole number ≥ 1, naming it", async () => {
    for (const bad of [0, -1, 1.5, NaN]) {
      await expect(setThreads(bad)).rejects.toThrow(RangeError);
      await expect(setThreads(bad)).rejects.toThrow(`got ${bad}`);
    }
    expect(threadCount()).toBe(1);
  });

  it("where a page is not cross-origin isolated, says so and changes nothing (no quiet fall-back)", async () => {
    const global = globalThis as { crossOriginIsolated?: boolean };
    global.crossOriginIsolated = false;
    try {
      expect(threadsUnavailable()).toMatch(/not cross-origin isolated.*Cross-Origin-Opener-Policy: same-origin/);
      await expect(setThreads(2)).rejects.toThrow(/threads are unavailable: the page is not cross-origin isolated/);
      const model = new Model(new Linear(4, 3), { seed: 1 });
      const before = weightsOf(model);
      await expect(
        fit(model, makeBlobs({ n: 30, classes: 3, features: 4, seed: 1 }), {
          optimizer: sgd({ lr: 0.1 }),
          epochs: 1,
          threads: 2,
        }),
      ).rejects.toThrow(/fit: threads = 2 cannot run here: the page is not cross-origin isolated/);
      expect(weightsOf(model)).toEqual(before);
      model.free();
    } finally {
      delete global.crossOriginIsolated;
    }
    expect(threadCount()).toBe(1);
    expect(memoryIsShared()).toBe(false);
  });

  it("moves the engine onto a shared memory keeping every tensor it held", async () => {
    const held = randomTensor([300, 200]);
    const before = held.toArray().slice();
    await setThreads(2);
    expect(memoryIsShared()).toBe(true);
    expect(kernels.memory.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(threadCount()).toBe(2);
    expect(held.toArray()).toEqual(before);
    held.free();
  });

  it("splits products over 2 threads, bit-identical to 1 thread, in all four forms", async () => {
    const shapes: [number, number, number][] = [
      [64, 500, 784],
      [256, 500, 784],
      [784, 500, 64],
      [64, 784, 500],
      [500, 10, 256],
      [33, 17, 2000],
      [7, 300, 1000],
    ];
    for (const [m, n, k] of shapes) {
      for (const [transA, transB] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ]) {
        const a = randomTensor(transA ? [k, m] : [m, k]),
          b = randomTensor(transB ? [n, k] : [k, n]);
        await setThreads(1);
        const one = matmul(a, b, { transA, transB });
        await setThreads(2);
        const two = matmul(a, b, { transA, transB });
        expect(bits(two.toArray()), `${m}×${n}×${k} ${transA}${transB}`).toEqual(bits(one.toArray()));
        for (const t of [a, b, one, two]) t.free();
      }
    }
    // The split was really taken: a speed was learnt for a split kind of product.
    expect(Object.keys(learnt()).some((kind) => kind.startsWith("gemm 256 500 784"))).toBe(true);
  }, 60_000);

  it("accumulates (C += A·B, as Muon does) bit-identically on 2 threads", async () => {
    const [m, n, k] = [200, 300, 400];
    const a = randomTensor([m, k]),
      b = randomTensor([k, n]),
      c0 = randomTensor([m, n]);
    const results: number[][] = [];
    for (const threads of [1, 2]) {
      await setThreads(threads);
      const c = heap.alloc(m * n * 4);
      f32View(c, m * n).set(c0.toArray());
      gemm(c, a.ptr, b.ptr, m, n, k, 0, 0, 1);
      results.push(bits(f32View(c, m * n).slice()));
      heap.release(c);
    }
    expect(results[1]).toEqual(results[0]);
    for (const t of [a, b, c0]) t.free();
  });

  it("keeps working after the memory grows (the workers see the grown memory)", async () => {
    await setThreads(2);
    const grownFrom = kernels.memory.buffer.byteLength;
    const big = heap.alloc(grownFrom + (64 << 20));
    expect(kernels.memory.buffer.byteLength).toBeGreaterThan(grownFrom);
    const a = randomTensor([256, 784]),
      b = randomTensor([784, 500]);
    const two = matmul(a, b);
    await setThreads(1);
    const one = matmul(a, b);
    expect(bits(two.toArray())).toEqual(bits(one.toArray()));
    for (const t of [a, b, one, two]) t.free();
    heap.release(big);
  });

  it("runs every fused optimizer pass over 2 threads bit-identically (a pass past the split threshold)", async () => {
    const n = 150_001; // past 2^16 elements, and not a multiple of the 64-element cut
    const w0 = Float32Array.from({ length: n }, () => rng.range(-1, 1));
    const grads = [0, 1, 2].map(() => Float32Array.from({ length: n }, () => rng.range(-1, 1)));
    const steppers = CATALOGUE.filter(isStepEntry);
    expect(steppers.length).toBeGreaterThan(10);
    for (const entry of steppers) {
      const finals: number[][] = [];
      for (const threads of [1, 2]) {
        await setThreads(threads);
        const opt = entry.create({ lr: 1e-2 });
        const state = opt.init(n);
        const w = heap.alloc(n * 4),
          g = heap.alloc(n * 4);
        f32View(w, n).set(w0);
        for (const grad of grads) {
          f32View(g, n).set(grad);
          opt.update(w, g, state);
        }
        finals.push(bits(f32View(w, n).slice()));
        heap.release(w);
        heap.release(g);
        for (const ptr of Object.values(state.buffers)) heap.release(ptr);
      }
      expect(finals[1], entry.name).toEqual(finals[0]);
    }
    // The passes were really split: speeds were learnt for the fused kernels at this length.
    const split = Object.keys(learnt()).filter((kind) => kind.endsWith(` ${n}`));
    expect(split.length).toBeGreaterThanOrEqual(10);
  }, 60_000);

  it("gives each thread its own kernel scratch: two Adam passes with different constants at once, 300 times", async () => {
    // Kernels keep loop constants and their n % 4 tails in scratch bytes; were those shared, two
    // threads running the same kernel with different constants would read each other's.
    await setThreads(2);
    const pool = activePool()!;
    const n = 4099; // a tail of 3 in each pass
    const regions = [0, 1].map(() => ({
      w: heap.alloc(n * 4),
      g: heap.alloc(n * 4),
      m: heap.alloc(n * 4),
      v: heap.alloc(n * 4),
    }));
    const mirrors = [0, 1].map(() => ({
      w: heap.alloc(n * 4),
      g: heap.alloc(n * 4),
      m: heap.alloc(n * 4),
      v: heap.alloc(n * 4),
    }));
    const constants = [
      [0.9, 0.1, 0.999, 0.001, 1e-3, 1.2, 1e-8, 0, 1],
      [0.5, 0.5, 0.9, 0.1, 3e-2, 0.7, 1e-6, 1e-2, 0.99],
    ];
    try {
      for (const set of [regions, mirrors]) {
        for (const [i, r] of set.entries()) {
          const seeded = new Random(40 + i);
          for (const ptr of [r.w, r.g])
            f32View(ptr, n).set(Float32Array.from({ length: n }, () => seeded.range(-1, 1)));
          f32View(r.m, n).fill(0);
          f32View(r.v, n).fill(0);
        }
      }
      const args = (r: (typeof regions)[0], i: number) => [r.w, r.g, r.m, r.v, n, ...constants[i]];
      for (let step = 0; step < 300; step++) {
        pool.run("adam", [args(regions[0], 0), args(regions[1], 1)]);
        kernels.adam(...(args(mirrors[0], 0) as Parameters<typeof kernels.adam>));
        kernels.adam(...(args(mirrors[1], 1) as Parameters<typeof kernels.adam>));
      }
      for (const i of [0, 1]) {
        expect(bits(f32View(regions[i].w, n).slice()), `region ${i}`).toEqual(bits(f32View(mirrors[i].w, n).slice()));
      }
    } finally {
      for (const r of [...regions, ...mirrors]) for (const ptr of Object.values(r)) heap.release(ptr);
    }
  });

  it("takes back a part whose worker has not started it, and computes it the same", async () => {
    await setThreads(2);
    const pool = activePool()!;
    const n = 100_000;
    const src = randomTensor([1, n]);
    const dst = heap.alloc(n * 4);
    let takenBack = 0;
    try {
      for (let attempt = 0; attempt < 20; attempt++) {
        f32View(dst, n).fill(0);
        // The worker has slept since its last part: its wake-up takes far longer than the main
        // thread's empty part, so the main thread almost always reaches the claim first.
        await new Promise((resolve) => setTimeout(resolve, 10));
        pool.run("copy2d", [
          [dst, 0, src.ptr, 0, 1, 0, 0],
          [dst, n, src.ptr, n, 1, n, 0],
        ]);
        if (pool.lastTimes[1] === Infinity) takenBack++;
        expect(bits(f32View(dst, n).slice())).toEqual(bits(src.toArray()));
      }
      expect(takenBack).toBeGreaterThan(0);
    } finally {
      heap.release(dst);
      src.free();
    }
  });

  it("fit({ threads: 2 }) trains bit-identically to one thread and restores the thread count", async () => {
    const data = makeBlobs({ n: 512, classes: 10, features: 784, seed: 3 });
    const runs = [];
    for (const threads of [1, 2]) {
      await setThreads(1);
      const model = new Model(new Sequential([new Linear(784, 500), new Activation("relu"), new Linear(500, 10)]), {
        seed: 5,
      });
      for (const optimizer of [sgd({ lr: 0.05, momentum: 0.9 }), adam({ lr: 1e-3 })]) {
        const r = await fit(model, data, { optimizer, epochs: 2, batch: 128, seed: 9, threads });
        expect(threadCount()).toBe(1);
        runs.push({ threads, losses: r.history.map((h) => h.trainLoss) });
      }
      runs.push({ threads, losses: bits(weightsOf(model)) });
      model.free();
    }
    const [sgd1, adam1, weights1, sgd2, adam2, weights2] = runs;
    expect(sgd2.losses).toEqual(sgd1.losses);
    expect(adam2.losses).toEqual(adam1.losses);
    expect(weights2.losses).toEqual(weights1.losses);
    expect(adam1.losses.at(-1)!).toBeLessThan(sgd1.losses[0]);
  }, 60_000);
});
