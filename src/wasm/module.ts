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

/** The bytes of one build's shared-memory twin (the same kernels over an imported shared memory). */
async function sharedBuildBytes(build: EngineBuild): Promise<Uint8Array<ArrayBuffer>> {
  const { wasmBase64 } =
    build === "relaxed"
      ? await import("./binary-relaxed-shared.generated.ts")
      : await import("./binary-shared.generated.ts");
  return decodeBase64(wasmBase64);
}

const engineImports = (build: string) => ({
  abort(_msg: number, _file: number, line: number, column: number) {
    throw new Error(`descent.wasm (${build}) aborted at line ${line}:${column}`);
  },
  seed: () => 0,
});

/**
 * A fresh instance of one build, with its own memory: for tests and benchmarks that compare the
 * builds side by side. The engine itself uses `kernels`, instantiated once.
 */
export async function instantiateBuild(build: EngineBuild): Promise<Exports> {
  const { instance } = await WebAssembly.instantiate(await buildBytes(build), { env: engineImports(build) });
  return instance.exports as unknown as Exports;
}

const loadedBuild = chooseBuild(requestedBuild(), relaxedSimdSupported());

/** Which build of the module the engine runs on. */
export function engineBuild(): EngineBuild {
  return loadedBuild;
}

/**
 * The raw kernels. Callers validate shapes first: a kernel never checks. Call them through this
 * object (`kernels.gemm(...)`), never keep one: when threads are first asked for, the engine moves
 * to a shared memory (shareMemory) and this object's members are replaced.
 */
export const kernels: Exports = { ...(await instantiateBuild(loadedBuild)) };

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

const PAGE_BYTES = 65536;
/** Pages of the shared memory's ceiling (wasm32's whole range); asconfig.json's shared targets declare the same. */
const SHARED_MAX_PAGES = MAX_MEMORY_BYTES / PAGE_BYTES;

/** What a worker needs to run the engine's kernels on the engine's own memory. */
export interface SharedEngine {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
}
let shared: SharedEngine | null = null;

/**
 * Moves the engine onto a shared WebAssembly memory, once: the shared-memory twin of the loaded
 * build is instantiated over a new shared memory, everything the engine holds is copied across at
 * the same addresses (so every tensor, parameter and optimizer state stays valid), and `kernels`
 * switches to the new instance. Afterwards the memory can be handed to workers (src/threads/).
 * The copy and the switch happen in one synchronous stretch, after the last await, so nothing
 * written meanwhile is lost. Throws, changing nothing, where shared memory is unavailable.
 */
export async function shareMemory(): Promise<SharedEngine> {
  if (shared !== null) return shared;
  const module = await WebAssembly.compile(await sharedBuildBytes(loadedBuild));
  // initial: the 2 pages asconfig.json declares; grown to the old memory's size below.
  let memory: WebAssembly.Memory;
  try {
    memory = new WebAssembly.Memory({ initial: 2, maximum: SHARED_MAX_PAGES, shared: true });
  } catch (error) {
    // A shared memory reserves its whole maximum (4 GiB of address space) up front.
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`shareMemory: this runtime cannot make a shared WebAssembly memory of up to 4 GiB: ${reason}`);
  }
  const instance = await WebAssembly.instantiate(module, { env: { memory, ...engineImports(loadedBuild) } });
  if (shared !== null) return shared; // another call finished first
  const next = instance.exports as unknown as Exports;
  if (next.heapBase() !== kernels.heapBase())
    throw new Error(
      `shareMemory: the shared build's static data ends at ${next.heapBase()}, not ${kernels.heapBase()}`,
    );
  const old = kernels.memory.buffer;
  memory.grow(old.byteLength / PAGE_BYTES - memory.buffer.byteLength / PAGE_BYTES);
  new Uint8Array(memory.buffer).set(new Uint8Array(old));
  Object.assign(kernels, next, { memory });
  heap.moveTo(memory);
  shared = { module, memory };
  return shared;
}

/** Whether the engine runs on a shared memory (after shareMemory). */
export function memoryIsShared(): boolean {
  return shared !== null;
}

// Typed views are rebuilt whenever memory grows: a grown memory detaches the old buffer,
// so a cached view would read nothing (or garbage). Never keep the result across an allocation.
let buffer: ArrayBufferLike = kernels.memory.buffer;
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
