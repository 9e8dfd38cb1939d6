/**
 * The engine's single WASM instance and its memory. Instantiated once, at import, from bytes
 * inlined into the bundle, so it needs no file system, no fetch and no bundler support.
 */
import { wasmBase64 } from "./binary.generated.ts";
import { Allocator } from "./allocator.ts";
import type { Exports } from "./abi.ts";

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const { instance } = (await WebAssembly.instantiate(decodeBase64(wasmBase64) as BufferSource, {
  env: {
    abort(_msg: number, _file: number, line: number, column: number) {
      throw new Error(`descent.wasm aborted at line ${line}:${column}`);
    },
    seed: () => 0,
  },
})) as WebAssembly.WebAssemblyInstantiatedSource;

/** The raw kernels. Callers validate shapes first: a kernel never checks. */
export const kernels = instance.exports as unknown as Exports;

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
