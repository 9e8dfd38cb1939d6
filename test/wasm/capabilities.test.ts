import binaryen from "binaryen";
import { describe, expect, it } from "vitest";
import { capabilities, PROBES } from "../../src/wasm/capabilities.ts";
import { kernels, setMemoryLimit, memoryLimit, MAX_MEMORY_BYTES } from "../../src/wasm/module.ts";

// binaryen (assemblyscript's compiler back end) decodes and validates a module under a chosen feature set.
const F = binaryen.Features;
function check(bytes: readonly number[], features: number): { valid: boolean; text: string } {
  const module = binaryen.readBinary(new Uint8Array(bytes));
  try {
    module.setFeatures(features);
    const log = console.log; // binaryen prints what it finds invalid: expected here, not wanted in the output
    console.log = () => {};
    try {
      return { valid: module.validate() === 1, text: module.emitText().replace(/\s+/g, " ") };
    } finally {
      console.log = log;
    }
  } finally {
    module.dispose();
  }
}

describe("capabilities()", () => {
  it("reports what Node gives the engine: SIMD, shared memory and atomics, no browser isolation", () => {
    const caps = capabilities();
    expect(caps.simd).toBe(true); // the engine loaded, so SIMD is there
    expect(caps.sharedArrayBuffer).toBe(true);
    expect(caps.threads).toBe(true);
    expect(caps.crossOriginIsolated).toBeNull();
    expect(typeof caps.relaxedSimd).toBe("boolean");
  });

  it("reports the memory grown so far and follows setMemoryLimit", () => {
    const before = memoryLimit();
    try {
      setMemoryLimit(64 << 20);
      const { memory } = capabilities();
      expect(memory).toEqual({ bytes: kernels.memory.buffer.byteLength, limit: 64 << 20, maximum: MAX_MEMORY_BYTES });
    } finally {
      setMemoryLimit(before);
    }
  });

  // A probe must be a valid module that uses exactly its feature: valid with it, invalid without
  // it (a probe that validated anywhere would always report true).
  it.each([
    ["simd", "i8x16.splat", F.SIMD128, F.MVP],
    ["relaxedSimd", "f32x4.relaxed_madd", F.SIMD128 | F.RelaxedSIMD, F.SIMD128],
    ["threads", "i32.atomic.load", F.Atomics, F.MVP],
  ] as const)("the %s probe uses %s: valid with the feature, invalid without", (name, instruction, withIt, without) => {
    const on = check(PROBES[name], withIt);
    expect(on.valid).toBe(true);
    expect(on.text).toContain(`(${instruction}`);
    expect(check(PROBES[name], without).valid).toBe(false);
  });
});
