/**
 * The worker thread of --workers: loads the engine and the studies itself, then runs the specs
 * the main thread sends, one at a time, posting progress and the JSON-able result back.
 */
import { parentPort } from "node:worker_threads";
import { findStudy } from "./registry.ts";
import type { WorkerReply, WorkerRequest } from "./pool.node.ts";

const port = parentPort;
if (!port) throw new Error("study worker: must run in a worker thread");

/** Runs one request; never rejects: a failure is posted back as an error reply. */
const handle = async (m: WorkerRequest): Promise<void> => {
  const post = (r: WorkerReply) => port.postMessage(r);
  try {
    const study = findStudy(m.study);
    const result = await study.run(m.spec, m.config, {
      progress: (fraction, status) => post({ type: "progress", fraction, status }),
    });
    post({ type: "done", result });
  } catch (e) {
    const err = e instanceof Error ? e : new Error(String(e));
    post({ type: "error", message: err.message, name: err.name });
  }
};

// Not awaited: the requests come one at a time, and handle() answers each by message, never by rejecting.
port.on("message", (m: WorkerRequest) => void handle(m));
