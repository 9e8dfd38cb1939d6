import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { encodeIdx, parseIdx } from "../../src/data/idx.ts";
import { loadIdxDataset, readIdxFile } from "../../src/data/idx.node.ts";

const dir = mkdtempSync(join(tmpdir(), "descent-idx-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

/** Bytes written by hand, independent of encodeIdx, so the encoder is tested too. */
function handLabels(labels: number[]): Uint8Array {
  const n = labels.length;
  return Uint8Array.from([0, 0, 8, 1, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255, ...labels]);
}

// 3 images of 2×4 pixels, values chosen so each is distinct.
const pixels = Uint8Array.from({ length: 24 }, (_, i) => (i * 11) % 256);
const images = encodeIdx([3, 2, 4], pixels);
const labels = handLabels([7, 0, 9]);

describe("parseIdx", () => {
  it("reads dims and data of a hand-written label file, and encodeIdx writes the same bytes", () => {
    const a = parseIdx(handLabels([7, 0, 9]), "l");
    expect(a.dims).toEqual([3]);
    expect(Array.from(a.data)).toEqual([7, 0, 9]);
    expect(encodeIdx([3], Uint8Array.from([7, 0, 9]))).toEqual(handLabels([7, 0, 9]));
  });

  it("reads a 3-d image file with big-endian dims", () => {
    const big = encodeIdx([1, 300, 1], new Uint8Array(300));
    expect(Array.from(big.subarray(8, 12))).toEqual([0, 0, 1, 44]); // 300 = 0x012c
    expect(parseIdx(big, "big").dims).toEqual([1, 300, 1]);
    expect(parseIdx(images, "img").dims).toEqual([3, 2, 4]);
  });

  it.each([
    ["empty", new Uint8Array(0), /f: empty file \(0 bytes\)/],
    ["short header", Uint8Array.from([0, 0, 8]), /f: truncated header: expected at least 4 bytes, got 3/],
    ["wrong magic", Uint8Array.from([0x50, 0x4b, 3, 4, 0, 0, 0, 0]), /f: wrong magic number 0x504b0304/],
    ["float data", Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 0]), /f: data type byte 0x0d \(float32\) in magic 0x00000d01; only 0x08/],
    ["unknown type", Uint8Array.from([0, 0, 0x42, 1, 0, 0, 0, 0]), /data type byte 0x42 \(not an IDX type\)/],
    ["zero dims", Uint8Array.from([0, 0, 8, 0]), /declares 0 dimensions/],
    ["truncated dims", Uint8Array.from([0, 0, 8, 3, 0, 0, 0, 2, 0, 0]), /truncated header: 3 dimensions need 16 bytes, got 10/],
    ["truncated data", images.subarray(0, images.length - 5), /truncated: dims \[3, 2, 4\] need 40 bytes, got 35/],
    ["trailing data", Uint8Array.from([...labels, 1, 2]), /2 trailing bytes: dims \[3\] need 11 bytes, got 13/],
    ["gzip", gzipSync(labels), /f: gzip-compressed; decompress it first/],
  ])("rejects %s with a message naming the file", (_, bytes, message) => {
    expect(() => parseIdx(bytes as Uint8Array, "f")).toThrow(message);
  });
});

describe("readIdxFile and loadIdxDataset", () => {
  it("reads raw and gzipped files to the same arrays (gzip detected by magic, not name)", () => {
    const raw = readIdxFile(write("labels-raw", labels));
    const gz = readIdxFile(write("labels-no-gz-suffix", gzipSync(labels)));
    expect(gz.dims).toEqual(raw.dims);
    expect(Array.from(gz.data)).toEqual(Array.from(raw.data));
  });

  it("builds a dataset scaled to [0, 1] with labels", () => {
    const ds = loadIdxDataset({ images: write("img.gz", gzipSync(images)), labels: write("lab", labels) });
    expect(ds.n).toBe(3);
    expect(ds.featureShape).toEqual([2, 4]);
    expect(ds.classes).toBe(10);
    expect(Array.from(ds.y)).toEqual([7, 0, 9]);
    for (let i = 0; i < 24; i++) expect(ds.x[i]).toBeCloseTo(pixels[i] / 255, 6);
  });

  it("names the file in each error", () => {
    const img = write("img-ok", images);
    const cases: [() => unknown, RegExp][] = [
      [() => readIdxFile(write("empty.idx", new Uint8Array(0))), /empty\.idx: empty file/],
      [() => readIdxFile(write("cut.gz", gzipSync(labels).subarray(0, 12))), /cut\.gz: starts with the gzip magic 1f 8b but does not decompress/],
      [() => readIdxFile(write("cut-inside.gz", gzipSync(images.subarray(0, 30)))), /cut-inside\.gz: truncated: dims \[3, 2, 4\] need 40 bytes, got 30/],
      [() => loadIdxDataset({ images: img, labels: write("four-labels", handLabels([1, 2, 3, 4])) }), /img-ok holds 3 images but .*four-labels holds 4 labels/],
      [() => loadIdxDataset({ images: img, labels: write("label-ten", handLabels([1, 10, 3])) }), /label-ten: label 10 at index 1 is out of range, expected \[0, 9\]/],
      [() => loadIdxDataset({ images: write("swapped", labels), labels: img }), /swapped: expected images .* got 1 dimension\(s\) \[3\]; are images and labels swapped\?/],
      [() => loadIdxDataset({ images: img, labels: write("lab2d", encodeIdx([3, 1], new Uint8Array(3))) }), /lab2d: expected labels .* got 2 dimensions \[3, 1\]/],
      [() => loadIdxDataset({ images: write("none", encodeIdx([0, 2, 2], new Uint8Array(0))), labels: write("nolab", handLabels([])) }), /none: holds 0 images/],
      [() => readIdxFile(join(dir, "missing")), /ENOENT.*missing/],
    ];
    for (const [f, message] of cases) expect(f).toThrow(message);
  });

  it("accepts labels up to a custom class count", () => {
    const ds = loadIdxDataset({ images: write("i3", images), labels: write("l3", handLabels([1, 0, 1])), classes: 2 });
    expect(ds.classes).toBe(2);
    expect(() => loadIdxDataset({ images: write("i4", images), labels: write("l4", handLabels([1, 2, 1])), classes: 2 })).toThrow(/label 2 at index 1 is out of range, expected \[0, 1\]/);
  });
});
