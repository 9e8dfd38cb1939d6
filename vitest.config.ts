// Two projects: the whole suite on the plain build (the deterministic one, whatever the runtime
// supports), and the kernel tests again on the relaxed-SIMD build (src/wasm/module.ts), which Node 20
// compiles only behind a V8 flag; newer runtimes have it on by default and would reject no flag here.
import { defineConfig } from "vitest/config";
import { relaxedSimdSupported } from "./src/wasm/probe.ts";

const relaxedFlag = relaxedSimdSupported() ? [] : ["--experimental-wasm-relaxed-simd"];

export default defineConfig({
  test: {
    projects: [
      { extends: true, test: { name: "plain", env: { DESCENT_WASM_BUILD: "plain" } } },
      {
        extends: true,
        test: {
          name: "relaxed",
          include: ["test/kernels/**/*.test.ts", "test/wasm/builds.test.ts"],
          env: { DESCENT_WASM_BUILD: "relaxed" },
          execArgv: relaxedFlag,
        },
      },
    ],
  },
});
