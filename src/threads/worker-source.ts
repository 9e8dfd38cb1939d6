/**
 * The program every pool worker runs, as source text: a worker started from text needs no file,
 * no URL and no bundler support, in Node (worker_threads, eval) and in browsers (a module worker
 * from a Blob) alike. It is plain JavaScript that both accept.
 *
 * The worker receives the engine's compiled shared build and its shared memory, instantiates its
 * own copy of the kernels over that memory, and then sleeps on its slot of the control block:
 * each time the main thread bumps the slot's generation, it claims the part, calls the kernel
 * named there with the arguments written there, and reports done (with the time it finished). It never allocates: the main thread plans all memory,
 * its kernel scratch included.
 * Slot layout: see pool.ts (SLOT_*), which must agree.
 */
export const WORKER_SOURCE = `
const nodePort =
  typeof process === "object" && typeof process.getBuiltinModule === "function"
    ? process.getBuiltinModule("node:worker_threads").parentPort
    : null;
const post = (message) => (nodePort ? nodePort.postMessage(message) : self.postMessage(message));
const start = ({ module, memory, scratch, control, slot, slotBytes, maxArgs, names, spinMs }) => {
  let kernels;
  try {
    if (!(scratch > 0)) throw new Error("no scratch bytes were given to the worker");
    const instance = new WebAssembly.Instance(module, {
      env: {
        memory,
        abort(_m, _f, line, column) { throw new Error("descent.wasm aborted at line " + line + ":" + column); },
        seed: () => 0,
      },
    });
    // Kernels keep constants and tails in scratch bytes; this thread's are its own.
    instance.exports.setScratch(scratch);
    kernels = names.map((name) => instance.exports[name]);
  } catch (error) {
    post({ error: String(error) });
    return;
  }
  const state = new Int32Array(control, slot * slotBytes, 8);
  const finished = new Float64Array(control, slot * slotBytes + 32, 1);
  const a = new Float64Array(control, slot * slotBytes + 40, maxArgs);
  post({ ready: true });
  let seen = 0;
  for (;;) {
    // Spin a while before sleeping: a training step hands work over every few hundred
    // microseconds, and waking from Atomics.wait costs tens to hundreds of them.
    let generation = Atomics.load(state, 0);
    for (let since = performance.now(); generation === seen; ) {
      for (let i = 0; generation === seen && i < 1000; i++) generation = Atomics.load(state, 0);
      if (performance.now() - since > spinMs) break;
    }
    while (generation === seen) {
      Atomics.wait(state, 0, seen);
      generation = Atomics.load(state, 0);
    }
    seen = generation;
    if (seen < 0) break;
    // Claim the part, unless the main thread, done with its own first, has taken it back.
    if (Atomics.compareExchange(state, 4, -seen, seen) !== -seen) continue;
    try {
      kernels[state[2]](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10], a[11], a[12], a[13], a[14], a[15]);
      state[3] = 0;
    } catch {
      state[3] = 1;
    }
    finished[0] = performance.timeOrigin + performance.now();
    Atomics.store(state, 1, seen);
    Atomics.notify(state, 1);
  }
};
if (nodePort) nodePort.once("message", start);
else self.onmessage = (event) => { self.onmessage = null; start(event.data); };
`;
