/**
 * The playground in a real browser (Debian's Chromium, headless, through playwright-core): the page
 * must compute exactly what Node computes from the same source — the same trajectory points, the
 * same MLP losses after N steps — show the optimizers' own messages for bad input, and never break.
 * Skips only where /usr/bin/chromium does not exist.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server } from "node:http";
import { afterAll, assert, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { buildBrowser, CORE_BUDGET_BYTES, type BrowserBuildSizes } from "../../scripts/build-browser.mjs";
import { startServer } from "../../playground/serve.mjs";
import { runTrajectory } from "../../src/landscape/index.ts";
import { decodeDigits } from "../../playground/digits.ts";
import { MlpTrainer } from "../../playground/mlp.ts";
import type { TrainRequest } from "../../playground/protocol.ts";
import type { Published } from "../../playground/main.ts";

/** The page's window, with what it publishes for this test (absent until the page has loaded). */
type DescentWindow = { __descent: Published };

const CHROMIUM = "/usr/bin/chromium";
const hasChromium = existsSync(CHROMIUM);
const root = new URL("../../", import.meta.url);

if (!hasChromium) console.warn(`test/browser: SKIPPED — ${CHROMIUM} does not exist (apt-get install chromium)`);
if (!hasChromium)
  describe.skip(`browser tests skipped: ${CHROMIUM} does not exist (install it with apt-get install chromium)`, () => {
    it("needs Chromium", () => {});
  });

