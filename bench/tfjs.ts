// TensorFlow.js (wasm backend, XNNPACK, one thread) as the peer for matrix products.
// Loaded lazily so every other suite runs even where TF.js cannot.
import { createRequire } from "node:module";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { pathToFileURL } from "node:url";
import { measure, type TimeOptions, type Timing } from "./lib.ts";
import { paramsAndGrads } from "./params.ts";

// The slice of the TF.js API used here. The packages are imported by a computed name so that
// type-checking never loads their declarations: tfjs-backend-wasm pulls in @types/emscripten,
// whose WebAssembly declarations clash with the DOM ones src/wasm/module.ts relies on.
export interface Tensor {
  dataSync(): Float32Array;
  dispose(): void;
}
export interface Variable extends Tensor {
  readonly name: string;
  assign(t: Tensor): void;
}
export interface TfOptimizer {
  minimize(f: () => Tensor, returnCost: boolean, varList?: Variable[]): Tensor | null;
  applyGradients(grads: Record<string, Tensor>): void;
  dispose(): void;
}
export interface Tf {
  version_core: string;
  tensor(values: Float32Array | Int32Array, shape: number[], dtype?: "float32" | "int32"): Tensor;
  tensor2d(values: Float32Array, shape: [number, number]): Tensor;
  variable(initial: Tensor, trainable?: boolean, name?: string): Variable;
  matMul(a: Tensor, b: Tensor, transposeA?: boolean, transposeB?: boolean): Tensor;
  transpose(x: Tensor): Tensor;
  add(a: Tensor, b: Tensor): Tensor;
  relu(x: Tensor): Tensor;
  oneHot(indices: Tensor, depth: number): Tensor;
  losses: { softmaxCrossEntropy(onehotLabels: Tensor, logits: Tensor): Tensor };
  train: {
    sgd(lr: number): TfOptimizer;
    momentum(lr: number, momentum: number, useNesterov?: boolean): TfOptimizer;
    adagrad(lr: number, initialAccumulatorValue?: number): TfOptimizer;
    rmsprop(lr: number, decay?: number, momentum?: number, epsilon?: number, centered?: boolean): TfOptimizer;
    adadelta(lr?: number, rho?: number, epsilon?: number): TfOptimizer;
    adam(lr: number, beta1?: number, beta2?: number, epsilon?: number): TfOptimizer;
    adamax(lr: number, beta1?: number, beta2?: number, epsilon?: number, decay?: number): TfOptimizer;
  };
  memory(): { numTensors: number; numBytes: number };
  setBackend(name: string): Promise<boolean>;
  getBackend(): string;
  ready(): Promise<void>;
}
interface TfWasm {
  setWasmPaths(prefix: string): void;
  setThreadsCount(n: number): void;
  getThreadsCount(): number;
}
export interface Peer {
  tf: Tf;
  backend: string;
  threads: number;
}

const importByName = (name: string): Promise<unknown> => import(name);

let loaded: Promise<Peer> | null = null;

/**
 * tfjs-core's Node build has no gradient functions (the @tensorflow/tfjs union package registers
 * them), and its ES-module files cannot be imported by Node directly (directory imports). So the
 * registration module is bundled with esbuild (present with tsx) into a temporary file and
 * imported: TF.js keeps its engine and both registries on globalThis, so the functions land in
 * the engine the backend uses.
 */
async function registerGradients(): Promise<void> {
  const esbuild = (await importByName("esbuild")) as { build(o: object): Promise<unknown> };
  const require = createRequire(import.meta.url);
  const entry = join(
    dirname(require.resolve("@tensorflow/tfjs-core/package.json")),
    "dist",
    "register_all_gradients.js",
  );
  const dir = mkdtempSync(join(tmpdir(), "descent-bench-"));
  const outfile = join(dir, "tfjs-gradients.mjs");
  try {
    await esbuild.build({
      entryPoints: [entry],
      bundle: true,
      format: "esm",
      platform: "node",
      outfile,
      logLevel: "error",
    });
    await importByName(pathToFileURL(outfile).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The peer for a suite, or null when TF.js cannot load here; either way a note says which
 * (`how` describes what the suite times on the peer).
 */
export async function peerFor(notes: string[], how: string): Promise<Peer | null> {
  try {
    const peer = await loadTfjs();
    notes.push(`peer: TF.js ${peer.tf.version_core}, backend ${peer.backend}, ${peer.threads} thread(s)${how}`);
    return peer;
  } catch (e) {
    notes.push(`peer: TF.js unavailable (${(e as Error).message}); only our numbers are shown`);
    return null;
  }
}

/** The TF.js wasm backend on one thread; rejects with the reason if it cannot start here. */
export function loadTfjs(): Promise<Peer> {
  loaded ??= (async () => {
    const tf = (await importByName("@tensorflow/tfjs-core")) as Tf;
    await registerGradients();
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
export function timeTfMatMul(
  peer: Peer,
  a: Float32Array,
  b: Float32Array,
  m: number,
  n: number,
  k: number,
  transA: boolean,
  transB: boolean,
  materialize: boolean,
  options: TimeOptions,
): Timing {
  const { tf } = peer;
  const ta = tf.tensor2d(a, transA ? [k, m] : [m, k]);
  const tb = tf.tensor2d(b, transB ? [n, k] : [k, n]);
  try {
    return measure(() => {
      let c: Tensor;
      if (materialize) {
        const x = transA ? tf.transpose(ta) : ta,
          y = transB ? tf.transpose(tb) : tb;
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

/**
 * One optimizer step of TF.js to time: `applyGradients` on a single variable of n elements (w and
 * g from paramsAndGrads), already taken once. `tensorsAdded` counts
 * the tensors left behind since then. The wasm backend runs each kernel synchronously: when
 * applyGradients returns, the state is written.
 */
export function tfOptimizerStep(
  peer: Peer,
  n: number,
  make: (tf: Tf) => TfOptimizer,
): { step: () => void; tensorsAdded: () => number; dispose: () => void } {
  const { tf } = peer;
  const { w: wData, g: gData } = paramsAndGrads(n);
  const w = tf.variable(tf.tensor(wData, [n]));
  const g = tf.tensor(gData, [n]);
  const opt = make(tf);
  const step = () => opt.applyGradients({ [w.name]: g });
  step();
  const before = tf.memory().numTensors;
  return {
    step,
    tensorsAdded: () => tf.memory().numTensors - before,
    dispose: () => {
      w.dispose();
      g.dispose();
      opt.dispose();
    },
  };
}
