// The downloader against a server on the loopback address serving generated files: good, broken
// mid-transfer, ignoring ranges, wrong bytes, failing. Nothing here touches the internet.
import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadMnist, downloadVerified, type DownloadEvent } from "../../src/data/download.node.ts";
import type { OfficialFile } from "../../src/data/mnist-files.ts";

const content = Uint8Array.from({ length: 50_000 }, (_, i) => (i * 37 + (i >> 8)) & 255);
const sha256 = (b: Uint8Array) => createHash("sha256").update(b).digest("hex");
const good = sha256(content);

const root = mkdtempSync(join(tmpdir(), "descent-download-"));
const requests: { path: string; range: string | undefined }[] = [];
let brokenOnce = true;
let server: Server;
let base = "";

function send(res: ServerResponse, req: IncomingMessage, body: Uint8Array, { ranges = true, breakAfter }: { ranges?: boolean; breakAfter?: number } = {}) {
  const m = /^bytes=(\d+)-$/.exec(req.headers.range ?? "");
  const from = ranges && m ? Number(m[1]) : 0;
  if (from >= body.length && m && ranges) { res.writeHead(416, { "content-range": `bytes */${body.length}` }); res.end(); return; }
  const rest = body.subarray(from);
  res.writeHead(from > 0 ? 206 : 200, { "content-length": String(rest.length), ...(from > 0 ? { "content-range": `bytes ${from}-${body.length - 1}/${body.length}` } : {}), ...(breakAfter === undefined ? {} : { connection: "close" }) });
  if (breakAfter === undefined) { res.end(rest); return; }
  // Declares the whole length, sends part of it, then closes the connection.
  // The pause lets the client read what was sent: a stream that errors drops the chunks it has not handed out.
  res.write(rest.subarray(0, breakAfter), () => setTimeout(() => res.socket?.end(), 500));
}

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = req.url ?? "";
    requests.push({ path, range: req.headers.range });
    if (path === "/good/f") return send(res, req, content);
    if (path === "/broken/f") { const b = brokenOnce; brokenOnce = false; return send(res, req, content, b ? { breakAfter: 20_000 } : {}); }
    if (path === "/always-broken/f") return send(res, req, content, { breakAfter: 20_000, ranges: false });
    if (path === "/no-ranges/f") return send(res, req, content, { ranges: false });
    if (path === "/wrong/f") return send(res, req, content.map((v, i) => (i === 123 ? v ^ 1 : v)));
    if (path === "/error/f") { res.writeHead(500, "Internal Server Error"); res.end("oops"); return; }
    if (path.startsWith("/mnist/")) { const f = files.find((x) => path === `/mnist/${x.name}`); return f ? send(res, req, bodies[f.name]) : (res.writeHead(404), res.end()); }
    res.writeHead(404, "Not Found"); res.end();
  });
  server.setTimeout(5000);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(root, { recursive: true, force: true });
});

let n = 0;
const target = (route: string) => ({ url: `${base}/${route}/f`, path: join(root, `file${++n}`), sha256: good });
const log = () => { const events: DownloadEvent[] = []; return { events, onEvent: (e: DownloadEvent) => events.push(e) }; };
const fromHere = (route: string) => requests.filter((r) => r.path === `/${route}/f`);

