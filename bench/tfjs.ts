// TensorFlow.js (wasm backend, XNNPACK, one thread) as the peer for matrix products.
// Loaded lazily so every other suite runs even where TF.js cannot.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { measure, type TimeOptions, type Timing } from "./lib.ts";

// The slice of the TF.js API used here. The packages are imported by a computed name so that
// type-checking never loads their declarations: tfjs-backend-wasm pulls in @types/emscripten,
// whose WebAssembly declarations clash with the DOM ones src/wasm/module.ts relies on.
interface Tensor { dataSync(): Float32Array; dispose(): void }
interface Tf {
  version_core: string;
  tensor2d(values: Float32Array, shape: [number, number]): Tensor;
  matMul(a: Tensor, b: Tensor, transposeA: boolean, transposeB: boolean): Tensor;
  transpose(x: Tensor): Tensor;
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
}
interface TfWasm { setWasmPaths(prefix: string): void; setThreadsCount(n: number): void; getThreadsCount(): number }
export interface Peer { tf: Tf; backend: string; threads: number }

const importByName = (name: string): Promise<unknown> => import(name);

let loaded: Promise<Peer> | null = null;

/** The TF.js wasm backend on one thread; rejects with the reason if it cannot start here. */
export function loadTfjs(): Promise<Peer> {
  loaded ??= (async () => {
    const tf = (await importByName("@tensorflow/tfjs-core")) as Tf;
    const wasm = (await importByName("@tensorflow/tfjs-backend-wasm")) as TfWasm;
    // In Node the backend must be told where its .wasm files are: the package's dist/ folder.
    const require = createRequire(import.meta.url);
    const dist = join(dirname(require.resolve("@tensorflow/tfjs-backend-wasm/package.json")), "dist") + "/";
    wasm.setWasmPaths(dist);
    wasm.setThreadsCount(1);
    if (!(await tf.setBackend("wasm"))) throw new Error("tf.setBackend('wasm') returned false");
    await tf.ready();
    return { tf, backend: tf.getBackend(), threads: wasm.getThreadsCount() };
  })();
  return loaded;
}

/**
 * Times tf.matMul on operands stored as our gemm would read them (A is k×m when transA, B is
 * n×k when transB), forcing completion with dataSync(). That copies C out of the backend's
 * memory, a cost our kernel does not pay: under 1% of the time for every shape measured here.
 * With `materialize`, the transposes are done by tf.transpose first (timed too) and the product
 * is a plain matMul: TF.js's wasm kernel is far slower with its transpose flags than without.
 */
export function timeTfMatMul(peer: Peer, a: Float32Array, b: Float32Array, m: number, n: number, k: number,
  transA: boolean, transB: boolean, materialize: boolean, options: TimeOptions): Timing {
  const { tf } = peer;
  const ta = tf.tensor2d(a, transA ? [k, m] : [m, k]);
  const tb = tf.tensor2d(b, transB ? [n, k] : [k, n]);
  try {
    return measure(() => {
      let c: Tensor;
      if (materialize) {
        const x = transA ? tf.transpose(ta) : ta, y = transB ? tf.transpose(tb) : tb;
        c = tf.matMul(x, y, false, false);
        if (x !== ta) x.dispose();
        if (y !== tb) y.dispose();
      } else {
        c = tf.matMul(ta, tb, transA, transB);
      }
      c.dataSync();
      c.dispose();
    }, options);
  } finally {
    ta.dispose();
    tb.dispose();
  }
}
