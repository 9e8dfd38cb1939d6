// The benchmark build (assembly/bench.ts): the yardsticks the benchmarks divide by (register-resident
// ceiling loops, a plain memory copy), kept out of the engine's module so the production .wasm
// carries none of them. An instance and a memory of its own, read from build/ (Node only); the
// relaxed-SIMD form where the runtime compiles it, so maddCeiling is the fused rate there.
import { readFileSync } from "node:fs";
import { relaxedSimdSupported, type EngineBuild } from "../src/wasm/probe.ts";

export interface BenchExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  /** 12 register-resident chains of one f32x4 mul and one add per iteration. Returns a checksum. */
  fmaCeiling(iterations: number): number;
  /** 12 accumulators x ← x + s·t, one f32x4.relaxed_madd each per iteration (relaxed build only; plain: adds). */
  maddCeiling(iterations: number): number;
  /** 8 chains of one f32x4 sqrt and one div per iteration: the divider's rate. Returns a checksum. */
  sqrtDivCeiling(iterations: number): number;
  /** dst[0..n) = src[0..n), bytes (memory.copy; the regions may overlap). */
  copyBytes(dst: number, src: number, n: number): void;
}

/** Which form of the benchmark build is loaded. */
export const benchBuild: EngineBuild = relaxedSimdSupported() ? "relaxed" : "plain";

const file = new URL(
  `../build/${benchBuild === "relaxed" ? "descent-bench-relaxed.wasm" : "descent-bench.wasm"}`,
  import.meta.url,
);
const env = {
  abort() {
    throw new Error(`${file.pathname} aborted`);
  },
  seed: () => 0,
};
export const bench = new WebAssembly.Instance(new WebAssembly.Module(readFileSync(file)), { env })
  .exports as unknown as BenchExports;

let prepared = -1;
/**
 * Two 64-aligned buffers of `bytes` bytes each in the benchmark build's memory, [dst, src], src
 * filled with non-zero bytes (untouched pages could read as the OS's shared zero page). The same
 * space serves every call; it is prepared again only when the size changes, so a timed loop may
 * call this on every pass.
 */
export function copyBuffers(bytes: number): [number, number] {
  const base = (bench.heapBase() + 63) & ~63;
  const stride = (bytes + 63) & ~63;
  if (bytes !== prepared) {
    const short = base + 2 * stride - bench.memory.buffer.byteLength;
    if (short > 0) bench.memory.grow(Math.ceil(short / 65536));
    new Uint8Array(bench.memory.buffer, base + stride, bytes).fill(7);
    prepared = bytes;
  }
  return [base, base + stride];
}
