/**
 * Checkpoint files (Node only). Written atomically: the bytes go to a temporary file in the same
 * directory, are flushed to disk, then renamed over the target, so a kill at any instant leaves
 * either the previous checkpoint or the new one, whole. Read back with format validation; every
 * error names the file.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { checkSnapshot, type Snapshot } from "./snapshot.ts";
import type { Model } from "../nn/model.ts";
import { ensureDirectory, reasonOf } from "./destination.node.ts";

export function saveCheckpoint(path: string, snapshot: Snapshot): void {
  const fail = (err: unknown): never => {
    const why = (err as NodeJS.ErrnoException).code
      ? `${(err as NodeJS.ErrnoException).code}: ${reasonOf(err)}`
      : (err as Error).message;
    throw new Error(`checkpoint ${path}: cannot write it (${why}); the previous checkpoint, if any, is unchanged`);
  };
  let text = "";
  try {
    text = JSON.stringify(snapshot); // before touching the disk: a snapshot that cannot be serialized writes nothing
    ensureDirectory(dirname(path)); // not mkdir's recursive mode, which spins forever under /proc
  } catch (err) {
    fail(err);
  }
  const tmp = `${path}.tmp-${process.pid}`;
  try {
    const fd = openSync(tmp, "w");
    try {
      writeSync(fd, text);
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
    fail(err);
  }
}

/**
 * Reads and checks a checkpoint file. Given the model it is to resume, also checks that it was saved
 * from the same architecture (parameter names and shapes, layer configs), loading nothing.
 */
export function loadCheckpoint(path: string, model?: Model): Snapshot {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(
      `checkpoint ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  if (text.length === 0) throw new Error(`checkpoint ${path}: the file is empty`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`checkpoint ${path}: not valid JSON (${text.length} bytes; truncated or not a checkpoint)`);
  }
  try {
    const snapshot = checkSnapshot(data);
    model?.checkJSON(snapshot.model);
    return snapshot;
  } catch (err) {
    throw new Error(`checkpoint ${path}: ${(err as Error).message.replace(/^(checkpoint|loadJSON): /, "")}`);
  }
}
