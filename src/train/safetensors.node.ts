/**
 * safetensors files (Node only): a model's weights and an optimizer's state, each in its own file.
 * Written atomically (a temporary file beside the target, flushed, then renamed over it), so a kill
 * at any instant leaves the old file or the new one. Every error names the file, and the tensor
 * where there is one; a file that does not fit the model loads nothing.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { Model } from "../nn/model.ts";
import { loadSafetensors, modelFromSafetensors, modelToSafetensors, type WeightLayout } from "../nn/safetensors.ts";
import type { OptimState } from "../optim/state.ts";
import { stateFromSafetensors, stateToSafetensors } from "../optim/safetensors.ts";

export function saveModelFile(
  path: string,
  model: Model,
  options: { layout?: WeightLayout; dtype?: "F32" | "F64" } = {},
): void {
  writeAtomically(path, modelToSafetensors(model, options));
}

/** Loads a file's weights into the model (layout "descent" by default, or "pytorch"). */
export function loadModelFile(path: string, model: Model, { layout }: { layout?: WeightLayout } = {}): void {
  loadSafetensors(model, readBytes(path), { layout, source: path });
}

/** A model rebuilt from the architecture a descent-layout file records. */
export function readModelFile(path: string): Model {
  return modelFromSafetensors(readBytes(path), path);
}

export function saveStateFile(path: string, state: OptimState): void {
  writeAtomically(path, stateToSafetensors(state));
}

export function loadStateFile(path: string): OptimState {
  return stateFromSafetensors(readBytes(path), path);
}

function readBytes(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

function writeAtomically(path: string, bytes: Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    mkdirSync(dirname(path), { recursive: true });
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, bytes);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      /* never created, or already gone */
    }
    throw new Error(
      `${path}: cannot write it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); the previous file, if any, is unchanged`,
    );
  }
}
