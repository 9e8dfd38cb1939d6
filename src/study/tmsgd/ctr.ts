/**
 * The click-through task: an Avazu-like table generated here, with a known ground truth. Eight
 * categorical fields shaped like Avazu's (hour, banner position, site, site and app category,
 * device type and connection, banner size), values drawn with a Zipf-like skew; a click is
 * Bernoulli(σ(b + Σ_f w_f[value_f])), with the weights drawn once per seed and b set for a click
 * rate near Avazu's 17%. The model: one embedding per field value (one table, fields at offsets),
 * concatenated, then an MLP to one logit, trained with binary cross-entropy and judged by AUC.
 * Since the true model is known, the report gives its own AUC and log-loss on the test rows: the
 * best any model can do on this data.
 */
import type { Dataset } from "../../data/dataset.ts";
import { binaryAuc } from "../../train/metrics.ts";
import { Random } from "../../random.ts";
import { Sequential } from "../../nn/layers/sequential.ts";
import { Embedding } from "../../nn/layers/embedding.ts";
import { Flatten } from "../../nn/layers/flatten.ts";
import { Linear } from "../../nn/layers/dense.ts";
import { Activation } from "../../nn/layers/activation.ts";
import { Model } from "../../nn/model.ts";

export const CTR_FIELDS = [
  { name: "hour", values: 24 },
  { name: "banner_pos", values: 7 },
  { name: "site_id", values: 60 },
  { name: "site_category", values: 20 },
  { name: "app_category", values: 20 },
  { name: "device_type", values: 5 },
  { name: "device_conn_type", values: 4 },
  { name: "banner_size", values: 8 },
] as const;
const OFFSETS = CTR_FIELDS.map((_, f) => CTR_FIELDS.slice(0, f).reduce((a, g) => a + g.values, 0));
export const CTR_VALUES = OFFSETS.at(-1)! + CTR_FIELDS.at(-1)!.values;

export interface ClickData extends Dataset {
  y: Float32Array;
  /** The ground truth's click probability per row. */ truth: Float64Array;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Row ids are field offsets + values, so one embedding table serves every field. */
export function makeClicks({ n, seed }: { n: number; seed: number }): ClickData {
  const rng = new Random(seed);
  // Weights of the true logistic model: N(0, 0.8²) per value.
  const weights = Float64Array.from({ length: CTR_VALUES }, () => 0.8 * rng.normal());
  // Zipf-like skew: P(value k) ∝ 1 / (k + 1).
  const cumulative = CTR_FIELDS.map((f) => {
    const p = Array.from({ length: f.values }, (_, k) => 1 / (k + 1));
    const s = p.reduce((a, b) => a + b, 0);
    let c = 0;
    return p.map((v) => (c += v / s));
  });
  const draw = (f: number) => {
    const u = rng.uniform();
    const c = cumulative[f];
    let k = 0;
    while (k < c.length - 1 && c[k] < u) k++;
    return OFFSETS[f] + k;
  };
  const nf = CTR_FIELDS.length,
    x = new Float32Array(n * nf),
    logits = new Float64Array(n);
  for (let i = 0; i < n; i++)
    for (let f = 0; f < nf; f++) {
      const v = draw(f);
      x[i * nf + f] = v;
      logits[i] += weights[v];
    }
  // The intercept that gives a mean click rate of 17% (bisection on the mean of σ).
  let lo = -20,
    hi = 20;
  for (let it = 0; it < 60; it++) {
    const b = (lo + hi) / 2;
    let m = 0;
    for (const z of logits) m += sigmoid(z + b);
    if (m / n > 0.17) hi = b;
    else lo = b;
  }
  const b = (lo + hi) / 2;
  const truth = logits.map((z) => sigmoid(z + b));
  const y = Float32Array.from(truth, (p) => (rng.uniform() < p ? 1 : 0));
  return { x, y, n, featureShape: [nf], truth };
}

/** What the true model scores on rows [from, to): the ceiling for any learned model. */
export function groundTruthScores(data: ClickData, from: number, to: number): { auc: number; logLoss: number } {
  const p = data.truth.subarray(from, to),
    y = data.y.subarray(from, to);
  let loss = 0;
  for (let i = 0; i < p.length; i++) loss -= y[i] ? Math.log(p[i]) : Math.log(1 - p[i]);
  return { auc: binaryAuc(p, y), logLoss: loss / p.length };
}

/** Embedding(values, dim) per field, concatenated → Linear → ReLU → Linear(1): one logit. */
export function clickModel(dim: number, hidden: number, seed: number): Model {
  return new Model(
    new Sequential([
      new Embedding(CTR_VALUES, dim),
      new Flatten(),
      new Linear(CTR_FIELDS.length * dim, hidden),
      new Activation("relu"),
      new Linear(hidden, 1),
    ]),
    { seed },
  );
}
