/**
 * Study `microscope`: several optimizers trained from one start on the MNIST MLP, seen from outside
 * and from inside. Outside: the loss over the plane of the first optimizer's top two PCA directions
 * with every trajectory projected onto it, over a filter-normalized random plane around where it
 * ended, and along the line from the start to each end (src/landscape/network.ts). Inside: every
 * few steps the sharpness, per layer and whole, against each method's threshold, and Adam's
 * preconditioned sharpness against 38/η (src/train/curvature.ts); every step, per layer, what the
 * update did (src/train/diagnostics.ts); every few steps the gradient noise scale and histograms of
 * weights, gradients and each state buffer, written to TensorBoard.
 * One run per optimizer (curvature and diagnostics), and one `landscape` run that trains them all
 * again from the same start, only keeping weight snapshots, to draw the planes.
 */
import type { Dataset } from "../data/dataset.ts";
import type { Model } from "../nn/model.ts";
import { crossEntropy } from "../nn/losses.ts";
import { tensor, type Tensor } from "../tensor/tensor.ts";
import type { BaseOptions, Optimizer } from "../optim/optimizer.ts";
import { f32View } from "../wasm/module.ts";
import { Random } from "../random.ts";
import { fit, type StepInfo } from "../train/trainer.ts";
import { evaluate } from "../train/metrics.ts";
import { curvatureTracker, measureCurvature } from "../train/curvature.ts";
import { UpdateDiagnostics } from "../train/diagnostics.ts";
import { measureNoiseScale } from "../train/noise-scale.ts";
import { histogramOf } from "../report/histogram.ts";
import {
  filterNormalizedDirection,
  interpolate,
  modelPointLoss,
  pcaDirections,
  project,
  surface,
  type Surface,
} from "../landscape/network.ts";
import { factoredPlaneLoss } from "../landscape/factored-plane.ts";
import { layerOf } from "../analysis/model-hessian.ts";
import type { RunContext, RunSpec, Study } from "./study.ts";
import { optimizerEntry, type FirstOrderEntry } from "./common/optimizers.ts";
import { mlp } from "./common/mlp.ts";
import { mnistData } from "./common/data.ts";
import { withSeeds, type SeededSpec } from "./common/seeds.ts";
import { microscopeReport } from "./microscope-report.ts";
import {
  microscopeOptions,
  microscopeSettings,
  type HistogramRecord,
  type LandscapeResult,
  type MicroscopeResult,
  type MicroscopeSettings,
  type OptimizerResult,
  type PlainSurface,
  type StepRecord,
} from "./microscope-settings.ts";

const plainSurface = (s: Surface): PlainSurface => ({ ...s, values: Array.from(s.values) });

interface Problem {
  train: Dataset;
  test: Dataset;
  model: Model;
  entry: FirstOrderEntry;
  optimizer: Optimizer<BaseOptions>;
}

function problem(s: MicroscopeSettings, name: string, seed: number, dataSeed: number): Problem {
  const entry = optimizerEntry(name);
  if (entry.kind !== "first-order") throw new RangeError(`microscope: ${name} is not a first-order optimizer`);
  const { train, test } = mnistData({ mnist: s.mnist, train: s.train, test: s.test, seed: dataSeed });
  const model = mlp({ inputs: 784, hidden: [s.hidden], classes: 10, seed });
  const stepsPerEpoch = entry.batch === "full" ? 1 : Math.ceil(train.n / s.batch);
  return { train, test, model, entry, optimizer: entry.make(s.lrs[name], { stepsPerEpoch }) };
}

/** Trains for exactly s.steps updates (fit stops through its signal), calling onStep after each. */
async function train(
  p: Problem,
  s: MicroscopeSettings,
  seed: number,
  ctx: RunContext,
  onStep: (info: StepInfo) => void,
) {
  const stop = new AbortController();
  ctx.signal?.addEventListener("abort", () => stop.abort());
  const batch = p.entry.batch === "full" ? p.train.n : Math.min(s.batch, p.train.n);
  const epochs = Math.ceil(s.steps / Math.ceil(p.train.n / batch));
  return fit(p.model, p.train, {
    optimizer: p.optimizer,
    epochs,
    batch,
    seed,
    signal: stop.signal,
    yieldEveryMs: 200,
    onStep: (info) => {
      onStep(info);
      ctx.progress(
        info.state.step / s.steps,
        `${p.entry.name} step ${info.state.step} loss ${info.loss.toPrecision(4)}`,
      );
      if (info.state.step >= s.steps) stop.abort();
    },
  });
}

