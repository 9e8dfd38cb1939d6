// The browser benchmark page's script (bundled by bench/browser.ts with esbuild): our GEMM, both
// builds, against TensorFlow.js's WASM backend at its best here (XNNPACK, the threaded SIMD build
// where the page is cross-origin isolated, threads = the cores the browser reports), timed in
// alternating samples; and the training step of bench/train-step.ts, ours on 1 thread and on N against
// TF.js's, one sample at a time on bench/browser.ts's call (it alternates them, across pages too).
// Plain JavaScript: TF.js's type declarations clash with the DOM's (see bench/tfjs.ts).
import * as tf from "@tensorflow/tfjs-core";
// tfjs-core alone registers no gradient functions (the @tensorflow/tfjs union package does); the training step needs them.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { engineBuild, instantiateBuild, relaxedSimdSupported } from "../../src/wasm/module.ts";
import { Random, capabilities, setThreads, threadCount } from "../../src/index.ts";
import { ourStep, randomBatch, theirStep } from "../train-step.ts";

let tfjsThreads = null;
/**
 * TF.js's wasm backend on `threads` threads, once per page: the count must be set before the backend
 * starts. TF.js caps it at navigator.hardwareConcurrency / 2 (tfjs-backend-wasm's backend.cc assumes
 * two hardware threads a core), so on 2 cores it runs 1 whatever it is asked; `liftCap` makes the
 * page report twice `threads` cores first, so that TF.js really runs `threads` (getThreadsCount says).
 */
async function tfjsOn(threads, liftCap = false) {
  if (tfjsThreads === null) {
    if (liftCap) Object.defineProperty(navigator, "hardwareConcurrency", { value: 2 * threads, configurable: true });
    setWasmPaths("/tfjs/");
    setThreadsCount(threads);
    await tf.setBackend("wasm");
    await tf.ready();
    tfjsThreads = threads;
  }
  if (tfjsThreads !== threads) throw new Error(`TF.js already runs on ${tfjsThreads} threads, not ${threads}`);
}

function place(k, a, b, cLength) {
  const align = (x) => (x + 63) & ~63;
  const pa = align(k.heapBase()),
    pb = align(pa + a.length * 4),
    pc = align(pb + b.length * 4),
    work = align(pc + cLength * 4);
  const short = work + k.gemmWorkBytes() - k.memory.buffer.byteLength;
  if (short > 0) k.memory.grow(Math.ceil(short / 65536));
  new Float32Array(k.memory.buffer, pa, a.length).set(a);
  new Float32Array(k.memory.buffer, pb, b.length).set(b);
  return { pa, pb, pc, work };
}

/** Seconds per call of each function, per round: one sample of each per round, after a warm-up. */
function interleaved(fns, samples, sampleMs) {
  for (let w = 0; w < 3; w++) fns.forEach((f) => f());
  const reps = fns.map((f) => {
    const t = performance.now();
    f();
    return Math.max(1, Math.ceil(sampleMs / Math.max(performance.now() - t, 0.01)));
  });
  const rounds = fns.map(() => []);
  for (let s = 0; s < samples; s++) {
    fns.forEach((f, i) => {
      const t0 = performance.now();
      for (let r = 0; r < reps[i]; r++) f();
      rounds[i].push((performance.now() - t0) / 1000 / reps[i]);
    });
  }
  return rounds;
}

const median = (xs) => [...xs].sort((x, y) => x - y)[xs.length >> 1];

