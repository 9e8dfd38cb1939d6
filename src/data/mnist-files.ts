import { Random } from "../random.ts";
import type { Dataset } from "./dataset.ts";
import { type IdxArray, type IdxPairNames, idxToDataset } from "./idx.ts";

/**
 * The official MNIST distribution (LeCun, Cortes and Burges): four gzip-compressed IDX files,
 * 60,000 training and 10,000 test digits. The SHA-256 digests and sizes are the ones
 * TensorFlow Datasets publishes for these files (its url_checksums for `mnist`); the bytes are
 * the same on every mirror, so the digest, not the host, is what makes a download trusted.
 */
export interface OfficialFile {
  /** The file's name as published, e.g. train-images-idx3-ubyte.gz. */
  name: string;
  /** Which of the four it is. */
  role: "trainImages" | "trainLabels" | "testImages" | "testLabels";
  bytes: number;
  sha256: string;
}

export const MNIST_FILES: readonly OfficialFile[] = [
  { name: "train-images-idx3-ubyte.gz", role: "trainImages", bytes: 9_912_422, sha256: "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609" },
  { name: "train-labels-idx1-ubyte.gz", role: "trainLabels", bytes: 28_881, sha256: "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c" },
  { name: "t10k-images-idx3-ubyte.gz", role: "testImages", bytes: 1_648_877, sha256: "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6" },
  { name: "t10k-labels-idx1-ubyte.gz", role: "testLabels", bytes: 4_542, sha256: "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6" },
];

/** A public mirror of the four files (the one TensorFlow's loaders use); `descent data mnist --url` takes another. */
export const MNIST_MIRROR = "https://storage.googleapis.com/cvdf-datasets/mnist/";

export const MNIST_TRAIN_TOTAL = 60_000;
export const MNIST_TEST_TOTAL = 10_000;

/** The four parsed IDX arrays. */
export type MnistIdx = Record<OfficialFile["role"], IdxArray>;

/** `count` rows of `total`: all of them in file order, or the first `count` of a seeded permutation. */
export function sampleRows(total: number, count: number, seed: number): Int32Array | undefined {
  if (!Number.isInteger(count) || count < 1 || count > total) throw new RangeError(`mnist: asked for ${count} rows of a file holding ${total}; expected 1 … ${total}`);
  return count === total ? undefined : new Random(seed).permutation(total).subarray(0, count);
}

/** `count` digits (all by default) of one images/labels pair; only the kept rows are converted to f32. */
export function mnistPart(images: IdxArray, labels: IdxArray, names: IdxPairNames, count: number | undefined, seed: number): Dataset {
  const total = images.dims[0];
  return idxToDataset(images, labels, names, 10, sampleRows(total, count ?? total, seed));
}

/** The test sample draws from its own stream, so its rows do not follow the training sample's. */
export const testSeed = (seed: number) => seed + 1;

/**
 * The official split: training digits from the training files, test digits from the test files
 * (never mixed). `train` and `test` are how many to take of each (all by default, in file order;
 * fewer: a seeded sample).
 */
export function mnistFromIdx(idx: MnistIdx, names: Record<OfficialFile["role"], string>, { train, test, seed = 0 }: { train?: number; test?: number; seed?: number } = {}): { train: Dataset; test: Dataset } {
  return {
    train: mnistPart(idx.trainImages, idx.trainLabels, { images: names.trainImages, labels: names.trainLabels }, train, seed),
    test: mnistPart(idx.testImages, idx.testLabels, { images: names.testImages, labels: names.testLabels }, test, testSeed(seed)),
  };
}
