/**
 * GEMM split over worker threads (Node only), for the benchmarks (bench/gemm-mt.ts): the engine
 * itself does not use it, so it lives here, not in src/.
 *
 * createParallelGemm({ threads }) instantiates build/descent-shared.wasm (the same kernels, built
 * over an imported shared memory) on the main thread and on threads − 1 workers, all over one
 * WebAssembly.Memory({ shared: true }). Operands live in that memory, under this object's own
 * allocator (`heap`): the engine's tensors stay in the main module's memory, so a caller copies
 * A and B in. A product is split into row blocks of C, one per thread, each with its own packing
 * workspace; the main thread computes the first block itself. Threads meet through Atomics on a
 * 16-int control slot per worker (cheaper than a postMessage round trip: see bench/gemm-mt.ts),
 * so gemm() stays synchronous.
 *
 * Blocks start at multiples of 64 rows and every element is summed by the same micro-kernel in
 * the same order as in one thread, so the result is bit-identical to the single-thread kernel.
 *
 * Where SharedArrayBuffer or worker_threads is missing, or a worker fails to start, or threads
 * is 1, it silently falls back to the engine's own single-thread module, heap and workspace: the
 * same interface, so the caller's code does not change.
 */
import { readFileSync } from "node:fs";
import { Allocator } from "../src/wasm/allocator.ts";
import type { Exports } from "../src/wasm/abi.ts";
import * as engine from "../src/wasm/module.ts";

export interface ParallelGemm {
  /** Threads a product is split over: 1 after a fall-back. */
  readonly threads: number;
  /** True when running on shared memory and workers. */
  readonly parallel: boolean;
  /** The allocator of the memory the operands must live in. */
  readonly heap: Allocator;
  /** A live f32 view of n elements at ptr in that memory; valid until the next allocation. */
  f32View(ptr: number, n: number): Float32Array;
  /** C (+)= op(A)·op(B), the contract of the engine's `gemm` kernel (flags as 0/1), minus `work`. */
  gemm(
    c: number,
    a: number,
    b: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    accumulate: number,
  ): void;
  /** Stops the workers; the object must not be used after. */
  close(): Promise<void>;
}

export interface ParallelGemmOptions {
  /** Threads including the calling one; default 2. */
  threads?: number;
}

/** Pages of the shared memory's ceiling: asconfig.json's `shared` target says the same. */
const MAX_PAGES = 16384;
/** Row blocks start at multiples of the kernel's MC, so the packing matches one thread's. */
const ROW_ALIGN = 64;
/**
 * Below this many multiply-adds (≈ 161³) a product runs on the calling thread: a hand-off to a
 * sleeping worker and back costs ~55 µs here, and 2 threads measured 0.87× at 128³, 1.14× at 160³.
 */
const MIN_SPLIT_MACS = 1 << 22;
/** Control slot, in i32s: [0] generation (main → worker, −1 = quit), [1] done generation,
 *  [2] error flag, [3..12] gemm's arguments c, a, b, m, n, k, transA, transB, accumulate, work,
 *  [13] A to gather (0 = none), [14] its row stride, [15] where to gather it. */
const SLOT_INTS = 16;

