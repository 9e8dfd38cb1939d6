/**
 * Checkpoint files (Node only). Written atomically: the bytes go to a temporary file in the same
 * directory, are flushed to disk, then renamed over the target, so a kill at any instant leaves
 * either the previous checkpoint or the new one, whole. Read back with format validation; every
 * error names the file.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync, mkdirSync, unlinkSync } from "node:fs";
import { dirname } from "node:path";
import { checkSnapshot, type Snapshot } from "./trainer.ts";

export function saveCheckpoint(path: string, snapshot: Snapshot): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp-${process.pid}`;
  const fd = openSync(tmp, "w");
  try {
    writeSync(fd, JSON.stringify(snapshot));
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  renameSync(tmp, path);
}

export function loadCheckpoint(path: string): Snapshot {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (err) {
    throw new Error(`checkpoint ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  if (text.length === 0) throw new Error(`checkpoint ${path}: the file is empty`);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    throw new Error(`checkpoint ${path}: not valid JSON (${text.length} bytes; truncated or not a checkpoint)`);
  }
  try {
    return checkSnapshot(data);
  } catch (err) {
    throw new Error(`checkpoint ${path}: ${(err as Error).message.replace(/^checkpoint: /, "")}`);
  }
}
