/**
 * Bad files: IDX data and checkpoints that are truncated, empty, of the wrong kind, the wrong shape,
 * another architecture or a future version. Each is refused with an error naming the file and the
 * problem, and nothing already on disk changes (the directory is hashed before and after).
 */
import { afterAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { encodeIdx } from "../../src/data/idx.ts";
import { loadIdxDataset } from "../../src/data/idx.node.ts";
import { loadCheckpoint, saveCheckpoint } from "../../src/train/checkpoint.node.ts";
import { fit, type Snapshot } from "../../src/train/index.ts";
import { Model, Sequential, Linear, Activation } from "../../src/nn/index.ts";
import { adam } from "../../src/optim/index.ts";
import { makeBlobs } from "../../src/data/synthetic.ts";
import { heap } from "../../src/wasm/module.ts";

const dir = mkdtempSync(join(tmpdir(), "descent-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every file under root: its relative path, size, mtime and content hash. */
function snapshotDir(root: string): string {
  const lines: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name),
        st = statSync(p);
      if (st.isDirectory()) {
        lines.push(`${p}/`);
        walk(p);
        continue;
      }
      lines.push(`${p} ${st.size} ${st.mtimeMs} ${createHash("sha256").update(readFileSync(p)).digest("hex")}`);
    }
  };
  walk(root);
  return lines.join("\n");
}

/** fn must throw an Error (not a trap) whose message names the file and matches the problem; the directory must not change. */
function expectRefused(fn: () => unknown, file: string, problem: RegExp): void {
  const before = snapshotDir(dir);
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, `${file} was accepted`).toBeInstanceOf(Error);
  expect(caught).not.toBeInstanceOf(WebAssembly.RuntimeError);
  const message = (caught as Error).message;
  expect(message, "the message names the file").toContain(file);
  expect(message).toMatch(problem);
  expect(snapshotDir(dir), "the directory changed").toBe(before);
}

const write = (name: string, bytes: Uint8Array | string) => {
  const p = join(dir, name);
  writeFileSync(p, bytes);
  return p;
};

describe("IDX files", () => {
  const pixels = Uint8Array.from({ length: 5 * 3 * 4 }, (_, i) => (i * 7) % 256);
  const images = encodeIdx([5, 3, 4], pixels),
    labels = encodeIdx([5], Uint8Array.of(1, 0, 9, 3, 3));
  const goodImages = write("images.idx", images),
    goodLabels = write("labels.idx", labels);

  it("a good pair loads", () => {
    const ds = loadIdxDataset({ images: goodImages, labels: goodLabels });
    expect(ds.n).toBe(5);
    expect(ds.featureShape).toEqual([3, 4]);
  });

  const bad: [string, Uint8Array | string, "images" | "labels", RegExp][] = [
    ["empty", new Uint8Array(0), "images", /empty file/],
    ["two bytes", images.subarray(0, 2), "images", /truncated header/],
    [
      "header cut in the dims",
      images.subarray(0, 10),
      "images",
      /truncated header: 3 dimensions need 16 bytes, got 10/,
    ],
    [
      "data cut short",
      images.subarray(0, images.length - 7),
      "images",
      /truncated: dims \[5, 3, 4\] need 76 bytes, got 69/,
    ],
    ["trailing bytes", Uint8Array.from([...labels, 0, 0]), "labels", /2 trailing bytes/],
    [
      "wrong magic (a PNG)",
      Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0]),
      "images",
      /wrong magic number 0x89504e47/,
    ],
    ["float data", Uint8Array.from([0, 0, 0x0d, 1, 0, 0, 0, 1, 0, 0, 0, 0]), "labels", /float32.*only 0x08/],
    ["zero dimensions", Uint8Array.from([0, 0, 8, 0]), "labels", /declares 0 dimensions/],
    ["absurd dims", Uint8Array.from([0, 0, 8, 2, 255, 255, 255, 255, 255, 255, 255, 255, 1]), "images", /truncated/],
    [
      "corrupt gzip",
      Uint8Array.from([0x1f, 0x8b, 8, 0, 1, 2, 3]),
      "images",
      /gzip magic 1f 8b but does not decompress/,
    ],
    ["gzip of truncated data", gzipSync(images.subarray(0, 30)), "images", /truncated/],
    ["labels given as images", labels, "images", /expected images .* got 1 dimension/],
    ["images given as labels", images, "labels", /expected labels .* got 3 dimensions/],
    ["one label too many", encodeIdx([6], new Uint8Array(6)), "labels", /holds 5 images but .* holds 6 labels/],
    [
      "label out of range",
      encodeIdx([5], Uint8Array.of(1, 2, 10, 0, 0)),
      "labels",
      /label 10 at index 2 is out of range/,
    ],
    ["text", "hello, world", "labels", /wrong magic number/],
  ];
  it.each(bad)("%s: refused, naming the file and the problem", (name, bytes, role, problem) => {
    const path = write(`${name.replace(/\W+/g, "-")}.idx`, bytes);
    const files = role === "images" ? { images: path, labels: goodLabels } : { images: goodImages, labels: path };
    expectRefused(() => loadIdxDataset(files), path, problem);
  });

  it("a missing file or a directory: refused, naming it", () => {
    const missing = join(dir, "no-such.idx");
    expectRefused(() => loadIdxDataset({ images: missing, labels: goodLabels }), missing, /ENOENT|cannot read/);
    const folder = join(dir, "a-folder");
    mkdirSync(folder, { recursive: true });
    expectRefused(() => loadIdxDataset({ images: folder, labels: goodLabels }), folder, /EISDIR|cannot read/);
  });
});

