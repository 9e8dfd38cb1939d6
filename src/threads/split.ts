/**
 * Kernel calls split over the active threads (threads.ts), each part bit-identical to the same
 * part of the one-thread call; with one thread they are the plain kernel calls.
 *
 * A product is cut along the rows or the columns of C, whichever makes each thread pack less: a
 * thread packs its rows of op(A) (splatted, 4 floats an element) and its columns of op(B), so rows
 * cost k·n + 4·k·m/T and columns k·n/T + 4·k·m. Cuts fall on multiples of 8 (the micro-tile's
 * long side), so no thread gets a sliver.
 *
 * Whether a call is split, and how, is learnt per kind of call from the calls' own times
 * (tuning.ts): on a machine whose cores are shared with others (a neighbour's process, a virtual
 * machine's host) an even split waits on the slowest core, and an oversubscribed one may not pay
 * to split at all. Any split, or none, gives the same bits.
 */
import { gemmWorkspace, kernels } from "../wasm/module.ts";
import type { Exports } from "../wasm/abi.ts";
import type { KernelName, ThreadPool } from "./pool.ts";
import { activePool, workerWorkspace } from "./threads.ts";
import { kindOf } from "./tuning.ts";

/**
 * Below this many multiply-adds a product stays on one thread without asking (tuning.ts decides
 * above it): a hand-off to a worker and back costs a few microseconds when it spins and tens when
 * it sleeps, against ~20 ns a 1,000 MACs. A batch-64 output layer (64·10·500) is just above it,
 * and measured 20-35% faster split.
 */
const MIN_SPLIT_MACS = 1 << 18;
const ALIGN = 8;

/**
 * [start, count) ranges cutting `length` into one piece per weight, each in proportion to its
 * weight, on multiples of `align` (the last one takes the rest); a piece may be empty.
 */
export function ranges(length: number, weights: readonly number[], align: number): [number, number][] {
  const units = Math.ceil(length / align);
  const total = weights.reduce((sum, w) => sum + w, 0);
  const out: [number, number][] = [];
  let start = 0,
    before = 0;
  weights.forEach((w, t) => {
    before += w;
    const end = t === weights.length - 1 ? length : Math.min(length, Math.round((before / total) * units) * align);
    out.push([start, Math.max(0, end - start)]);
    start = Math.max(start, end);
  });
  return out;
}

/**
 * One call of a kind, as tuning.ts has learnt to make it: `single()` on this thread, or the parts
 * `cut(weights)` gives (one per thread, and the units of work in each) run on the pool; either
 * way its time is recorded, and a split call's parts' times too.
 */
function tuned(
  pool: ThreadPool,
  name: string,
  kernel: KernelName,
  single: () => void,
  cut: (weights: number[]) => { parts: number[][]; units: number[] },
): void {
  const kind = kindOf(name);
  const began = performance.now();
  if (!kind.split()) {
    single();
    kind.timed(false, performance.now() - began);
    return;
  }
  const { parts, units } = cut(kind.weights(pool.size));
  pool.run(kernel, parts);
  kind.timed(true, performance.now() - began);
  kind.learn(units, pool.lastTimes);
}

/** C (+)= op(A)·op(B): the gemm kernel's contract (flags as 0/1), over the active threads. */
export function gemm(
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
  const single = () => kernels.gemm(c, a, b, m, n, k, transA, transB, accumulate, gemmWorkspace());
  const pool = activePool();
  if (pool === null || m === 1 || n === 1 || m * n * k < MIN_SPLIT_MACS) {
    single();
    return;
  }
  const threads = pool.size;
  const byRows = k * n + (4 * k * m) / threads <= (k * n) / threads + 4 * k * m;
  tuned(pool, `gemm ${m} ${n} ${k} ${transA}${transB}`, "gemmBlock", single, (weights) => {
    const cuts = ranges(byRows ? m : n, weights, ALIGN);
    const parts = cuts.map(([start, count], t) => {
      const work = t === 0 ? gemmWorkspace() : workerWorkspace(t);
      const block = byRows ? [start, count, 0, n] : [0, m, start, count];
      return [c, a, b, m, n, k, transA, transB, accumulate, work, ...block];
    });
    return { parts, units: cuts.map(([, count]) => count) };
  });
}

/** Below this many elements an elementwise pass stays on one thread (≈ 10 µs of work at the least). */
const MIN_SPLIT_ELEMENTS = 1 << 16;
/** Parts start on multiples of 64 elements: whole cache lines, and the same SIMD/scalar split per element as one call. */
const ELEMENT_ALIGN = 64;

/**
 * The fused optimizer kernels (assembly/optim/), each over the active threads: the same signatures
 * as `kernels`, whose arguments are the state's pointers, then the count n, then scalars. Each
 * element is updated by itself, so a thread takes a range of them, bit-identical to one call.
 * The number is how many pointers come before n.
 */
const OPTIMIZER_POINTERS = {
  sgd: 2,
  sgdMomentum: 3,
  adagrad: 3,
  rmsprop: 3,
  rmspropCentered: 4,
  rmspropMomentum: 4,
  rmspropCenteredMomentum: 5,
  adadelta: 4,
  adam: 4,
  amsgrad: 5,
  adamax: 4,
  nadam: 4,
  lion: 3,
  tmsgd: 4,
  tmsgdMomentum: 5,
  scheduleFreeSgd: 4,
  scheduleFreeAdamw: 5,
} as const satisfies Partial<Record<KernelName, number>>;
type OptimizerKernel = keyof typeof OPTIMIZER_POINTERS;

/**
 * Runs an elementwise kernel over n elements, split into element ranges over the active threads:
 * partArgs(start, count) gives the kernel's arguments for elements [start, start + count).
 */
function elementwise(name: KernelName, n: number, partArgs: (start: number, count: number) => number[]): void {
  const call: (...a: number[]) => unknown = kernels[name];
  const single = () => call(...partArgs(0, n));
  const pool = activePool();
  if (pool === null || n < MIN_SPLIT_ELEMENTS) {
    single();
    return;
  }
  tuned(pool, `${name} ${n}`, name, single, (weights) => {
    const cuts = ranges(n, weights, ELEMENT_ALIGN);
    return {
      parts: cuts.map(([start, count]) => partArgs(start, count)),
      units: cuts.map(([, count]) => count),
    };
  });
}

function splitElementwise(name: OptimizerKernel, pointers: number): (...args: number[]) => void {
  return (...args) =>
    elementwise(name, args[pointers], (start, count) =>
      args.map((value, i) => (i < pointers ? value + start * 4 : i === pointers ? count : value)),
    );
}

/** dst[0..n) = src[0..n), f32s, not overlapping, over the active threads (a gradient into its region). */
export function copyFloats(dst: number, src: number, n: number): void {
  elementwise("copy2d", n, (start, count) => [dst + start * 4, count, src + start * 4, count, 1, count, 0]);
}

export const fused = Object.fromEntries(
  Object.entries(OPTIMIZER_POINTERS).map(([name, pointers]) => [
    name,
    splitElementwise(name as OptimizerKernel, pointers),
  ]),
) as unknown as Pick<Exports, OptimizerKernel>;
