// Compiles the library (the entries in tsconfig.build.json and what they import) to lib/: ESM with
// .js import specifiers (TypeScript's rewriteRelativeImportExtensions), .d.ts and declaration maps.
// tsc rather than a bundler: one module per source file keeps `sideEffects: false` tree-shaking
// per module in the user's bundler, and the declarations come from the same compiler pass.
// Declarations keep tsc's ".ts" specifiers; they are rewritten to ".js" so that any consumer's
// module resolution (bundler, node16, nodenext) finds the .d.ts beside each .js.
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const lib = join(root, "lib");
rmSync(lib, { recursive: true, force: true });
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
execFileSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" });

// tsc declares an inlined module (*.generated.ts) as its literal type, 38 KB of base64 in the .d.ts;
// a string is all a user needs to know, and there is no source worth mapping to.
const literal = /export declare const (\w+) = "[^"]*";/g;
const relativeTs = /((?:from |import\()["']\.{1,2}\/[^"']*?)\.ts(["'])/g;
for (const entry of readdirSync(lib, { recursive: true })) {
  if (!entry.endsWith(".d.ts")) continue;
  const file = join(lib, entry);
  let text = readFileSync(file, "utf8").replace(relativeTs, "$1.js$2");
  if (entry.endsWith(".generated.d.ts")) {
    text = text.replace(literal, "export declare const $1: string;").replace(/\/\/# sourceMappingURL=.*\n?/, "");
    rmSync(`${file}.map`, { force: true });
  }
  writeFileSync(file, text);
}
