// Scratch bytes for the kernels (the hoisting slot, the tails' copies), one region per instance of
// the module: its address is a global, and every instance has globals of its own. The engine's own
// instance uses the static region below; on a shared memory (src/threads/) each worker's instance is
// pointed at bytes of its own (setScratch), so kernels running at once on several threads never
// write the same scratch.

const SCRATCH_BYTES = 256;
let scratch: usize = memory.data(SCRATCH_BYTES, 16);

/** Points this instance's scratch at `ptr` (scratchBytes() bytes, 16-aligned, owned by the caller). */
export function setScratch(ptr: usize): void {
  scratch = ptr;
}

/** Bytes of scratch an instance needs. */
export function scratchBytes(): i32 {
  return SCRATCH_BYTES;
}

// Each user's bytes within the region; no two overlap, as a kernel may use several at once.
export const HOIST_SLOT: usize = 0; // 16 bytes: hoist.ts
export const ELEMENTWISE_TAIL: usize = 16; // 32 bytes: elementwise.ts
export const ADAM_TAIL: usize = 48; // 80 bytes: optim/adam.ts
export const SCHEDULE_FREE_TAIL: usize = 128; // 80 bytes: optim/schedule-free.ts

/** The address of a user's bytes in this instance's scratch. */
// @ts-ignore: decorator
@inline export function scratchAt(offset: usize): usize {
  return scratch + offset;
}
