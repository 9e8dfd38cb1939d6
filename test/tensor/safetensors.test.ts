import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  parseSafetensors,
  serializeSafetensors,
  tensorValues,
  SafetensorsError,
} from "../../src/tensor/safetensors.ts";

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../nn/fixtures/safetensors/${name}`, import.meta.url)));
const torchJson = JSON.parse(
  readFileSync(new URL("../nn/fixtures/safetensors/torch-mlp.json", import.meta.url), "utf8"),
) as { widened: Record<string, number[]> };

/** A file from a header object and raw data bytes, exactly as given (no checks, no padding). */
function file(header: unknown, data: Uint8Array | number = 0, headerText = JSON.stringify(header)): Uint8Array {
  const json = new TextEncoder().encode(headerText);
  const bytes = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + json.length + bytes.length);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 8);
  out.set(bytes, 8 + json.length);
  return out;
}

describe("safetensors: the format over bytes", () => {
  it("round-trips F32 and F64 tensors and string metadata; the header is padded so the data starts 8-aligned", () => {
    const tensors = [
      { name: "a", shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, 0, -0]) },
      { name: "b.c", shape: [], data: [Math.PI] },
      { name: "empty", shape: [0, 4], data: [] },
    ];
    for (const dtype of ["F32", "F64"] as const) {
      const bytes = serializeSafetensors(tensors, { dtype, metadata: { who: "test" } });
      const headerLength = new DataView(bytes.buffer).getUint32(0, true);
      expect((8 + headerLength) % 8).toBe(0);
      const parsed = parseSafetensors(bytes, "mem");
      expect(parsed.metadata).toEqual({ who: "test" });
      expect([...parsed.tensors.keys()]).toEqual(["a", "b.c", "empty"]);
      expect(parsed.tensors.get("a")).toMatchObject({ dtype, shape: [2, 3] });
      expect([...tensorValues(parsed.tensors.get("a")!)]).toEqual([1, -2, 3.5, Math.fround(1e-30), 0, -0]);
      expect(tensorValues(parsed.tensors.get("b.c")!)[0]).toBe(Math.fround(Math.PI));
      expect(tensorValues(parsed.tensors.get("empty")!)).toHaveLength(0);
    }
  });

  it("writes exactly what a spec writer in Python wrote for PyTorch's state_dict (byte for byte)", () => {
    const theirs = fixture("torch-mlp.safetensors");
    const parsed = parseSafetensors(theirs, "torch-mlp.safetensors");
    const again = serializeSafetensors(
      [...parsed.tensors.values()].map((t) => ({ name: t.name, shape: t.shape, data: tensorValues(t) })),
    );
    expect(again).toEqual(theirs);
  });

  it("decodes F16 and BF16 exactly as PyTorch widens them, from offsets that are not 4-byte aligned", () => {
    const bytes = fixture("torch-mlp.mixed.safetensors");
    const { tensors } = parseSafetensors(bytes);
    const weight = tensors.get("0.weight")!,
      bias = tensors.get("0.bias")!;
    expect([weight.dtype, bias.dtype]).toEqual(["F16", "BF16"]);
    const next = tensors.get("2.weight")!; // F32 at an odd place: a Float32Array view of it would throw
    expect([weight.bytes.byteOffset % 4, next.bytes.byteOffset % 4]).toEqual([2, 2]);
    expect([...tensorValues(weight)]).toEqual(torchJson.widened["0.weight"]);
    expect([...tensorValues(bias)]).toEqual(torchJson.widened["0.bias"]);
    const reference = parseSafetensors(fixture("torch-mlp.safetensors")).tensors.get("2.weight")!;
    expect(tensorValues(next)).toEqual(tensorValues(reference));
  });

  it("decodes F16 specials: subnormals, infinities, NaN, negative zero", () => {
    const halves = [0x0001, 0x03ff, 0x3c00, 0xc000, 0x7bff, 0x7c00, 0xfc00, 0x7e00, 0x8000];
    const data = new Uint8Array(halves.length * 2);
    halves.forEach((h, i) => new DataView(data.buffer).setUint16(i * 2, h, true));
    const bytes = file({ h: { dtype: "F16", shape: [halves.length], data_offsets: [0, data.length] } }, data);
    const v = [...tensorValues(parseSafetensors(bytes).tensors.get("h")!)];
    expect(v).toEqual([2 ** -24, 1023 * 2 ** -24, 1, -2, 65504, Infinity, -Infinity, NaN, -0]);
  });

  const f32 = (shape: number[], begin = 0) => ({
    dtype: "F32",
    shape,
    data_offsets: [begin, begin + 4 * shape.reduce((a, b) => a * b, 1)],
  });
  it.each([
    ["a file shorter than 8 bytes", new Uint8Array(5), /f\.st: truncated: 5 bytes/],
    [
      "a header longer than the file",
      file({ a: f32([2]) }, 8).subarray(0, 20),
      /f\.st: truncated: the header is said to be \d+ bytes, the file has 12/,
    ],
    [
      "data cut short",
      file({ a: f32([2]), b: f32([3], 8) }, 20).subarray(0, -1),
      /f\.st: truncated: tensor "b" needs data bytes \[8, 20\), the file has 19/,
    ],
    ["a header that is not JSON", file(null, 0, '{"a": '), /f\.st: bad header: not UTF-8 JSON/],
    ["a header that is a list", file([1, 2]), /f\.st: bad header: not a JSON object/],
    [
      "a shape that does not fit its bytes",
      file({ w: { dtype: "F32", shape: [2, 3], data_offsets: [0, 20] } }, 20),
      /f\.st: tensor "w": shape \[2, 3\] of F32 needs 24 bytes, data_offsets \[0, 20\] hold 20/,
    ],
    [
      "an unknown dtype",
      file({ w: { dtype: "F128", shape: [1], data_offsets: [0, 16] } }, 16),
      /f\.st: tensor "w": unknown dtype "F128"/,
    ],
    [
      "a bad shape",
      file({ w: { dtype: "F32", shape: [-1], data_offsets: [0, 4] } }, 4),
      /f\.st: tensor "w": shape \[-1\] is not a list of sizes/,
    ],
    [
      "bad offsets",
      file({ w: { dtype: "F32", shape: [1], data_offsets: [4, 0] } }, 4),
      /f\.st: tensor "w": data_offsets \[4,0\]/,
    ],
    [
      "overlapping tensors",
      file({ a: f32([2]), b: f32([2], 4) }, 12),
      /f\.st: bad header: tensor "b" at \[4, 12\) overlaps/,
    ],
    [
      "a hole in the data",
      file({ a: f32([1]), b: f32([1], 8) }, 12),
      /f\.st: bad header: data bytes \[4, 8\) belong to no tensor/,
    ],
    [
      "bytes past the last tensor",
      file({ a: f32([1]) }, 8),
      /f\.st: bad header: data bytes \[4, 8\) belong to no tensor/,
    ],
    ["metadata that is not strings", file({ __metadata__: { step: 3 } }), /f\.st: bad header: __metadata__\.step is 3/],
  ])("refuses %s with an error naming the file (and the tensor)", (_, bytes, message) => {
    expect(() => parseSafetensors(bytes, "f.st")).toThrow(SafetensorsError);
    expect(() => parseSafetensors(bytes, "f.st")).toThrow(message);
  });

  it("parses integer tensors but refuses to read them as floats, naming the tensor", () => {
    const { tensors } = parseSafetensors(
      file({ steps: { dtype: "I64", shape: [1], data_offsets: [0, 8] } }, 8),
      "f.st",
    );
    expect(() => tensorValues(tensors.get("steps")!, "f.st")).toThrow(
      /f\.st: tensor "steps" is I64; only F16, BF16, F32 and F64/,
    );
  });

  it("refuses to write a tensor whose values do not fill its shape, or a reserved or repeated name", () => {
    expect(() => serializeSafetensors([{ name: "w", shape: [2, 2], data: [1, 2, 3] }])).toThrow(
      /tensor "w" has 3 values, its shape \[2, 2\] needs 4/,
    );
    expect(() => serializeSafetensors([{ name: "__metadata__", shape: [1], data: [1] }])).toThrow(
      /reserved or repeated/,
    );
    expect(() =>
      serializeSafetensors([
        { name: "w", shape: [1], data: [1] },
        { name: "w", shape: [1], data: [1] },
      ]),
    ).toThrow(/reserved or repeated/);
  });
});
