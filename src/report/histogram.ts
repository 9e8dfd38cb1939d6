/**
 * TensorBoard's HistogramProto (tensorflow/core/framework/summary.proto):
 *   HistogramProto { double min = 1; double max = 2; double num = 3; double sum = 4; double sum_squares = 5;
 *                    repeated double bucket_limit = 6 [packed]; repeated double bucket = 7 [packed]; }
 * bucket[i] counts the values v with bucket_limit[i−1] < v ≤ bucket_limit[i] (the first from −∞).
 * A Histogram is plain JSON, so a study's run can carry it across a thread or a machine.
 */
import { ProtoWriter, readFields, WIRE_BYTES, WIRE_FIXED64 } from "./protobuf.ts";

export interface Histogram {
  min: number;
  max: number;
  num: number;
  sum: number;
  sumSquares: number;
  bucketLimit: number[];
  bucket: number[];
}

/**
 * `buckets` equal-width buckets from the smallest finite value to the largest (one bucket when they
 * are equal). Non-finite values are left out and counted in `skipped`; an empty input throws.
 */
export function histogramOf(values: ArrayLike<number>, buckets = 30): Histogram & { skipped: number } {
  if (!Number.isInteger(buckets) || buckets < 1)
    throw new RangeError(`histogramOf: buckets must be a positive integer, got ${buckets}`);
  let min = Infinity,
    max = -Infinity,
    num = 0,
    sum = 0,
    sumSquares = 0,
    skipped = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) {
      skipped++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    num++;
    sum += v;
    sumSquares += v * v;
  }
  if (num === 0) throw new RangeError(`histogramOf: no finite values among ${values.length}`);
  const k = max > min ? buckets : 1,
    width = (max - min) / k;
  const bucketLimit = Array.from({ length: k }, (_, i) => (i === k - 1 ? max : min + width * (i + 1)));
  const bucket = new Array<number>(k).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isFinite(v)) continue;
    let b = k === 1 ? 0 : Math.min(k - 1, Math.max(0, Math.ceil((v - min) / width) - 1));
    while (b > 0 && v <= bucketLimit[b - 1]) b--; // the rounding of (v − min)/width must not move v past its limit
    while (v > bucketLimit[b]) b++;
    bucket[b]++;
  }
  return { min, max, num, sum, sumSquares, bucketLimit, bucket, skipped };
}

/** The serialized HistogramProto: every field written, the repeated ones packed. */
export function encodeHistogram(h: Histogram): Uint8Array {
  if (h.bucketLimit.length !== h.bucket.length)
    throw new RangeError(`encodeHistogram: ${h.bucketLimit.length} bucket limits but ${h.bucket.length} buckets`);
  return new ProtoWriter()
    .double(1, h.min)
    .double(2, h.max)
    .double(3, h.num)
    .double(4, h.sum)
    .double(5, h.sumSquares)
    .packedDoubles(6, h.bucketLimit)
    .packedDoubles(7, h.bucket)
    .finish();
}

export function decodeHistogram(bytes: Uint8Array): Histogram {
  const h: Histogram = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [], bucket: [] };
  const keys = ["", "min", "max", "num", "sum", "sumSquares"] as const;
  for (const f of readFields(bytes)) {
    if (f.wire === WIRE_FIXED64 && f.field >= 1 && f.field <= 5)
      h[keys[f.field] as Exclude<(typeof keys)[number], "">] = f.view.getFloat64(f.offset, true);
    else if (f.wire === WIRE_BYTES && (f.field === 6 || f.field === 7)) {
      const v = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
      const out = f.field === 6 ? h.bucketLimit : h.bucket;
      for (let i = 0; i + 8 <= f.bytes.length; i += 8) out.push(v.getFloat64(i, true));
    }
  }
  return h;
}
