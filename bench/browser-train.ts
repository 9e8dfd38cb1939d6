// The training step of bench/train.ts in headless Chromium (bench/train-step.ts): ours on
// 1 thread and on N (N = the cores the browser reports, via setThreads) against TF.js's wasm backend
// asked for N threads (the threaded SIMD build), all in one page; and TF.js in a second page, as it
// takes its thread count once per page: on N threads with its cap of cores / 2 lifted where that cap
// held it below N (page.mjs, tfjsOn), else on 1 thread. Node alternates the samples, one of each
// contestant per round across both pages, so a neighbour's load falls on all of them alike.
import type { Page } from "playwright-core";
import { num, spread, spreadOf, text, type BenchOptions, type Row, type Table } from "./lib.ts";

/** The target: our best training step at least this many times as fast as TF.js's best. */
const TARGET_RATIO = 1.5;
const BATCHES = [64, 256];
/** A pause before each sample: TF.js's garbage lingers on the other core after its sample (see lib.ts's settle). */
const SETTLE_MS = 50;

type Name = "ours1" | "oursN" | "tfjs";
interface Prepared {
  tfjsFirstLoss: number;
  tfjsBackend: string;
  tfjsThreads: number;
  oursFirstLoss?: number;
  sameLossesOnN?: boolean;
  ourThreads?: number;
  engineBuild?: string;
  capabilitiesBuild?: string;
}
interface TrainPage {
  trainPrepare(config: {
    batch: number;
    ourThreads?: number;
    tfjsThreads: number;
    liftTfjsCap?: boolean;
  }): Promise<Prepared>;
  trainSample(name: Name, reps: number): number;
  trainDispose(): number;
}
interface Contestant {
  page: Page;
  name: Name;
}

const prepare = (page: Page, config: Parameters<TrainPage["trainPrepare"]>[0]) =>
  page.evaluate((c) => (window as unknown as TrainPage).trainPrepare(c), config);
const sample = ({ page, name }: Contestant, reps: number) =>
  page.evaluate(([n, r]) => (window as unknown as TrainPage).trainSample(n, r), [name, reps] as const);
const dispose = (page: Page) => page.evaluate(() => (window as unknown as TrainPage).trainDispose());
const pause = (ms: number) => new Promise((ok) => setTimeout(ok, ms));

/** Seconds per step of each contestant in each round, after a warm-up; a sample lasts about sampleMs. */
async function interleave(contestants: Contestant[], samples: number, sampleMs: number): Promise<number[][]> {
  const perStep: number[] = [];
  for (const [i, c] of contestants.entries()) for (let w = 0; w < 3; w++) perStep[i] = await sample(c, 1);
  const reps = perStep.map((s) => Math.max(1, Math.ceil(sampleMs / 1000 / s)));
  const rounds: number[][] = contestants.map(() => []);
  for (let s = 0; s < samples; s++) {
    for (const [i, c] of contestants.entries()) {
      await pause(SETTLE_MS);
      rounds[i].push(await sample(c, reps[i]));
    }
  }
  return rounds;
}

