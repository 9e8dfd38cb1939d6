/**
 * The GAN task: a generator and a discriminator, both MLPs, on a 2-D mixture of eight Gaussians
 * on a circle (the ring of Metz et al. 2017, "Unrolled GANs"), both trained by the optimizer under
 * comparison (one instance each, the same settings). The non-saturating losses of Goodfellow et al.
 * 2014: the discriminator minimizes BCE(D(x), 1) + BCE(D(G(z)), 0), the generator BCE(D(G(z)), 1).
 * Quality after each epoch, on fresh samples: how many of the eight modes the generator covers
 * (at least 1% of its samples within 3σ of the mode), the share of its samples within 3σ of some
 * mode, and the energy distance (Székely) between its samples and the true mixture's.
 */
import { Random } from "../../random.ts";
import { Sequential } from "../../nn/layers/sequential.ts";
import { Linear } from "../../nn/layers/dense.ts";
import { Activation } from "../../nn/layers/activation.ts";
import { Model } from "../../nn/model.ts";
import { binaryCrossEntropyWithLogits } from "../../nn/losses.ts";
import { tensor, type Tensor } from "../../tensor/tensor.ts";
import { NonFiniteGradientError, type BaseOptions, type Optimizer } from "../../optim/optimizer.ts";
import { kernels } from "../../wasm/module.ts";
import { freeState, type OptimState } from "../../optim/state.ts";

export const RING = { modes: 8, radius: 2, std: 0.05 };
export const NOISE_DIM = 4;

export interface GanEpoch {
  epoch: number;
  discriminatorLoss: number;
  generatorLoss: number;
  modesCovered: number;
  highQuality: number;
  energyDistance: number;
}
export interface GanResult {
  history: GanEpoch[];
  /** The energy distance of the untrained generator. */ before: number;
  diverged: string | null;
  seconds: number;
}

const modeCentre = (k: number): [number, number] => [
  RING.radius * Math.cos((2 * Math.PI * k) / RING.modes),
  RING.radius * Math.sin((2 * Math.PI * k) / RING.modes),
];

/** `n` points of the mixture, as [x0, y0, x1, y1, ...]. */
export function sampleRing(n: number, rng: Random): Float32Array {
  const out = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const [cx, cy] = modeCentre(rng.int(RING.modes));
    out[2 * i] = cx + RING.std * rng.normal();
    out[2 * i + 1] = cy + RING.std * rng.normal();
  }
  return out;
}

/** Modes covered and the share of high-quality samples (within 3σ of a mode). */
export function modeCoverage(points: Float32Array): { modesCovered: number; highQuality: number } {
  const n = points.length / 2,
    counts = new Array<number>(RING.modes).fill(0);
  let good = 0;
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < RING.modes; k++) {
      const [cx, cy] = modeCentre(k);
      if (Math.hypot(points[2 * i] - cx, points[2 * i + 1] - cy) <= 3 * RING.std) {
        counts[k]++;
        good++;
        break;
      }
    }
  }
  return { modesCovered: counts.filter((c) => c >= 0.01 * n).length, highQuality: good / n };
}

/** Energy distance 2E|X−Y| − E|X−X'| − E|Y−Y'| between two 2-D samples (V-statistics): 0 iff the distributions agree. */
export function energyDistance(a: Float32Array, b: Float32Array): number {
  const mean = (p: Float32Array, q: Float32Array) => {
    let s = 0;
    for (let i = 0; i < p.length; i += 2)
      for (let j = 0; j < q.length; j += 2) s += Math.hypot(p[i] - q[j], p[i + 1] - q[j + 1]);
    return s / ((p.length / 2) * (q.length / 2));
  };
  return 2 * mean(a, b) - mean(a, a) - mean(b, b);
}

/** One update; false when the gradient was not finite (the optimizer refused it). */
function update(opt: Optimizer<BaseOptions>, m: Model, state: OptimState): boolean {
  try {
    return opt.update(m.parameters.values, m.parameters.grads, state) === "updated";
  } catch (e) {
    if (e instanceof NonFiniteGradientError) return false;
    throw e;
  }
}

const mlp = (inputs: number, hidden: number, outputs: number) =>
  new Sequential([
    new Linear(inputs, hidden),
    new Activation("relu"),
    new Linear(hidden, hidden),
    new Activation("relu"),
    new Linear(hidden, outputs),
  ]);

export interface GanSettings {
  hidden: number;
  batch: number;
  stepsPerEpoch: number;
  epochs: number;
  evalSamples: number;
}

