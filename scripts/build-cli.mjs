// Bundles the command line (src/cli.ts) and the study worker (src/study/worker.node.ts) into
// build/cli/ with esbuild, so `descent` starts with plain node: no TypeScript loader at run time.
// Shared code goes to chunks; the engine and the studies load lazily, so --help stays fast.
// Usage: node scripts/build-cli.mjs [outdir]   (default build/cli; tests build into their own)
import { build } from "esbuild";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join, resolve } from "node:path";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const outdir = resolve(root, process.argv[2] ?? "build/cli");
rmSync(outdir, { recursive: true, force: true }); // chunk names change with their content: drop the old ones, or the package ships them
await build({
  absWorkingDir: root,
  entryPoints: { descent: "src/cli.ts", "study-worker": "src/study/worker.node.ts" },
  outdir,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  outExtension: { ".js": ".mjs" },
  logLevel: "warning",
});