/** `main` runs ours and TF.js on N threads; `solo` runs TF.js on 1 thread. Both pages are loaded and cross-origin isolated. */
export async function trainingStepTable(main: Page, solo: Page, opts: BenchOptions, chromium: string): Promise<Table> {
  const cores = await main.evaluate(() => navigator.hardwareConcurrency);
  const { samples, sampleMs } = opts.quick ? { samples: 5, sampleMs: 100 } : { samples: 11, sampleMs: 250 };
  const rows: Row[] = [];
  const notes: string[] = [];
  let first: Prepared | null = null;
  let other: { tfjsThreads: number; liftTfjsCap?: boolean } | null = null;
  let otherThreads = 0;
  for (const batch of BATCHES) {
    const mine = await prepare(main, { batch, ourThreads: cores, tfjsThreads: cores });
    other ??= mine.tfjsThreads < cores ? { tfjsThreads: cores, liftTfjsCap: true } : { tfjsThreads: 1 };
    const theirs = await prepare(solo, { batch, ...other });
    first ??= mine;
    otherThreads = theirs.tfjsThreads;
    let rounds: number[][];
    try {
      rounds = await interleave(
        [
          { page: main, name: "ours1" },
          { page: main, name: "oursN" },
          { page: main, name: "tfjs" },
          { page: solo, name: "tfjs" },
        ],
        samples,
        sampleMs,
      );
    } finally {
      const leaked = (await dispose(main)) + (await dispose(solo));
      if (leaked > 0) notes.push(`batch ${batch}: TF.js left ${leaked} tensors behind while timed`);
    }
    const [ours1, oursN, tfjsN, tfjsOther] = rounds;
    const ms = (key: string, times: number[]) => {
      const t = spreadOf(times);
      return { [key]: t.median * 1e3, [key + "Min"]: t.min * 1e3, [key + "Max"]: t.max * 1e3 };
    };
    // Each side's best is the faster of its configurations in that round; the ratio is taken within the round.
    const best = (a: number[], b: number[]) => a.map((t, s) => Math.min(t, b[s]));
    const ratio = spreadOf(best(tfjsN, tfjsOther).map((t, s) => t / best(ours1, oursN)[s]));
    const speedup = spreadOf(ours1.map((t, s) => t / oursN[s]));
    rows.push({
      batch,
      ...ms("ours1", ours1),
      ...ms("oursN", oursN),
      speedup: speedup.median,
      ...ms("tfjsN", tfjsN),
      ...ms("tfjsOther", tfjsOther),
      oursSamples: batch / Math.min(spreadOf(ours1).median, spreadOf(oursN).median),
      ratio: ratio.median,
      ratioMin: ratio.min,
      ratioMax: ratio.max,
      target: TARGET_RATIO,
      met: ratio.median >= TARGET_RATIO ? "yes" : "no",
    });
    notes.push(
      `batch ${batch}: first-step loss ours ${mine.oursFirstLoss?.toFixed(6)}, TF.js ${mine.tfjsFirstLoss.toFixed(6)} and ${theirs.tfjsFirstLoss.toFixed(6)} (second page); ` +
        `ours on ${cores} threads gives the same losses as on 1 over two fresh steps: ${mine.sameLossesOnN ? "yes" : "NO"}`,
    );
  }
  const workers = (first?.ourThreads ?? 1) - 1;
  return {
    title: `Training step in Chromium ${chromium}, 784-500-10 ReLU MLP, softmax cross-entropy, SGD: ms per step median (min–max)`,
    columns: [
      num("batch", "batch", 0),
      spread("ours 1T ms", "ours1", 2),
      spread(`ours ${cores}T ms`, "oursN", 2),
      num(`${cores}T/1T`, "speedup", 2),
      spread(`TF.js ${first?.tfjsThreads}T ms`, "tfjsN", 2),
      spread(`TF.js ${otherThreads}T${other?.liftTfjsCap ? " uncapped" : ""} ms`, "tfjsOther", 2),
      num("ours samples/s", "oursSamples", 0),
      spread("TF.js best/ours best", "ratio", 2),
      num("target", "target", 1),
      text("met", "met"),
    ],
    rows,
    notes: [
      `our engine build: ${first?.engineBuild} (capabilities().build: ${first?.capabilitiesBuild}); ours on ${first?.ourThreads} threads: the page's own and ${workers} worker${workers === 1 ? "" : "s"} (setThreads)`,
      `TF.js ${first?.tfjsBackend} backend (threaded SIMD build): asked for ${cores} threads, reports ${first?.tfjsThreads} (getThreadsCount; it caps itself at navigator.hardwareConcurrency / 2); ` +
        (other?.liftTfjsCap
          ? `in a second page, told of ${2 * cores} cores so that the cap allows ${cores}, asked for ${cores}, reports ${otherThreads} ("uncapped")`
          : `in a second page asked for 1, reports ${otherThreads}`),
      "ours: Model.lossAndGrad + sgd().update over the flat region; TF.js: optimizer.minimize(tf.train.sgd), loss read with dataSync(); same initial weights, batch resident",
      `samples alternate across all four, ${SETTLE_MS} ms apart; "best" is each side's faster configuration within a round (of its two), the ratio is taken per round: median (min–max) over rounds`,
      ...notes,
    ],
  };
}
