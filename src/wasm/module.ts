/**
 * The engine's single WASM instance and its memory. Instantiated once, at import, from bytes
 * inlined into the bundle, so it needs no file system, no fetch and no bundler support.
 *
 * Two builds of the same kernels exist (scripts/build-wasm.mjs): "plain" (SIMD) and "relaxed"
 * (SIMD plus relaxed SIMD's fused multiply-add, faster where the runtime has it: V8 11.4+, so
 * Chrome 114+, Node 21+; Node 20 behind --experimental-wasm-relaxed-simd). A module that uses
 * relaxed SIMD fails to compile where it is absent, so the choice is made before loading, by
 * validating a 37-byte module (probe.ts), and only the chosen build's bytes are imported.
 *
 * The choice can be forced, before the engine is first imported: set `globalThis.DESCENT_WASM_BUILD`
 * (any runtime), the URL query `?descent-wasm-build=` (pages and workers) or the environment
 * variable DESCENT_WASM_BUILD (Node) to "plain", "relaxed" or "auto" (the default). "plain" is the
 * deterministic choice: relaxed operations may round differently from one machine to another (by
 * design), plain ones give the same bits everywhere.
 * Forcing "relaxed" where it cannot run is an error, never a quiet fall-back.
 */
import { Allocator } from "./allocator.ts";
import type { Exports } from "./abi.ts";
import { chooseBuild, relaxedSimdSupported, type EngineBuild } from "./probe.ts";

export { chooseBuild, relaxedSimdSupported, type EngineBuild };

/**
 * The forced build, if any: globalThis.DESCENT_WASM_BUILD, else the page's or worker's URL query
 * `descent-wasm-build=...` (a page passes its query on to its workers), else Node's environment.
 */
function requestedBuild(): string | undefined {
  const global = globalThis as {
    DESCENT_WASM_BUILD?: unknown;
    location?: { search?: string };
    process?: { env?: Record<string, string | undefined> };
  };
  if (global.DESCENT_WASM_BUILD !== undefined) return String(global.DESCENT_WASM_BUILD);
  const fromUrl = new URLSearchParams(global.location?.search ?? "").get("descent-wasm-build");
  if (fromUrl !== null) return fromUrl;
  return global.process?.env?.DESCENT_WASM_BUILD;
}

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** The bytes of one build, imported only when asked for. */
async function buildBytes(build: EngineBuild): Promise<Uint8Array<ArrayBuffer>> {
  const { wasmBase64 } =
    build === "relaxed" ? await import("./binary-relaxed.generated.ts") : await import("./binary.generated.ts");
  return decodeBase64(wasmBase64);
}

/**
 * A fresh instance of one build, with its own memory: for tests and benchmarks that compare the
 * builds side by side. The engine itself uses `kernels`, instantiated once.
 */
export async function instantiateBuild(build: EngineBuild): Promise<Exports> {
  const { instance } = await WebAssembly.instantiate(await buildBytes(build), {
    env: {
      abort(_msg: number, _file: number, line: number, column: number) {
        throw new Error(`descent.wasm (${build}) aborted at line ${line}:${column}`);
      },
      seed: () => 0,
    },
  });
  return instance.exports as unknown as Exports;
}

const loadedBuild = chooseBuild(requestedBuild(), relaxedSimdSupported());

/** Which build of the module the engine runs on. */
export function engineBuild(): EngineBuild {
  return loadedBuild;
}

/** The raw kernels. Callers validate shapes first: a kernel never checks. */
export const kernels = await instantiateBuild(loadedBuild);

/** The planner of linear memory above the module's static data. */
export const heap = new Allocator(kernels.memory, kernels.heapBase());

/** The largest linear memory a wasm32 module can address: 65536 pages of 64 KiB. */
export const MAX_MEMORY_BYTES = 2 ** 32;

/**
 * Sets the ceiling on the engine's WASM memory, in bytes. An allocation that would reach past it
 * throws an OutOfMemoryError (bytes asked, bytes available) and changes nothing, so the caller can
 * retry smaller. Memory already handed out stays valid; the ceiling applies to what comes next.
 */
export function setMemoryLimit(bytes: number): void {
  if (!Number.isInteger(bytes) || bytes < 0 || bytes > MAX_MEMORY_BYTES) {
    throw new RangeError(`setMemoryLimit: expects a whole number of bytes in [0, ${MAX_MEMORY_BYTES}], got ${bytes}`);
  }
  heap.limit = bytes;
}

/** The current ceiling on WASM memory, in bytes. */
export function memoryLimit(): number {
  return heap.limit;
}

// Typed views are rebuilt whenever memory grows: a grown memory detaches the old buffer,
// so a cached view would read nothing (or garbage). Never keep the result across an allocation.
let buffer: ArrayBuffer = kernels.memory.buffer;
let f32all = new Float32Array(buffer);
let i32all = new Int32Array(buffer);
function refresh(): void {
  if (kernels.memory.buffer !== buffer) {
    buffer = kernels.memory.buffer;
    f32all = new Float32Array(buffer);
    i32all = new Int32Array(buffer);
  }
}

/** A live f32 view of n elements at ptr; valid until the next allocation. */
export function f32View(ptr: number, n: number): Float32Array {
  refresh();
  return f32all.subarray(ptr >>> 2, (ptr >>> 2) + n);
}

/** A live i32 view of n elements at ptr; valid until the next allocation. */
export function i32View(ptr: number, n: number): Int32Array {
  refresh();
  return i32all.subarray(ptr >>> 2, (ptr >>> 2) + n);
}

let gemmWork = 0;
/** The GEMM packing scratch, allocated once on first use and kept. */
export function gemmWorkspace(): number {
  if (gemmWork === 0) gemmWork = heap.alloc(kernels.gemmWorkBytes());
  return gemmWork;
}
