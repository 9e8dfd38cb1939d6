import { Random } from "../random.ts";

/**
 * A dataset is plain JavaScript data, never WASM memory: the trainer copies batches in.
 * Row i's features are x[i·F, (i+1)·F) with F = prod(featureShape), row-major.
 * y is either one class label per row (Int32Array, length n, values in [0, classes))
 * or real targets (Float32Array, length n·T for T targets per row).
 */
export interface Dataset {
  x: Float32Array;
  y: Int32Array | Float32Array;
  n: number;
  featureShape: number[];
  /** Number of classes, when y holds class labels. */
  classes?: number;
}

/** prod(shape); 1 for the empty shape (a scalar feature). */
export function shapeSize(shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Features per row. */
export function featureSize(ds: Dataset): number {
  return shapeSize(ds.featureShape);
}

/** Targets per row: 1 for class labels, y.length / n for real targets. */
export function targetSize(ds: Dataset): number {
  return ds.y instanceof Int32Array ? 1 : ds.y.length / ds.n;
}

/** Checks every invariant of the Dataset type; throws with the offending values, returns ds. */
export function validateDataset<D extends Dataset>(ds: D, name = "dataset"): D {
  const { x, y, n, featureShape, classes } = ds;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`${name}: n must be a non-negative integer, got ${n}`);
  if (n === 0) throw new RangeError(`${name}: empty dataset (n = 0)`);
  if (!Array.isArray(featureShape) || featureShape.some((d) => !Number.isInteger(d) || d <= 0)) {
    throw new RangeError(`${name}: featureShape must be positive integers, got [${featureShape}]`);
  }
  if (!(x instanceof Float32Array)) throw new TypeError(`${name}: x must be a Float32Array`);
  const f = shapeSize(featureShape);
  if (x.length !== n * f) {
    throw new RangeError(`${name}: x has ${x.length} values, expected n × prod(featureShape) = ${n} × ${f} = ${n * f} (featureShape [${featureShape}])`);
  }
  if (y instanceof Int32Array) {
    if (y.length !== n) throw new RangeError(`${name}: y has ${y.length} labels, expected one per row (n = ${n})`);
    if (classes !== undefined) {
      if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`${name}: classes must be a positive integer, got ${classes}`);
      checkLabels(y, classes, name);
    }
  } else if (y instanceof Float32Array) {
    if (y.length === 0 || y.length % n !== 0) throw new RangeError(`${name}: y has ${y.length} targets, expected a positive multiple of n = ${n}`);
    if (classes !== undefined) throw new TypeError(`${name}: classes is set but y holds real targets (Float32Array); class labels are an Int32Array`);
  } else {
    throw new TypeError(`${name}: y must be an Int32Array (labels) or a Float32Array (targets)`);
  }
  return ds;
}

/** Throws at the first label outside [0, classes), naming its row, its value and the valid range. */
export function checkLabels(labels: ArrayLike<number>, classes: number, name = "labels"): void {
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i];
    if (!(Number.isInteger(label) && label >= 0 && label < classes)) {
      throw new RangeError(`${name}: label ${label} at row ${i} is out of range, expected an integer in [0, ${classes - 1}]`);
    }
  }
}

/** A new dataset holding rows `indices` (in that order, repeats allowed), copied. */
export function subset(ds: Dataset, indices: ArrayLike<number>): Dataset {
  const f = featureSize(ds), t = targetSize(ds);
  const x = new Float32Array(indices.length * f);
  const y = ds.y instanceof Int32Array ? new Int32Array(indices.length) : new Float32Array(indices.length * t);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (!Number.isInteger(i) || i < 0 || i >= ds.n) throw new RangeError(`subset: index ${i} at position ${k} is out of range [0, ${ds.n - 1}]`);
    x.set(ds.x.subarray(i * f, (i + 1) * f), k * f);
    y.set(ds.y.subarray(i * t, (i + 1) * t), k * t);
  }
  const out: Dataset = { x, y, n: indices.length, featureShape: [...ds.featureShape] };
  if (ds.classes !== undefined) out.classes = ds.classes;
  return out;
}

