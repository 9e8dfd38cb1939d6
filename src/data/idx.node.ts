// Node-only: reads IDX files from disk and gunzips them. The parsing itself is in idx.ts.
import { readFileSync } from "node:fs";
import { gunzipSync } from "node:zlib";
import type { Dataset } from "./dataset.ts";
import { type IdxArray, idxToDataset, isGzip, parseIdx } from "./idx.ts";

/** Reads an IDX file, raw or gzip-compressed (detected by its first bytes 1f 8b, not its name). */
export function readIdxFile(path: string): IdxArray {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read it (${(err as Error).message})`);
  }
  if (isGzip(bytes)) {
    try {
      // The gzip trailer's ISIZE (length mod 2^32) sizes one output chunk: zlib then fills it in place
      // instead of gathering chunks and concatenating them, which would hold the decompressed bytes twice.
      const size = bytes.length >= 18 ? new DataView(bytes.buffer, bytes.byteOffset + bytes.length - 4, 4).getUint32(0, true) : 0;
      // Deflate expands at most 1032-fold, so a damaged trailer cannot ask for more than that.
      bytes = gunzipSync(bytes, size > 0 ? { chunkSize: Math.min(size, bytes.length * 1032) + 64 } : {});
    } catch (e) {
      throw new Error(`${path}: starts with the gzip magic 1f 8b but does not decompress: ${(e as Error).message}`);
    }
  }
  return parseIdx(bytes, path);
}

/** Loads an images/labels pair of IDX files (e.g. train-images-idx3-ubyte.gz) as a Dataset. */
export function loadIdxDataset(files: { images: string; labels: string; classes?: number }): Dataset {
  return idxToDataset(readIdxFile(files.images), readIdxFile(files.labels), files, files.classes ?? 10);
}