describe("downloadVerified", { timeout: 30_000 }, () => {
  it("downloads a good file, and keeps it without a request when it is already there", async () => {
    const t = target("good");
    expect(await downloadVerified(t)).toBe("downloaded");
    expect(readFileSync(t.path)).toEqual(Buffer.from(content));
    expect(existsSync(`${t.path}.part`)).toBe(false);
    const before = requests.length;
    expect(await downloadVerified(t)).toBe("present");
    expect(requests.length).toBe(before);
  });

  it("resumes a transfer that broke with a Range request for the rest", async () => {
    const t = target("broken"), l = log();
    expect(await downloadVerified(t, { onEvent: l.onEvent })).toBe("downloaded");
    expect(readFileSync(t.path)).toEqual(Buffer.from(content));
    // The server sends 20,000 bytes then drops the connection; how many of them arrive first is up to the socket.
    const [first, second] = fromHere("broken").map((r) => r.range);
    expect(first).toBeUndefined();
    const kept = Number(/^bytes=(\d+)-$/.exec(second ?? "")?.[1]);
    expect(kept > 0 && kept <= 20_000).toBe(true);
    expect(l.events.some((e) => e.type === "retry" && e.reason.startsWith(`the transfer broke after ${kept} of 50000 bytes`))).toBe(true);
  });

  it("resumes from a part left by an earlier run, and restarts when the server ignores the range", async () => {
    const t = target("good");
    writeFileSync(`${t.path}.part`, content.subarray(0, 30_000));
    await downloadVerified(t);
    expect(requests.at(-1)!.range).toBe("bytes=30000-");
    expect(readFileSync(t.path)).toEqual(Buffer.from(content));
    const u = target("no-ranges");
    writeFileSync(`${u.path}.part`, new Uint8Array(10_000).fill(7));
    await downloadVerified(u);
    expect(readFileSync(u.path)).toEqual(Buffer.from(content));
  });

  it("starts again from the first byte when a resumed file's digest is wrong (bad bytes kept from before)", async () => {
    const t = target("good"), l = log();
    writeFileSync(`${t.path}.part`, new Uint8Array(30_000).fill(1));
    await downloadVerified(t, { onEvent: l.onEvent });
    expect(readFileSync(t.path)).toEqual(Buffer.from(content));
    expect(l.events.filter((e) => e.type === "request").map((e) => (e as { from: number }).from)).toEqual([30_000, 0]);
  });

  it("refuses and deletes a file whose digest does not match", async () => {
    const t = target("wrong");
    await expect(downloadVerified(t)).rejects.toThrow(`${t.path.split("/").at(-1)}: SHA-256 `);
    await expect(downloadVerified(t)).rejects.toThrow(`does not match the published ${good}; the file was deleted (refusing a file that is not the published one)`);
    expect(existsSync(t.path)).toBe(false);
    expect(existsSync(`${t.path}.part`)).toBe(false);
    // A wrong file already in place is deleted too, then fetched again.
    const u = target("good"), l = log();
    writeFileSync(u.path, "not it");
    await downloadVerified(u, { onEvent: l.onEvent });
    expect(l.events[0]).toEqual({ type: "deleted", path: u.path, reason: `SHA-256 ${sha256(new TextEncoder().encode("not it"))}, expected ${good}` });
    expect(readFileSync(u.path)).toEqual(Buffer.from(content));
  });

  it("gives up on a server error after its attempts, naming the URL and the status, and saves nothing", async () => {
    const t = target("error");
    await expect(downloadVerified(t, { attempts: 2 })).rejects.toThrow(`${t.url}: gave up after 2 attempt(s): HTTP 500 Internal Server Error`);
    expect(fromHere("error").length).toBe(2);
    expect(existsSync(t.path) || existsSync(`${t.path}.part`)).toBe(false);
    const missing = { ...target("good"), url: `${base}/nothing/f` };
    await expect(downloadVerified(missing)).rejects.toThrow(`${base}/nothing/f: HTTP 404 Not Found; nothing was saved`);
  });

  it("keeps the bytes of a transfer that keeps breaking, for the next run to resume", async () => {
    const t = target("always-broken");
    const error = await downloadVerified(t, { attempts: 2 }).then(() => null, (e: Error) => e.message);
    const [, kept] = /gave up after 2 attempt\(s\): .*; the (\d+) bytes received are kept in .*\.part, and running the command again resumes from there/.exec(error ?? "") ?? [];
    expect(Number(kept), error ?? "").toBeGreaterThan(0);
    expect(readFileSync(`${t.path}.part`)).toEqual(Buffer.from(content.subarray(0, Number(kept))));
  });
});

const bodies: Record<string, Uint8Array> = {};
const files: OfficialFile[] = (["trainImages", "trainLabels", "testImages", "testLabels"] as const).map((role, k) => {
  const name = ["train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz"][k];
  bodies[name] = content.subarray(0, 1000 * (k + 1));
  return { name, role, bytes: bodies[name].length, sha256: sha256(bodies[name]) };
});

describe("downloadMnist", { timeout: 30_000 }, () => {
  it("puts all four files in the directory, verified; a second run downloads nothing", async () => {
    const dir = join(root, "cache", "descent", "mnist");
    const r = await downloadMnist(dir, { baseUrl: `${base}/mnist`, files });
    expect(r.downloaded).toEqual(files.map((f) => join(dir, f.name)));
    for (const f of files) expect(readFileSync(join(dir, f.name))).toEqual(Buffer.from(bodies[f.name]));
    expect((await downloadMnist(dir, { baseUrl: `${base}/mnist/`, files })).downloaded).toEqual([]);
  });

  it("tries every file and reports each failure", async () => {
    const bad = files.map((f, k) => (k % 2 ? { ...f, sha256: "0".repeat(64) } : f));
    const dir = join(root, "partly");
    await expect(downloadMnist(dir, { baseUrl: `${base}/mnist`, files: bad })).rejects.toThrow(/^2 of 4 MNIST file\(s\) not downloaded:\n  train-labels-idx1-ubyte.gz: SHA-256 .*\n  t10k-labels-idx1-ubyte.gz: SHA-256 /);
    expect(existsSync(join(dir, files[0].name)) && existsSync(join(dir, files[2].name))).toBe(true);
    expect(existsSync(join(dir, files[1].name)) || existsSync(join(dir, files[3].name))).toBe(false);
    writeFileSync(join(root, "a-file"), "x");
    await expect(downloadMnist(join(root, "a-file"), { baseUrl: base, files })).rejects.toThrow(`${join(root, "a-file")}: exists and is not a directory; give another --dir`);
  });
});