export async function createParallelGemm({ threads = 2 }: ParallelGemmOptions = {}): Promise<ParallelGemm> {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`createParallelGemm: threads must be a positive integer, got ${threads}`);
  if (threads === 1 || typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object") return singleThread();
  let Worker: typeof import("node:worker_threads").Worker;
  try {
    ({ Worker } = await import("node:worker_threads"));
  } catch {
    return singleThread();
  }
  const bytes = readFileSync(new URL("../build/descent-shared.wasm", import.meta.url));
  const module = new WebAssembly.Module(bytes);
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: 2, maximum: MAX_PAGES, shared: true });
  } catch {
    return singleThread();
  }
  const env = {
    memory,
    abort() {
      throw new Error("descent-shared.wasm aborted");
    },
    seed: () => 0,
  };
  const kernels = new WebAssembly.Instance(module, { env }).exports as unknown as Exports;
  const heap = new Allocator(memory, kernels.heapBase(), MAX_PAGES * 65536);

  const workerCount = threads - 1;
  const slots = heap.alloc(workerCount * SLOT_INTS * 4);
  const ctl = new Int32Array(memory.buffer, slots, workerCount * SLOT_INTS); // low pages: survives growth
  const workers: InstanceType<typeof Worker>[] = [];
  try {
    for (let w = 0; w < workerCount; w++) {
      const worker = new Worker(new URL("./parallel-gemm.worker.mjs", import.meta.url), {
        workerData: { module, memory, slot: slots + w * SLOT_INTS * 4 },
      });
      workers.push(worker);
      await new Promise<void>((resolve, reject) => {
        worker.once("message", () => resolve());
        worker.once("error", reject);
        worker.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
      });
      worker.unref(); // an idle pool must not keep the process alive
    }
  } catch {
    await Promise.all(workers.map((w) => w.terminate()));
    heap.release(slots);
    return singleThread();
  }

  // Per thread: a packing workspace, and scratch for gathering Aᵀ's columns (grown on demand).
  const work = Array.from({ length: threads }, () => heap.alloc(kernels.gemmWorkBytes()));
  const scratch = new Array<number>(threads).fill(0);
  const scratchBytes = new Array<number>(threads).fill(0);
  let generation = 0;

  function scratchFor(t: number, bytes: number): number {
    if (scratchBytes[t] < bytes) {
      if (scratch[t] !== 0) heap.release(scratch[t]);
      scratch[t] = 0;
      scratchBytes[t] = 0;
      scratch[t] = heap.alloc(bytes);
      scratchBytes[t] = bytes;
    }
    return scratch[t];
  }

  function gemm(
    c: number,
    a: number,
    b: number,
    m: number,
    n: number,
    k: number,
    transA: number,
    transB: number,
    accumulate: number,
  ): void {
    const blocks = rowBlocks(m, n, k, threads);
    if (blocks.length <= 1) {
      kernels.gemm(c, a, b, m, n, k, transA, transB, accumulate, work[0]);
      return;
    }
    // Scratch first: an allocation may grow the memory, which must happen before anyone reads it.
    const gather = blocks.map(([, rows], t) => (transA && t > 0 ? scratchFor(t, rows * k * 4) : 0));
    const gen = ++generation;
    for (let t = 1; t < blocks.length; t++) {
      const [r0, rows] = blocks[t];
      const s = (t - 1) * SLOT_INTS;
      ctl[s + 3] = c + r0 * n * 4;
      ctl[s + 4] = transA ? 0 : a + r0 * k * 4;
      ctl[s + 5] = b;
      ctl[s + 6] = rows;
      ctl[s + 7] = n;
      ctl[s + 8] = k;
      ctl[s + 9] = transA;
      ctl[s + 10] = transB;
      ctl[s + 11] = accumulate;
      ctl[s + 12] = work[t];
      ctl[s + 13] = transA ? a + r0 * 4 : 0;
      ctl[s + 14] = m;
      ctl[s + 15] = gather[t];
      Atomics.store(ctl, s, gen);
      Atomics.notify(ctl, s);
    }
    // The kernel takes no leading dimension: with A stored k×m, this block's columns of A are
    // strided, so they are gathered contiguously first (k·rows copies against k·rows·n products).
    const [, rows0] = blocks[0];
    let a0 = a;
    if (transA) {
      a0 = scratchFor(0, rows0 * k * 4);
      kernels.copy2d(a0, rows0, a, m, k, rows0, 0);
    }
    kernels.gemm(c, a0, b, rows0, n, k, transA, transB, accumulate, work[0]);
    let failed = false;
    for (let t = 1; t < blocks.length; t++) {
      const s = (t - 1) * SLOT_INTS;
      for (let done = Atomics.load(ctl, s + 1); done !== gen; done = Atomics.load(ctl, s + 1))
        Atomics.wait(ctl, s + 1, done);
      if (ctl[s + 2] !== 0) failed = true;
    }
    if (failed) throw new Error("parallel gemm: a worker's kernel failed");
  }

  return {
    threads,
    parallel: true,
    heap,
    f32View: (ptr, n) => new Float32Array(memory.buffer, ptr, n),
    gemm,
    async close() {
      for (let w = 0; w < workerCount; w++) {
        Atomics.store(ctl, w * SLOT_INTS, -1);
        Atomics.notify(ctl, w * SLOT_INTS);
      }
      await Promise.all(workers.map((w) => w.terminate()));
    },
  };
}

/**
 * Row blocks [firstRow, rows] of C, one per thread: whole multiples of 64 rows, as even as that
 * allows, never a block of one row (the kernel treats m = 1 as a vector product, summed in
 * another order). One block when the product is a vector or too small to repay a hand-off.
 */
export function rowBlocks(m: number, n: number, k: number, threads: number): [number, number][] {
  if (m < 2 * ROW_ALIGN || n <= 1 || m * n * k < MIN_SPLIT_MACS) return [[0, m]];
  // A lone row past the last multiple of 64 joins the block before it rather than start its own.
  const groups = Math.ceil((m % ROW_ALIGN === 1 ? m - 1 : m) / ROW_ALIGN);
  const count = Math.min(threads, groups);
  const blocks: [number, number][] = [];
  let row = 0;
  for (let t = 0; t < count; t++) {
    const end = t === count - 1 ? m : Math.round(((t + 1) * groups) / count) * ROW_ALIGN;
    blocks.push([row, end - row]);
    row = end;
  }
  return blocks;
}

/** The fall-back: the engine's own module, one thread. */
function singleThread(): ParallelGemm {
  return {
    threads: 1,
    parallel: false,
    heap: engine.heap,
    f32View: engine.f32View,
    gemm(c, a, b, m, n, k, transA, transB, accumulate) {
      engine.kernels.gemm(c, a, b, m, n, k, transA, transB, accumulate, engine.gemmWorkspace());
    },
    async close() {},
  };
}