window.runBench = async ({ sizes, samples, sampleMs }) => {
  await tfjsOn(navigator.hardwareConcurrency);
  const builds = relaxedSimdSupported() ? ["plain", "relaxed"] : ["plain"];
  const ours = await Promise.all(builds.map((b) => instantiateBuild(b)));
  const rows = [];
  for (const [m, n, k] of sizes) {
    const a = new Float32Array(m * k).map((_, i) => ((i * 7919) % 2001) / 1000 - 1);
    const b = new Float32Array(k * n).map((_, i) => ((i * 104729) % 2003) / 1000 - 1);
    const placed = ours.map((x) => place(x, a, b, m * n));
    const ta = tf.tensor2d(a, [m, k]),
      tb = tf.tensor2d(b, [k, n]);
    const fns = [
      ...ours.map((x, i) => () => x.gemm(placed[i].pc, placed[i].pa, placed[i].pb, m, n, k, 0, 0, 0, placed[i].work)),
      () => {
        const c = tf.matMul(ta, tb);
        c.dataSync();
        c.dispose();
      },
    ];
    const rounds = interleaved(fns, samples, sampleMs);
    ta.dispose();
    tb.dispose();
    const flops = 2 * m * n * k;
    const gf = (r) => ({ median: flops / median(r) / 1e9, best: flops / Math.min(...r) / 1e9 });
    const ratio = (x, y) => median(rounds[x].map((t, s) => rounds[y][s] / t)); // speed of x over y, per round
    const tfIndex = fns.length - 1;
    rows.push({
      case: `${m}×${k}·${k}×${n}`,
      ...Object.fromEntries(builds.map((b, i) => [b, gf(rounds[i])])),
      tfjs: gf(rounds[tfIndex]),
      relaxedOverPlain: builds.length === 2 ? ratio(1, 0) : null,
      oursOverTfjs: ratio(ours.length - 1, tfIndex),
    });
  }
  return {
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    cores: navigator.hardwareConcurrency,
    engineBuild: engineBuild(),
    ourBuilds: builds,
    tfjsBackend: tf.getBackend(),
    tfjsThreads: getThreadsCount(),
    rows,
  };
};

/** The training step's contestants in this page: name → { threads (ours only), step }. */
let contestants = {};
let disposers = [];
let tensorsAdded = () => 0;
const SEED = 7;

/**
 * Sets up the training step at one batch size: TF.js on `tfjsThreads` threads (its cap lifted if
 * `liftTfjsCap`, see tfjsOn), and, if `ourThreads`
 * is given, ours on 1 thread and on that many (one model, switched between samples, as
 * bench/threads.ts does). Reports the first-step losses, and whether ours gives the same losses on
 * N threads as on 1 over two steps from fresh models (the second shows the first update; the engine
 * promises the same bits).
 */
window.trainPrepare = async ({ batch, ourThreads, tfjsThreads: threads, liftTfjsCap }) => {
  window.trainDispose();
  await tfjsOn(threads, liftTfjsCap);
  const data = randomBatch(new Random(batch), batch);
  const theirs = theirStep(tf, data, SEED);
  disposers.push(theirs.dispose);
  contestants.tfjs = { step: theirs.step };
  const report = {
    tfjsFirstLoss: theirs.firstLoss,
    tfjsBackend: tf.getBackend(),
    tfjsThreads: getThreadsCount(),
  };
  tensorsAdded = theirs.tensorsAdded;
  if (ourThreads !== undefined) {
    await setThreads(ourThreads); // starts the workers; from now on a switch takes effect at once
    await setThreads(1);
    const ours = ourStep(data, SEED);
    disposers.push(ours.dispose);
    const oursSecond = ours.step();
    await setThreads(ourThreads);
    const check = ourStep(data, SEED);
    const checkSecond = check.step();
    check.dispose();
    contestants.ours1 = { threads: 1, step: ours.step };
    contestants.oursN = { threads: ourThreads, step: ours.step };
    Object.assign(report, {
      oursFirstLoss: ours.firstLoss,
      sameLossesOnN: Object.is(check.firstLoss, ours.firstLoss) && Object.is(checkSecond, oursSecond),
      ourThreads: threadCount(),
      engineBuild: engineBuild(),
      capabilitiesBuild: capabilities().build,
    });
  }
  return report;
};

/** Seconds per step of one contestant over `reps` steps (its thread count set first, at once). */
window.trainSample = (name, reps) => {
  const { threads, step } = contestants[name];
  if (threads !== undefined) void setThreads(threads);
  const t0 = performance.now();
  for (let r = 0; r < reps; r++) step();
  return (performance.now() - t0) / 1000 / reps;
};

/** Frees the training step's models; returns the tensors TF.js left behind since its first step. */
window.trainDispose = () => {
  const leaked = tensorsAdded();
  for (const dispose of disposers) dispose();
  disposers = [];
  contestants = {};
  tensorsAdded = () => 0;
  return leaked;
};

window.benchReady = true;
