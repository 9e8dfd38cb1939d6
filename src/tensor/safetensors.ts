/**
 * The safetensors format (huggingface/safetensors), over bytes, with no WASM and no Node built-in:
 *
 *   [8 bytes: header length N, u64 little-endian][N bytes: JSON header][data]
 *   header = { "<name>": { "dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end] }, ...,
 *              "__metadata__"?: { "<key>": "<string>" } }
 *
 * Offsets are relative to the start of the data; tensors are row-major and little-endian, and the
 * spec asks that they tile the data without holes or overlaps. parseSafetensors checks all of that
 * before anything is decoded, and every error names the source (a file) and the tensor. Nothing
 * is viewed in place: a tensor's offset need not be a multiple of its element size (a header of
 * any length, an F16 tensor before an F32 one), so values are copied out through a DataView.
 */

/** The dtypes a file may hold, with their sizes in bytes; only the float ones can be decoded. */
const DTYPE_BYTES: Readonly<Record<string, number>> = {
  BOOL: 1,
  U8: 1,
  I8: 1,
  F8_E5M2: 1,
  F8_E4M3: 1,
  I16: 2,
  U16: 2,
  F16: 2,
  BF16: 2,
  I32: 4,
  U32: 4,
  F32: 4,
  I64: 8,
  U64: 8,
  F64: 8,
};

export type FloatDtype = "F16" | "BF16" | "F32" | "F64";

export interface StoredTensor {
  name: string;
  dtype: string;
  shape: number[];
  /** The tensor's bytes, a view into the file's; decode with tensorValues. */
  bytes: Uint8Array;
}

export interface Safetensors {
  /** By name, in the file's header order. */
  tensors: Map<string, StoredTensor>;
  metadata: Record<string, string>;
}

/** A tensor to write: row-major values and their shape. */
export interface TensorToWrite {
  name: string;
  shape: readonly number[];
  data: ArrayLike<number>;
}

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SafetensorsError";
  }
}

/** Reads and checks the header and every tensor's place in the data; decodes nothing. */
export function parseSafetensors(bytes: Uint8Array, source = "safetensors"): Safetensors {
  const fail = (why: string): never => {
    throw new SafetensorsError(`${source}: ${why}`);
  };
  if (bytes.length < 8) fail(`truncated: ${bytes.length} bytes, not even the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerLength > bytes.length - 8)
    fail(
      `truncated: the header is said to be ${headerLength} bytes, the file has ${bytes.length - 8} after the length`,
    );
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(8, 8 + headerLength)));
  } catch (err) {
    fail(`bad header: not UTF-8 JSON (${(err as Error).message})`);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) fail("bad header: not a JSON object");
  const data = bytes.subarray(8 + headerLength);

  const metadata: Record<string, string> = {};
  const tensors = new Map<string, StoredTensor>();
  const ranges: { name: string; begin: number; end: number }[] = [];
  for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
    if (name === "__metadata__") {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry))
        fail("bad header: __metadata__ is not an object");
      for (const [key, value] of Object.entries(entry as Record<string, unknown>)) {
        if (typeof value !== "string")
          fail(`bad header: __metadata__.${key} is ${JSON.stringify(value)}, the format allows only strings`);
        metadata[key] = value as string;
      }
      continue;
    }
    const where = `tensor ${JSON.stringify(name)}`;
    const {
      dtype,
      shape,
      data_offsets: offsets,
    } = (entry ?? {}) as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    if (typeof dtype !== "string" || !(dtype in DTYPE_BYTES))
      fail(`${where}: unknown dtype ${JSON.stringify(dtype)}; known: ${Object.keys(DTYPE_BYTES).join(", ")}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0))
      fail(`${where}: shape ${JSON.stringify(shape)} is not a list of sizes`);
    if (
      !Array.isArray(offsets) ||
      offsets.length !== 2 ||
      !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
      offsets[0] > offsets[1]
    ) {
      fail(`${where}: data_offsets ${JSON.stringify(offsets)} is not [begin, end] with 0 ≤ begin ≤ end`);
    }
    const [begin, end] = offsets as [number, number];
    const dims = shape as number[];
    const expected = dims.reduce((n, d) => n * d, 1) * DTYPE_BYTES[dtype as string];
    if (end - begin !== expected)
      fail(
        `${where}: shape [${dims.join(", ")}] of ${dtype} needs ${expected} bytes, data_offsets [${begin}, ${end}] hold ${end - begin}`,
      );
    if (end > data.length) fail(`truncated: ${where} needs data bytes [${begin}, ${end}), the file has ${data.length}`);
    tensors.set(name, { name, dtype: dtype as string, shape: dims, bytes: data.subarray(begin, end) });
    ranges.push({ name, begin, end });
  }

  ranges.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0;
  for (const r of ranges) {
    if (r.begin < covered)
      fail(`bad header: tensor ${JSON.stringify(r.name)} at [${r.begin}, ${r.end}) overlaps the tensor before it`);
    if (r.begin > covered)
      fail(`bad header: data bytes [${covered}, ${r.begin}) belong to no tensor (before ${JSON.stringify(r.name)})`);
    covered = r.end;
  }
  if (covered !== data.length) fail(`bad header: data bytes [${covered}, ${data.length}) belong to no tensor`);
  return { tensors, metadata };
}

