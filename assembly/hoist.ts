// Keeping loop constants in registers.
//
// V8's optimizing compiler (TurboFan, Node 20) places a splat or a v128 constant next to its use, so
// one computed before a loop is recomputed inside it on every iteration: a broadcast per scalar, three
// instructions per literal. That cost NAdam 30% and Lion 23% of their time (a broadcast per
// constant and a `1 − β` on every pass); plain Adam, bound by its divider, hid it.
// A value read from memory is fixed where the read is, so a constant routed through a store and a
// load is computed once and stays in a register (or one spill slot) for the whole loop.
//
// One 16-byte slot of the instance's scratch (scratch.ts) serves every call: each store is read
// straight back. Each thread's instance has its own slot, so threads may hoist at the same time.
import { HOIST_SLOT, scratchAt } from "./scratch";

/** x, made opaque to V8 so it is computed once, before the loop that uses it. */
@inline export function hoisted(x: v128): v128 {
  const slot = scratchAt(HOIST_SLOT);
  v128.store(slot, x);
  return v128.load(slot);
}

/** x in all four lanes, computed once, before the loop that uses it (as hoisted). */
@inline export function hoistedSplat(x: f32): v128 {
  return hoisted(f32x4.splat(x));
}
