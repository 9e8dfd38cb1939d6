import { describe, expect, it } from "vitest";
import { Allocator, OutOfMemoryError } from "../../src/wasm/allocator.ts";

function fresh(limit = 2 ** 24) {
  const memory = new WebAssembly.Memory({ initial: 1 });
  return { memory, heap: new Allocator(memory, 100, limit) };
}

describe("Allocator", () => {
  it("hands out 16-byte aligned, non-overlapping blocks", () => {
    const { heap } = fresh();
    const blocks = [1, 17, 3, 64, 5].map((n) => ({ p: heap.alloc(n), n }));
    for (const { p } of blocks) expect(p % 16).toBe(0);
    const sorted = [...blocks].sort((x, y) => x.p - y.p);
    for (let i = 1; i < sorted.length; i++)
      expect(sorted[i].p).toBeGreaterThanOrEqual(sorted[i - 1].p + sorted[i - 1].n);
    expect(sorted[0].p).toBeGreaterThanOrEqual(100);
  });

  it("reuses freed space, coalescing neighbours, so a repeated pattern stays flat", () => {
    const { heap, memory } = fresh();
    const step = () => {
      const a = heap.alloc(1000),
        b = heap.alloc(3000),
        c = heap.alloc(200);
      heap.release(b);
      heap.release(a);
      const d = heap.alloc(3900); // fits only in the coalesced a+b hole
      heap.release(c);
      heap.release(d);
    };
    step();
    const capacity = memory.buffer.byteLength;
    for (let i = 0; i < 1000; i++) step();
    expect(heap.inUse).toBe(0);
    expect(memory.buffer.byteLength).toBe(capacity);
  });

  it("grows memory on demand", () => {
    const { heap, memory } = fresh();
    const p = heap.alloc(200_000);
    expect(memory.buffer.byteLength).toBeGreaterThanOrEqual(p + 200_000);
  });

  it("refuses a double free and names it", () => {
    const { heap } = fresh();
    const p = heap.alloc(8);
    heap.release(p);
    expect(() => heap.release(p)).toThrow(/freed twice/);
  });

  it("refuses to pass the limit with the bytes asked and available, and stays usable", () => {
    const { heap } = fresh(1 << 20);
    const p = heap.alloc(1000);
    let err: unknown;
    try {
      heap.alloc(2 << 20);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect((err as Error).message).toMatch(/asked for 2097152 bytes, \d+ bytes free/);
    heap.release(p);
    expect(heap.alloc(500_000) % 16).toBe(0);
  });

  it("rejects negative and fractional sizes", () => {
    const { heap } = fresh();
    expect(() => heap.alloc(-1)).toThrow(/non-negative integer/);
    expect(() => heap.alloc(1.5)).toThrow(/non-negative integer/);
  });
});
