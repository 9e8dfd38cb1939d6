/**
 * An optimizer's state as safetensors, apart from the model's weights: each state buffer ("m",
 * "v", ...) as one F32 tensor of n values, in the parameters' flat layout; the step count, the
 * skipped and stopped flags and the per-group scalars in __metadata__ (strings, as the format
 * requires). Loading checks everything before it allocates, and continues the trajectory bit for bit.
 */
import { f32View } from "../wasm/module.ts";
import { parseSafetensors, serializeSafetensors, tensorValues, SafetensorsError } from "../tensor/safetensors.ts";
import { allocState, inspectState, type OptimState } from "./state.ts";

const FORMAT = "descent-optimizer-state";

export function stateToSafetensors(state: OptimState): Uint8Array {
  const tensors = Object.entries(inspectState(state)).map(([name, data]) => ({ name, shape: [state.n], data }));
  return serializeSafetensors(tensors, {
    metadata: {
      format: FORMAT,
      optimizer: state.optimizer,
      n: String(state.n),
      step: String(state.step),
      skipped: String(state.skipped),
      stopped: String(state.stopped),
      scalars: JSON.stringify(state.scalars),
    },
  });
}

/** A new state holding the file's values; the caller frees it (freeState) when done. */
export function stateFromSafetensors(bytes: Uint8Array, source = "safetensors"): OptimState {
  const { tensors, metadata: m } = parseSafetensors(bytes, source);
  const fail = (why: string): never => {
    throw new SafetensorsError(`${source}: ${why}`);
  };
  if (m.format !== FORMAT)
    fail(`not an optimizer state (__metadata__.format is ${JSON.stringify(m.format)}, expected "${FORMAT}")`);
  const count = (key: string): number => {
    const v = Number(m[key]);
    if (m[key] === undefined || !Number.isSafeInteger(v) || v < 0)
      fail(`__metadata__.${key} is ${JSON.stringify(m[key])}, expected a count`);
    return v;
  };
  const n = count("n"),
    step = count("step"),
    skipped = count("skipped");
  if (m.stopped !== "true" && m.stopped !== "false")
    fail(`__metadata__.stopped is ${JSON.stringify(m.stopped)}, expected "true" or "false"`);
  if (typeof m.optimizer !== "string" || m.optimizer === "") fail("__metadata__.optimizer is missing");
  let scalars: unknown;
  try {
    scalars = JSON.parse(m.scalars ?? "");
  } catch {
    fail(`__metadata__.scalars is not JSON`);
  }
  if (
    !Array.isArray(scalars) ||
    !scalars.every((s) => typeof s === "object" && s !== null && Object.values(s).every((x) => typeof x === "number"))
  ) {
    fail("__metadata__.scalars is not a list of { name: number } per group");
  }
  const values = [...tensors.values()].map((t) => {
    if (t.shape.length !== 1 || t.shape[0] !== n)
      fail(`tensor ${JSON.stringify(t.name)} has shape [${t.shape.join(", ")}], the state holds [${n}]`);
    return { name: t.name, data: tensorValues(t, source) };
  });
  const state = allocState(
    m.optimizer,
    n,
    values.map((v) => v.name),
    (scalars as unknown[]).length,
  );
  for (const { name, data } of values) f32View(state.buffers[name], n).set(data);
  state.step = step;
  state.skipped = skipped;
  state.stopped = m.stopped === "true";
  (scalars as Record<string, number>[]).forEach((s, i) => Object.assign(state.scalars[i], s));
  return state;
}
