// Node-only: downloading a file whose SHA-256 is known, resuming a broken transfer, never keeping a
// file that does not match. Uses the global fetch (Node 20+).
import { createHash } from "node:crypto";
import { createReadStream, existsSync, mkdirSync, renameSync, statSync, unlinkSync } from "node:fs";
import { open } from "node:fs/promises";
import { basename, join } from "node:path";
import { MNIST_FILES, MNIST_MIRROR, type OfficialFile } from "./mnist-files.ts";

export interface VerifiedFile { url: string; path: string; sha256: string }

export type DownloadEvent =
  | { type: "present"; path: string }
  | { type: "deleted"; path: string; reason: string }
  | { type: "request"; url: string; from: number }
  | { type: "progress"; path: string; bytes: number; total: number | null }
  | { type: "retry"; url: string; reason: string }
  | { type: "done"; path: string; bytes: number };

export interface DownloadOptions {
  /** Requests per file before giving up (a broken transfer resumes from what arrived). */
  attempts?: number;
  signal?: AbortSignal;
  onEvent?: (e: DownloadEvent) => void;
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);
const remove = (path: string) => { if (existsSync(path)) unlinkSync(path); };

/** A status worth asking again: the server's trouble (5xx), a timeout or throttling; any other 4xx is final. */
const transient = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * Puts the file at `path` with the digest `sha256`. A file already there is kept if it matches and
 * deleted if not. Bytes arrive in `path.part`; a broken transfer is resumed with an HTTP Range
 * request (or restarted when the server answers with the whole file); a finished download whose
 * digest is wrong is deleted, and downloaded once more from the start if it had been resumed.
 */
export async function downloadVerified(file: VerifiedFile, { attempts = 3, signal, onEvent }: DownloadOptions = {}): Promise<"present" | "downloaded"> {
  const name = basename(file.path);
  if (existsSync(file.path)) {
    const actual = await sha256File(file.path);
    if (actual === file.sha256) { onEvent?.({ type: "present", path: file.path }); return "present"; }
    unlinkSync(file.path);
    onEvent?.({ type: "deleted", path: file.path, reason: `SHA-256 ${actual}, expected ${file.sha256}` });
  }
  const part = `${file.path}.part`;
  let lastError = "";
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const from = sizeOf(part);
    onEvent?.({ type: "request", url: file.url, from });
    let response: Response;
    try {
      response = await fetch(file.url, { headers: from > 0 ? { range: `bytes=${from}-` } : {}, signal });
    } catch (e) {
      if (signal?.aborted) throw e;
      lastError = `cannot reach it (${(e as Error).message}${(e as { cause?: Error }).cause ? `: ${(e as { cause: Error }).cause.message}` : ""})`;
      onEvent?.({ type: "retry", url: file.url, reason: lastError });
      continue;
    }
    if (response.status === 416 && from > 0) {
      await response.body?.cancel();
      // Nothing left to send: the part is whole, or it is longer than the file and wrong; the digest decides.
    } else if (response.status === 200 || (response.status === 206 && from > 0)) {
      const resumed = response.status === 206;
      if (resumed && !(response.headers.get("content-range") ?? "").startsWith(`bytes ${from}-`)) {
        await response.body?.cancel();
        remove(part);
        lastError = `the server answered the range request with '${response.headers.get("content-range")}'`;
        onEvent?.({ type: "retry", url: file.url, reason: `${lastError}; starting again` });
        continue;
      }
      const length = Number(response.headers.get("content-length") ?? NaN);
      const total = Number.isFinite(length) ? length + (resumed ? from : 0) : null;
      const handle = await open(part, resumed ? "a" : "w");
      let bytes = resumed ? from : 0;
      try {
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          await handle.write(chunk);
          bytes += chunk.length;
          onEvent?.({ type: "progress", path: file.path, bytes, total });
        }
      } catch (e) {
        if (signal?.aborted) throw e;
        lastError = `the transfer broke after ${bytes}${total === null ? "" : ` of ${total}`} bytes (${(e as Error).message})`;
        onEvent?.({ type: "retry", url: file.url, reason: lastError });
        continue;
      } finally {
        await handle.close();
      }
    } else {
      await response.body?.cancel();
      lastError = `HTTP ${response.status}${response.statusText ? ` ${response.statusText}` : ""}`;
      if (!transient(response.status)) { remove(part); throw new Error(`${file.url}: ${lastError}; nothing was saved`); }
      onEvent?.({ type: "retry", url: file.url, reason: lastError });
      continue;
    }
    const actual = await sha256File(part);
    if (actual === file.sha256) {
      renameSync(part, file.path);
      onEvent?.({ type: "done", path: file.path, bytes: sizeOf(file.path) });
      return "downloaded";
    }
    unlinkSync(part);
    lastError = `${name}: SHA-256 ${actual} does not match the published ${file.sha256}`;
    // A resumed file may be wrong because of the bytes kept from before: one more try from scratch.
    if (from > 0 && attempt < attempts) { onEvent?.({ type: "retry", url: file.url, reason: `${lastError}; starting again from the first byte` }); continue; }
    throw new Error(`${lastError}; the file was deleted (refusing a file that is not the published one)`);
  }
  const kept = sizeOf(part);
  throw new Error(`${file.url}: gave up after ${attempts} attempt(s): ${lastError}${kept > 0 ? `; the ${kept} bytes received are kept in ${part}, and running the command again resumes from there` : ""}`);
}

/**
 * The four official MNIST files into `dir`, each verified; every file is tried even when one fails,
 * and the failures are reported together. Returns the files' paths.
 */
export async function downloadMnist(dir: string, { baseUrl = MNIST_MIRROR, files = MNIST_FILES, ...options }: DownloadOptions & { baseUrl?: string; files?: readonly OfficialFile[] } = {}): Promise<{ paths: string[]; downloaded: string[] }> {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new Error(`${dir}: exists and is not a directory; give another --dir`);
  mkdirSync(dir, { recursive: true });
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  const paths: string[] = [], downloaded: string[] = [], failures: string[] = [];
  for (const f of files) {
    const path = join(dir, f.name);
    try {
      if ((await downloadVerified({ url: new URL(f.name, base).href, path, sha256: f.sha256 }, options)) === "downloaded") downloaded.push(path);
      paths.push(path);
    } catch (e) {
      if (options.signal?.aborted) throw e;
      failures.push((e as Error).message);
    }
  }
  if (failures.length) throw new Error(`${failures.length} of ${files.length} MNIST file(s) not downloaded:\n  ${failures.join("\n  ")}`);
  return { paths, downloaded };
}
