/**
 * Starting a worker from source text, with whatever the runtime has: Node's worker_threads (looked
 * up at run time through process.getBuiltinModule, Node ≥ 20.16, so the core imports nothing of
 * Node's), or the Web Worker of browsers, Deno and Bun (a module worker from a Blob URL).
 */

/** The little of a worker the pool uses, alike in both runtimes. */
export interface SpawnedWorker {
  postMessage(message: unknown): void;
  /** Resolves with the worker's first message; rejects if it fails or exits first. */
  firstMessage(): Promise<unknown>;
  terminate(): Promise<void>;
}

interface NodeWorker {
  postMessage(message: unknown): void;
  once(event: string, listener: (value: unknown) => void): void;
  unref(): void;
  terminate(): Promise<number>;
}
type NodeWorkerClass = new (source: string, options: { eval: true }) => NodeWorker;
type GetBuiltin = (id: string) => { Worker: NodeWorkerClass } | undefined;

/** Why workers cannot be started here, or null when they can. */
export function workersUnavailable(): string | null {
  if (nodeWorkerClass() !== null || typeof globalThis.Worker === "function") return null;
  const process = (globalThis as { process?: { versions?: { node?: string } } }).process;
  if (process?.versions?.node !== undefined)
    return `Node ${process.versions.node} lacks process.getBuiltinModule (Node 20.16 or later has it)`;
  return "this runtime has no Worker";
}

function nodeWorkerClass(): NodeWorkerClass | null {
  const process = (globalThis as { process?: { getBuiltinModule?: GetBuiltin } }).process;
  if (typeof process?.getBuiltinModule !== "function") return null;
  return process.getBuiltinModule("node:worker_threads")?.Worker ?? null;
}

export function spawnWorker(source: string): SpawnedWorker {
  const NodeWorker = nodeWorkerClass();
  if (NodeWorker !== null) {
    const worker = new NodeWorker(source, { eval: true });
    worker.unref(); // an idle pool must not keep the process alive
    return {
      postMessage: (message) => worker.postMessage(message),
      firstMessage: () =>
        new Promise((resolve, reject) => {
          worker.once("message", resolve);
          worker.once("error", reject);
          worker.once("exit", (code) => reject(new Error(`the worker exited with code ${String(code)}`)));
        }),
      terminate: async () => {
        await worker.terminate();
      },
    };
  }
  const url = URL.createObjectURL(new Blob([source], { type: "text/javascript" }));
  const worker = new Worker(url, { type: "module", name: "descent-thread" });
  return {
    postMessage: (message) => worker.postMessage(message),
    // The URL is let go once the worker has loaded (or failed to): not before, as loading is asynchronous.
    firstMessage: () =>
      new Promise<unknown>((resolve, reject) => {
        worker.addEventListener("message", (event) => resolve(event.data), { once: true });
        worker.addEventListener("error", (event) => reject(new Error(event.message || "the worker failed to start")), {
          once: true,
        });
      }).finally(() => URL.revokeObjectURL(url)),
    terminate: () => {
      worker.terminate();
      return Promise.resolve();
    },
  };
}
