/**
 * The program of threads.test.ts's pages, bundled there with the engine: in a page it publishes its
 * checks on window.descentThreads, and started as a module worker it runs them when asked and posts
 * the report back. A check computes something on 1 thread and on 2 from the same inputs and counts
 * the values whose bits differ: the engine promises none.
 */
import {
  Activation,
  adam,
  crossEntropy,
  freeState,
  Linear,
  matmul,
  Model,
  Random,
  randn,
  scoped,
  Sequential,
  setThreads,
  tensor,
  threadCount,
  threadsUnavailable,
  viewOf,
} from "../../src/index.ts";

export interface Comparison {
  what: string;
  values: number;
  /** Values whose bits differ between 1 thread and 2. */
  differing: number;
  firstDiffering: number | null;
  /** The threads the engine said it ran on, for the 1-thread run and the 2-thread one. */
  threads: [number, number];
}

export interface Report {
  where: "page" | "worker";
  crossOriginIsolated: boolean;
  comparisons: Comparison[];
}

export interface Refusal {
  unavailable: string | null;
  /** setThreads(2)'s rejection, or null if it resolved. */
  error: { name: string; message: string } | null;
  threadsAfter: number;
}

/**
 * [m, n, k, transA] of op(A)·B: the first layer's product at batch 64, its weight gradient (Aᵀ·G,
 * the backward pass's shape), and a classifier head at batch 256 (just over the size that splits).
 */
const PRODUCTS: [number, number, number, boolean][] = [
  [64, 500, 784, false],
  [784, 500, 64, true],
  [256, 10, 500, false],
];
const TRAIN_STEPS = 5;

function product(m: number, n: number, k: number, transA: boolean): Float32Array {
  return scoped(() => {
    const a = randn(transA ? [k, m] : [m, k], new Random(m + n + k));
    const b = randn([k, n], new Random(7));
    return matmul(a, b, { transA }).toArray();
  });
}

/**
 * A 784-128-10 ReLU MLP, Adam, a few steps on one random batch of 64: every product of a training
 * step splits (6.4 million multiply-adds and more), and so does Adam's pass (101,770 parameters).
 * Returns the losses, then the parameters after the last step.
 */
function train(): Float32Array {
  const rng = new Random(3);
  const x = tensor(
    Float32Array.from({ length: 64 * 784 }, () => rng.uniform()),
    [64, 784],
  );
  const labels = Int32Array.from({ length: 64 }, () => rng.int(10));
  const model = new Model(new Sequential([new Linear(784, 128), new Activation("relu"), new Linear(128, 10)]), {
    seed: 5,
  });
  const opt = adam({ lr: 1e-3 });
  const state = opt.init(model.parameters.values.length);
  try {
    const losses: number[] = [];
    for (let step = 0; step < TRAIN_STEPS; step++) {
      losses.push(model.lossAndGrad(x, labels, crossEntropy));
      opt.update(model.parameters.values, model.parameters.grads, state);
    }
    const { ptr, length } = model.parameters.values;
    const out = new Float32Array(TRAIN_STEPS + length);
    out.set(losses);
    out.set(viewOf(ptr, [length]).toArray(), TRAIN_STEPS);
    return out;
  } finally {
    freeState(state);
    model.free();
    x.free();
  }
}

async function compare(what: string, compute: () => Float32Array): Promise<Comparison> {
  await setThreads(1);
  const one = compute();
  const threadsOne = threadCount();
  await setThreads(2);
  const two = compute();
  const threads: [number, number] = [threadsOne, threadCount()];
  await setThreads(1);
  const a = new Uint32Array(one.buffer, one.byteOffset, one.length);
  const b = new Uint32Array(two.buffer, two.byteOffset, two.length);
  let differing = Math.abs(a.length - b.length),
    firstDiffering: number | null = null;
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i] === b[i]) continue;
    differing++;
    firstDiffering ??= i;
  }
  return { what, values: one.length, differing, firstDiffering, threads };
}

export async function checkThreads(where: Report["where"]): Promise<Report> {
  const comparisons: Comparison[] = [];
  for (const [m, n, k, transA] of PRODUCTS)
    comparisons.push(await compare(`${m}×${n}×${k}${transA ? " transA" : ""}`, () => product(m, n, k, transA)));
  comparisons.push(await compare(`MLP 784-128-10, Adam, ${TRAIN_STEPS} steps`, train));
  return { where, crossOriginIsolated: globalThis.crossOriginIsolated, comparisons };
}

/** Where threads cannot run: what threadsUnavailable says, and how setThreads(2) fails. */
export async function checkRefusal(): Promise<Refusal> {
  let error: Refusal["error"] = null;
  try {
    await setThreads(2);
  } catch (e) {
    error = { name: (e as Error).name, message: (e as Error).message };
  }
  return { unavailable: threadsUnavailable(), error, threadsAfter: threadCount() };
}

/** The same checks in a module worker started from this very script. */
function checkThreadsInWorker(): Promise<Report> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(import.meta.url, { type: "module" });
    worker.onmessage = (event: MessageEvent<Report | { error: string }>) => {
      worker.terminate();
      if ("error" in event.data) reject(new Error(event.data.error));
      else resolve(event.data);
    };
    worker.onerror = (event) => reject(new Error(event.message || "the worker failed"));
  });
}

export interface DescentThreads {
  checkThreads: () => Promise<Report>;
  checkThreadsInWorker: typeof checkThreadsInWorker;
  checkRefusal: typeof checkRefusal;
}

if (typeof window === "object") {
  (window as unknown as { descentThreads: DescentThreads }).descentThreads = {
    checkThreads: () => checkThreads("page"),
    checkThreadsInWorker,
    checkRefusal,
  };
} else {
  checkThreads("worker").then(
    (report) => postMessage(report),
    (error: unknown) => postMessage({ error: String(error) }),
  );
}
