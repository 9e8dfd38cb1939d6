/**
 * What this runtime gives the engine, for an embedder to log and a benchmark to record. Features
 * are probed by asking WebAssembly.validate about a tiny module that uses them (the engine's own
 * module is already loaded, so this costs three validations, no instantiation; the relaxed-SIMD
 * probe is the one that picks the engine's build, probe.ts); nothing is cached,
 * so a call reflects the memory in use now. One field is one line of `capabilities()`.
 */
import { engineBuild, heap, kernels, MAX_MEMORY_BYTES } from "./module.ts";
import { RELAXED_PROBE, relaxedSimdSupported, type EngineBuild } from "./probe.ts";

export interface Capabilities {
  /** Fixed-width (128-bit) SIMD: the engine's kernels need it, so where it is missing nothing loads. */
  simd: boolean;
  /** Relaxed SIMD (fused multiply-add and friends whose rounding may differ by CPU). */
  relaxedSimd: boolean;
  /** The engine module this runtime loaded: "relaxed" where relaxed SIMD validates (unless DESCENT_WASM_BUILD=plain), else "plain". */
  build: EngineBuild;
  /** SharedArrayBuffer is available: shared WebAssembly memory can be handed to workers. */
  sharedArrayBuffer: boolean;
  /** Shared memory and atomics both work: WebAssembly threads could run. */
  threads: boolean;
  /** In a browser, whether the page is cross-origin isolated (browsers give SharedArrayBuffer only then); null elsewhere. */
  crossOriginIsolated: boolean | null;
  /** The engine's WebAssembly memory in bytes: grown so far, the ceiling set by setMemoryLimit, and what wasm32 can address. */
  memory: { bytes: number; limit: number; maximum: number };
}

// Each probe is a whole module: a type section, one function, (a shared memory,) its body.
const HEADER = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
const RETURNS_V128 = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7b, 0x03, 0x02, 0x01, 0x00];
const RETURNS_I32 = [0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f, 0x03, 0x02, 0x01, 0x00];
/** (func (result v128) (i8x16.splat (i32.const 0))) */
const SIMD_PROBE = [...HEADER, ...RETURNS_V128, 0x0a, 0x08, 0x01, 0x06, 0x00, 0x41, 0x00, 0xfd, 0x0f, 0x0b];
/** (memory 1 1 shared) (func (result i32) (i32.atomic.load (i32.const 0))) */
const THREADS_PROBE = [
  ...HEADER,
  ...RETURNS_I32,
  0x05,
  0x04,
  0x01,
  0x03,
  0x01,
  0x01,
  0x0a,
  0x0a,
  0x01,
  0x08,
  0x00,
  0x41,
  0x00,
  0xfe,
  0x10,
  0x02,
  0x00,
  0x0b,
];

/** @internal The probe modules, exported for the tests. */
export const PROBES = { simd: SIMD_PROBE, relaxedSimd: RELAXED_PROBE, threads: THREADS_PROBE } as const;

function accepts(bytes: readonly number[]): boolean {
  return WebAssembly.validate(new Uint8Array(bytes));
}

export function capabilities(): Capabilities {
  const sharedArrayBuffer = typeof SharedArrayBuffer === "function";
  const isolated = (globalThis as { crossOriginIsolated?: unknown }).crossOriginIsolated;
  return {
    simd: accepts(SIMD_PROBE),
    relaxedSimd: relaxedSimdSupported(),
    build: engineBuild(),
    sharedArrayBuffer,
    threads: sharedArrayBuffer && accepts(THREADS_PROBE),
    crossOriginIsolated: typeof isolated === "boolean" ? isolated : null,
    memory: { bytes: kernels.memory.buffer.byteLength, limit: heap.limit, maximum: MAX_MEMORY_BYTES },
  };
}