const lossOn = (model: Model, x: Tensor, labels: Int32Array) => () =>
  crossEntropy(model.forward(x, { training: false }), labels);

/** Each layer's slice of a region laid out as the parameters (values, gradients, a state buffer). */
function perLayer(model: Model, region: Float32Array): Map<string, number[]> {
  const out = new Map<string, number[]>();
  for (const p of model.parameters.params) {
    const name = layerOf(p.name);
    out.set(name, [...(out.get(name) ?? []), ...region.subarray(p.offset, p.offset + p.size)]);
  }
  return out;
}

async function runOptimizer(
  spec: RunSpec,
  s: MicroscopeSettings,
  seed: number,
  dataSeed: number,
  ctx: RunContext,
): Promise<OptimizerResult> {
  const p = problem(s, spec.optimizer as string, seed, dataSeed);
  const { model, optimizer } = p;
  const m = Math.min(s.measureBatch, p.train.n);
  const x = tensor(p.train.x.subarray(0, m * 784), [m, 784]);
  const labels = (p.train.y as Int32Array).subarray(0, m);
  const result: OptimizerResult = {
    kind: "optimizer",
    optimizer: p.entry.name,
    label: p.entry.label,
    lr: s.lrs[p.entry.name],
    parameters: model.parameters.count,
    steps: [],
    curvature: [],
    spectrum: null,
    noise: [],
    histograms: [],
    finalTrainLoss: NaN,
    testAccuracy: NaN,
    diverged: null,
    seconds: 0,
  };
  try {
    const tracker = curvatureTracker(model, lossOn(model, x, labels), optimizer, {
      every: s.every,
      iterations: s.powerIterations,
      tol: 1e-3,
      hutchinson: 5,
      seed,
    });
    tracker.initial();
    const diagnostics = new UpdateDiagnostics(model);
    // As many disjoint batches as the data holds (at most 32): a small B_big leaves |G|² to noise.
    const noiseBatch = Math.min(s.batch, Math.floor(p.train.n / 8)),
      noiseBatches = Math.min(32, Math.floor(p.train.n / noiseBatch));
    const t0 = performance.now();
    const r = await train(p, s, seed, ctx, (info) => {
      const step = info.state.step;
      result.steps.push({
        step,
        loss: info.loss,
        lr: optimizer.lrAt(step - 1),
        diagnostics: diagnostics.observe(step),
      });
      if (step % s.every !== 0 && step !== 1) return;
      const regions: [string, Float32Array][] = [
        ["weights", model.parameters.flat()],
        ["grads", model.parameters.flatGrads()],
        ...Object.entries(info.state.buffers).map(
          ([name, ptr]) => [`state.${name}`, f32View(ptr, info.state.n).slice()] as [string, Float32Array],
        ),
      ];
      for (const [what, region] of regions)
        for (const [layer, values] of perLayer(model, region))
          result.histograms.push({ step, tag: `${what}/${layer}`, histogram: histogramOf(values) });
      if (step % s.every !== 0) return; // step 1: histograms only
      tracker.onStep(info);
      result.noise.push({
        step,
        ...measureNoiseScale(model, p.train, (out, y) => crossEntropy(out, y), {
          batches: noiseBatches,
          batchSize: noiseBatch,
          rng: new Random(seed + step),
        }),
      });
    });
    result.seconds = (performance.now() - t0) / 1000;
    result.curvature = tracker.points;
    // The spectral density (SLQ) of the whole Hessian and of each layer's block, where training ended.
    result.spectrum = measureCurvature(model, lossOn(model, x, labels), optimizer, null, {
      iterations: 2,
      hutchinson: 1,
      lanczosSteps: s.lanczosSteps,
      seed,
    }).spectrum!;
    if (r.diverged) result.diverged = `step ${r.steps} (${r.diverged.where})`;
    const loss = (out: Tensor, y: Int32Array | Tensor) => crossEntropy(out, y);
    result.finalTrainLoss = evaluate(model, p.train, loss).loss;
    result.testAccuracy = evaluate(model, p.test, loss).accuracy ?? NaN;
    return result;
  } finally {
    x.free();
    model.free();
  }
}

