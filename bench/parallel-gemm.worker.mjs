// One GEMM worker thread of bench/parallel-gemm.ts. It instantiates the shared-memory
// module over the memory the main thread created, then sleeps on its control slot: each time the
// main thread bumps the slot's generation it runs the row block written there and reports done.
// Plain JavaScript so Node can start it without a TypeScript loader. Slot layout: see SLOT in
// parallel-gemm.ts (the two files must agree).
import { parentPort, workerData } from "node:worker_threads";

const { module, memory, slot } = workerData;
const { exports: k } = new WebAssembly.Instance(module, {
  env: {
    memory,
    abort() {
      throw new Error("descent-shared.wasm aborted");
    },
    seed: () => 0,
  },
});
// The slot sits in the first pages, so this view stays valid when the memory grows.
const ctl = new Int32Array(memory.buffer, slot, 16);
parentPort.postMessage("ready");

let seen = 0;
for (;;) {
  Atomics.wait(ctl, 0, seen);
  seen = Atomics.load(ctl, 0);
  if (seen < 0) break; // close()
  try {
    let a = ctl[4];
    // op(A) = Aᵀ: this block's rows are columns of A, strided; gather them contiguously first.
    if (ctl[13] !== 0) {
      k.copy2d(ctl[15], ctl[6], ctl[13], ctl[14], ctl[8], ctl[6], 0);
      a = ctl[15];
    }
    k.gemm(ctl[3], a, ctl[5], ctl[6], ctl[7], ctl[8], ctl[9], ctl[10], ctl[11], ctl[12]);
    ctl[2] = 0;
  } catch {
    ctl[2] = 1;
  }
  Atomics.store(ctl, 1, seen);
  Atomics.notify(ctl, 1);
}
