/**
 * The studies' image data, in one place: the official MNIST IDX files when the user has them
 * (`--mnist DIR`, or the `descent data mnist` cache found without a flag), else the digits of the
 * `mnist` package. `--train` and `--test` default to all of the source. Loading happens once per
 * process (each worker thread once).
 */
import { loadMnistPackage, requireMnistPackage } from "../../data/mnist.node.ts";
import { findMnistFiles, loadMnistFiles, mnistCacheDir, requireMnistFiles } from "../../data/mnist-cache.node.ts";
import { PACKAGE_TEST, PACKAGE_TRAIN, type DataUsed } from "./data-options.ts";
import type { Dataset } from "../../data/index.ts";

export { mnistDataOptions, type DataUsed } from "./data-options.ts";
export interface LoadedImages {
  train: Dataset;
  test: Dataset;
  used: DataUsed;
}

const cache = new Map<string, LoadedImages>();

/** The directory of official files that --mnist names, or null for the package. */
export function mnistDirectory(source: string, env: Record<string, string | undefined> = process.env): string | null {
  if (source === "package") return null;
  if (source === "auto") return findMnistFiles(mnistCacheDir(env)) ? mnistCacheDir(env) : null;
  requireMnistFiles(source);
  return source;
}

/** Fails before any run when the digits cannot be had: a directory without the four files, or the package not installed. */
export function checkMnistSource(source: string): void {
  if (mnistDirectory(source) === null) requireMnistPackage();
}

/** The digits a study's config asks for (--mnist, --train, --test, --seed). */
export function mnistData(config: {
  readonly mnist?: string;
  readonly train?: number;
  readonly test?: number;
  readonly seed: number;
}): LoadedImages {
  const source = config.mnist ?? "auto";
  const dir = mnistDirectory(source);
  const { train, test } = config;
  return dir === null
    ? mnistSample(train ?? PACKAGE_TRAIN, test ?? PACKAGE_TEST, config.seed)
    : mnistFiles(dir, train, test, config.seed);
}

/** The data every result of a report used; runs that disagree (e.g. shards on machines with and without the files) are refused. */
export function dataOf(results: readonly { spec: { id: string }; result: unknown }[]): DataUsed {
  const used = results.map((r) => (r.result as { data?: DataUsed }).data).filter((d): d is DataUsed => d !== undefined);
  if (used.length === 0) return { source: "No run finished, so none recorded its data", train: NaN, test: NaN };
  const first = used[0];
  const other = used.find((d) => d.source !== first.source);
  if (other)
    throw new Error(
      `report: the runs used different data: '${first.source}' and '${other.source}'; give every machine the same --mnist`,
    );
  return first;
}

function mnistFiles(dir: string, train: number | undefined, test: number | undefined, seed: number): LoadedImages {
  const key = `${dir}|${train}/${test}/${seed}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const { totals, ...data } = loadMnistFiles(requireMnistFiles(dir), { train, test, seed });
  const allTrain = data.train.n === totals.train,
    allTest = data.test.n === totals.test;
  const what =
    allTrain && allTest
      ? `all ${data.train.n.toLocaleString("en")} training and ${data.test.n.toLocaleString("en")} test digits (the official split)`
      : `${data.train.n.toLocaleString("en")} training and ${data.test.n.toLocaleString("en")} test digits of the official split (${allTrain ? "all" : "a seeded sample"} of the training file, ${allTest ? "all" : "a seeded sample"} of the test file; seed ${seed})`;
  const loaded = {
    ...data,
    used: { source: `The official MNIST IDX files in ${dir}: ${what}`, train: data.train.n, test: data.test.n },
  };
  cache.set(key, loaded);
  return loaded;
}

/** `train` + `test` digits of the package's 10,000, sampled and split with `seed` (mnistTrainTest's rule). */
export function mnistSample(train: number, test: number, seed: number): LoadedImages & { source: string } {
  const key = `package|${train}/${test}/${seed}`;
  const hit = cache.get(key);
  if (hit) return { ...hit, source: hit.used.source };
  const count = train + test;
  if (count > 10_000)
    throw new RangeError(
      `mnist: ${train} training + ${test} test digits is more than the package's 10,000 (give --mnist DIR for the official 60,000 / 10,000)`,
    );
  const split = loadMnistPackage({ count, testFraction: test / count, seed });
  const source = `MNIST digits of the \`mnist\` package: ${split.train.n} training and ${split.test.n} test images (seeded sample, seed ${seed})`;
  const loaded = { ...split, used: { source, train: split.train.n, test: split.test.n } };
  cache.set(key, loaded);
  return { ...loaded, source };
}
