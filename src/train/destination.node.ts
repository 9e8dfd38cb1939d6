/**
 * Where outputs go (Node only): report directories, model files, checkpoints. A destination is
 * checked (and its directory created) before any work starts, so a run never computes results it
 * cannot keep; and results that still cannot be written afterwards (disk full, directory removed
 * mid-run) are rescued to a fresh directory under the system's temporary folder.
 *
 * Directories are created one level at a time: Node's recursive mkdir spins forever on paths
 * such as /proc/x (ENOENT on the child, EEXIST on the parent, again).
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join, resolve, sep } from "node:path";

/** A destination that cannot be written, found before any work: bad input (the CLI exits 2). */
export class DestinationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DestinationError";
  }
}

/** A system error in plain words. */
export function reasonOf(err: unknown): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case "EROFS":
      return "the file system is read-only";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOSPC":
      return "the disk is full";
    case "EDQUOT":
      return "the disk quota is used up";
    case "ENOENT":
      return "the file system does not allow it there";
    case "ENOTDIR":
      return "part of the path is a file, not a directory";
    case "EISDIR":
      return "a directory is in the way";
    case "EEXIST":
      return "something is already in the way";
    case "ENAMETOOLONG":
      return "the name is too long";
    default:
      return code ?? (err instanceof Error ? err.message : String(err));
  }
}

const kindOf = (path: string): "file" | "directory" | "other" | null => {
  try {
    const st = statSync(path);
    return st.isDirectory() ? "directory" : st.isFile() ? "file" : "other";
  } catch {
    return null;
  }
};

/** mkdir -p, one level at a time. Returns what went wrong in words, or null. */
function makeDirectory(dir: string): string | null {
  const missing: string[] = [];
  let at = resolve(dir);
  for (;;) {
    const kind = kindOf(at);
    if (kind === "directory") break;
    if (kind !== null)
      return at === resolve(dir)
        ? `is a ${kind}, not a directory`
        : `cannot be created: '${at}' is a ${kind}, not a directory`;
    missing.unshift(at);
    const parent = dirname(at);
    if (parent === at) break;
    at = parent;
  }
  for (const d of missing) {
    try {
      mkdirSync(d);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "EEXIST" && kindOf(d) === "directory") continue; // made by someone else meanwhile
      return `cannot be created: ${reasonOf(err)}`;
    }
  }
  return null;
}

/** Writes and removes a probe file: the only honest test (root ignores permission bits, not a read-only mount). */
function probe(dir: string): string | null {
  const file = join(dir, `.descent-probe-${process.pid}`);
  try {
    writeFileSync(file, "");
  } catch (err) {
    return `is not writable: ${reasonOf(err)}`;
  }
  try {
    unlinkSync(file);
  } catch {
    /* written, so the directory takes files; a leftover probe is harmless */
  }
  return null;
}

/** mkdir -p that cannot spin; throws a plain Error saying what is in the way (for use after the work, where the caller rescues). */
export function ensureDirectory(dir: string): void {
  const problem = makeDirectory(dir);
  if (problem) throw new Error(`'${dir}' ${problem}`);
}

/**
 * Checks that files can be written into `dir`, creating it (and its parents) if missing.
 * `what` names it for the message ("report directory", "--out"). Throws a DestinationError.
 */
export function prepareDirectory(dir: string, what: string): void {
  if (dir === "") throw new DestinationError(`${what} is empty: give a directory`);
  const problem = makeDirectory(dir) ?? probe(dir);
  if (problem) throw new DestinationError(`${what} '${dir}' ${problem}`);
}

/** Checks that `path` can be written as a file (an existing file is replaced), creating its folder if missing. */
export function prepareFile(path: string, what: string): void {
  if (path === "") throw new DestinationError(`${what} is empty: give a file name`);
  const kind = kindOf(path);
  if (path.endsWith("/") || path.endsWith(sep) || kind === "directory")
    throw new DestinationError(
      `${what} '${path}' is a directory, not a file; give a file name such as ${join(path, "model.json")}`,
    );
  if (kind === "other") throw new DestinationError(`${what} '${path}' is not a regular file`);
  const dir = dirname(path);
  const problem = makeDirectory(dir) ?? probe(dir);
  if (problem) throw new DestinationError(`${what} '${path}' cannot be written: its folder '${dir}' ${problem}`);
}

/** Why `path` cannot be read as a file, in words ("no such file", "is a directory, not a file"), or null. */
export function inputProblem(path: string): string | null {
  const kind = kindOf(path);
  if (kind === null) return "no such file";
  if (kind === "directory") return "is a directory, not a file";
  try {
    closeSync(openSync(path, "r"));
  } catch (err) {
    return `cannot be read: ${reasonOf(err)}`;
  }
  return null;
}

/** A new, empty directory under the system's temporary folder, for results that could not be written where they were meant to go. */
export function rescueDirectory(name: string): string {
  return mkdtempSync(
    join(tmpdir(), `descent-rescued-${basename(name).replace(/[^A-Za-z0-9._-]+/g, "_") || "output"}-`),
  );
}
