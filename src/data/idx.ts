import { type Dataset, shapeSize } from "./dataset.ts";

/**
 * The IDX format of MNIST and Fashion-MNIST (LeCun et al., yann.lecun.com/exdb/mnist): a magic
 * number 00 00 TT NN (TT the data type, 0x08 = unsigned byte; NN the number of dimensions), NN
 * big-endian uint32 dimension sizes, then the data, row-major. Labels are 0x00000801 (one
 * dimension), images 0x00000803 (count, rows, columns). Only unsigned-byte data is supported:
 * it is all MNIST-style files use. This module is pure bytes → typed arrays, so it runs in
 * browsers; reading files and gunzipping live in idx.node.ts.
 */
export interface IdxArray {
  dims: number[];
  data: Uint8Array;
}

export const IDX_UNSIGNED_BYTE = 0x08;
const TYPE_NAMES: Record<number, string> = {
  0x08: "unsigned byte", 0x09: "signed byte", 0x0b: "int16", 0x0c: "int32", 0x0d: "float32", 0x0e: "float64",
};

/** True when bytes start with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

const hex32 = (v: number) => "0x" + (v >>> 0).toString(16).padStart(8, "0");

/** Parses an uncompressed IDX file of unsigned bytes. `name` (the file) prefixes every error. */
export function parseIdx(bytes: Uint8Array, name: string): IdxArray {
  if (bytes.length === 0) throw new Error(`${name}: empty file (0 bytes), expected an IDX header`);
  if (isGzip(bytes)) throw new Error(`${name}: gzip-compressed; decompress it first (readIdxFile in idx.node.ts does)`);
  if (bytes.length < 4) throw new Error(`${name}: truncated header: expected at least 4 bytes, got ${bytes.length}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const magic = view.getUint32(0, false);
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new Error(`${name}: wrong magic number ${hex32(magic)}: an IDX file starts with two zero bytes (labels 0x00000801, images 0x00000803)`);
  }
  const type = bytes[2], ndims = bytes[3];
  if (type !== IDX_UNSIGNED_BYTE) {
    const what = TYPE_NAMES[type] ? `${TYPE_NAMES[type]}` : "not an IDX type";
    throw new Error(`${name}: data type byte 0x${type.toString(16).padStart(2, "0")} (${what}) in magic ${hex32(magic)}; only 0x08 (unsigned byte) is supported`);
  }
  if (ndims === 0) throw new Error(`${name}: magic ${hex32(magic)} declares 0 dimensions, expected at least 1`);
  const headerBytes = 4 + 4 * ndims;
  if (bytes.length < headerBytes) {
    throw new Error(`${name}: truncated header: ${ndims} dimensions need ${headerBytes} bytes, got ${bytes.length}`);
  }
  const dims: number[] = [];
  for (let i = 0; i < ndims; i++) dims.push(view.getUint32(4 + 4 * i, false));
  const expected = headerBytes + shapeSize(dims);
  if (bytes.length < expected) {
    throw new Error(`${name}: truncated: dims [${dims.join(", ")}] need ${expected} bytes, got ${bytes.length}`);
  }
  if (bytes.length > expected) {
    throw new Error(`${name}: ${bytes.length - expected} trailing bytes: dims [${dims.join(", ")}] need ${expected} bytes, got ${bytes.length}`);
  }
  return { dims, data: bytes.subarray(headerBytes) };
}

/** Encodes an unsigned-byte IDX file (for tests and for writing subsets back out). */
export function encodeIdx(dims: readonly number[], data: Uint8Array): Uint8Array {
  if (shapeSize(dims) !== data.length) throw new RangeError(`encodeIdx: dims [${dims}] hold ${shapeSize(dims)} values, data has ${data.length}`);
  const out = new Uint8Array(4 + 4 * dims.length + data.length);
  const view = new DataView(out.buffer);
  out[2] = IDX_UNSIGNED_BYTE;
  out[3] = dims.length;
  dims.forEach((d, i) => view.setUint32(4 + 4 * i, d, false));
  out.set(data, 4 + 4 * dims.length);
  return out;
}

export interface IdxPairNames {
  images: string;
  labels: string;
}

/**
 * Joins an images IDX array (n, ...featureShape) and a labels IDX array (n) into a Dataset:
 * pixels scaled by 1/255 to [0, 1], labels checked against `classes` (10 for MNIST-style data).
 * `rows` (default all, in file order) picks the rows to keep: only those are converted, so a
 * sample of a large file never holds an f32 copy of the whole file.
 */
export function idxToDataset(images: IdxArray, labels: IdxArray, names: IdxPairNames, classes = 10, rows?: ArrayLike<number>): Dataset {
  if (images.dims.length < 2) {
    throw new Error(`${names.images}: expected images (magic 0x00000803: count, rows, columns), got ${images.dims.length} dimension(s) [${images.dims.join(", ")}]; are images and labels swapped?`);
  }
  if (labels.dims.length !== 1) {
    throw new Error(`${names.labels}: expected labels (magic 0x00000801: one dimension), got ${labels.dims.length} dimensions [${labels.dims.join(", ")}]`);
  }
  const n = images.dims[0];
  if (labels.dims[0] !== n) {
    throw new Error(`${names.images} holds ${n} images but ${names.labels} holds ${labels.dims[0]} labels; they must match`);
  }
  if (n === 0) throw new Error(`${names.images}: holds 0 images; the dataset would be empty`);
  for (let i = 0; i < n; i++) {
    const label = labels.data[i];
    if (label >= classes) throw new Error(`${names.labels}: label ${label} at index ${i} is out of range, expected [0, ${classes - 1}]`);
  }
  const picked = rows ?? { length: n };
  const count = picked.length;
  if (count === 0) throw new Error(`${names.images}: no rows picked; the dataset would be empty`);
  const featureShape = images.dims.slice(1);
  const f = shapeSize(featureShape);
  const x = new Float32Array(count * f);
  const y = new Int32Array(count);
  for (let k = 0; k < count; k++) {
    const i = rows ? rows[k] : k;
    if (!Number.isInteger(i) || i < 0 || i >= n) throw new RangeError(`${names.images}: row ${i} at position ${k} is out of range [0, ${n - 1}]`);
    y[k] = labels.data[i];
    const from = i * f, to = k * f;
    for (let j = 0; j < f; j++) x[to + j] = images.data[from + j] / 255;
  }
  return { x, y, n: count, featureShape, classes };
}
