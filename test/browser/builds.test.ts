// The build probe (src/wasm/probe.ts) in a real browser: Chromium has relaxed SIMD on by default,
// so "auto" must pick the relaxed build there, and "plain" must still be obeyed. The probe is bundled
// alone and run in a blank page; skips only where /usr/bin/chromium does not exist.
import { existsSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as esbuild from "esbuild";
import { chromium, type Browser, type Page } from "playwright-core";

const CHROMIUM = "/usr/bin/chromium";

describe.skipIf(!existsSync(CHROMIUM))("the build probe in headless Chromium", () => {
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    const probe = await esbuild.build({
      entryPoints: [new URL("../../src/wasm/probe.ts", import.meta.url).pathname],
      bundle: true,
      format: "iife",
      globalName: "descentProbe",
      platform: "browser",
      write: false,
      logLevel: "silent",
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ["--headless", "--no-sandbox", "--disable-gpu"],
    });
    page = await browser.newPage();
    await page.setContent("<!doctype html><title>probe</title>");
    await page.addScriptTag({ content: probe.outputFiles[0].text });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
  });

  it("validates the relaxed probe and picks the relaxed build by default, plain when forced", async () => {
    type Probe = {
      relaxedSimdSupported(): boolean;
      chooseBuild(request: string | undefined, supported: boolean): string;
    };
    const seen = await page.evaluate(() => {
      const p = (globalThis as unknown as { descentProbe: Probe }).descentProbe;
      const supported = p.relaxedSimdSupported();
      return { supported, auto: p.chooseBuild(undefined, supported), plain: p.chooseBuild("plain", supported) };
    });
    expect(seen).toEqual({ supported: true, auto: "relaxed", plain: "plain" });
  }, 30_000);
});
