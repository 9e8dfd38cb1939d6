/**
 * TensorBoard scalar event files, written without TensorFlow.
 *
 * A file is a sequence of TFRecords, each: u64 length (little-endian), u32 masked CRC-32C of those
 * 8 bytes, the data, u32 masked CRC-32C of the data. Each record's data is a serialized
 * `tensorflow.Event` (tensorflow/core/util/event.proto):
 *   Event   { double wall_time = 1; int64 step = 2; oneof { string file_version = 3; Summary summary = 5; } }
 *   Summary { repeated Value value = 1; }
 *   Value   { string tag = 1; oneof { float simple_value = 2; ... } }
 * The first record announces the format with file_version "brain.Event:2".
 * Pure: the writer returns bytes, a Node-only module writes them.
 */
import { crc32c, maskCrc } from "./crc32c.ts";
import { ProtoWriter, readFields, WIRE_BYTES, WIRE_FIXED32, WIRE_FIXED64, WIRE_VARINT } from "./protobuf.ts";
import { decodeHistogram, encodeHistogram, type Histogram } from "./histogram.ts";

export const FILE_VERSION = "brain.Event:2";

export interface Scalar {
  tag: string;
  value: number;
}
export interface Event {
  /** Seconds since the Unix epoch. */
  wallTime: number;
  step: number;
  fileVersion?: string;
  /** Scalar values of a summary event (empty for others). */
  scalars: Scalar[];
  /** Histogram values of a summary event, when there are any. */
  histograms?: { tag: string; histogram: Histogram }[];
}

/**
 * The conventional name, `events.out.tfevents.<seconds>.<host>`, which TensorBoard looks for.
 * `time` is in seconds since the epoch (Date.now() / 1000), not milliseconds. Characters other
 * than letters, digits, `.`, `_`, `-` in the host are replaced by `_` so the name stays one path segment.
 */
export function eventFileName(host: string, time: number): string {
  if (!Number.isFinite(time) || time < 0)
    throw new RangeError(`eventFileName: time must be seconds since the epoch, got ${time}`);
  if (time > 1e11) throw new RangeError(`eventFileName: time ${time} looks like milliseconds; pass seconds`);
  const safeHost = host.replace(/[^A-Za-z0-9._-]/g, "_") || "localhost";
  return `events.out.tfevents.${Math.floor(time)}.${safeHost}`;
}