/**
 * Trains G and D with optimizers made by `makeOptimizer` (called twice: one state each), evaluating
 * after every epoch. A non-finite loss or parameter ends the run, recorded in `diverged`.
 */
export async function trainGan(
  makeOptimizer: () => Optimizer<BaseOptions>,
  s: GanSettings,
  seed: number,
  progress: (epoch: number, status: string) => void,
  signal?: AbortSignal,
): Promise<GanResult> {
  const t0 = performance.now();
  const rng = new Random(seed),
    evalRng = new Random(seed + 7919);
  const G = new Model(mlp(NOISE_DIM, s.hidden, 2), { seed }),
    D = new Model(mlp(2, s.hidden, 1), { seed: seed + 1 });
  const gOpt = makeOptimizer(),
    dOpt = makeOptimizer();
  const gState = gOpt.init(G.parameters.values.length),
    dState = dOpt.init(D.parameters.values.length);
  const owned: Tensor[] = [];
  const keep = (t: Tensor) => (owned.push(t), t);
  const ones = keep(tensor(new Float32Array(s.batch).fill(1), [s.batch, 1]));
  const realAndFake = keep(
    tensor(
      Float32Array.from({ length: 2 * s.batch }, (_, i) => (i < s.batch ? 1 : 0)),
      [2 * s.batch, 1],
    ),
  );
  const noise = (n: number, r: Random) =>
    tensor(
      Float32Array.from({ length: n * NOISE_DIM }, () => r.normal()),
      [n, NOISE_DIM],
    );
  const history: GanEpoch[] = [];
  let diverged: string | null = null;
  const finite = (m: Model) => kernels.allFinite(m.parameters.values.ptr, m.parameters.values.length);
  const quality = () => {
    const z = noise(s.evalSamples, evalRng),
      samples = G.predict(z);
    const generated = samples.toArray();
    z.free();
    samples.free();
    return {
      ...modeCoverage(generated),
      energyDistance: energyDistance(generated, sampleRing(s.evalSamples, evalRng)),
    };
  };
  let before = NaN;
  try {
    before = quality().energyDistance;
    for (let epoch = 1; epoch <= s.epochs && !diverged; epoch++) {
      let dSum = 0,
        gSum = 0;
      for (let step = 1; step <= s.stepsPerEpoch; step++) {
        if (signal?.aborted) throw Object.assign(new Error("aborted"), { name: "AbortError" });
        // Discriminator: real rows labelled 1, the generator's rows (held fixed) labelled 0.
        const z = noise(s.batch, rng),
          fake = G.predict(z);
        const both = tensor(new Float32Array([...sampleRing(s.batch, rng), ...fake.toArray()]), [2 * s.batch, 2]);
        z.free();
        fake.free();
        const dLoss = D.lossAndGrad(both, realAndFake, binaryCrossEntropyWithLogits);
        both.free();
        if (!Number.isFinite(dLoss)) {
          diverged = `epoch ${epoch}, step ${step} (discriminator loss)`;
          break;
        }
        if (!update(dOpt, D, dState)) {
          diverged = `epoch ${epoch}, step ${step} (discriminator gradient)`;
          break;
        }
        // Generator: through the discriminator (whose parameters stay put), towards "real".
        const z2 = noise(s.batch, rng);
        const gLoss = G.lossAndGrad(z2, ones, (out, y) => binaryCrossEntropyWithLogits(D.forward(out), y));
        z2.free();
        if (!Number.isFinite(gLoss)) {
          diverged = `epoch ${epoch}, step ${step} (generator loss)`;
          break;
        }
        if (!update(gOpt, G, gState)) {
          diverged = `epoch ${epoch}, step ${step} (generator gradient)`;
          break;
        }
        dSum += dLoss;
        gSum += gLoss;
      }
      if (!diverged && !(finite(G) && finite(D))) diverged = `epoch ${epoch} (parameters)`;
      if (diverged) break;
      const { modesCovered, highQuality, energyDistance: energy } = quality();
      history.push({
        epoch,
        discriminatorLoss: dSum / s.stepsPerEpoch,
        generatorLoss: gSum / s.stepsPerEpoch,
        modesCovered,
        highQuality,
        energyDistance: energy,
      });
      progress(epoch, `modes ${modesCovered}/${RING.modes}, energy distance ${energy.toPrecision(3)}`);
      await new Promise((r) => setTimeout(r, 0));
    }
  } finally {
    for (const t of owned) t.free();
    freeState(gState);
    freeState(dState);
    G.free();
    D.free();
  }
  return { history, before, diverged, seconds: (performance.now() - t0) / 1000 };
}
