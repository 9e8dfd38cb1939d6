import { describe, expect, it } from "vitest";
import { decodeHistogram, encodeHistogram, histogramOf } from "../../src/report/histogram.ts";
import { EventWriter, readEvents, readRecords } from "../../src/report/tensorboard.ts";

/** Little-endian f64 bytes written out by hand from the IEEE 754 bit patterns. */
const F64: Record<number, number[]> = {
  [-1]: [0, 0, 0, 0, 0, 0, 0xf0, 0xbf],
  0.5: [0, 0, 0, 0, 0, 0, 0xe0, 0x3f],
  1: [0, 0, 0, 0, 0, 0, 0xf0, 0x3f],
  2: [0, 0, 0, 0, 0, 0, 0, 0x40],
  3: [0, 0, 0, 0, 0, 0, 0x08, 0x40],
  6: [0, 0, 0, 0, 0, 0, 0x18, 0x40],
  100: [0, 0, 0, 0, 0, 0, 0x59, 0x40],
};
const h = { min: -1, max: 2, num: 3, sum: 1, sumSquares: 6, bucketLimit: [0.5, 2], bucket: [1, 2] };
// HistogramProto: keys (field << 3 | wire) 0x09, 0x11, 0x19, 0x21, 0x29 for the five doubles (wire 1),
// 0x32 and 0x3a for the packed repeated doubles 6 and 7 (wire 2), each with its byte length 16.
const HISTO = [
  0x09,
  ...F64[-1],
  0x11,
  ...F64[2],
  0x19,
  ...F64[3],
  0x21,
  ...F64[1],
  0x29,
  ...F64[6],
  0x32,
  16,
  ...F64[0.5],
  ...F64[2],
  0x3a,
  16,
  ...F64[1],
  ...F64[2],
];

describe("TensorBoard histograms", () => {
  it("HistogramProto bytes follow summary.proto field by field", () => {
    expect([...encodeHistogram(h)]).toEqual(HISTO);
    expect(decodeHistogram(Uint8Array.from(HISTO))).toEqual(h);
  });

  it("an event holds Summary { Value { tag = 1, histo = 5 } } at its step", () => {
    const w = new EventWriter({ wallTime: 100 }).histogram("w", h, 3, 100);
    const data = readRecords(w.bytes())[1];
    const value = [0x0a, 1, 0x77, 0x2a, HISTO.length, ...HISTO]; // tag "w", then the histogram
    const summary = [0x0a, value.length, ...value];
    expect([...data]).toEqual([0x09, ...F64[100], 0x10, 3, 0x2a, summary.length, ...summary]);
    const events = readEvents(w.bytes());
    expect(events[1].step).toBe(3);
    expect(events[1].histograms).toEqual([{ tag: "w", histogram: h }]);
    expect(events[1].scalars).toEqual([]);
  });

  it("histogramOf: counts per bucket as a plain scan of the limits gives, the moments exact", () => {
    const values = Float32Array.from({ length: 997 }, (_, i) => Math.sin(i * 1.7) * 3 + (i % 7 === 0 ? 5 : 0));
    const got = histogramOf([...values, NaN, Infinity], 12);
    expect(got.skipped).toBe(2);
    expect(got.num).toBe(997);
    expect(got.bucketLimit).toHaveLength(12);
    expect(got.bucketLimit[11]).toBe(Math.max(...values));
    expect(got.min).toBe(Math.min(...values));
    const reference = got.bucketLimit.map(
      (hi, b) => values.filter((v) => v <= hi && (b === 0 || v > got.bucketLimit[b - 1])).length,
    );
    expect(got.bucket).toEqual(reference);
    expect(got.sum).toBeCloseTo(
      values.reduce((s, v) => s + v, 0),
      8,
    );
    expect(got.sumSquares).toBeCloseTo(
      values.reduce((s, v) => s + v * v, 0),
      6,
    );
    expect(histogramOf([4, 4, 4]).bucket).toEqual([3]);
    expect(() => histogramOf([NaN])).toThrow(/no finite values among 1/);
  });
});
