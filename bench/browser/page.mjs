// The browser benchmark page's script (bundled by bench/browser.ts with esbuild): our GEMM, both
// builds, against TensorFlow.js's WASM backend at its best here (XNNPACK, the threaded SIMD build
// where the page is cross-origin isolated, threads = the cores the browser reports), timed in
// alternating samples. Plain JavaScript: TF.js's type declarations clash with the DOM's (see bench/tfjs.ts).
import * as tf from "@tensorflow/tfjs-core";
import { getThreadsCount, setThreadsCount, setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { engineBuild, instantiateBuild, relaxedSimdSupported } from "../../src/wasm/module.ts";

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
  setWasmPaths("/tfjs/");
  setThreadsCount(navigator.hardwareConcurrency);
  await tf.setBackend("wasm");
  await tf.ready();
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
window.benchReady = true;
