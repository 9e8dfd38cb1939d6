/**
 * --workers N: a pool of N worker threads, each loading the engine itself (its own WASM
 * instance and memory) and running one spec at a time. Aborting terminates the threads: a run
 * in flight is lost, the finished ones are already with the main thread.
 */
import { Worker } from "node:worker_threads";
import { existsSync } from "node:fs";
import type { RunSpec, StudyConfig } from "./study.ts";
import type { Execute } from "./runner.ts";

/** Where the worker module is: next to the bundle (build/cli/), or the last build when running from source. */
function workerUrl(): URL {
  const here = import.meta.url;
  const url = here.endsWith(".ts")
    ? new URL("../../build/cli/study-worker.mjs", here)
    : new URL("./study-worker.mjs", here);
  if (!existsSync(url)) throw new Error(`--workers needs the built worker ${url.pathname}; run \`npm run build:cli\``);
  return url;
}

export type WorkerRequest = { type: "run"; study: string; config: StudyConfig; spec: RunSpec };
export type WorkerReply =
  | { type: "progress"; fraction: number; status: string }
  | { type: "done"; result: unknown }
  | { type: "error"; message: string; name: string };

export interface Pool {
  execute: Execute;
  close(): Promise<void>;
}

export function workerPool(size: number, study: string, config: StudyConfig, signal?: AbortSignal): Pool {
  const url = workerUrl();
  const idle: Worker[] = [];
  const all = new Set<Worker>();
  const waiting: ((w: Worker) => void)[] = [];
  for (let i = 0; i < size; i++) {
    const w = new Worker(url);
    all.add(w);
    idle.push(w);
  }
  const acquire = () =>
    new Promise<Worker>((resolve) => {
      const w = idle.pop();
      if (w) resolve(w);
      else waiting.push(resolve);
    });
  const release = (w: Worker) => {
    const next = waiting.shift();
    if (next) next(w);
    else idle.push(w);
  };
  const abortError = () => new DOMException("interrupted", "AbortError");
  const onAbort = () => {
    for (const w of all) void w.terminate();
  };
  signal?.addEventListener("abort", onAbort, { once: true });

  const execute: Execute = async (spec, progress) => {
    if (signal?.aborted) throw abortError();
    const w = await acquire();
    try {
      return await new Promise<unknown>((resolve, reject) => {
        const onMessage = (m: WorkerReply) => {
          if (m.type === "progress") return progress(m.fraction, m.status);
          cleanup();
          if (m.type === "done") resolve(m.result);
          else reject(Object.assign(new Error(m.message), { name: m.name }));
        };
        const onError = (e: Error) => {
          cleanup();
          reject(e);
        };
        const onExit = () => {
          cleanup();
          reject(signal?.aborted ? abortError() : new Error(`the worker running '${spec.id}' exited`));
        };
        const cleanup = () => {
          w.off("message", onMessage);
          w.off("error", onError);
          w.off("exit", onExit);
        };
        w.on("message", onMessage);
        w.on("error", onError);
        w.on("exit", onExit);
        w.postMessage({ type: "run", study, config, spec } satisfies WorkerRequest);
      });
    } finally {
      if (!signal?.aborted) release(w);
    }
  };
  return {
    execute,
    async close() {
      signal?.removeEventListener("abort", onAbort);
      await Promise.all([...all].map((w) => w.terminate()));
    },
  };
}
