// Which build of the engine's module this runtime can run, decided without loading either
// (src/wasm/module.ts loads the one chosen here).

/** The builds of the engine's module. */
export type EngineBuild = "plain" | "relaxed";

/** The smallest module using f32x4.relaxed_madd: (v128, v128, v128) -> v128. */
export const RELAXED_PROBE: readonly number[] = [
  0x00,
  0x61,
  0x73,
  0x6d,
  0x01,
  0x00,
  0x00,
  0x00, // magic, version
  0x01,
  0x08,
  0x01,
  0x60,
  0x03,
  0x7b,
  0x7b,
  0x7b,
  0x01,
  0x7b, // type section: one signature
  0x03,
  0x02,
  0x01,
  0x00, // function section: one function of that type
  0x0a,
  0x0d,
  0x01,
  0x0b,
  0x00, // code section: one body of 11 bytes, no locals
  0x20,
  0x00,
  0x20,
  0x01,
  0x20,
  0x02,
  0xfd,
  0x85,
  0x02,
  0x0b, // local.get 0..2, f32x4.relaxed_madd, end
];

/** Whether this runtime compiles relaxed SIMD (the probe validates). */
export function relaxedSimdSupported(): boolean {
  return WebAssembly.validate(new Uint8Array(RELAXED_PROBE));
}

/**
 * The build to load for a request ("auto", "plain", "relaxed"; undefined means "auto") on a runtime
 * that does or does not support relaxed SIMD. Throws on an unknown request, and on "relaxed" where
 * it is unsupported.
 */
export function chooseBuild(request: string | undefined, relaxedSupported: boolean): EngineBuild {
  const wanted = request === undefined || request === "" ? "auto" : request;
  if (wanted === "plain") return "plain";
  if (wanted === "auto") return relaxedSupported ? "relaxed" : "plain";
  if (wanted === "relaxed") {
    if (!relaxedSupported) {
      throw new Error(
        'DESCENT_WASM_BUILD=relaxed: this runtime does not support WebAssembly relaxed SIMD (V8 11.4+: Chrome 114+, Node 21+; Node 20 needs --experimental-wasm-relaxed-simd); use "plain" or "auto"',
      );
    }
    return "relaxed";
  }
  throw new Error(`DESCENT_WASM_BUILD: expects "auto", "plain" or "relaxed", got ${JSON.stringify(request)}`);
}
