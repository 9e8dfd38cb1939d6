#!/usr/bin/env node
// The `descent` command: the bundle built by `npm run build:cli` (npm install runs it via prepare).
import { existsSync } from "node:fs";

const bundle = new URL("../build/cli/descent.mjs", import.meta.url);
if (!existsSync(bundle)) {
  process.stderr.write(
    "descent: the command line is not built yet; run `npm run build` (npm install does it) in the package folder\n",
  );
  process.exit(2);
}
await import(bundle.href);
