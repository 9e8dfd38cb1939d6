// Runs the bundled trajectory in a worker_threads worker and on the main thread, and prints both.
import { Worker, isMainThread, parentPort } from "node:worker_threads";
import { trajectory } from "./adam-only.bundle.mjs";

if (isMainThread) {
  const worker = new Worker(new URL(import.meta.url));
  const fromWorker = await new Promise((resolve, reject) => { worker.once("message", resolve); worker.once("error", reject); });
  await worker.terminate();
  console.log(JSON.stringify({ main: trajectory(), worker: fromWorker }));
} else {
  parentPort.postMessage(trajectory());
}
