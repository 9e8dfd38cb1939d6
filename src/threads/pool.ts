/**
 * A pool of worker threads running the engine's kernels on the engine's own (shared) memory, so a
 * kernel call can be split into parts, one per thread, with no operand copied anywhere.
 *
 * The threads meet through Atomics on a control block (a SharedArrayBuffer of its own), not
 * through messages: a postMessage round trip costs more than splitting a training step's GEMM
 * saves. Each worker owns one slot: i32 [0] generation (main → worker; −1 = quit), [1] the
 * generation it last finished, [2] the kernel's index, [3] an error flag, [4] the claim (−g: the
 * part of generation g is offered; g: its worker took it; 0: the main thread took it back); f64 at
 * byte 32 the time (performance.timeOrigin + now(), ms) the worker finished; from byte 40 up to 16
 * arguments (a pointer, a count and an f32 scalar each survive the trip through f64 exactly, so a
 * worker's call is the very call the main thread would make).
 *
 * A part is claimed by compare-and-swap, so a worker that has not started its part when the main
 * thread finishes its own (its core taken by another process, or asleep) loses it: the main thread
 * runs it instead of waiting. On a machine with more runnable threads than cores that keeps a split
 * call from ever costing much more than one thread would.
 */
import { kernels, type SharedEngine } from "../wasm/module.ts";
import type { Exports } from "../wasm/abi.ts";
import { WORKER_SOURCE } from "./worker-source.ts";
import { spawnWorker, type SpawnedWorker } from "./spawn.ts";

const SLOT_BYTES = 256; // two cache lines a slot, so two threads never write the same line
const MAX_ARGS = 16;
/**
 * How long a worker polls its slot after a job before it sleeps: longer than the gaps between
 * the products of a training step, so a worker is awake when the next one comes.
 */
const SPIN_MS = 2;
/** Polls of a finished-flag before the main thread sleeps on it (where it may). */
const SPINS = 100000;

type Kernel = (...args: number[]) => unknown;
/** The exports a pool can run: the kernels, not the memory. */
export type KernelName = { [K in keyof Exports]: Exports[K] extends Kernel ? K : never }[keyof Exports];

/** A clock every thread reads alike (each has its own performance.now() origin). */
const now = () => performance.timeOrigin + performance.now();

/** Whether this thread may block in Atomics.wait (a browser page's main thread may not). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  private readonly index = new Map<string, number>();
  private readonly states: Int32Array[];
  private readonly args: Float64Array[];
  private readonly finished: Float64Array[];
  /**
   * Milliseconds from the start of the last run until each thread finished its part (the calling
   * thread's first); Infinity for a part the calling thread took back from a late worker.
   */
  readonly lastTimes: number[] = [];
  private generation = 0;
  private readonly blocking = canBlock();

  private constructor(
    private readonly workers: SpawnedWorker[],
    control: SharedArrayBuffer,
    names: string[],
  ) {
    names.forEach((name, i) => this.index.set(name, i));
    this.states = workers.map((_, slot) => new Int32Array(control, slot * SLOT_BYTES, 8));
    this.finished = workers.map((_, slot) => new Float64Array(control, slot * SLOT_BYTES + 32, 1));
    this.args = workers.map((_, slot) => new Float64Array(control, slot * SLOT_BYTES + 40, MAX_ARGS));
  }

  /**
   * Starts `workers` worker threads beside the calling one, each with the engine's kernels on its
   * memory and scratch[t] as its kernels' scratch (kernels.scratchBytes() bytes each).
   */
  static async start(engine: SharedEngine, workers: number, scratch: readonly number[]): Promise<ThreadPool> {
    const names = Object.keys(kernels).filter((name) => typeof kernels[name as keyof Exports] === "function");
    const control = new SharedArrayBuffer(workers * SLOT_BYTES);
    const started: SpawnedWorker[] = [];
    try {
      for (let slot = 0; slot < workers; slot++) {
        const worker = spawnWorker(WORKER_SOURCE);
        started.push(worker);
        const reply = worker.firstMessage();
        worker.postMessage({
          ...engine,
          scratch: scratch[slot],
          control,
          slot,
          slotBytes: SLOT_BYTES,
          maxArgs: MAX_ARGS,
          names,
          spinMs: SPIN_MS,
        });
        const message = (await reply) as { ready?: boolean; error?: string };
        if (message.ready !== true) throw new Error(message.error ?? "it sent no ready message");
      }
    } catch (error) {
      await Promise.all(started.map((w) => w.terminate()));
      const reason = error instanceof Error ? error.message : String(error);
      throw new Error(`threads: a worker thread failed to start: ${reason}`);
    }
    return new ThreadPool(started, control, names);
  }

  /** Threads a call can be split over: the workers and the calling thread. */
  get size(): number {
    return this.workers.length + 1;
  }

  /**
   * Calls `kernel` once per part, in parallel: parts[0] on the calling thread, parts[t] on worker
   * t − 1; returns when all are done. The parts must write disjoint memory.
   */
  run(kernel: KernelName, parts: readonly (readonly number[])[]): void {
    const index = this.index.get(kernel);
    if (index === undefined) throw new Error(`threads: no kernel named ${kernel}`);
    if (parts.length > this.size) throw new RangeError(`threads: ${parts.length} parts for ${this.size} threads`);
    const generation = ++this.generation;
    const began = now();
    for (let t = 1; t < parts.length; t++) {
      const state = this.states[t - 1];
      this.args[t - 1].set(parts[t]);
      state[2] = index;
      state[4] = -generation;
      Atomics.store(state, 0, generation);
      Atomics.notify(state, 0);
    }
    const call: Kernel = kernels[kernel];
    call(...parts[0]);
    this.lastTimes[0] = now() - began;
    let failed = 0;
    for (let t = 1; t < parts.length; t++) {
      const state = this.states[t - 1];
      if (Atomics.compareExchange(state, 4, -generation, 0) === -generation) {
        call(...parts[t]); // taken back: its worker had not started it
        this.lastTimes[t] = Infinity;
        continue;
      }
      let done = Atomics.load(state, 1);
      for (let i = 0; done !== generation && i < SPINS; i++) done = Atomics.load(state, 1);
      while (done !== generation) {
        if (this.blocking) Atomics.wait(state, 1, done);
        done = Atomics.load(state, 1);
      }
      if (state[3] !== 0) failed = t;
      this.lastTimes[t] = this.finished[t - 1][0] - began;
    }
    if (failed !== 0) throw new Error(`threads: kernel ${kernel} failed on worker thread ${failed}`);
  }

  /** Stops the workers; the pool must not be used after. */
  async close(): Promise<void> {
    for (const state of this.states) {
      Atomics.store(state, 0, -1);
      Atomics.notify(state, 0);
    }
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
