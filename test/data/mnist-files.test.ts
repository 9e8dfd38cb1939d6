import { mkdtempSync, rmSync, unlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { findMnistFiles, loadMnistFiles, mnistCacheDir, requireMnistFiles } from "../../src/data/mnist-cache.node.ts";
import { MNIST_FILES } from "../../src/data/mnist-files.ts";
import { Random } from "../../src/random.ts";
import { writeFakeMnist, type FakeMnist } from "./fake-mnist.ts";

const root = mkdtempSync(join(tmpdir(), "descent-mnist-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Row i of a loaded dataset against the raw bytes of row `source` of the file. */
const expectRow = (x: Float32Array, y: Int32Array, k: number, pixels: Uint8Array, labels: Uint8Array, source: number) => {
  expect(y[k]).toBe(labels[source]);
  for (const j of [0, 1, 400, 783]) expect(x[k * 784 + j]).toBeCloseTo(pixels[source * 784 + j] / 255, 7);
};

describe("the official MNIST files on disk", () => {
  const dir = join(root, "mixed");
  // Training images raw, the rest gzip: both forms are found under their published names.
  const fake: FakeMnist = writeFakeMnist(dir, { train: 30, test: 12, gzip: [false, true, true, true] });

  it("finds the four files, raw or .gz, and names the missing ones", () => {
    const paths = findMnistFiles(dir)!;
    expect(paths.trainImages).toBe(join(dir, "train-images-idx3-ubyte"));
    expect(paths.testLabels).toBe(join(dir, "t10k-labels-idx1-ubyte.gz"));
    const partial = join(root, "partial");
    writeFakeMnist(partial, { train: 3, test: 2 });
    unlinkSync(join(partial, "t10k-images-idx3-ubyte.gz"));
    expect(findMnistFiles(partial)).toBeNull();
    expect(() => requireMnistFiles(partial)).toThrow(`${partial}: missing the MNIST file(s) t10k-images-idx3-ubyte.gz (raw or .gz); \`descent data mnist --dir ${partial}\` downloads them`);
  });

  it("loads all of both files in file order: training from the training files, test from the test files", () => {
    const { train, test } = loadMnistFiles(findMnistFiles(dir)!);
    expect([train.n, test.n]).toEqual([30, 12]);
    expect(train.featureShape).toEqual([28, 28]);
    for (const k of [0, 17, 29]) expectRow(train.x, train.y as Int32Array, k, fake.trainPixels, fake.trainLabels, k);
    for (const k of [0, 11]) expectRow(test.x, test.y as Int32Array, k, fake.testPixels, fake.testLabels, k);
  });

  it("samples fewer with the seed: the first rows of a seeded permutation of each file, the test file with seed + 1", () => {
    const { train, test } = loadMnistFiles(findMnistFiles(dir)!, { train: 7, test: 5, seed: 3 });
    expect([train.n, test.n]).toEqual([7, 5]);
    const p = new Random(3).permutation(30), q = new Random(4).permutation(12);
    for (let k = 0; k < 7; k++) expectRow(train.x, train.y as Int32Array, k, fake.trainPixels, fake.trainLabels, p[k]);
    for (let k = 0; k < 5; k++) expectRow(test.x, test.y as Int32Array, k, fake.testPixels, fake.testLabels, q[k]);
    expect(() => loadMnistFiles(findMnistFiles(dir)!, { train: 31 })).toThrow("mnist: asked for 31 rows of a file holding 30; expected 1 … 30");
  });

  it("keeps the cache under the user's cache directory", () => {
    expect(mnistCacheDir({ XDG_CACHE_HOME: "/c" })).toBe(join("/c", "descent", "mnist"));
    if (process.platform !== "win32") expect(mnistCacheDir({ HOME: "/home/u" })).toBe(join("/home/u", ".cache", "descent", "mnist"));
  });

  it("lists the four published files with their sizes and SHA-256 digests", () => {
    expect(MNIST_FILES.map((f) => f.name)).toEqual(["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"]);
    for (const f of MNIST_FILES) expect(f.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
