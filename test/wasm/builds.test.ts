// The engine's two builds (src/wasm/module.ts): the probe picks relaxed SIMD exactly where the
// runtime compiles it, a forced choice is obeyed or refused with a clear error, and the project this
// file runs in (vitest.config.ts: "plain" and "relaxed") really got the build it asked for.
import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { chooseBuild } from "../../src/wasm/probe.ts";
import { engineBuild, instantiateBuild, relaxedSimdSupported } from "../../src/wasm/module.ts";

const FLAG = "--experimental-wasm-relaxed-simd";
const root = new URL("../..", import.meta.url);

/** engineBuild() as seen by a fresh Node process with these V8 flags and this DESCENT_WASM_BUILD. */
function childBuild(flags: string[], request?: string): { build?: string; error?: string } {
  const env = { ...process.env };
  delete env.DESCENT_WASM_BUILD;
  if (request !== undefined) env.DESCENT_WASM_BUILD = request;
  const script = `import("./src/wasm/module.ts").then((m) => console.log(JSON.stringify({ build: m.engineBuild(), probe: m.relaxedSimdSupported() })), (e) => console.log(JSON.stringify({ error: e.message })))`;
  const out = execFileSync(process.execPath, [...flags, "--import", "tsx", "--input-type=module", "-e", script], {
    cwd: root,
    env,
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(out.trim().split("\n").pop()!);
}

// Node 20 (V8 11.3) compiles relaxed SIMD only behind the flag; newer runtimes always do.
const NODE_MAJOR = Number(process.versions.node.split(".")[0]);

describe("chooseBuild", () => {
  it.each([
    [undefined, true, "relaxed"],
    [undefined, false, "plain"],
    ["", true, "relaxed"],
    ["auto", true, "relaxed"],
    ["auto", false, "plain"],
    ["plain", true, "plain"],
    ["plain", false, "plain"],
    ["relaxed", true, "relaxed"],
  ])("request %j with relaxed support %j loads %s", (request, supported, build) => {
    expect(chooseBuild(request, supported)).toBe(build);
  });

  it("refuses relaxed where the runtime lacks it, and an unknown request, naming the setting", () => {
    expect(() => chooseBuild("relaxed", false)).toThrow(
      /DESCENT_WASM_BUILD=relaxed: this runtime does not support WebAssembly relaxed SIMD/,
    );
    expect(() => chooseBuild("fast", true)).toThrow(
      /DESCENT_WASM_BUILD: expects "auto", "plain" or "relaxed", got "fast"/,
    );
  });
});

describe("the probe in real runtimes", () => {
  it.runIf(NODE_MAJOR === 20)(
    "Node 20 without the flag: the probe fails and plain is loaded; forcing relaxed is a clear error",
    () => {
      expect(childBuild([])).toEqual({ build: "plain", probe: false });
      expect(childBuild([], "relaxed").error).toMatch(/does not support WebAssembly relaxed SIMD/);
    },
    120_000,
  );

  it("with relaxed SIMD compiled: the probe passes and relaxed is loaded, unless plain is forced", () => {
    const flags = NODE_MAJOR === 20 ? [FLAG] : [];
    expect(childBuild(flags)).toEqual({ build: "relaxed", probe: true });
    expect(childBuild(flags, "plain")).toEqual({ build: "plain", probe: true });
  }, 120_000);
});

describe("this project's build", () => {
  it("is the one the project forced (DESCENT_WASM_BUILD)", () => {
    expect(engineBuild()).toBe(process.env.DESCENT_WASM_BUILD ?? (relaxedSimdSupported() ? "relaxed" : "plain"));
  });

  it("the relaxed build fuses: one rounding where mul then add has two", async () => {
    // Each C element is -(1 + 2⁻¹¹)·1 + x·x with x = 1 + 2⁻¹²: exactly 2⁻²⁴ when the second step is
    // fused; x·x rounded to f32 first loses its 2⁻²⁴ (a tie, to even), so mul then add gives 0.
    const builds = relaxedSimdSupported() ? (["plain", "relaxed"] as const) : (["plain"] as const);
    for (const build of builds) {
      const k = await instantiateBuild(build);
      const base = k.heapBase(),
        work = base + 64; // A (2×2) at base, B (2×2) at +16, C (2×2) at +32
      const need = work + k.gemmWorkBytes() - k.memory.buffer.byteLength;
      if (need > 0) k.memory.grow(Math.ceil(need / 65536));
      const mem = new Float32Array(k.memory.buffer);
      const x = 1 + 2 ** -12;
      const c = -(1 + 2 ** -11);
      mem.set([c, x, c, x, 1, 1, x, x], base / 4);
      // m = n = 2 so the packed micro-kernel runs (m = 1 or n = 1 takes the vector paths).
      k.gemm(base + 32, base, base + 16, 2, 2, 2, 0, 0, 0, work);
      const got = new Float32Array(k.memory.buffer).slice(base / 4 + 8, base / 4 + 12);
      expect([build, [...got]]).toEqual([build, new Array(4).fill(build === "relaxed" ? 2 ** -24 : 0)]);
    }
  });
});