/** A float tensor's values as f32 (F64 rounded, F16 and BF16 widened exactly), copied out of the file. */
export function tensorValues(t: StoredTensor, source = "safetensors"): Float32Array {
  const view = new DataView(t.bytes.buffer, t.bytes.byteOffset, t.bytes.byteLength);
  const size = DTYPE_BYTES[t.dtype];
  const out = new Float32Array(t.bytes.length / size);
  switch (t.dtype) {
    case "F32":
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
      break;
    case "F64":
      for (let i = 0; i < out.length; i++) out[i] = view.getFloat64(i * 8, true);
      break;
    case "F16":
      for (let i = 0; i < out.length; i++) out[i] = halfToFloat(view.getUint16(i * 2, true));
      break;
    case "BF16": {
      const bits = new DataView(new ArrayBuffer(4));
      for (let i = 0; i < out.length; i++) {
        bits.setUint32(0, view.getUint16(i * 2, true) << 16);
        out[i] = bits.getFloat32(0);
      }
      break;
    }
    default:
      throw new SafetensorsError(
        `${source}: tensor ${JSON.stringify(t.name)} is ${t.dtype}; only F16, BF16, F32 and F64 load as floats`,
      );
  }
  return out;
}

/** IEEE 754 binary16 → number. */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exponent = (h >> 10) & 0x1f;
  const fraction = h & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24; // zero and subnormals
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/**
 * The file's bytes: tensors in the order given, contiguous; the header padded with spaces to a
 * multiple of 8 bytes (as the reference implementation does) so an F32 or F64 file's data is aligned.
 */
export function serializeSafetensors(
  tensors: readonly TensorToWrite[],
  { dtype = "F32", metadata }: { dtype?: "F32" | "F64"; metadata?: Record<string, string> } = {},
): Uint8Array {
  const size = DTYPE_BYTES[dtype];
  const header: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length > 0) header.__metadata__ = metadata;
  let offset = 0;
  for (const t of tensors) {
    if (t.name === "__metadata__" || t.name in header)
      throw new SafetensorsError(`serializeSafetensors: tensor name ${JSON.stringify(t.name)} is reserved or repeated`);
    const count = t.shape.reduce((n, d) => n * d, 1);
    if (count !== t.data.length)
      throw new SafetensorsError(
        `serializeSafetensors: tensor ${JSON.stringify(t.name)} has ${t.data.length} values, its shape [${t.shape.join(", ")}] needs ${count}`,
      );
    header[t.name] = { dtype, shape: [...t.shape], data_offsets: [offset, offset + count * size] };
    offset += count * size;
  }
  let json = new TextEncoder().encode(JSON.stringify(header));
  const padded = Math.ceil(json.length / 8) * 8;
  if (padded !== json.length)
    json = new TextEncoder().encode(JSON.stringify(header) + " ".repeat(padded - json.length));
  const out = new Uint8Array(8 + json.length + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const t of tensors) {
    for (let i = 0; i < t.data.length; i++, at += size) {
      if (dtype === "F32") view.setFloat32(at, t.data[i], true);
      else view.setFloat64(at, t.data[i], true);
    }
  }
  return out;
}