/** One TFRecord around `data`. */
export function frameRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length >>> 0, true);
  view.setUint32(4, Math.floor(data.length / 2 ** 32), true);
  view.setUint32(8, maskCrc(crc32c(out, 0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskCrc(crc32c(data)), true);
  return out;
}

/** The data of every record, both CRCs checked; throws with the byte offset of the first bad record. */
export function readRecords(bytes: Uint8Array): Uint8Array[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: Uint8Array[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (at + 12 > bytes.length) throw new RangeError(`tfrecord: truncated header at byte ${at}`);
    if (view.getUint32(at + 8, true) !== maskCrc(crc32c(bytes, at, at + 8)))
      throw new RangeError(`tfrecord: length CRC mismatch at byte ${at}`);
    const length = view.getUint32(at, true) + view.getUint32(at + 4, true) * 2 ** 32;
    const end = at + 12 + length;
    if (end + 4 > bytes.length)
      throw new RangeError(`tfrecord: record at byte ${at} claims ${length} bytes, past the end`);
    if (view.getUint32(end, true) !== maskCrc(crc32c(bytes, at + 12, end)))
      throw new RangeError(`tfrecord: data CRC mismatch in record at byte ${at}`);
    records.push(bytes.subarray(at + 12, end));
    at = end + 4;
  }
  return records;
}

function encodeEvent(wallTime: number, step: number, body: (w: ProtoWriter) => void): Uint8Array {
  const w = new ProtoWriter().double(1, wallTime);
  if (step !== 0) w.varint(2, step); // proto3 leaves zero defaults out
  body(w);
  return frameRecord(w.finish());
}

/**
 * Accumulates scalar events as TFRecord bytes. Construction writes the file_version record.
 * Wall times default to `clock()` (seconds), which defaults to Date.now() / 1000.
 */
export class EventWriter {
  private chunks: Uint8Array[] = [];
  private taken = 0;
  private readonly clock: () => number;

  constructor(opts: { wallTime?: number; clock?: () => number } = {}) {
    this.clock = opts.clock ?? (() => Date.now() / 1000);
    this.chunks.push(encodeEvent(opts.wallTime ?? this.clock(), 0, (w) => w.string(3, FILE_VERSION)));
  }

  /** One scalar at a step. Values are stored as float32 (TensorBoard's simple_value). */
  scalar(tag: string, value: number, step: number, wallTime?: number): this {
    return this.scalars({ [tag]: value }, step, wallTime);
  }

  /** Several scalars of one step in a single event. */
  scalars(values: Record<string, number>, step: number, wallTime?: number): this {
    if (!Number.isSafeInteger(step) || step < 0)
      throw new RangeError(`EventWriter: step must be a non-negative integer, got ${step}`);
    const entries = Object.entries(values);
    if (entries.length === 0) throw new RangeError("EventWriter: no values to write");
    for (const [tag] of entries) if (tag === "") throw new RangeError("EventWriter: empty tag");
    this.chunks.push(
      encodeEvent(wallTime ?? this.clock(), step, (w) => {
        for (const [tag, value] of entries) {
          w.bytes(5, new ProtoWriter().bytes(1, new ProtoWriter().string(1, tag).float(2, value).finish()).finish());
        }
      }),
    );
    return this;
  }

  /** One histogram at a step: Summary.Value { tag = 1; HistogramProto histo = 5 } (see histogram.ts). */
  histogram(tag: string, h: Histogram, step: number, wallTime?: number): this {
    if (!Number.isSafeInteger(step) || step < 0)
      throw new RangeError(`EventWriter: step must be a non-negative integer, got ${step}`);
    if (tag === "") throw new RangeError("EventWriter: empty tag");
    this.chunks.push(
      encodeEvent(wallTime ?? this.clock(), step, (w) => {
        w.bytes(
          5,
          new ProtoWriter().bytes(1, new ProtoWriter().string(1, tag).bytes(5, encodeHistogram(h)).finish()).finish(),
        );
      }),
    );
    return this;
  }

  /** Every record so far: the whole file. */
  bytes(): Uint8Array {
    return concat(this.chunks);
  }

  /** The records added since the last call (the first call includes the file_version record): for appending to a file. */
  takeNew(): Uint8Array {
    const out = concat(this.chunks.slice(this.taken));
    this.taken = this.chunks.length;
    return out;
  }
}

/** Decodes an event file: every record's wall time, step, file version and scalar values. */
export function readEvents(bytes: Uint8Array): Event[] {
  return readRecords(bytes).map((data) => {
    const event: Event = { wallTime: 0, step: 0, scalars: [] };
    for (const f of readFields(data)) {
      if (f.field === 1 && f.wire === WIRE_FIXED64) event.wallTime = f.view.getFloat64(f.offset, true);
      else if (f.field === 2 && f.wire === WIRE_VARINT) event.step = f.value;
      else if (f.field === 3 && f.wire === WIRE_BYTES) event.fileVersion = new TextDecoder().decode(f.bytes);
      else if (f.field === 5 && f.wire === WIRE_BYTES) {
        event.scalars.push(...decodeSummary(f.bytes));
        const histograms = decodeHistograms(f.bytes);
        if (histograms.length) (event.histograms ??= []).push(...histograms);
      }
    }
    return event;
  });
}

function decodeSummary(summary: Uint8Array): Scalar[] {
  const out: Scalar[] = [];
  for (const v of readFields(summary)) {
    if (v.field !== 1 || v.wire !== WIRE_BYTES) continue;
    let tag = "",
      value: number | null = null;
    for (const f of readFields(v.bytes)) {
      if (f.field === 1 && f.wire === WIRE_BYTES) tag = new TextDecoder().decode(f.bytes);
      else if (f.field === 2 && f.wire === WIRE_FIXED32) value = f.view.getFloat32(f.offset, true);
    }
    if (value !== null) out.push({ tag, value }); // values of other kinds (images, histograms) are skipped
  }
  return out;
}

function decodeHistograms(summary: Uint8Array): { tag: string; histogram: Histogram }[] {
  const out: { tag: string; histogram: Histogram }[] = [];
  for (const v of readFields(summary)) {
    if (v.field !== 1 || v.wire !== WIRE_BYTES) continue;
    let tag = "",
      histogram: Histogram | null = null;
    for (const f of readFields(v.bytes)) {
      if (f.field === 1 && f.wire === WIRE_BYTES) tag = new TextDecoder().decode(f.bytes);
      else if (f.field === 5 && f.wire === WIRE_BYTES) histogram = decodeHistogram(f.bytes);
    }
    if (histogram) out.push({ tag, histogram });
  }
  return out;
}

function concat(chunks: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