/** Trains every optimizer from the same start, keeping weight snapshots; then the planes and lines. */
async function runLandscape(
  s: MicroscopeSettings,
  seed: number,
  dataSeed: number,
  ctx: RunContext,
): Promise<LandscapeResult> {
  const paths: { name: string; points: Float32Array[] }[] = [];
  let start: Float32Array | null = null;
  const every = Math.max(1, Math.floor(s.steps / (s.snapshots - 1)));
  for (const [k, name] of s.optimizers.entries()) {
    const p = problem(s, name, seed, dataSeed);
    try {
      start ??= p.model.parameters.flat();
      const points = [p.model.parameters.flat()];
      const sub: RunContext = {
        signal: ctx.signal,
        progress: (f, status) => ctx.progress(((k + f) / s.optimizers.length) * 0.3, status),
      };
      await train(p, s, seed, sub, ({ state }) => {
        if (state.step % every === 0 || state.step === s.steps) points.push(p.model.parameters.flat());
      });
      paths.push({ name: p.entry.label, points });
    } finally {
      p.model.free();
    }
  }
  const p = problem(s, s.optimizers[0], seed, dataSeed);
  const x = tensor(p.train.x, [p.train.n, 784]);
  const labels = p.train.y as Int32Array;
  try {
    const ref = paths[0],
      end = ref.points[ref.points.length - 1];
    const pointLoss = modelPointLoss(p.model, lossOn(p.model, x, labels));
    const lines = paths.map((path) => ({
      name: path.name,
      ...interpolate(pointLoss, start!, path.points[path.points.length - 1], { points: 25 }),
    }));
    // Between the solutions: from the first method's end (α = 0) to each other's (α = 1).
    const between = paths.slice(1).map((path) => ({
      name: `${ref.name} → ${path.name}`,
      ...interpolate(pointLoss, end, path.points[path.points.length - 1], { points: 25 }),
    }));
    const { d1, d2, explained } = pcaDirections(ref.points, end);
    const trajectories = paths.map((path) => ({
      name: path.name,
      points: path.points.map((w) => project(w, end, d1, d2)),
    }));
    const reach =
      Math.max(...trajectories.flatMap((t) => t.points.flatMap(([a, b]) => [Math.abs(a), Math.abs(b)]))) * 1.25;
    const loss = (out: Tensor) => crossEntropy(out, labels);
    const t0 = performance.now();
    const total = 2 * s.surfacePoints ** 2;
    const plane = (o: Float32Array, a: Float32Array, b: Float32Array, range: [number, number], offset: number) => {
      const f = factoredPlaneLoss(p.model, x, loss, o, a, b);
      try {
        return surface(f, {
          xRange: range,
          yRange: range,
          points: s.surfacePoints,
          onProgress: (done) =>
            ctx.progress(0.3 + (0.7 * (offset + done)) / total, `surface ${offset + done}/${total}`),
        });
      } finally {
        f.free();
      }
    };
    const pca = plane(end, d1, d2, [-reach, reach], 0);
    const rng = new Random(seed + 1);
    p.model.parameters.load(end); // filter normalization scales by the weights at the plane's centre
    const r1 = filterNormalizedDirection(p.model, rng),
      r2 = filterNormalizedDirection(p.model, rng);
    const random = plane(end, r1, r2, [-1, 1], s.surfacePoints ** 2);
    return {
      kind: "landscape",
      reference: ref.name,
      pca: { ...plainSurface(pca), explained, trajectories },
      random: plainSurface(random),
      lines,
      between,
      surfaceSeconds: (performance.now() - t0) / 1000 / 2,
    };
  } finally {
    x.free();
    p.model.free();
  }
}

export { microscopeOptions, microscopeSettings };
export type {
  MicroscopeResult,
  OptimizerResult,
  LandscapeResult,
  PlainSurface,
  StepRecord,
  HistogramRecord,
  MicroscopeSettings,
};

export const microscopeStudy: Study<MicroscopeResult, typeof microscopeOptions> = {
  name: "microscope",
  summary:
    "Several optimizers from one start on the MNIST MLP: loss-landscape planes with their trajectories, sharpness per layer against each method's threshold (Adam's preconditioned against 38/η), per-step update diagnostics, noise scale, TensorBoard histograms",
  options: microscopeOptions,
  plan(config) {
    const s = microscopeSettings(config);
    return withSeeds([...s.optimizers.map((name) => ({ id: name, optimizer: name })), { id: "landscape" }], config);
  },
  async run(spec, config, ctx) {
    const s = microscopeSettings(config);
    const seed = (spec as SeededSpec).seed ?? config.seed;
    return spec.id.startsWith("landscape")
      ? runLandscape(s, seed, config.seed, ctx)
      : runOptimizer(spec, s, seed, config.seed, ctx);
  },
  report: microscopeReport,
};
