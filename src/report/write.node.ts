/**
 * Writing report files to disk (Node only; the rest of src/report is pure and runs in browsers).
 * Each file is written to `<name>.tmp-<pid>` and then renamed over the target, so a reader never
 * sees a half-written file and a crash leaves the old version in place.
 */
import { rename, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";
import { ensureDirectory, reasonOf, rescueDirectory } from "../train/destination.node.ts";

/** The file operations a report needs; tests pass failing ones to inject faults (a full disk mid-report). */
export interface ReportIo {
  writeFile(path: string, content: string | Uint8Array): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

const nodeIo: ReportIo = { writeFile, rename };

/**
 * Writes every file under `dir` (created if missing) and returns their paths. Names are relative
 * paths ("plots/loss.svg" creates plots/); names that would leave `dir` are refused.
 */
export async function writeReport(
  dir: string,
  files: Record<string, string | Uint8Array>,
  io: ReportIo = nodeIo,
): Promise<string[]> {
  const targets = Object.entries(files).map(([name, content]) => {
    const clean = normalize(name);
    if (name === "" || isAbsolute(name) || clean === ".." || clean.startsWith(`..${sep}`) || clean === ".") {
      throw new RangeError(`writeReport: file name must be a relative path inside the report directory, got "${name}"`);
    }
    return { path: join(dir, clean), content };
  });
  ensureDirectory(dir);
  const written: string[] = [];
  for (const { path, content } of targets) {
    ensureDirectory(dirname(path));
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      await io.writeFile(tmp, content);
      await io.rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    written.push(path);
  }
  return written;
}

export interface KeptReport {
  dir: string;
  files: string[];
  /** Set when the intended directory could not take the files and they were written to `dir` instead. */
  rescued?: { from: string; reason: string };
}

/**
 * writeReport, but computed results are never lost: if `dir` fails (disk full, removed mid-run),
 * every file goes to a fresh directory under the system's temporary folder. Throws only if that
 * fails too, naming both places.
 */
export async function keepReport(
  dir: string,
  files: Record<string, string | Uint8Array>,
  io: ReportIo = nodeIo,
): Promise<KeptReport> {
  try {
    return { dir, files: await writeReport(dir, files, io) };
  } catch (err) {
    if (err instanceof RangeError) throw err; // a bad file name is a bug, not a fault of the disk
    const at = (err as NodeJS.ErrnoException).path;
    const reason = (err as NodeJS.ErrnoException).code
      ? `${reasonOf(err)}${at ? ` (${at})` : ""}`
      : (err as Error).message;
    let rescue = "";
    try {
      rescue = rescueDirectory(dir);
      return { dir: rescue, files: await writeReport(rescue, files), rescued: { from: dir, reason } };
    } catch (again) {
      throw new Error(
        `could not write the results to '${dir}' (${reason}) nor to '${rescue || "a temporary directory"}' (${reasonOf(again)})`,
      );
    }
  }
}
