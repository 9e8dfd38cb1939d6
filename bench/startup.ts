// Start-up and footprint: the whole-process time to a ready engine beyond a bare Node process,
// the size of the .wasm, and the minified core bundle (engine, layers, optimizers; no CLI) with its
// inlined .wasm, against TF.js core + its wasm backend as shipped (their min.js files + the .wasm).
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { wasmBase64 } from "../src/wasm/binary.generated.ts";
import { num, spreadOf, text, type Row, type Suite } from "./lib.ts";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const KB = 1024;
const TARGET_WASM = 48 * KB,
  TARGET_BUNDLE = 150 * KB,
  TARGET_STARTUP_MS = 15;

/** The core as a user would ship it: one minified ES module, the .wasm inlined as base64. */
const ENTRY = [
  `export * from "./src/index.ts";`,
  `export * as nn from "./src/nn/index.ts";`,
  `export * as optim from "./src/optim/index.ts";`,
].join("\n");

async function bundleCore(): Promise<string> {
  const esbuild = (await import("esbuild")) as {
    build(o: object): Promise<{ outputFiles: { text: string }[] }>;
  };
  const out = await esbuild.build({
    stdin: { contents: ENTRY, resolveDir: root, sourcefile: "core-entry.ts", loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  return out.outputFiles[0].text;
}

/** Wall time of one `node -e <code>` process, in ms. */
function processMs(code: string): number {
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ["-e", code], { stdio: ["ignore", "ignore", "pipe"] });
  const ms = performance.now() - t0;
  if (r.status !== 0)
    throw new Error(`node -e ${JSON.stringify(code)} exited with ${r.status}: ${r.stderr.toString().slice(0, 300)}`);
  return ms;
}

function tfjsFiles(): { name: string; bytes: number }[] {
  const require = createRequire(import.meta.url);
  const dist = (pkg: string) => join(dirname(require.resolve(`${pkg}/package.json`)), "dist");
  return [
    join(dist("@tensorflow/tfjs-core"), "tf-core.min.js"),
    join(dist("@tensorflow/tfjs-backend-wasm"), "tf-backend-wasm.min.js"),
    join(dist("@tensorflow/tfjs-backend-wasm"), "tfjs-backend-wasm-simd.wasm"),
  ].map((path) => ({ name: path.split("/").slice(-1)[0], bytes: statSync(path).size }));
}

export const startupSuite: Suite = {
  name: "startup",
  about: "process start-up to a ready engine; .wasm and minified core bundle sizes vs TF.js",
  async run(opts) {
    // Process start-up on this shared machine moves by ±15 ms from one minute to the next: many
    // rounds, and the difference taken within each round (bare, then ours, back to back).
    const samples = opts.quick ? 11 : 31;
    const bundle = await bundleCore();
    const dir = mkdtempSync(join(tmpdir(), "descent-startup-"));
    const rows: Row[] = [];
    const notes: string[] = [];
    try {
      const file = join(dir, "descent.min.mjs");
      writeFileSync(file, bundle);
      const url = pathToFileURL(file).href;
      // Ready: the module's top-level await has instantiated the .wasm; a tensor round trip proves it.
      const ready = `import(${JSON.stringify(url)}).then((d) => { const t = d.tensor([1, 2], [2]); if (t.toArray()[1] !== 2) process.exit(3); })`;
      // For scale: what importing any ES module at all costs (Node's module loader), engine or not.
      const empty = join(dir, "empty.mjs");
      writeFileSync(empty, "export const x = 1;\n");
      const emptyImport = `import(${JSON.stringify(pathToFileURL(empty).href)})`;
      const bare: number[] = [],
        ours: number[] = [],
        loader: number[] = [];
      processMs("0");
      processMs(ready);
      processMs(emptyImport); // file-system caches warm
      for (let s = 0; s < samples; s++) {
        bare.push(processMs("0"));
        ours.push(processMs(ready));
        loader.push(processMs(emptyImport));
      }
      const row = (what: string, xs: number[], target: number | null = null): Row => {
        const { median, min, max } = spreadOf(xs);
        return {
          what,
          value: median,
          unit: "ms",
          min,
          max,
          target,
          met: target === null ? null : median <= target ? "yes" : "no",
        };
      };
      rows.push(row("bare node -e 0", bare));
      rows.push(row("node -e import(an empty module)", loader));
      rows.push(row("node -e import(core bundle), engine ready", ours));
      rows.push(
        row(
          "start-up beyond bare Node",
          ours.map((t, s) => t - bare[s]),
          TARGET_STARTUP_MS,
        ),
      );
      notes.push(
        `start-up: ${samples} rounds of the three processes in turn; medians; start-up beyond bare Node is the median of the differences within a round, Node's ES-module loader included`,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }

    const wasmBytes = Buffer.from(wasmBase64, "base64").length;
    const theirs = tfjsFiles();
    const theirsBytes = theirs.reduce((s, f) => s + f.bytes, 0);
    const bundleBytes = Buffer.byteLength(bundle);
    const kb = (what: string, bytes: number, target: number | null, gz?: number): Row => ({
      what,
      value: bytes / KB,
      unit: "KB",
      min: null,
      max: null,
      gzip: gz === undefined ? null : gz / KB,
      target: target === null ? null : target / KB,
      met: target === null ? null : bytes <= target ? "yes" : "no",
    });
    rows.push(kb("descent.wasm", wasmBytes, TARGET_WASM, gzipSync(Buffer.from(wasmBase64, "base64")).length));
    rows.push(kb("core bundle, minified, .wasm inlined", bundleBytes, TARGET_BUNDLE, gzipSync(bundle).length));
    rows.push(kb("TF.js core + wasm backend (min.js + .wasm)", theirsBytes, null));
    rows.push({
      what: "TF.js / ours, bytes",
      value: theirsBytes / bundleBytes,
      unit: "×",
      min: null,
      max: null,
      target: null,
      met: null,
    });
    notes.push(
      "core bundle: esbuild --bundle --minify of src/index.ts + src/nn + src/optim (ESM, no CLI, no Node-only modules)",
    );
    notes.push(
      `TF.js files: ${theirs.map((f) => `${f.name} ${(f.bytes / KB).toFixed(0)} KB`).join(", ")} (the SIMD .wasm, the one it loads here)`,
    );
    notes.push("KB = 1024 bytes");
    return {
      title: "Start-up and footprint",
      columns: [
        text("what", "what"),
        num("value", "value", 1),
        text("unit", "unit"),
        {
          header: "min–max",
          show: (r) => (typeof r.min === "number" ? `${r.min.toFixed(1)}–${(r.max as number).toFixed(1)}` : "—"),
        },
        num("gzip KB", "gzip", 1),
        num("target", "target", 0),
        text("met", "met"),
      ],
      rows,
      notes,
    };
  },
};
