import { describe, expect, it } from "vitest";
import * as E from "../../src/index.ts";
import { kernels, f32View, heap } from "../../src/wasm/module.ts";

describe("tensors in WASM memory", () => {
  it("round-trips data as copies, from JS arrays, typed arrays and nested arrays", () => {
    const a = E.tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(a.shape).toEqual([2, 3]);
    const copy = a.toArray();
    copy[0] = 99;
    expect(a.toArray()).toEqual(Float32Array.of(1, 2, 3, 4, 5, 6));
    const b = E.tensor(Float32Array.of(1, 2, 3, 4), [2, 2]);
    expect(E.tensor(7).item()).toBe(7);
    expect(b.toArray()).toEqual(Float32Array.of(1, 2, 3, 4));
    a.free();
    b.free();
  });

  it("keeps no stale view when memory grows", () => {
    const a = E.tensor([1, 2, 3]);
    const before = kernels.memory.buffer.byteLength;
    const big = E.zeros([(4 * before) / 4]); // forces growth
    expect(kernels.memory.buffer.byteLength).toBeGreaterThan(before);
    expect(a.toArray()).toEqual(Float32Array.of(1, 2, 3));
    expect(f32View(a.ptr, 3)).toEqual(Float32Array.of(1, 2, 3));
    const c = E.add(a, a);
    expect(c.toArray()).toEqual(Float32Array.of(2, 4, 6));
    for (const t of [a, big, c]) t.free();
  });

  it("a training loop (forward, backward, update) on a small MLP runs in flat memory", () => {
    const rng = new E.Random(7);
    const x = E.randn([16, 8], rng),
      y = E.randn([16, 3], rng);
    const params = [E.randn([8, 32], rng, 0.3), E.zeros([32]), E.randn([32, 3], rng, 0.3), E.zeros([3])];
    const grads = params.map((p) => E.zerosLike(p));
    const loss = () => {
      const h = E.relu(E.add(E.matmul(x, params[0]), params[1]));
      const r = E.sub(E.add(E.matmul(h, params[2]), params[3]), y);
      return E.mean(E.mul(r, r));
    };
    const step = () => {
      const value = E.valueAndGradInto(loss, params, grads);
      params.forEach((p, i) => kernels.axpy(p.ptr, -0.01, grads[i].ptr, p.size));
      return value;
    };
    let first = 0,
      last = 0,
      atHundred = { inUse: 0, capacity: 0 };
    for (let s = 1; s <= 10_000; s++) {
      const v = step();
      if (s === 1) first = v;
      if (s === 100) atHundred = { inUse: heap.inUse, capacity: heap.capacity };
      last = v;
    }
    expect({ inUse: heap.inUse, capacity: heap.capacity }).toEqual(atHundred);
    expect(last).toBeLessThan(first * 0.5); // it did train
    for (const t of [x, y, ...params, ...grads]) t.free();
  });

  it("frees every temporary of a gradient: only the gradients stay", () => {
    const w = E.tensor([0.5, -1, 2]);
    const before = heap.inUse;
    const { grads } = E.valueAndGrad(() => E.sum(E.exp(E.mul(w, w))), [w]);
    expect(heap.inUse - before).toBe(16); // one 3-float gradient, one 16-byte block
    grads[0].free();
    expect(heap.inUse).toBe(before);
    w.free();
  });
});
