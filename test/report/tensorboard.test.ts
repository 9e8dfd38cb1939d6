import { describe, expect, it } from "vitest";
import { crc32c, maskCrc } from "../../src/report/crc32c.ts";
import {
  EventWriter,
  eventFileName,
  FILE_VERSION,
  frameRecord,
  readEvents,
  readRecords,
} from "../../src/report/tensorboard.ts";
import { ProtoWriter, readFields } from "../../src/report/protobuf.ts";
import { Random } from "../../src/random.ts";

const ascii = (s: string) => new TextEncoder().encode(s);

describe("crc32c", () => {
  it("matches the standard check value and known vectors", () => {
    expect(crc32c(ascii("123456789"))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(0))).toBe(0);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // 32 zero bytes (RFC 3720, B.4)
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43); // 32 0xFF bytes (RFC 3720, B.4)
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e); // 0..31 (RFC 3720, B.4)
    expect(crc32c(ascii("xx123456789yy"), 2, 11)).toBe(0xe3069283);
  });

  it("masks by rotating right 15 and adding 0xa282ead8", () => {
    expect(maskCrc(0)).toBe(0xa282ead8);
    expect(maskCrc(1 << 15)).toBe((1 + 0xa282ead8) >>> 0);
    expect(maskCrc(1)).toBe(((1 << 17) + 0xa282ead8) >>> 0);
  });
});

describe("protobuf fields", () => {
  it("round-trips varints (multi-byte), doubles, floats and strings", () => {
    const msg = new ProtoWriter()
      .varint(2, 300)
      .varint(4, 2 ** 40 + 7)
      .double(1, Math.PI)
      .float(9, 0.1)
      .string(3, "λ")
      .finish();
    expect(Array.from(msg.subarray(0, 3))).toEqual([0x10, 0xac, 0x02]); // field 2 varint 300, the example in the protobuf docs
    const fields = [...readFields(msg)];
    expect(fields.map((f) => f.field)).toEqual([2, 4, 1, 9, 3]);
    const [a, b, c, d, e] = fields as unknown as [
      { value: number },
      { value: number },
      { view: DataView; offset: number },
      { view: DataView; offset: number },
      { bytes: Uint8Array },
    ];
    expect(a.value).toBe(300);
    expect(b.value).toBe(2 ** 40 + 7);
    expect(c.view.getFloat64(c.offset, true)).toBe(Math.PI);
    expect(d.view.getFloat32(d.offset, true)).toBe(Math.fround(0.1));
    expect(new TextDecoder().decode(e.bytes)).toBe("λ");
  });
});

describe("TensorBoard event files", () => {
  it("names files the standard way, in seconds", () => {
    expect(eventFileName("gpu-box.lan", 1700000000.75)).toBe("events.out.tfevents.1700000000.gpu-box.lan");
    expect(eventFileName("a/b c", 5)).toBe("events.out.tfevents.5.a_b_c");
    expect(() => eventFileName("h", 1700000000000)).toThrow(/milliseconds/);
  });

  it("starts with the file_version record, byte for byte", () => {
    const bytes = new EventWriter({ wallTime: 1.5 }).bytes();
    // Event { wall_time = 1.5 (field 1, fixed64), file_version = "brain.Event:2" (field 3) }
    const data = Uint8Array.from([0x09, 0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0x1a, 13, ...ascii(FILE_VERSION)]);
    expect(bytes.length).toBe(12 + data.length + 4);
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(0, true)).toBe(data.length);
    expect(view.getUint32(4, true)).toBe(0);
    expect(view.getUint32(8, true)).toBe(maskCrc(crc32c(bytes.subarray(0, 8))));
    expect(Array.from(bytes.subarray(12, 12 + data.length))).toEqual(Array.from(data));
    expect(view.getUint32(12 + data.length, true)).toBe(maskCrc(crc32c(data)));
    expect(readEvents(bytes)).toEqual([{ wallTime: 1.5, step: 0, fileVersion: FILE_VERSION, scalars: [] }]);
  });

  it("round-trips many scalars exactly at float32 precision", () => {
    const rng = new Random(11);
    let t = 1700000000;
    const w = new EventWriter({ wallTime: t, clock: () => (t += 0.25) });
    const logged: { step: number; tag: string; value: number }[] = [];
    for (let step = 0; step < 500; step++) {
      const loss = Math.exp(rng.normal() * 10),
        acc = rng.uniform();
      w.scalars({ "train/loss": loss, "train/accuracy": acc }, step);
      logged.push({ step, tag: "train/loss", value: loss }, { step, tag: "train/accuracy", value: acc });
      if (step % 50 === 0) {
        w.scalar("lr", 0.1 / (step + 1), step, 42 + step);
        logged.push({ step, tag: "lr", value: 0.1 / (step + 1) });
      }
    }
    w.scalar("diverged", NaN, 2 ** 40).scalar("big", Infinity, 3);
    const events = readEvents(w.bytes());
    expect(events[0].fileVersion).toBe(FILE_VERSION);
    const read = events.slice(1).flatMap((e) => e.scalars.map((s) => ({ step: e.step, tag: s.tag, value: s.value })));
    expect(read.slice(0, -2)).toEqual(logged.map((l) => ({ ...l, value: Math.fround(l.value) })));
    expect(read[read.length - 2]).toEqual({ step: 2 ** 40, tag: "diverged", value: NaN });
    expect(read[read.length - 1].value).toBe(Infinity);
    expect(events[1].wallTime).toBe(1700000000.25);
    expect(events.find((e) => e.scalars[0]?.tag === "lr" && e.step === 50)!.wallTime).toBe(92);
  });

  it("hands out new records once for appending, adding up to the whole file", () => {
    const w = new EventWriter({ wallTime: 0, clock: () => 1 });
    const first = w.takeNew();
    w.scalar("a", 1, 1).scalar("a", 2, 2);
    const second = w.takeNew();
    expect(w.takeNew().length).toBe(0);
    const joined = new Uint8Array([...first, ...second]);
    expect(joined).toEqual(w.bytes());
    expect(readEvents(second).map((e) => e.step)).toEqual([1, 2]);
  });

  it("detects a corrupted byte anywhere and a truncated file", () => {
    const w = new EventWriter({ wallTime: 0, clock: () => 1 });
    for (let s = 1; s <= 3; s++) w.scalar("loss", 1 / s, s);
    const good = w.bytes();
    expect(readRecords(good)).toHaveLength(4);
    for (let i = 0; i < good.length; i++) {
      const bad = good.slice();
      bad[i] ^= 0x10;
      expect(() => readEvents(bad), `byte ${i}`).toThrow(/tfrecord: /);
    }
    expect(() => readRecords(good.subarray(0, good.length - 1))).toThrow(/past the end/);
    expect(() => readRecords(good.subarray(0, 5))).toThrow(/truncated header/);
    expect(() => readRecords(frameRecord(ascii("x")).subarray(0, 16))).toThrow(/past the end/);
  });

  it("rejects steps it cannot encode", () => {
    const w = new EventWriter({ wallTime: 0 });
    expect(() => w.scalar("x", 1, -1)).toThrow(/got -1/);
    expect(() => w.scalar("x", 1, 1.5)).toThrow(/got 1.5/);
    expect(() => w.scalars({}, 1)).toThrow(/no values/);
  });
});
