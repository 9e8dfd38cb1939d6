// `browser` suite: bench/browser/page.mjs in headless Chromium (playwright-core, /usr/bin/chromium),
// served from 127.0.0.1 with COOP/COEP so the page is cross-origin isolated and TF.js can use its
// threaded SIMD build. Chromium's V8 has relaxed SIMD on, so both of our builds run there.
// Two tables: the GEMM, then the training step on our threads (browser-train.ts).
import { existsSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { chromium } from "playwright-core";
import { num, text, type Row, type Suite } from "./lib.ts";
import { trainingStepTable } from "./browser-train.ts";

const CHROMIUM = "/usr/bin/chromium";
const here = dirname(fileURLToPath(import.meta.url));

interface Rate {
  median: number;
  best: number;
}
interface PageRow {
  case: string;
  plain: Rate;
  relaxed?: Rate;
  tfjs: Rate;
  relaxedOverPlain: number | null;
  oursOverTfjs: number;
}
interface PageResult {
  userAgent: string;
  crossOriginIsolated: boolean;
  cores: number;
  engineBuild: string;
  ourBuilds: string[];
  tfjsBackend: string;
  tfjsThreads: number;
  rows: PageRow[];
}

async function serve(script: string): Promise<{ server: Server; url: string }> {
  const tfjsDist = join(
    dirname(createRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm/package.json")),
    "dist",
  );
  const isolation = {
    "cross-origin-opener-policy": "same-origin",
    "cross-origin-embedder-policy": "require-corp",
    "cache-control": "no-store",
  };
  const server = createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/") {
      res
        .writeHead(200, { ...isolation, "content-type": "text/html" })
        .end(`<!doctype html><script type="module" src="/page.mjs"></script>`);
      return;
    }
    if (path === "/page.mjs") {
      res.writeHead(200, { ...isolation, "content-type": "text/javascript" }).end(script);
      return;
    }
    const wasm = /^\/tfjs\/(tfjs-backend-wasm[a-z-]*\.wasm)$/.exec(path);
    if (wasm && existsSync(join(tfjsDist, wasm[1]))) {
      res
        .writeHead(200, { ...isolation, "content-type": "application/wasm" })
        .end(readFileSync(join(tfjsDist, wasm[1])));
      return;
    }
    res.writeHead(404, isolation).end();
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const address = server.address();
  if (address === null || typeof address === "string") throw new Error("browser bench: the server has no port");
  return { server, url: `http://127.0.0.1:${address.port}/` };
}

export const browserSuite: Suite = {
  name: "browser",
  about:
    "GEMM (GFLOP/s) and the MLP training step (ms, ours on 1 and N threads) in headless Chromium vs TF.js wasm (threaded SIMD, all cores)",
  async run(opts) {
    if (!existsSync(CHROMIUM))
      return { title: "browser: not run", columns: [], rows: [], notes: [`${CHROMIUM} does not exist`] };
    const bundle = await esbuild.build({
      entryPoints: [join(here, "browser/page.mjs")],
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      write: false,
      logLevel: "silent",
      define: { "process.env.NODE_ENV": '"production"' },
    });
    const { server, url } = await serve(bundle.outputFiles[0].text);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    });
    const errors: string[] = [];
    const open = async () => {
      const page = await browser.newPage();
      page.on("pageerror", (e) => errors.push(e.message));
      await page.goto(url);
      await page.waitForFunction(() => (window as unknown as { benchReady?: boolean }).benchReady === true, null, {
        timeout: 60_000,
      });
      return page;
    };
    try {
      const page = await open();
      const config = {
        sizes: opts.quick
          ? [
              [256, 256, 256],
              [512, 512, 512],
            ]
          : [
              [256, 256, 256],
              [512, 512, 512],
              [1024, 1024, 1024],
              [64, 500, 784],
              [256, 500, 784],
            ],
        samples: opts.quick ? 7 : 15,
        sampleMs: 40,
      };
      const result = (await page.evaluate(
        (c) => (window as unknown as { runBench(c: unknown): Promise<unknown> }).runBench(c),
        config,
      )) as PageResult;
      if (errors.length > 0) throw new Error(`browser bench: the page failed: ${errors.join("; ")}`);
      const training = await trainingStepTable(page, await open(), opts, browser.version());
      if (errors.length > 0) throw new Error(`browser bench: a page failed: ${errors.join("; ")}`);
      const rows: Row[] = result.rows.map((r) => ({
        case: r.case,
        plain: r.plain.median,
        plainBest: r.plain.best,
        relaxed: r.relaxed?.median ?? null,
        relaxedBest: r.relaxed?.best ?? null,
        tfjs: r.tfjs.median,
        tfjsBest: r.tfjs.best,
        relaxedOverPlain: r.relaxedOverPlain,
        oursOverTfjs: r.oursOverTfjs,
      }));
      return {
        title: `GEMM in Chromium ${browser.version()}, GFLOP/s median (best sample), wall time`,
        columns: [
          text("case", "case"),
          num("plain", "plain"),
          num("(best)", "plainBest"),
          num("relaxed", "relaxed"),
          num("(best)", "relaxedBest"),
          num("TF.js", "tfjs"),
          num("(best)", "tfjsBest"),
          num("relaxed/plain", "relaxedOverPlain", 2),
          num("ours/TF.js", "oursOverTfjs", 2),
        ],
        rows,
        notes: [
          `Chromium ${browser.version()}; cross-origin isolated: ${result.crossOriginIsolated}; cores reported: ${result.cores}`,
          `our builds run: ${result.ourBuilds.join(", ")} (the engine itself would load: ${result.engineBuild}); ours/TF.js uses the last of them`,
          `TF.js ${result.tfjsBackend} backend, threads asked: ${result.cores}, threads it reports (getThreadsCount): ${result.tfjsThreads}; it loads its threaded SIMD build when the page is isolated; its times include dataSync()`,
          "timed in alternating samples (wall time, the only clock a page has); ratios are per-round medians; the machine was loaded",
        ],
        more: [training],
      };
    } finally {
      await browser.close();
      await new Promise((ok) => server.close(ok));
    }
  },
};
