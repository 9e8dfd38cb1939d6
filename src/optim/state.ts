/**
 * Optimizer state: plain data. Named f32 buffers in WASM memory (one element per parameter, in the
 * parameters' layout), the step count, and any per-group scalars (NAdam's running product of μ).
 * Inspect it by name, save it to a JSON-able object and load it back: a loaded state continues
 * the trajectory bit for bit.
 */
import { heap, f32View } from "../wasm/module.ts";

export interface OptimState {
  /** The optimizer that made it; update() refuses a state from another. */
  readonly optimizer: string;
  /** Parameter count: every buffer has n f32 elements. */
  readonly n: number;
  /** Updates applied so far (skipped non-finite steps do not count). */
  step: number;
  /** Non-finite gradients seen and skipped. */
  skipped: number;
  /** Set by onNonFinite: "stop"; every later update is refused. */
  stopped: boolean;
  /** Buffer name → byte pointer of n f32 elements. */
  readonly buffers: Readonly<Record<string, number>>;
  /** Per parameter group, the step-carried scalars. */
  readonly scalars: Record<string, number>[];
}

/** The JSON-able form: buffers as base64 of their little-endian f32 bytes. */
export interface SavedState {
  optimizer: string;
  n: number;
  step: number;
  skipped: number;
  stopped: boolean;
  buffers: Record<string, string>;
  scalars: Record<string, number>[];
}

/** Allocates zeroed buffers. */
export function allocState(optimizer: string, n: number, names: readonly string[], groups: number): OptimState {
  const buffers: Record<string, number> = {};
  try {
    for (const name of names) {
      buffers[name] = heap.alloc(n * 4);
      f32View(buffers[name], n).fill(0);
    }
  } catch (err) {
    for (const ptr of Object.values(buffers)) heap.release(ptr); // out of memory part way: release the rest
    throw err;
  }
  return {
    optimizer,
    n,
    step: 0,
    skipped: 0,
    stopped: false,
    buffers,
    scalars: Array.from({ length: groups }, () => ({})),
  };
}

/** Releases the state's WASM memory; the state must not be used afterwards. */
export function freeState(state: OptimState): void {
  for (const ptr of Object.values(state.buffers)) heap.release(ptr);
}

/** Copies of every buffer, by name. */
export function inspectState(state: OptimState): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  for (const [name, ptr] of Object.entries(state.buffers)) out[name] = f32View(ptr, state.n).slice();
  return out;
}

export function saveState(state: OptimState): SavedState {
  const buffers: Record<string, string> = {};
  for (const [name, ptr] of Object.entries(state.buffers)) buffers[name] = toBase64(f32View(ptr, state.n));
  return {
    optimizer: state.optimizer,
    n: state.n,
    step: state.step,
    skipped: state.skipped,
    stopped: state.stopped,
    buffers,
    scalars: state.scalars.map((s) => ({ ...s })),
  };
}

/** Allocates a state holding exactly the saved values. */
export function loadState(saved: SavedState): OptimState {
  const { optimizer, n } = saved;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`loadState: n = ${n} is not a parameter count`);
  const state = allocState(optimizer, n, Object.keys(saved.buffers), saved.scalars.length);
  for (const [name, text] of Object.entries(saved.buffers)) {
    const values = fromBase64(text);
    if (values.length !== n) {
      freeState(state);
      throw new RangeError(`loadState: buffer ${name} holds ${values.length} values, expected n = ${n}`);
    }
    f32View(state.buffers[name], n).set(values);
  }
  state.step = saved.step;
  state.skipped = saved.skipped;
  state.stopped = saved.stopped;
  saved.scalars.forEach((s, i) => Object.assign(state.scalars[i], s));
  return state;
}

// Explicit little-endian bytes, so a saved state reads the same on any host.
function toBase64(values: Float32Array): string {
  const bytes = new Uint8Array(values.length * 4);
  const view = new DataView(bytes.buffer);
  values.forEach((x, i) => view.setFloat32(i * 4, x, true));
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

function fromBase64(text: string): Float32Array {
  const binary = atob(text);
  if (binary.length % 4 !== 0)
    throw new RangeError(`loadState: ${binary.length} bytes is not a whole number of f32 values`);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
