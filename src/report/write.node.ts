/**
 * Writing report files to disk (Node only; the rest of src/report is pure and runs in browsers).
 * Each file is written to `<name>.tmp-<pid>` and then renamed over the target, so a reader never
 * sees a half-written file and a crash leaves the old version in place.
 */
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, normalize, sep } from "node:path";

/**
 * Writes every file under `dir` (created if missing) and returns their paths. Names are relative
 * paths ("plots/loss.svg" creates plots/); names that would leave `dir` are refused.
 */
export async function writeReport(dir: string, files: Record<string, string | Uint8Array>): Promise<string[]> {
  const targets = Object.entries(files).map(([name, content]) => {
    const clean = normalize(name);
    if (name === "" || isAbsolute(name) || clean === ".." || clean.startsWith(`..${sep}`) || clean === ".") {
      throw new RangeError(`writeReport: file name must be a relative path inside the report directory, got "${name}"`);
    }
    return { path: join(dir, clean), content };
  });
  await mkdir(dir, { recursive: true });
  const written: string[] = [];
  for (const { path, content } of targets) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      await writeFile(tmp, content);
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
    written.push(path);
  }
  return written;
}
