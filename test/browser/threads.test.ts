// The engine's threads (src/threads/) in headless Chromium: in a cross-origin-isolated page and in a
// module worker inside one, products of a training step's shapes and a few MLP training steps give
// the same bits on 2 threads as on 1; in a page served without COOP/COEP, setThreads(2) refuses and
// says why. The engine and threads.page.ts are bundled into one module, served twice: under
// /isolated/ with the isolation headers, under /open/ without. Skips only where /usr/bin/chromium
// does not exist.
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as esbuild from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";
import type { DescentThreads, Refusal, Report } from "./threads.page.ts";

const CHROMIUM = "/usr/bin/chromium";
const ISOLATION = {
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-embedder-policy": "require-corp",
};

/** Serves the bundle as /<mode>/threads.mjs and a page that loads it as /<mode>/, with headers for "isolated" only. */
async function serve(script: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const [, mode, file] = /^\/(isolated|open)\/(threads\.mjs)?$/.exec((req.url ?? "/").split("?")[0]) ?? [];
    if (mode === undefined) {
      res.writeHead(404).end();
      return;
    }
    const headers = mode === "isolated" ? ISOLATION : {};
    if (file === undefined)
      res
        .writeHead(200, { ...headers, "content-type": "text/html" })
        .end('<!doctype html><title>threads</title><script type="module" src="threads.mjs"></script>');
    else res.writeHead(200, { ...headers, "content-type": "text/javascript" }).end(script);
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("threads test: the server has no port");
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

const hasChromium = existsSync(CHROMIUM);

describe.skipIf(!hasChromium)(
  `threads in headless Chromium${hasChromium ? "" : ` (skipped: ${CHROMIUM} does not exist; apt-get install chromium)`}`,
  () => {
    let browser: Browser;
    let server: Server;
    let url: string;
    const errors: string[] = [];

    beforeAll(async () => {
      const bundle = await esbuild.build({
        entryPoints: [new URL("threads.page.ts", import.meta.url).pathname],
        bundle: true,
        format: "esm",
        platform: "browser",
        target: "es2022",
        write: false,
        logLevel: "silent",
      });
      ({ server, url } = await serve(bundle.outputFiles[0].text));
      browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ["--headless", "--no-sandbox", "--disable-gpu"],
      });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await new Promise((ok) => server?.close(ok));
    });

    /** A fresh page at /<mode>/ on the plain build (the one whose bits are the same everywhere), once its script has run. */
    async function open(mode: "isolated" | "open"): Promise<Page> {
      const page = await browser.newPage();
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(`${url}${mode}/?descent-wasm-build=plain`);
      await page.waitForFunction(() => "descentThreads" in window, null, { timeout: 15_000 });
      return page;
    }
    const run = <T>(page: Page, check: keyof DescentThreads) =>
      page.evaluate(
        (name) =>
          (window as unknown as { descentThreads: Record<string, () => Promise<unknown>> }).descentThreads[name](),
        check,
      ) as Promise<T>;

    function expectIdentical(report: Report, where: Report["where"]): void {
      expect(report.where).toBe(where);
      expect(report.crossOriginIsolated).toBe(true);
      expect(report.comparisons.map((c) => c.what)).toEqual([
        "64×500×784",
        "784×500×64 transA",
        "256×10×500",
        "MLP 784-128-10, Adam, 5 steps",
      ]);
      for (const c of report.comparisons) {
        expect(c.threads, c.what).toEqual([1, 2]);
        expect(c.values, c.what).toBeGreaterThan(0);
        expect({ differing: c.differing, first: c.firstDiffering }, c.what).toEqual({ differing: 0, first: null });
      }
    }

    it("gives the same bits on 2 threads as on 1 in a cross-origin-isolated page", async () => {
      const page = await open("isolated");
      try {
        expectIdentical(await run<Report>(page, "checkThreads"), "page");
      } finally {
        await page.close();
      }
      expect(errors).toEqual([]);
    }, 30_000);

    it("gives the same bits on 2 threads as on 1 in a module worker of that page", async () => {
      const page = await open("isolated");
      try {
        expectIdentical(await run<Report>(page, "checkThreadsInWorker"), "worker");
      } finally {
        await page.close();
      }
      expect(errors).toEqual([]);
    }, 30_000);

    it("refuses threads in a page without COOP/COEP, and says it is not cross-origin isolated", async () => {
      const page = await open("open");
      try {
        expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
        const refusal = await run<Refusal>(page, "checkRefusal");
        expect(refusal.unavailable).toMatch(/not cross-origin isolated/);
        expect(refusal.error?.name).toBe("Error");
        expect(refusal.error?.message).toContain("cross-origin isolated");
        expect(refusal.error?.message).toContain(refusal.unavailable);
        expect(refusal.threadsAfter).toBe(1);
      } finally {
        await page.close();
      }
    }, 30_000);
  },
);
