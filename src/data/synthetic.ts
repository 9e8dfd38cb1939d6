import { Random } from "../random.ts";
import type { Dataset } from "./dataset.ts";

/**
 * Seeded synthetic datasets for tests and small studies. Each generator draws everything from
 * one new Random(seed), in the order its doc states, so a seed fixes the data exactly.
 * Class labels are balanced: row i has label perm[i] mod classes, perm a seeded permutation.
 */

function checkCount(what: string, name: string, v: number, min = 1): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${what}: ${name} must be an integer ≥ ${min}, got ${v}`);
}

function checkNonNegative(what: string, name: string, v: number): void {
  if (!(v >= 0) || !Number.isFinite(v)) throw new RangeError(`${what}: ${name} must be a finite number ≥ 0, got ${v}`);
}

function balancedLabels(rng: Random, n: number, classes: number): Int32Array {
  const p = rng.permutation(n);
  return p.map((i) => i % classes);
}

export interface RegressionOptions {
  n: number;
  features: number;
  targets?: number;
  /** Standard deviation of the Gaussian noise added to y; default 0.1. */
  noise?: number;
  seed: number;
}

/** A linear regression problem and its true parameters. */
export type RegressionData = Dataset & { y: Float32Array; weights: Float32Array; bias: Float32Array };

/**
 * y = x·W + b + noise·ε with x, ε ~ N(0, 1), W (features × targets, row-major) ~ N(0, 1/features)
 * so y has about unit variance, b ~ N(0, 1). Draw order: W, b, then per row its x then its ε.
 */
export function makeRegression({ n, features, targets = 1, noise = 0.1, seed }: RegressionOptions): RegressionData {
  checkCount("makeRegression", "n", n);
  checkCount("makeRegression", "features", features);
  checkCount("makeRegression", "targets", targets);
  checkNonNegative("makeRegression", "noise", noise);
  const rng = new Random(seed);
  const weights = new Float32Array(features * targets), bias = new Float32Array(targets);
  const scale = 1 / Math.sqrt(features);
  for (let i = 0; i < weights.length; i++) weights[i] = scale * rng.normal();
  for (let t = 0; t < targets; t++) bias[t] = rng.normal();
  const x = new Float32Array(n * features), y = new Float32Array(n * targets);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < features; j++) x[i * features + j] = rng.normal();
    for (let t = 0; t < targets; t++) {
      let s = bias[t];
      for (let j = 0; j < features; j++) s += x[i * features + j] * weights[j * targets + t];
      y[i * targets + t] = s + noise * rng.normal();
    }
  }
  return { x, y, n, featureShape: [features], weights, bias };
}

export interface BlobsOptions {
  n: number;
  classes?: number;
  features?: number;
  /** Standard deviation around each centre; default 1. */
  spread?: number;
  /** Centres are uniform in [-box, box]^features; default 5. */
  box?: number;
  seed: number;
}

/**
 * Gaussian blobs: class c's points are centre_c + spread·N(0, I). Draw order: the centres,
 * the balanced labels, then each row's offsets.
 */
export function makeBlobs({ n, classes = 3, features = 2, spread = 1, box = 5, seed }: BlobsOptions): Dataset & { y: Int32Array; centers: Float32Array } {
  checkCount("makeBlobs", "n", n);
  checkCount("makeBlobs", "classes", classes);
  checkCount("makeBlobs", "features", features);
  checkNonNegative("makeBlobs", "spread", spread);
  checkNonNegative("makeBlobs", "box", box);
  const rng = new Random(seed);
  const centers = new Float32Array(classes * features);
  for (let i = 0; i < centers.length; i++) centers[i] = rng.range(-box, box);
  const y = balancedLabels(rng, n, classes);
  const x = new Float32Array(n * features);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < features; j++) x[i * features + j] = centers[y[i] * features + j] + spread * rng.normal();
  }
  return { x, y, n, featureShape: [features], classes, centers };
}

export interface SpiralsOptions {
  n: number;
  /** Standard deviation of Gaussian noise on each coordinate; default 0.05 (radii are ≤ 1). */
  noise?: number;
  /** Turns of each arm; default 1.5. */
  turns?: number;
  seed: number;
}

/**
 * Two interleaved spirals in the plane: with t ~ U(0, 1), radius r = 0.1 + 0.9·t and angle
 * θ = 2π·turns·t + π·label, point (r cos θ, r sin θ) + noise·N(0, I). Not linearly separable.
 * Draw order: balanced labels, then per row t and the two noise values.
 */
export function makeSpirals({ n, noise = 0.05, turns = 1.5, seed }: SpiralsOptions): Dataset & { y: Int32Array } {
  checkCount("makeSpirals", "n", n);
  checkNonNegative("makeSpirals", "noise", noise);
  if (!(turns > 0)) throw new RangeError(`makeSpirals: turns must be > 0, got ${turns}`);
  const rng = new Random(seed);
  const y = balancedLabels(rng, n, 2);
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = rng.uniform();
    const r = 0.1 + 0.9 * t, theta = 2 * Math.PI * turns * t + Math.PI * y[i];
    x[2 * i] = r * Math.cos(theta) + noise * rng.normal();
    x[2 * i + 1] = r * Math.sin(theta) + noise * rng.normal();
  }
  return { x, y, n, featureShape: [2], classes: 2 };
}

export interface MoonsOptions {
  n: number;
  /** Standard deviation of Gaussian noise on each coordinate; default 0.1. */
  noise?: number;
  seed: number;
}

/**
 * Two interleaving half circles: with θ ~ U(0, π), label 0 is (cos θ, sin θ) and label 1 is
 * (1 − cos θ, 0.5 − sin θ), plus noise·N(0, I). Draw order: balanced labels, then per row θ and noise.
 */
export function makeMoons({ n, noise = 0.1, seed }: MoonsOptions): Dataset & { y: Int32Array } {
  checkCount("makeMoons", "n", n);
  checkNonNegative("makeMoons", "noise", noise);
  const rng = new Random(seed);
  const y = balancedLabels(rng, n, 2);
  const x = new Float32Array(2 * n);
  for (let i = 0; i < n; i++) {
    const theta = Math.PI * rng.uniform();
    const c = Math.cos(theta), s = Math.sin(theta);
    x[2 * i] = (y[i] === 0 ? c : 1 - c) + noise * rng.normal();
    x[2 * i + 1] = (y[i] === 0 ? s : 0.5 - s) + noise * rng.normal();
  }
  return { x, y, n, featureShape: [2], classes: 2 };
}

/**
 * "sign-of-sum": label 1 when the ±1 tokens sum to more than 0 (length must be odd, so never 0);
 * an LSTM learns it by counting. "first-token": label 1 when the first token is +1; the model
 * must carry one bit across the whole sequence.
 */
export type SequenceTask = "sign-of-sum" | "first-token";

export interface SequenceOptions {
  n: number;
  /** Time steps per sequence. */
  length: number;
  task: SequenceTask;
  seed: number;
}

/**
 * Sequences of ±1 tokens, each uniform and independent, featureShape [length, 1] (time-major
 * within a row: x[i·length + t] is step t of sequence i), labels 0/1 by `task`. Draw order: the
 * tokens row by row. Labels are balanced in expectation, not exactly.
 */
export function makeSequenceTask({ n, length, task, seed }: SequenceOptions): Dataset & { y: Int32Array } {
  checkCount("makeSequenceTask", "n", n);
  checkCount("makeSequenceTask", "length", length);
  if (task !== "sign-of-sum" && task !== "first-token") throw new RangeError(`makeSequenceTask: unknown task '${task}', expected 'sign-of-sum' or 'first-token'`);
  if (task === "sign-of-sum" && length % 2 === 0) throw new RangeError(`makeSequenceTask: sign-of-sum needs an odd length so the sum is never 0, got ${length}`);
  const rng = new Random(seed);
  const x = new Float32Array(n * length), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let sum = 0;
    for (let t = 0; t < length; t++) {
      const token = rng.nextUint32() & 1 ? 1 : -1;
      x[i * length + t] = token;
      sum += token;
    }
    y[i] = task === "sign-of-sum" ? (sum > 0 ? 1 : 0) : (x[i * length] > 0 ? 1 : 0);
  }
  return { x, y, n, featureShape: [length, 1], classes: 2 };
}
