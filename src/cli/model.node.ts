/**
 * `descent train` and `descent eval`: one MLP, one optimizer, a saved model file. They return
 * summaries; the entry (src/cli.ts) prints them.
 */
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { basename, dirname, resolve } from "node:path";
import { exampleKeys, fingerprint, overlap, type TrainedOn } from "./provenance.ts";
import { UsageError } from "./args.ts";
import { loadIdxDataset } from "../data/idx.node.ts";
import { split, type Dataset } from "../data/dataset.ts";
import { Model, crossEntropy, type ActivationName } from "../nn/index.ts";
import { evaluate } from "../train/index.ts";
import { keepReport } from "../report/write.node.ts";
import { inputProblem, prepareFile } from "../train/destination.node.ts";
import { mnistSample } from "../study/common/data.ts";
import { mlp } from "../study/common/mlp.ts";
import { optimizerEntry } from "../study/common/optimizers.ts";
import { trainRun } from "../study/common/train.ts";
import type { RunContext } from "../study/study.ts";

interface DataOptions {
  images?: string;
  labels?: string;
  train: number;
  test: number;
  seed: number;
}

function checkFile(path: string, option: string): void {
  const problem = inputProblem(path);
  if (problem === "no such file") throw new UsageError(`--${option}: no such file '${path}'`);
  if (problem) throw new UsageError(`--${option} '${path}' ${problem}`);
}

function checkDataOptions(o: { images?: string; labels?: string }): void {
  if ((o.images || o.labels) && (!o.images || !o.labels))
    throw new UsageError("--images and --labels go together (an IDX image file and its label file)");
}

