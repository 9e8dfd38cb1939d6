/**
 * Memory of loading the full MNIST training and test files (60,000 + 10,000 images), as the
 * studies do: peak resident memory (VmHWM, Linux) and what stays held afterwards, against one f32
 * copy of the images (60,000 × 784 × 4 B = 188 MB, test 31 MB) plus one file's raw bytes (47 MB).
 *   node --expose-gc --import tsx bench/mnist-memory.ts DIR
 * DIR holds the four official files (raw or .gz); without it, files of the same shape are generated.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findMnistFiles, loadMnistFiles } from "../src/data/mnist-cache.node.ts";
import { writeFakeMnist } from "../test/data/fake-mnist.ts";

const MB = 1e6;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with node --expose-gc");
const status = (key: string) =>
  Number(
    /(\d+) kB/.exec(
      readFileSync("/proc/self/status", "utf8")
        .split("\n")
        .find((l) => l.startsWith(key))!,
    )![1],
  ) * 1000;

let dir = process.argv[2];
let generated: string | null = null;
if (!dir) {
  generated = mkdtempSync(join(tmpdir(), "descent-mnist-memory-"));
  writeFakeMnist(generated, { train: 60_000, test: 10_000, gzip: false });
  dir = generated;
}
const paths = findMnistFiles(dir);
if (!paths) throw new Error(`${dir}: not the four MNIST files`);
gc();
const before = process.memoryUsage();
// VmHWM cannot be reset from inside: it already includes generating the files, so report it only for given files.
const t0 = performance.now();
const { train, test } = loadMnistFiles(paths);
const seconds = (performance.now() - t0) / 1000;
const peak = status("VmHWM:");
gc();
const after = process.memoryUsage();
const f32 = (train.x.byteLength + test.x.byteLength) / MB;
console.log(
  JSON.stringify(
    {
      dir: generated ? "generated (same shape as the official files)" : dir,
      images: { train: train.n, test: test.n },
      loadSeconds: Number(seconds.toFixed(2)),
      f32CopyMB: Number(f32.toFixed(1)),
      rawTrainImagesMB: 47.04,
      rssBeforeMB: Number((before.rss / MB).toFixed(1)),
      peakRssMB: generated ? null : Number((peak / MB).toFixed(1)),
      peakAboveBeforeMB: generated ? null : Number(((peak - before.rss) / MB).toFixed(1)),
      heldArrayBuffersAfterMB: Number(((after.arrayBuffers - before.arrayBuffers) / MB).toFixed(1)),
    },
    null,
    1,
  ),
);
if (generated) rmSync(generated, { recursive: true, force: true });
