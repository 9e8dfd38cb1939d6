/**
 * The memory planner: a first-fit free list over WASM linear memory, owned by TypeScript.
 * Blocks are 16-byte aligned so every kernel may use aligned v128 loads at the start of a buffer.
 * Freed neighbours coalesce, so a loop that allocates and frees the same sizes every step
 * settles into a fixed footprint: the memory is flat.
 */

const ALIGN = 16;
const PAGE = 65536;

export class OutOfMemoryError extends Error {
  constructor(
    readonly requested: number,
    readonly available: number,
    readonly limit: number,
  ) {
    super(`out of memory: asked for ${requested} bytes, ${available} bytes free under the ${limit}-byte limit`);
    this.name = "OutOfMemoryError";
  }
}

interface Block {
  ptr: number;
  size: number;
}

export class Allocator {
  private free: Block[] = []; // sorted by ptr, never adjacent (coalesced)
  private used = new Map<number, number>(); // ptr -> size
  private top: number; // first byte never handed out
  private bytesInUse = 0;

  /** @param limit the ceiling on linear memory in bytes (user-configurable). */
  constructor(
    private memory: WebAssembly.Memory,
    base: number,
    public limit = 2 ** 31,
  ) {
    this.top = roundUp(base, ALIGN);
  }

  /** Bytes currently handed out (what a caller holds). */
  get inUse(): number {
    return this.bytesInUse;
  }
  /** Bytes of linear memory the module has. */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }
  /** Bytes still obtainable under the limit: free blocks, the untouched top and what growth may add. */
  get available(): number {
    let free = 0;
    for (const b of this.free) free += Math.max(0, Math.min(b.size, this.limit - b.ptr));
    return free + Math.max(0, this.limit - this.top);
  }

  alloc(bytes: number): number {
    if (!Number.isInteger(bytes) || bytes < 0)
      throw new RangeError(`alloc: byte count must be a non-negative integer, got ${bytes}`);
    const size = roundUp(Math.max(bytes, 1), ALIGN);
    for (let i = 0; i < this.free.length; i++) {
      const b = this.free[i];
      // A lowered limit also fences off free blocks above it.
      if (b.size < size || b.ptr + size > this.limit) continue;
      const ptr = b.ptr;
      if (b.size === size) this.free.splice(i, 1);
      else {
        b.ptr += size;
        b.size -= size;
      }
      return this.take(ptr, size);
    }
    // No free block fits: extend the top, merging a free block that ends at it.
    const last = this.free[this.free.length - 1];
    let ptr = this.top;
    if (last && last.ptr + last.size === this.top) {
      ptr = last.ptr;
      this.free.pop();
    }
    const end = ptr + size;
    if (end > this.limit) {
      if (ptr !== this.top) this.free.push({ ptr, size: this.top - ptr });
      throw new OutOfMemoryError(bytes, this.available, this.limit);
    }
    try {
      this.ensure(end);
    } catch {
      if (ptr !== this.top) this.free.push({ ptr, size: this.top - ptr });
      throw new OutOfMemoryError(bytes, this.available, this.limit);
    }
    this.top = end;
    return this.take(ptr, size);
  }

  release(ptr: number): void {
    const size = this.used.get(ptr);
    if (size === undefined) throw new Error(`free: no live block at byte ${ptr} (freed twice?)`);
    this.used.delete(ptr);
    this.bytesInUse -= size;
    let lo = 0,
      hi = this.free.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.free[mid].ptr < ptr) lo = mid + 1;
      else hi = mid;
    }
    const prev = this.free[lo - 1],
      next = this.free[lo];
    if (prev && prev.ptr + prev.size === ptr) {
      prev.size += size;
      if (next && prev.ptr + prev.size === next.ptr) {
        prev.size += next.size;
        this.free.splice(lo, 1);
      }
    } else if (next && ptr + size === next.ptr) {
      next.ptr = ptr;
      next.size += size;
    } else {
      this.free.splice(lo, 0, { ptr, size });
    }
  }

  /** Plans another memory from now on: one holding a copy of this one's contents, at least as large. */
  moveTo(memory: WebAssembly.Memory): void {
    if (memory.buffer.byteLength < this.memory.buffer.byteLength)
      throw new RangeError(`moveTo: the new memory (${memory.buffer.byteLength} bytes) is smaller than the old`);
    this.memory = memory;
  }

  isLive(ptr: number): boolean {
    return this.used.has(ptr);
  }

  private take(ptr: number, size: number): number {
    this.used.set(ptr, size);
    this.bytesInUse += size;
    return ptr;
  }

  private ensure(end: number): void {
    const have = this.memory.buffer.byteLength;
    if (end <= have) return;
    // Grow geometrically so a growing workload pays for few copies of the buffer.
    const want = Math.min(Math.max(end, have * 1.5), this.limit);
    const pages = Math.ceil((want - have) / PAGE);
    // If the geometric step is refused (the host's own maximum), ask for just what is needed;
    // alloc turns a second refusal into an OutOfMemoryError.
    try {
      this.memory.grow(pages);
    } catch {
      this.memory.grow(Math.ceil((end - have) / PAGE));
    }
  }
}

function roundUp(x: number, to: number): number {
  return Math.ceil(x / to) * to;
}