function loadIdx(images: string, labels: string): Dataset {
  checkFile(images, "images");
  checkFile(labels, "labels");
  // A malformed data file is bad input like a missing one: the message names the file, exit code 2.
  try {
    return loadIdxDataset({ images, labels });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/**
 * The training and held-out sets: a seeded sample of the package's digits, or a seeded 80% / 20%
 * split of an IDX pair; with the record a model file keeps of them.
 */
function trainingData(o: DataOptions): { train: Dataset; test: Dataset; source: string; trainedOn: TrainedOn } {
  checkDataOptions(o);
  let data: { train: Dataset; test: Dataset; source: string }, trainedOn: Omit<TrainedOn, "fingerprint">;
  if (o.images && o.labels) {
    const all = loadIdx(o.images, o.labels);
    if (all.n < 2)
      throw new UsageError(
        `--images ${o.images}: ${all.n} image(s); training needs at least 2 (80% train, 20% held out)`,
      );
    const { train, validation } = split(all, { validation: 0.2, seed: o.seed });
    data = {
      train,
      test: validation,
      source: `IDX ${o.images} (${train.n} train / ${validation.n} held out of ${all.n}, seed ${o.seed})`,
    };
    trainedOn = {
      source: "idx",
      images: resolve(o.images),
      labels: resolve(o.labels),
      seed: o.seed,
      train: train.n,
      test: validation.n,
    };
  } else {
    if (o.train + o.test > 10_000)
      throw new UsageError(`--train ${o.train} + --test ${o.test} is more than the package's 10,000 digits`);
    data = mnistSample(o.train, o.test, o.seed);
    trainedOn = { source: "mnist-package", seed: o.seed, train: o.train, test: o.test };
  }
  return { ...data, trainedOn: { ...trainedOn, fingerprint: fingerprint(exampleKeys(data.train)) } };
}

/** The training set a model file records, drawn again; null (with why) if it cannot be, or is no longer the same data. */
function redrawTraining(t: TrainedOn | undefined): { keys: string[] } | { why: string } {
  if (!t) return { why: "the model file does not record its training data (saved by an older descent)" };
  let train: Dataset;
  if (t.source === "idx") {
    if (!t.images || !t.labels || !existsSync(t.images) || !existsSync(t.labels))
      return { why: `its training files (${t.images}) are no longer there` };
    train = split(loadIdx(t.images, t.labels), { validation: 0.2, seed: t.seed }).train;
  } else {
    train = mnistSample(t.train, t.test, t.seed).train;
  }
  const keys = exampleKeys(train);
  return fingerprint(keys) === t.fingerprint
    ? { keys }
    : { why: "its training data has changed since (the fingerprint differs)" };
}

export interface TrainSummary {
  saved: string;
  optimizer: string;
  lr: number;
  epochs: number;
  data: string;
  finalTrainLoss: number;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  diverged: string | null;
  /** Ctrl-C: the model was saved as trained so far; the losses are of that model. */
  interrupted: boolean;
  /** Set when --save could not be written after training and the model went to `saved` instead. */
  rescued?: { from: string; reason: string };
}

const isAbort = (e: unknown) => e instanceof Error && e.name === "AbortError";

export async function trainCommand(
  o: DataOptions & {
    optimizer: string;
    lr: number;
    epochs: number;
    batch: number;
    hidden: string[];
    activation: string;
    save: string;
  },
  ctx: RunContext,
): Promise<TrainSummary> {
  const entry = optimizerEntry(o.optimizer);
  if (entry.kind === "second-order")
    throw new UsageError(`--optimizer ${o.optimizer}: train takes a first-order optimizer`);
  const hidden = o.hidden.map((h) => {
    const n = Number(h);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--hidden: widths are positive integers, got '${h}'`);
    return n;
  });
  prepareFile(o.save, "--save"); // before training: never train a model that cannot be kept
  const data = trainingData(o);
  const inputs = data.train.featureShape.reduce((a, b) => a * b, 1);
  const classes = data.train.classes ?? 10;
  const model = mlp({ inputs, hidden, classes, activation: o.activation as ActivationName, seed: o.seed });
  const save = () =>
    keepReport(dirname(o.save) || ".", {
      [basename(o.save)]: JSON.stringify({ ...model.toJSON(), trainedOn: data.trainedOn }),
    });
  const t0 = performance.now();
  try {
    const r = await trainRun({
      model,
      train: data.train,
      validation: data.test,
      optimizer: (k) => entry.make(o.lr, k),
      lr: o.lr,
      epochs: o.epochs,
      batch: entry.batch ?? o.batch,
      seed: o.seed,
      ctx,
    }).catch(async (e) => {
      if (!isAbort(e)) throw e;
      return null; // interrupted: the weights trained so far are kept below
    });
    const kept = await save();
    const saved = kept.files[0];
    if (!r) {
      const loss = (d: Dataset) => evaluate(model, d, (out, y) => crossEntropy(out, y));
      const train = loss(data.train),
        test = loss(data.test);
      return {
        saved,
        rescued: kept.rescued,
        optimizer: o.optimizer,
        lr: o.lr,
        epochs: NaN,
        data: data.source,
        interrupted: true,
        finalTrainLoss: train.loss,
        testLoss: test.loss,
        testAccuracy: test.accuracy ?? NaN,
        seconds: (performance.now() - t0) / 1000,
        diverged: null,
      };
    }
    return {
      saved,
      rescued: kept.rescued,
      optimizer: o.optimizer,
      lr: o.lr,
      epochs: r.history.length,
      data: data.source,
      interrupted: false,
      finalTrainLoss: r.finalTrainLoss,
      testLoss: r.finalValidationLoss,
      testAccuracy: r.finalAccuracy,
      seconds: r.totalSeconds,
      diverged: r.diverged ? `diverged at epoch ${r.diverged.epoch} (${r.diverged.where})` : null,
    };
  } finally {
    model.free();
  }
}

export interface EvalSummary {
  model: string;
  data: string;
  n: number;
  loss: number;
  accuracy: number;
  /** Evaluated examples that were also trained on (scored only with --allow-overlap); null if it could not be checked. */
  overlap: number | null;
  /** Why the overlap could not be checked. */
  note?: string;
}

export interface EvalOptions {
  model?: string;
  images?: string;
  labels?: string;
  test?: number;
  seed?: number;
  "allow-overlap": boolean;
}

export async function evalCommand(o: EvalOptions): Promise<EvalSummary> {
  checkDataOptions(o);
  if (!o.model) throw new UsageError("eval needs --model <file> (a model saved by `descent train --save`)");
  checkFile(o.model, "model");
  let model: Model, trainedOn: TrainedOn | undefined;
  try {
    const text = await readFile(o.model, "utf8");
    model = Model.fromJSON(text);
    trainedOn = (JSON.parse(text) as { trainedOn?: TrainedOn }).trainedOn;
  } catch (e) {
    throw new UsageError(`--model ${o.model}: ${(e as Error).message}`);
  }
  try {
    const { test, source } = evaluationData(o, trainedOn);
    const seen = redrawTraining(trainedOn);
    const overlapping = "keys" in seen ? overlap(seen.keys, test) : null;
    if (overlapping && !o["allow-overlap"]) {
      throw new UsageError(
        `${overlapping} of the ${test.n} evaluation examples were in the model's training data (${describe(trainedOn!)}), so the score would not be a held-out one; ` +
          `evaluate on its held-out split (${trainedOn!.source === "idx" ? "other IDX files" : "leave out --seed and --test"}), or pass --allow-overlap to score anyway`,
      );
    }
    const r = evaluate(model, test, (out, y) => crossEntropy(out, y));
    return {
      model: o.model,
      data: source,
      n: test.n,
      loss: r.loss,
      accuracy: r.accuracy ?? NaN,
      overlap: overlapping,
      ...("why" in seen ? { note: `overlap with the training data not checked: ${seen.why}` } : {}),
    };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`the model does not fit the data: ${(e as Error).message}`);
  } finally {
    model.free();
  }
}

const describe = (t: TrainedOn) =>
  t.source === "idx"
    ? `${t.train} examples of ${t.images}, seed ${t.seed}`
    : `${t.train} package digits, seed ${t.seed}`;

/** Every row of an IDX pair, or the package's held-out digits: by default the very split the model was trained beside. */
function evaluationData(o: EvalOptions, t: TrainedOn | undefined): { test: Dataset; source: string } {
  if (o.images && o.labels) {
    const all = loadIdx(o.images, o.labels);
    return { test: all, source: `IDX ${o.images} (${all.n} images)` };
  }
  const mine = t?.source === "mnist-package" ? t : undefined;
  const seed = o.seed ?? mine?.seed ?? 0,
    test = o.test ?? mine?.test ?? 2000,
    train = mine?.train ?? 8000;
  if (train + test > 10_000)
    throw new UsageError(`--test ${test} with the model's ${train} training digits is more than the package's 10,000`);
  const data = mnistSample(train, test, seed);
  return { test: data.test, source: `${data.test.n} test digits of the \`mnist\` package (seed ${seed})` };
}