export interface SplitOptions {
  /** Fraction of rows held out for validation, in (0, 1). */
  validation: number;
  seed: number;
}

/**
 * Seeded train/validation split: p = new Random(seed).permutation(n); the first
 * round(n·(1 − validation)) rows of p are train, the rest validation, both in p's order.
 * Both parts must be non-empty.
 */
export function split(ds: Dataset, { validation, seed }: SplitOptions): { train: Dataset; validation: Dataset } {
  if (!(validation > 0 && validation < 1)) throw new RangeError(`split: validation must be in (0, 1), got ${validation}`);
  const p = new Random(seed).permutation(ds.n);
  const nTrain = Math.round(ds.n * (1 - validation));
  if (nTrain === 0 || nTrain === ds.n) {
    throw new RangeError(`split: validation ${validation} of n = ${ds.n} rows leaves ${nTrain} train and ${ds.n - nTrain} validation rows; both must be non-empty`);
  }
  return { train: subset(ds, p.subarray(0, nTrain)), validation: subset(ds, p.subarray(nTrain)) };
}

/** One-hot rows: out[i·classes + labels[i]] = 1. Labels are checked first. */
export function oneHot(labels: ArrayLike<number>, classes: number): Float32Array {
  if (!Number.isInteger(classes) || classes < 1) throw new RangeError(`oneHot: classes must be a positive integer, got ${classes}`);
  checkLabels(labels, classes, "oneHot");
  const out = new Float32Array(labels.length * classes);
  for (let i = 0; i < labels.length; i++) out[i * classes + labels[i]] = 1;
  return out;
}

/** Per-feature mean and standard deviation, fitted on one dataset (train) and applied to others. */
export interface Standardizer {
  mean: Float32Array;
  std: Float32Array;
}

/**
 * Fits per-feature mean and (population) standard deviation in f64. A feature whose std is
 * below 1e-12 (constant, e.g. MNIST's border pixels) gets std 1 so it maps to 0, not NaN.
 */
export function fitStandardizer(ds: Dataset): Standardizer {
  validateDataset(ds, "fitStandardizer");
  const f = featureSize(ds), n = ds.n;
  const sum = new Float64Array(f), sumSq = new Float64Array(f);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) { const v = ds.x[i * f + j]; sum[j] += v; }
  }
  for (let j = 0; j < f; j++) sum[j] /= n;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < f; j++) { const d = ds.x[i * f + j] - sum[j]; sumSq[j] += d * d; }
  }
  const mean = new Float32Array(f), std = new Float32Array(f);
  for (let j = 0; j < f; j++) {
    mean[j] = sum[j];
    const s = Math.sqrt(sumSq[j] / n);
    std[j] = s < 1e-12 ? 1 : s;
  }
  return { mean, std };
}

/** A copy of ds with x ← (x − mean) / std per feature; y is shared, not copied. */
export function applyStandardizer(ds: Dataset, { mean, std }: Standardizer): Dataset {
  const f = featureSize(ds);
  if (mean.length !== f || std.length !== f) {
    throw new RangeError(`applyStandardizer: standardizer has ${mean.length} means and ${std.length} stds, dataset has ${f} features`);
  }
  const x = new Float32Array(ds.x.length);
  for (let i = 0; i < ds.n; i++) {
    for (let j = 0; j < f; j++) x[i * f + j] = (ds.x[i * f + j] - mean[j]) / std[j];
  }
  return { ...ds, x, featureShape: [...ds.featureShape] };
}

/** How many rows carry each label. */
export function classCounts(ds: Dataset): Int32Array {
  if (!(ds.y instanceof Int32Array) || ds.classes === undefined) throw new TypeError("classCounts: dataset has no class labels (Int32Array y and classes)");
  const counts = new Int32Array(ds.classes);
  for (let i = 0; i < ds.n; i++) counts[ds.y[i]]++;
  return counts;
}
