// `descent data mnist` as a user runs it (the bundle, a child process), against a loopback server
// serving generated files under the official names: they are not the published files, so every one
// is refused by its SHA-256 and deleted. The successful path is tested in-process (test/data/download.test.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MNIST_FILES } from "../../src/data/mnist-files.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
const bundle = join(root, "build", `cli-data-test-${process.pid}`);
const cli = join(bundle, "descent.mjs");
const temp = mkdtempSync(join(tmpdir(), "descent-cli-data-"));
const served: string[] = [];
let server: Server,
  base = "";

function descent(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: temp,
      env: { ...process.env, FORCE_COLOR: "0", ...env },
    });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(root, "scripts", "build-cli.mjs"), bundle], { cwd: root });
  server = createServer((req, res) => {
    served.push(req.url ?? "");
    const body = Buffer.from(`not the real ${req.url}`);
    res.writeHead(200, { "content-length": String(body.length) });
    res.end(body);
  });
  server.setTimeout(5000);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/mnist/`;
}, 60_000);
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(bundle, { recursive: true, force: true });
  rmSync(temp, { recursive: true, force: true });
});

describe("descent data mnist", { timeout: 60_000 }, () => {
  it("refuses files whose SHA-256 is not the published one, deletes them and exits 1", async () => {
    const dir = join(temp, "files");
    const r = await descent(["data", "mnist", "--dir", dir, "--url", base]);
    expect(r.code).toBe(1);
    expect(served).toEqual(MNIST_FILES.map((f) => `/mnist/${f.name}`));
    for (const f of MNIST_FILES) expect(r.stderr).toContain(`${f.name}: SHA-256 `);
    expect(r.stderr).toContain(`4 of 4 MNIST file(s) not downloaded`);
    expect(r.stderr).toContain(`does not match the published ${MNIST_FILES[0].sha256}; the file was deleted`);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("uses the cache directory by default and documents it in --help", async () => {
    const cache = join(temp, "xdg");
    const r = await descent(["data", "mnist", "--url", base, "--quiet"], { XDG_CACHE_HOME: cache });
    expect(r.code).toBe(1);
    expect(existsSync(join(cache, "descent", "mnist"))).toBe(true);
    const help = await descent(["data", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: descent data <dataset> \[options\]/);
    expect(help.stdout).toContain("~/.cache/descent/mnist");
    const bad = await descent(["data", "cifar"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("unknown dataset 'cifar'; valid: mnist");
  });
});
