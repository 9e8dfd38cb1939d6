/**
 * A ceiling on WASM memory: what would pass it fails with an OutOfMemoryError naming the bytes
 * asked and available, nothing leaks, and the engine keeps working (a smaller model trains
 * afterwards in the same process). The ceiling is put back after every test.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { heap, memoryLimit, setMemoryLimit, OutOfMemoryError, tensor, matmul, scoped, zeros } from "../../src/index.ts";
import { Allocator } from "../../src/wasm/allocator.ts";
import { gemmWorkspace } from "../../src/wasm/module.ts";
import { Model, Sequential, Linear, Activation } from "../../src/nn/index.ts";
import { adam } from "../../src/optim/index.ts";
import { fit } from "../../src/train/index.ts";
import { makeBlobs } from "../../src/data/synthetic.ts";
import { Random } from "../../src/random.ts";

const MB = 2 ** 20;
let saved = 0;
gemmWorkspace(); // the GEMM scratch is allocated on first use and kept for good: count it in from the start
beforeEach(() => {
  saved = memoryLimit();
});
afterEach(() => {
  setMemoryLimit(saved);
});

/** Lowers the ceiling until at most `room` more bytes can be had. */
function ceilingWithRoom(room: number): void {
  setMemoryLimit(Math.max(0, memoryLimit() - (heap.available - room)));
  expect(heap.available).toBeLessThanOrEqual(room);
  expect(heap.available).toBeGreaterThan(room / 2);
}

/** Runs fn, expecting an OutOfMemoryError, and checks it states the bytes asked and available. */
function expectOom(fn: () => unknown, asked?: number): OutOfMemoryError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(OutOfMemoryError);
  const err = caught as OutOfMemoryError;
  if (asked !== undefined) expect(err.requested).toBe(asked);
  expect(err.available).toBeLessThan(err.requested);
  expect(err.message).toContain(`asked for ${err.requested} bytes`);
  expect(err.message).toContain(`${err.available} bytes free under the ${memoryLimit()}-byte limit`);
  return err;
}

describe("the memory ceiling", () => {
  it("is validated and read back", () => {
    for (const bad of [-1, 1.5, NaN, Infinity, 2 ** 33])
      expect(() => setMemoryLimit(bad)).toThrow(
        /setMemoryLimit: expects a whole number of bytes in \[0, 4294967296\], got/,
      );
    setMemoryLimit(123 * MB);
    expect(memoryLimit()).toBe(123 * MB);
    expect(heap.limit).toBe(123 * MB);
  });

  it("refuses a raw allocation past it, with the bytes asked and available, and changes nothing", () => {
    ceilingWithRoom(4 * MB);
    const before = { inUse: heap.inUse, available: heap.available };
    expectOom(() => heap.alloc(8 * MB), 8 * MB);
    expect(heap.available).toBe(before.available);
    expect(heap.inUse).toBe(before.inUse);
    const p = heap.alloc(2 * MB); // what fits still fits
    heap.release(p);
  });

  it("refuses a model too big for it, leaking nothing even when its values fit and its gradients do not", () => {
    ceilingWithRoom(4 * MB);
    const before = heap.inUse;
    // Far too big: the value region alone does not fit.
    expectOom(() => new Model(new Linear(2000, 2000)));
    expect(heap.inUse).toBe(before);
    // ~2.9 MB of values fit under the ceiling; the same again for the gradients does not.
    const room = heap.available;
    const width = Math.floor((0.7 * room) / 4 / 1000);
    expectOom(() => new Model(new Linear(1000, width, { bias: false })));
    expect(heap.inUse).toBe(before);
  });

  it("refuses optimizer state too big for it, leaking nothing", () => {
    ceilingWithRoom(4 * MB);
    const before = heap.inUse;
    // Adam's two moments: the first fits, the second does not.
    const n = Math.floor((0.7 * heap.available) / 4);
    expectOom(() => adam().init(n), n * 4);
    expect(heap.inUse).toBe(before);
  });

  it("refuses an op whose output does not fit, inside a scope, freeing its temporaries", () => {
    ceilingWithRoom(4 * MB);
    const before = heap.inUse;
    expectOom(
      () =>
        scoped(() => {
          const a = zeros([1000, 600]);
          return matmul(a, a, { transB: true });
        }),
      1000 * 1000 * 4,
    );
    expect(heap.inUse).toBe(before);
  });

  it("a batch too big for it fails fit with the error, then a smaller model trains in the same process", async () => {
    const data = makeBlobs({ n: 512, classes: 3, features: 512, seed: 4 });
    const big = new Model(new Sequential([new Linear(512, 256), new Activation("relu"), new Linear(256, 3)]), {
      seed: 1,
    });
    ceilingWithRoom(2 * MB);
    const before = heap.inUse;
    let caught: unknown;
    try {
      await fit(big, data, { optimizer: adam({ lr: 0.1 }), epochs: 1, batch: "full" });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OutOfMemoryError);
    expect(heap.inUse).toBe(before); // the optimizer state and the batch were released
    big.free();
    const idle = heap.inUse;

    // The engine is still usable: a smaller model, smaller batches, same ceiling.
    const small = makeBlobs({ n: 90, classes: 3, features: 4, seed: 4 });
    const model = new Model(new Sequential([new Linear(4, 8), new Activation("tanh"), new Linear(8, 3)]), { seed: 1 });
    const r = await fit(model, small, { optimizer: adam({ lr: 0.05 }), epochs: 20, batch: 15 });
    expect(r.stoppedBy).toBe("epochs");
    expect(r.history.at(-1)!.trainLoss).toBeLessThan(r.history[0].trainLoss * 0.5);
    model.free();
    expect(heap.inUse).toBe(idle); // and memory is back where it was
    // And what did not fit before fits once the ceiling is lifted.
    setMemoryLimit(saved);
    const t = tensor(new Float32Array(2 * 1024 * 1024));
    t.free();
  }, 20_000);
});

describe("the allocator under a ceiling", () => {
  it("keeps a free block at the top when growing the memory fails", () => {
    // A memory whose own maximum is below the allocator's limit: grow() itself fails.
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 2 });
    const a = new Allocator(memory, 64, 2 ** 24);
    const x = a.alloc(1000),
      y = a.alloc(30_000);
    a.release(y);
    const available = a.available;
    let caught: unknown;
    try {
      a.alloc(200_000);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(OutOfMemoryError);
    expect((caught as OutOfMemoryError).requested).toBe(200_000);
    expect(a.available).toBe(available);
    expect(a.alloc(30_000)).toBe(y); // the hole at the top is still there
    a.release(x);
  });

  it("does not hand out free blocks above a lowered ceiling", () => {
    const memory = new WebAssembly.Memory({ initial: 1 });
    const a = new Allocator(memory, 64, 2 ** 24);
    const low = a.alloc(1000),
      high = a.alloc(50_000);
    a.release(high);
    a.limit = high + 20_000; // lower the ceiling into the freed block
    expect(a.available).toBe(20_000);
    expect(() => a.alloc(40_000)).toThrow(OutOfMemoryError);
    const r = new Random(1);
    const held: number[] = [];
    for (let i = 0; i < 200; i++) {
      const bytes = 1 + r.int(400);
      try {
        held.push(a.alloc(bytes));
      } catch (err) {
        expect(err).toBeInstanceOf(OutOfMemoryError);
        continue;
      }
      expect(held.at(-1)! + bytes).toBeLessThanOrEqual(a.limit);
    }
    held.forEach((p) => a.release(p));
    a.release(low);
  });
});
