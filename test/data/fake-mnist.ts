// Files shaped like the official MNIST distribution (same names, IDX headers, 28×28 unsigned bytes),
// with made-up digits: the loaders' tests and the full-size measurements run on them, never on downloads.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { encodeIdx } from "../../src/data/idx.ts";
import { MNIST_FILES } from "../../src/data/mnist-files.ts";

export interface FakeMnist { trainPixels: Uint8Array; trainLabels: Uint8Array; testPixels: Uint8Array; testLabels: Uint8Array }

/** Pixel j of image i: a function of (i, j) that differs between rows; label i: a function of i. */
export function fakeDigits(n: number, salt: number): { pixels: Uint8Array; labels: Uint8Array } {
  const pixels = new Uint8Array(n * 784);
  for (let i = 0; i < n; i++) for (let j = 0; j < 784; j++) pixels[i * 784 + j] = (i * 31 + j * 7 + salt) % 256;
  const labels = Uint8Array.from({ length: n }, (_, i) => (i * 3 + salt) % 10);
  return { pixels, labels };
}

/** Writes the four files into `dir`: gzip-compressed under the published names, or raw without the .gz. */
export function writeFakeMnist(dir: string, { train, test, gzip = true }: { train: number; test: number; gzip?: boolean | boolean[] }): FakeMnist {
  mkdirSync(dir, { recursive: true });
  const a = fakeDigits(train, 0), b = fakeDigits(test, 5);
  const content = [encodeIdx([train, 28, 28], a.pixels), encodeIdx([train], a.labels), encodeIdx([test, 28, 28], b.pixels), encodeIdx([test], b.labels)];
  MNIST_FILES.forEach((f, k) => {
    const zip = Array.isArray(gzip) ? gzip[k] : gzip;
    writeFileSync(join(dir, zip ? f.name : f.name.replace(/\.gz$/, "")), zip ? gzipSync(content[k]) : content[k]);
  });
  return { trainPixels: a.pixels, trainLabels: a.labels, testPixels: b.pixels, testLabels: b.labels };
}