describe.skipIf(!hasChromium)("playground in headless Chromium", () => {
  let sizes: BrowserBuildSizes;
  let server: Server;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    sizes = await buildBrowser({ log: () => {} });
    const started = await startServer(0);
    server = started.server;
    profile = mkdtempSync(join(tmpdir(), "descent-chromium-"));
    // A fresh profile each run (playwright passes it as --user-data-dir).
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1040, height: 1500 },
    });
    page = browser.pages()[0] ?? (await browser.newPage());
    page.on("pageerror", (err) => pageErrors.push(err.message));
    page.on("console", (msg) => {
      if (msg.type() === "error") pageErrors.push(msg.text());
    });
    // The plain build, the one that gives the same bits everywhere: Chromium would pick relaxed SIMD.
    await page.goto(`${started.url}?descent-wasm-build=plain`);
    await page.waitForFunction(() => (window as unknown as { __descent?: Published }).__descent?.ready === true, null, {
      timeout: 15_000,
    });
  }, 45_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((r) => server?.close(r));
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  const published = () => page.evaluate(() => (window as unknown as DescentWindow).__descent);
  const runs = () => page.evaluate(() => (window as unknown as DescentWindow).__descent.landscapeRuns);
  async function afterChange(change: () => Promise<void>): Promise<void> {
    const before = await runs();
    await change();
    await page.waitForFunction(
      (n) =>
        (window as unknown as DescentWindow).__descent.landscapeRuns > n &&
        !(window as unknown as DescentWindow).__descent.animating,
      before,
      { timeout: 10_000 },
    );
  }

  it("builds a core bundle within its 180 KB budget that exports everything the two entries do", async () => {
    expect(sizes.core).toBeGreaterThan(sizes.wasm); // the .wasm really is inside
    expect(sizes.core).toBeLessThanOrEqual(CORE_BUDGET_BYTES);
    // A name exported by two entries would be dropped as ambiguous by `export *`: none may be.
    const bundle = await import(new URL("dist/descent.browser.mjs", root).href);
    const entries = await Promise.all([import("../../src/index.ts"), import("../../src/landscape/index.ts")]);
    const names = entries.flatMap((m) => Object.keys(m));
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(bundle).sort()).toEqual(names.sort());
  });

  it("draws trajectories bit-identical to runTrajectory in Node", async () => {
    await afterChange(async () => {
      await page.selectOption("#fn", "beale");
      await page.check("#opt-adagrad");
      await page.fill("#opt-adam-lr", "0.1");
      await page.fill("#steps", "400");
    });
    const { landscape } = await published();
    assert(landscape, "no landscape published");
    expect(landscape.fn).toBe("beale");
    expect(landscape.runs.map((r: { name: string }) => r.name)).toEqual(["sgd", "adam", "rmsprop", "lion", "adagrad"]);
    for (const run of landscape.runs) {
      const node = runTrajectory({
        fn: landscape.fn,
        optimizer: { name: run.name, options: run.options },
        start: landscape.start,
        steps: landscape.steps,
        track: landscape.track,
      });
      expect(run.result.points, run.name).toEqual(node.points);
      expect(run.result.losses, run.name).toEqual(node.losses);
      expect(run.result.states, run.name).toEqual(node.states);
      expect(run.result.divergedAt, run.name).toBe(node.divergedAt);
    }
    const adam = landscape.runs.find((r: { name: string }) => r.name === "adam");
    assert(adam?.result.states, "no adam run with states");
    expect(adam.result.points).toHaveLength(401);
    expect(Object.keys(adam.result.states[400])).toEqual(["m", "v"]);
    // The state panel shows Adam's numbers at the last step.
    await page.selectOption("#track-opt", "adam");
    await expect.poll(() => page.textContent("#state-values")).toContain(String(adam.result.states[400].m));
  });

  it("trains the MLP in a worker, with the same losses as Node after the same steps", async () => {
    await page.waitForFunction(() => (window as unknown as DescentWindow).__descent.training.dataReady, null, {
      timeout: 10_000,
    });
    await page.fill("#train-steps", "24");
    await page.fill("#train-every", "12");
    await page.fill("#train-lr", "0.002");
    await page.fill("#train-sharpness-every", "12");
    await page.click("#train-start");
    await page.waitForFunction(() => (window as unknown as DescentWindow).__descent.training.done, null, {
      timeout: 20_000,
    });
    const { training } = await published();
    expect(training.error).toBeNull();
    const req = training.request as TrainRequest;
    expect(req).toMatchObject({
      optimizer: { name: "adam", options: { lr: 0.002 } },
      hidden: 64,
      batch: 64,
      seed: 0,
      steps: 24,
      evalEvery: 12,
      sharpnessEvery: 12,
    });

    const digits = decodeDigits(new Uint8Array(readFileSync(new URL("dist/digits.bin", root))));
    const trainer = new MlpTrainer(digits, req);
    const losses: number[] = [];
    const evals: { step: number; loss: number; accuracy: number }[] = [];
    const ratios: [number, number][] = [],
      sharpness: { step: number; value: number }[] = [];
    for (let k = 1; k <= req.steps; k++) {
      losses.push(trainer.trainStep());
      ratios.push(trainer.updateRatio);
      if (k % req.evalEvery === 0) evals.push({ step: k, ...trainer.evaluate() });
      if (k % req.sharpnessEvery! === 0) sharpness.push({ step: k, value: trainer.sharpness() });
    }
    trainer.dispose();
    expect(training.losses).toEqual(losses);
    expect(training.evals).toEqual(evals);
    expect(training.updateRatios).toEqual(ratios);
    expect(training.sharpness).toEqual(sharpness);
    expect(sharpness.map((e) => e.step)).toEqual([12, 24]);
    for (const e of sharpness) expect(e.value).toBeGreaterThan(0);
    expect(losses[23]).toBeLessThan(losses[0]);
  }, 30_000);

  it("is cross-origin isolated, and trains on 2 threads to the very losses of 1 thread", async () => {
    const { isolated, cores } = await page.evaluate(() => ({
      isolated: crossOriginIsolated,
      cores: navigator.hardwareConcurrency,
    }));
    expect(isolated).toBe(true);
    expect(await page.isDisabled("#train-threads")).toBe(false);
    const byDefault = await page.inputValue("#train-threads");
    expect(byDefault).toBe(String(Math.min(cores, 4)));
    const lossesOn = async (threads: number) => {
      await page.fill("#train-threads", String(threads));
      await page.fill("#train-steps", "24");
      await page.click("#train-start");
      await page.waitForFunction(() => (window as unknown as DescentWindow).__descent.training.done, null, {
        timeout: 20_000,
      });
      const { training } = await published();
      expect(training.error).toBeNull();
      expect(training.threads).toBe(threads); // as the worker's engine reports it
      return training;
    };
    const one = await lossesOn(1);
    const two = await lossesOn(2);
    expect(one.losses).toHaveLength(24);
    // The engine's promise: any thread count gives the same bits, so the same numbers to the last digit.
    expect(two.losses).toEqual(one.losses);
    expect(two.updateRatios).toEqual(one.updateRatios);
    expect(two.evals).toEqual(one.evals);
    await page.fill("#train-threads", byDefault);
  }, 45_000);

  it("shows the optimizer's own message next to a bad field, and recovers", { timeout: 30_000 }, async () => {
    const message = (id: string) => page.textContent(`[data-error-for="${id}"]`);
    const cases: [string, string, string][] = [
      ["#opt-adam-lr", "-1", "adam: lr = -1 is outside the valid range (0, ∞)"],
      // What was typed, not the NaN it parses to.
      ["#opt-adam-lr", "", "adam: lr = (empty) is not a number (valid range (0, ∞))"],
      ["#opt-adam-lr", "NaN", 'adam: lr = "NaN" is not a number (valid range (0, ∞))'],
      ["#opt-adam-beta1", "abc", 'adam: beta1 = "abc" is not a number (valid range [0, 1))'],
      ["#opt-sgd-momentum", "1", "sgd: momentum = 1 is outside the valid range [0, 1)"],
    ];
    for (const [selector, value, expected] of cases) {
      await page.fill(selector, value);
      await expect.poll(() => message(selector.slice(1)), { message: `${selector} = "${value}"` }).toBe(expected);
      expect(await page.getAttribute(selector, "class")).toContain("invalid");
    }
    await page.fill("#steps", "");
    await expect.poll(() => message("steps")).toBe("steps = (empty) must be an integer in [1, 20000]");
    await page.fill("#train-lr", "-1");
    await page.click("#train-start");
    await expect.poll(() => message("train-lr")).toBe("adam: lr = -1 is outside the valid range (0, ∞)");

    // Fixing every field clears the messages and runs again.
    await afterChange(async () => {
      await page.fill("#steps", "300");
      await page.fill("#opt-adam-lr", "0.1");
      await page.fill("#opt-adam-beta1", "0.9");
      await page.fill("#opt-sgd-momentum", "0.5");
    });
    await page.fill("#train-lr", "0.001");
    expect((await published()).errors).toEqual({ "train-lr": "adam: lr = -1 is outside the valid range (0, ∞)" }); // cleared on the next start
    expect(await message("opt-adam-lr")).toBe("");
    expect(pageErrors).toEqual([]);
  });

  it("keeps the page responsive while the worker trains, then saves a screenshot", async () => {
    await page.fill("#train-steps", "1500"); // long enough (seconds) that training is still under way when the landscape reruns
    // One thread: on a loaded 2-core machine, two engine threads leave the page's own thread no core
    // and make this run's length vary tenfold; 2 threads are checked in the test above.
    await page.fill("#train-threads", "1");
    await page.click("#train-start");
    await page.waitForFunction(() => (window as unknown as DescentWindow).__descent.training.losses.length > 0, null, {
      timeout: 10_000,
    });
    // The landscape reruns (on this thread) while training is still under way (in the worker).
    const before = await runs();
    await page.selectOption("#fn", "rosenbrock");
    await page.fill("#steps", "1000");
    await page.waitForFunction((n) => (window as unknown as DescentWindow).__descent.landscapeRuns > n, before, {
      timeout: 10_000,
    });
    expect((await published()).training.done).toBe(false);
    await page.waitForFunction(
      () =>
        (window as unknown as DescentWindow).__descent.training.done &&
        !(window as unknown as DescentWindow).__descent.animating,
      null,
      { timeout: 30_000 },
    );
    const { training } = await published();
    expect(training.losses).toHaveLength(1500);
    expect(training.evals.at(-1)?.accuracy).toBeGreaterThan(0.7);
    const dir = new URL("screenshots/", import.meta.url);
    mkdirSync(dir, { recursive: true });
    await page.screenshot({ path: new URL("playground.png", dir).pathname, fullPage: true });
    expect(existsSync(new URL("playground.png", dir))).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 45_000);
});
