/**
 * Test helpers that place Float32Arrays in WASM memory and read them back. Every buffer is
 * followed by a guard of four sentinel floats; `releaseAll` checks them (a kernel that writes
 * past its n fails the test) and frees everything.
 */
import { f32View, heap, i32View, kernels } from "../../src/wasm/module.ts";
import { Random } from "../../src/random.ts";

export { kernels };

const GUARD = 4;
const SENTINEL = -7.25e-29;
const live: { base: number; guard: number }[] = [];

function reserve(n: number, shift: number): number {
  const base = heap.alloc((n + GUARD) * 4 + shift);
  const ptr = base + shift;
  f32View(ptr + n * 4, GUARD).fill(SENTINEL);
  live.push({ base, guard: ptr + n * 4 });
  return ptr;
}

/**
 * n floats of fresh memory at a 16-aligned start plus `shift` bytes (4 gives a view that is not
 * 16-aligned), filled with `value` (NaN by default, so an element the kernel forgets shows up).
 */
export function alloc(n: number, shift = 0, value = NaN): number {
  const ptr = reserve(n, shift);
  f32View(ptr, n).fill(value);
  return ptr;
}

/** Copies data into fresh memory (see alloc for shift) and returns its pointer. */
export function put(data: ArrayLike<number>, shift = 0): number {
  const ptr = reserve(data.length, shift);
  f32View(ptr, data.length).set(data);
  return ptr;
}

/** Copies i32 data into fresh memory and returns its pointer. */
export function putI32(data: ArrayLike<number>, shift = 0): number {
  const ptr = reserve(data.length, shift);
  i32View(ptr, data.length).set(data);
  return ptr;
}

/** A copy of n floats at ptr (safe to keep across allocations). */
export function read(ptr: number, n: number): Float32Array {
  return f32View(ptr, n).slice();
}

export function readI32(ptr: number, n: number): Int32Array {
  return i32View(ptr, n).slice();
}

/** Checks every guard, then frees every buffer; throws if a kernel wrote past a buffer's end. */
export function releaseAll(): void {
  const broken = live.filter(({ guard }) => !f32View(guard, GUARD).every((x) => x === Math.fround(SENTINEL)));
  for (const { base } of live) heap.release(base);
  live.length = 0;
  if (broken.length > 0) throw new Error(`${broken.length} buffer guard(s) overwritten: a kernel wrote past the end`);
}

/** n f32 values uniform in [lo, hi). */
export function uniform(rng: Random, n: number, lo = -1, hi = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.range(lo, hi);
  return out;
}

/** n f32 values, normal with the given scale. */
export function normal(rng: Random, n: number, scale = 1): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = scale * rng.normal();
  return out;
}

/** The sizes every kernel runs on: empty, scalar tail only, one vector plus tail, and larger random ones. */
export function sizes(rng: Random): number[] {
  return [0, 1, 3, 4, 5, 17, 33, 1000, 4099, 64 + rng.int(3000)];
}

/** The distance between |x| and the next f32 up: one unit in the last place. */
export function ulp(x: number): number {
  const ax = Math.abs(x);
  if (ax < 2 ** -126) return 2 ** -149;
  return 2 ** (Math.floor(Math.log2(ax)) - 23);
}

/** Largest |got - want| / ulp(want) over the arrays (Infinity if only one of them is NaN or infinite). */
export function maxUlpError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i],
      w = want[i];
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) !== Number.isNaN(g)) return Infinity;
      continue;
    }
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (g !== w) return Infinity;
      continue;
    }
    worst = Math.max(worst, Math.abs(g - w) / ulp(w));
  }
  return worst;
}

/** Largest |got - want| (Infinity if NaN or infinities disagree). */
export function maxAbsError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    const g = got[i],
      w = want[i];
    if (Number.isNaN(w) || Number.isNaN(g)) {
      if (Number.isNaN(w) !== Number.isNaN(g)) return Infinity;
      continue;
    }
    if (!Number.isFinite(w) || !Number.isFinite(g)) {
      if (g !== w) return Infinity;
      continue;
    }
    worst = Math.max(worst, Math.abs(g - w));
  }
  return worst;
}
