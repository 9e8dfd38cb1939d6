/**
 * How many threads the engine's kernels run on. One by default; `await setThreads(n)` moves the
 * engine onto a shared memory (once) and starts n − 1 worker threads, after which the large
 * products (and optimizer passes) split across them: see split.ts. Results are bit-identical to
 * one thread. Where threads cannot be had, asking for them throws and says why: there is no quiet
 * fall-back to one thread.
 */
import { heap, kernels, shareMemory } from "../wasm/module.ts";
import { ThreadPool } from "./pool.ts";
import { workersUnavailable } from "./spawn.ts";

let pool: ThreadPool | null = null;
let active = 1;
/** Each worker's GEMM packing workspace (the main thread's is gemmWorkspace()) and kernel scratch. */
const workspaces: number[] = [];
const scratches: number[] = [];

/** Why threads cannot run here, or null when they can. Browsers give shared memory only to cross-origin-isolated pages. */
export function threadsUnavailable(): string | null {
  const isolated = (globalThis as { crossOriginIsolated?: unknown }).crossOriginIsolated;
  if (isolated === false) {
    return "the page is not cross-origin isolated (crossOriginIsolated is false): serve it with the headers Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp";
  }
  if (typeof SharedArrayBuffer !== "function" || typeof Atomics !== "object")
    return "this runtime has no SharedArrayBuffer and Atomics";
  return workersUnavailable();
}

/** The cores this runtime reports (navigator.hardwareConcurrency, Node's os.availableParallelism), at least 1. */
export function availableCores(): number {
  const g = globalThis as {
    navigator?: { hardwareConcurrency?: number };
    process?: { getBuiltinModule?: (id: string) => { availableParallelism?: () => number } | undefined };
  };
  const cores = g.navigator?.hardwareConcurrency ?? g.process?.getBuiltinModule?.("node:os")?.availableParallelism?.();
  return typeof cores === "number" && cores >= 1 ? Math.floor(cores) : 1;
}

/**
 * Runs the engine's kernels on `threads` threads from now on (the caller's and threads − 1
 * workers). 1 goes back to the calling thread alone; its workers stay asleep, ready for the next
 * call. Throws a RangeError for a count that is not a whole number ≥ 1, and an Error naming the
 * reason where threads are unavailable (nothing changes then).
 */
export async function setThreads(threads: number): Promise<void> {
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`setThreads: threads must be a whole number ≥ 1, got ${threads}`);
  if (threads === 1) {
    active = 1;
    return;
  }
  const reason = threadsUnavailable();
  if (reason !== null) throw new Error(`setThreads(${threads}): threads are unavailable: ${reason}`);
  if (pool === null || pool.size < threads) {
    const engine = await shareMemory();
    while (scratches.length < threads - 1) scratches.push(heap.alloc(kernels.scratchBytes()));
    const next = await ThreadPool.start(engine, threads - 1, scratches);
    while (workspaces.length < threads - 1) workspaces.push(heap.alloc(kernels.gemmWorkBytes()));
    const old = pool;
    pool = next;
    if (old !== null) await old.close();
  }
  active = threads;
}

/** The threads the engine's kernels run on now. */
export function threadCount(): number {
  return active;
}

/** The pool when more than one thread is active, else null. */
export function activePool(): ThreadPool | null {
  return active > 1 ? pool : null;
}

/** The GEMM packing scratch of worker thread t ≥ 1. */
export function workerWorkspace(t: number): number {
  return workspaces[t - 1];
}

/** Stops every worker thread and goes back to one thread. The engine's memory stays shared. */
export async function stopThreads(): Promise<void> {
  const old = pool;
  pool = null;
  active = 1;
  if (old !== null) await old.close();
}