describe("checkpoint files", () => {
  const classifier = (hidden: number) =>
    new Model(new Sequential([new Linear(4, hidden), new Activation("tanh"), new Linear(hidden, 3)]), { seed: 1 });
  const data = makeBlobs({ n: 30, classes: 3, features: 4, seed: 2 });
  let snap: Snapshot;
  let good: string;
  let text: string;

  it("a good checkpoint is written, read back, and resumes", async () => {
    const model = classifier(6);
    await fit(model, data, {
      optimizer: adam(),
      epochs: 2,
      batch: 10,
      checkpoint: {
        save: (s) => {
          snap = s;
        },
      },
    });
    good = join(dir, "run", "good.json");
    saveCheckpoint(good, snap);
    text = readFileSync(good, "utf8");
    expect(loadCheckpoint(good, model).epoch).toBe(2);
    model.free();
  });

  const variants: [string, () => string, RegExp][] = [
    ["empty", () => "", /the file is empty/],
    ["truncated", () => text.slice(0, Math.floor(text.length * 0.7)), /not valid JSON .*truncated/],
    ["cut to one byte", () => text.slice(0, 1), /not valid JSON/],
    ["binary garbage", () => "\u0000\u0001\u0002IDX", /not valid JSON/],
    ["a model file, not a checkpoint", () => JSON.stringify(snap.model), /not a descent checkpoint/],
    [
      "a future version",
      () => JSON.stringify({ ...snap, version: 2 }),
      /unsupported version 2 \(this build reads version 1\)/,
    ],
    [
      "a future model version inside",
      () => JSON.stringify({ ...snap, model: { ...snap.model, version: 3 } }),
      /version 3/,
    ],
    [
      "missing its optimizer",
      () => JSON.stringify({ ...snap, optimizer: undefined }),
      /missing model, optimizer, rng or history/,
    ],
    ["a negative epoch", () => JSON.stringify({ ...snap, epoch: -1 }), /epoch -1 is not a count/],
  ];
  it.each(variants)("%s: refused, naming the file and the problem", (name, content, problem) => {
    const path = write(`ckpt-${name.replace(/\W+/g, "-")}.json`, content());
    const model = classifier(6);
    try {
      expectRefused(() => loadCheckpoint(path, model), path, problem);
    } finally {
      model.free();
    }
  });

  it("from another architecture: refused naming the file and where the architectures differ; the model is untouched", () => {
    const other = classifier(7);
    const weights = other.parameters.flat();
    expectRefused(() => loadCheckpoint(good, other), good, /architecture|shape/);
    expect(other.parameters.flat()).toEqual(weights);
    other.free();
  });

  it("resuming fit from another architecture's snapshot throws, loads nothing and leaks nothing", async () => {
    const other = classifier(7);
    const weights = other.parameters.flat(),
      inUse = heap.inUse;
    await expect(fit(other, data, { optimizer: adam(), epochs: 3, batch: 10, resume: snap })).rejects.toThrow(
      /architecture differs|shape/,
    );
    expect(other.parameters.flat()).toEqual(weights);
    expect(heap.inUse).toBe(inUse);
    other.free();
  });

  it("a save that fails leaves the previous checkpoint whole and no temporary file behind", () => {
    const circular = { ...snap, history: [] as unknown[] } as unknown as Snapshot & { self?: unknown };
    circular.self = circular; // JSON.stringify throws part way
    expectRefused(() => saveCheckpoint(good, circular), good, /circular|cannot write/i);
    // The target is a directory: the rename fails after the data are written.
    const folder = join(dir, "run", "is-a-folder");
    mkdirSync(folder, { recursive: true });
    expectRefused(() => saveCheckpoint(folder, snap), folder, /cannot write/);
    expect(readdirSync(join(dir, "run")).filter((f) => f.includes(".tmp-"))).toEqual([]);
    expect(loadCheckpoint(good).epoch).toBe(2);
  });
});
