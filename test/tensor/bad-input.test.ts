import { describe, expect, it } from "vitest";
import * as E from "../../src/index.ts";

const t = (shape: number[]) => E.zeros(shape);

describe("bad input: a clear Error naming the op and the shapes, never a WASM trap", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      "add of shapes that do not broadcast",
      () => E.add(t([2, 3]), t([3, 2])),
      /add: shapes \[2,3\] and \[3,2\] do not broadcast/,
    ],
    ["mul of shapes that do not broadcast", () => E.mul(t([4]), t([5])), /mul: shapes \[4\] and \[5\]/],
    [
      "matmul inner dimensions",
      () => E.matmul(t([2, 3]), t([4, 5])),
      /matmul: inner dimensions differ: \[2,3\] · \[4,5\]/,
    ],
    [
      "matmul transposed inner dimensions",
      () => E.matmul(t([2, 3]), t([4, 5]), { transA: true }),
      /matmul: inner dimensions differ: \[2,3\]ᵀ · \[4,5\]/,
    ],
    ["matmul of a vector", () => E.matmul(t([3]), t([3, 1])), /matmul: expects 2-D tensors, got \[3\] and \[3,1\]/],
    ["data of the wrong length", () => E.tensor([1, 2, 3], [2, 2]), /tensor: 3 values do not fill shape \[2,2\]/],
    ["a negative dimension", () => E.zeros([2, -1]), /dimensions must be non-negative integers, got \[2,-1\]/],
    ["a fractional dimension", () => E.tensor([1, 2], [1.5]), /dimensions must be non-negative integers/],
    ["a ragged nested array", () => E.tensor([[1, 2], [3]]), /ragged/],
    [
      "reshape to another size",
      () => E.reshape(t([2, 3]), [4, 2]),
      /reshape: cannot reshape \[2,3\] \(6 values\) to \[4,2\]/,
    ],
    ["an axis out of range", () => E.sum(t([2, 3]), 2), /sum: axis 2 is out of range for a tensor of rank 2/],
    [
      "slice outside the axis",
      () => E.slice(t([2, 3]), 1, 2, 5),
      /slice: range \[2, 5\) is not inside axis 1 of length 3/,
    ],
    [
      "gather index out of range",
      () => E.gather(t([4, 2]), [0, 4]),
      /gather: index 4 at position 1 is outside \[0, 4\)/,
    ],
    [
      "concat of mismatched shapes",
      () => E.concat([t([2, 3]), t([2, 4])], 0),
      /concat: shapes \[2,3\], \[2,4\] differ outside axis 0/,
    ],
    ["transpose of a 3-D tensor", () => E.transpose(t([2, 2, 2])), /transpose: expects a 2-D tensor, got \[2,2,2\]/],
    [
      "a gradient of a non-scalar",
      () => {
        const w = t([3]);
        return E.grad(() => E.mul(w, w), [w]);
      },
      /valueAndGrad: the function must return a single value, got shape \[3\]/,
    ],
    [
      "an HVP direction of the wrong shape",
      () => {
        const w = t([3]);
        return E.hvp(() => E.sum(w), [w], [t([4])]);
      },
      /hvp: direction 0 has shape \[4\], tensor has \[3\]/,
    ],
    ["item of a vector", () => t([2]).item(), /item: tensor of shape \[2\] has 2 elements/],
    ["max over an empty axis", () => E.max(t([2, 0]), 1), /max: cannot take the max over an empty axis/],
  ];
  for (const [name, fn, message] of cases) {
    it(name, () => {
      let err: unknown;
      try {
        fn();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(Error);
      expect((err as Error).message).toMatch(message);
      expect(err).not.toBeInstanceOf(WebAssembly.RuntimeError);
    });
  }

  it("use of a freed tensor names the op and the shape", () => {
    const a = t([2, 2]);
    a.free();
    expect(() => E.exp(a)).toThrow(/exp: input 0 of shape \[2,2\] was freed/);
    expect(() => a.toArray()).toThrow(/use of a freed tensor of shape \[2,2\]/);
    const w = t([3]);
    w.free();
    expect(() => E.grad(() => E.sum(w), [w])).toThrow(/valueAndGrad: tensor 0 \(shape \[3\]\) was freed/);
  });

  it("an error inside a gradient frees its temporaries and leaves the engine usable", () => {
    const w = E.tensor([1, 2, 3]);
    const { heap } = E;
    const before = heap.inUse;
    expect(() => E.grad(() => E.sum(E.matmul(E.reshape(w, [3, 1]), E.reshape(w, [3, 1]))), [w])).toThrow(/matmul/);
    expect(heap.inUse).toBe(before);
    const [g] = E.grad(() => E.sum(E.mul(w, w)), [w]);
    expect(g.toArray()).toEqual(Float32Array.of(2, 4, 6));
    g.free();
    w.free();
  });
});
