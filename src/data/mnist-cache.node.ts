// Node-only: where the official MNIST files live on disk, and loading them from there.
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { Dataset } from "./dataset.ts";
import { readIdxFile } from "./idx.node.ts";
import { MNIST_FILES, mnistPart, testSeed, type OfficialFile } from "./mnist-files.ts";

type Env = Record<string, string | undefined>;

/**
 * Where `descent data mnist` puts the files unless told otherwise: $XDG_CACHE_HOME/descent/mnist,
 * else %LOCALAPPDATA%\descent\mnist on Windows, else ~/.cache/descent/mnist.
 */
export function mnistCacheDir(env: Env = process.env): string {
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, "descent", "mnist");
  if (process.platform === "win32" && env.LOCALAPPDATA) return join(env.LOCALAPPDATA, "descent", "mnist");
  return join(env.HOME || homedir(), ".cache", "descent", "mnist");
}

export type MnistPaths = Record<OfficialFile["role"], string>;

/** The four files in `dir`, each as published (.gz) or decompressed (the name without .gz); null when any is missing. */
export function findMnistFiles(dir: string): MnistPaths | null {
  const paths: Partial<MnistPaths> = {};
  for (const f of MNIST_FILES) {
    const found = [f.name, f.name.replace(/\.gz$/, "")].map((n) => join(dir, n)).find((p) => existsSync(p));
    if (!found) return null;
    paths[f.role] = found;
  }
  return paths as MnistPaths;
}

/** Like findMnistFiles, but says which files are missing. */
export function requireMnistFiles(dir: string): MnistPaths {
  const paths = findMnistFiles(dir);
  if (paths) return paths;
  const missing = MNIST_FILES.filter((f) => !existsSync(join(dir, f.name)) && !existsSync(join(dir, f.name.replace(/\.gz$/, "")))).map((f) => f.name);
  throw new Error(`${dir}: missing the MNIST file(s) ${missing.join(", ")} (raw or .gz); \`descent data mnist --dir ${dir}\` downloads them`);
}

/**
 * The official split read from `paths`: all 60,000 / 10,000 digits, or seeded samples of `train` /
 * `test`. One pair of files is read at a time and its raw bytes dropped once converted, so the
 * peak is the f32 copy of the kept rows plus one file's raw bytes (47 MB for the training images).
 */
export function loadMnistFiles(paths: MnistPaths, { train, test, seed = 0 }: { train?: number; test?: number; seed?: number } = {}): { train: Dataset; test: Dataset; totals: { train: number; test: number } } {
  const totals = { train: 0, test: 0 };
  const part = (images: string, labels: string, count: number | undefined, s: number, which: "train" | "test") => {
    const pixels = readIdxFile(images);
    totals[which] = pixels.dims[0];
    return mnistPart(pixels, readIdxFile(labels), { images, labels }, count, s);
  };
  return {
    train: part(paths.trainImages, paths.trainLabels, train, seed, "train"),
    test: part(paths.testImages, paths.testLabels, test, testSeed(seed), "test"),
    totals,
  };
}
