/**
 * Just enough of the protocol buffers wire format (https://protobuf.dev/programming-guides/encoding/)
 * to write and read TensorBoard scalar events: varints, 64-bit doubles, 32-bit floats and
 * length-delimited fields. Integers stay below 2^53, so plain numbers suffice.
 */

export const WIRE_VARINT = 0,
  WIRE_FIXED64 = 1,
  WIRE_BYTES = 2,
  WIRE_FIXED32 = 5;

/** Appends fields to a growing byte buffer. */
export class ProtoWriter {
  private buf = new Uint8Array(64);
  private view = new DataView(this.buf.buffer);
  private n = 0;

  private reserve(extra: number): void {
    if (this.n + extra <= this.buf.length) return;
    const bigger = new Uint8Array(Math.max(this.buf.length * 2, this.n + extra));
    bigger.set(this.buf.subarray(0, this.n));
    this.buf = bigger;
    this.view = new DataView(bigger.buffer);
  }

  private key(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  private rawVarint(v: number): void {
    if (!Number.isSafeInteger(v) || v < 0)
      throw new RangeError(`protobuf: varint must be a non-negative safe integer, got ${v}`);
    this.reserve(10);
    while (v >= 0x80) {
      this.buf[this.n++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.buf[this.n++] = v;
  }

  varint(field: number, v: number): this {
    this.key(field, WIRE_VARINT);
    this.rawVarint(v);
    return this;
  }
  double(field: number, v: number): this {
    this.key(field, WIRE_FIXED64);
    this.reserve(8);
    this.view.setFloat64(this.n, v, true);
    this.n += 8;
    return this;
  }
  float(field: number, v: number): this {
    this.key(field, WIRE_FIXED32);
    this.reserve(4);
    this.view.setFloat32(this.n, v, true);
    this.n += 4;
    return this;
  }
  bytes(field: number, b: Uint8Array): this {
    this.key(field, WIRE_BYTES);
    this.rawVarint(b.length);
    this.reserve(b.length);
    this.buf.set(b, this.n);
    this.n += b.length;
    return this;
  }
  string(field: number, s: string): this {
    return this.bytes(field, new TextEncoder().encode(s));
  }
  /** A packed repeated double: one length-delimited field of little-endian f64s. */
  packedDoubles(field: number, values: ArrayLike<number>): this {
    const b = new Uint8Array(values.length * 8),
      v = new DataView(b.buffer);
    for (let i = 0; i < values.length; i++) v.setFloat64(i * 8, values[i], true);
    return this.bytes(field, b);
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.n);
  }
}

export type ProtoValue =
  | { wire: typeof WIRE_VARINT; value: number }
  | { wire: typeof WIRE_FIXED64; view: DataView; offset: number }
  | { wire: typeof WIRE_FIXED32; view: DataView; offset: number }
  | { wire: typeof WIRE_BYTES; bytes: Uint8Array };

/** The fields of one message in order (repeated fields appear once per value); unknown wire types throw. */
export function* readFields(msg: Uint8Array): Generator<{ field: number } & ProtoValue> {
  const view = new DataView(msg.buffer, msg.byteOffset, msg.byteLength);
  let i = 0;
  const varint = (): number => {
    let v = 0,
      scale = 1;
    for (;;) {
      if (i >= msg.length) throw new RangeError("protobuf: truncated varint");
      const b = msg[i++];
      v += (b & 0x7f) * scale;
      if (b < 0x80) return v;
      scale *= 0x80;
      if (scale > 2 ** 63) throw new RangeError("protobuf: varint longer than 10 bytes");
    }
  };
  const need = (k: number) => {
    if (i + k > msg.length) throw new RangeError(`protobuf: field runs past the end (${i + k} > ${msg.length})`);
  };
  while (i < msg.length) {
    const key = varint();
    const field = Math.floor(key / 8),
      wire = key % 8;
    if (wire === WIRE_VARINT) yield { field, wire, value: varint() };
    else if (wire === WIRE_FIXED64) {
      need(8);
      yield { field, wire, view, offset: i };
      i += 8;
    } else if (wire === WIRE_FIXED32) {
      need(4);
      yield { field, wire, view, offset: i };
      i += 4;
    } else if (wire === WIRE_BYTES) {
      const len = varint();
      need(len);
      yield { field, wire, bytes: msg.subarray(i, i + len) };
      i += len;
    } else throw new RangeError(`protobuf: unsupported wire type ${wire} for field ${field}`);
  }
}
