/**
 * `descent train` and `descent eval`: one MLP, one optimizer, a saved model file. They return
 * summaries; the entry (src/cli.ts) prints them.
 */
import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import { basename, dirname } from "node:path";
import { UsageError } from "./args.ts";
import { loadIdxDataset } from "../data/idx.node.ts";
import { split, type Dataset } from "../data/dataset.ts";
import { Model, crossEntropy, type ActivationName } from "../nn/index.ts";
import { evaluate } from "../train/index.ts";
import { writeReport } from "../report/write.node.ts";
import { mnistSample } from "../study/common/data.ts";
import { mlp } from "../study/common/mlp.ts";
import { optimizerEntry } from "../study/common/optimizers.ts";
import { trainRun } from "../study/common/train.ts";
import type { RunContext } from "../study/study.ts";

interface DataOptions { images?: string; labels?: string; train: number; test: number; seed: number }

function checkFile(path: string, option: string): void {
  if (!existsSync(path)) throw new UsageError(`--${option}: no such file '${path}'`);
}

/**
 * The training and test sets: the package's digits, or an IDX pair. For training, an IDX pair is split
 * into a seeded 80% to train on and 20% held out; `eval` scores a model on every row of the pair.
 */
function checkDataOptions(o: DataOptions): void {
  if ((o.images || o.labels) && (!o.images || !o.labels)) throw new UsageError("--images and --labels go together (an IDX image file and its label file)");
}

function loadData(o: DataOptions, purpose: "train" | "eval"): { train: Dataset; test: Dataset; source: string } {
  checkDataOptions(o);
  if (o.images && o.labels) {
    checkFile(o.images, "images");
    checkFile(o.labels, "labels");
    let all: Dataset;
    // A malformed data file is bad input like a missing one: the message names the file, exit code 2.
    try { all = loadIdxDataset({ images: o.images, labels: o.labels }); } catch (e) { throw new UsageError((e as Error).message); }
    if (purpose === "eval") return { train: all, test: all, source: `IDX ${o.images} (${all.n} images)` };
    if (all.n < 2) throw new UsageError(`--images ${o.images}: ${all.n} image(s); training needs at least 2 (80% train, 20% held out)`);
    const { train, validation } = split(all, { validation: 0.2, seed: o.seed });
    return { train, test: validation, source: `IDX ${o.images} (${train.n} train / ${validation.n} held out of ${all.n}, seed ${o.seed})` };
  }
  if (o.train + o.test > 10_000) throw new UsageError(`--train ${o.train} + --test ${o.test} is more than the package's 10,000 digits`);
  return mnistSample(o.train, o.test, o.seed);
}

export interface TrainSummary {
  saved: string; optimizer: string; lr: number; epochs: number; data: string;
  finalTrainLoss: number; testLoss: number; testAccuracy: number; seconds: number; diverged: string | null;
}

export async function trainCommand(o: DataOptions & { optimizer: string; lr: number; epochs: number; batch: number; hidden: string[]; activation: string; save: string }, ctx: RunContext): Promise<TrainSummary> {
  const entry = optimizerEntry(o.optimizer);
  if (entry.kind === "second-order") throw new UsageError(`--optimizer ${o.optimizer}: train takes a first-order optimizer`);
  const hidden = o.hidden.map((h) => {
    const n = Number(h);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--hidden: widths are positive integers, got '${h}'`);
    return n;
  });
  if (!existsSync(dirname(o.save) || ".")) throw new UsageError(`--save: the folder of '${o.save}' does not exist`);
  const data = loadData(o, "train");
  const inputs = data.train.featureShape.reduce((a, b) => a * b, 1);
  const classes = data.train.classes ?? 10;
  const model = mlp({ inputs, hidden, classes, activation: o.activation as ActivationName, seed: o.seed });
  try {
    const r = await trainRun({ model, train: data.train, validation: data.test, optimizer: (k) => entry.make(o.lr, k), lr: o.lr, epochs: o.epochs, batch: entry.batch ?? o.batch, seed: o.seed, ctx });
    await writeReport(dirname(o.save) || ".", { [basename(o.save)]: JSON.stringify(model.toJSON()) });
    return {
      saved: o.save, optimizer: o.optimizer, lr: o.lr, epochs: r.history.length, data: data.source,
      finalTrainLoss: r.finalTrainLoss, testLoss: r.finalValidationLoss, testAccuracy: r.finalAccuracy, seconds: r.totalSeconds,
      diverged: r.diverged ? `diverged at epoch ${r.diverged.epoch} (${r.diverged.where})` : null,
    };
  } finally {
    model.free();
  }
}

export interface EvalSummary { model: string; data: string; n: number; loss: number; accuracy: number }

export async function evalCommand(o: DataOptions & { model?: string }): Promise<EvalSummary> {
  checkDataOptions(o);
  if (!o.model) throw new UsageError("eval needs --model <file> (a model saved by `descent train --save`)");
  checkFile(o.model, "model");
  let model: Model;
  try {
    model = Model.fromJSON(await readFile(o.model, "utf8"));
  } catch (e) {
    throw new UsageError(`--model ${o.model}: ${(e as Error).message}`);
  }
  try {
    const { test, source } = loadData(o, "eval");
    const r = evaluate(model, test, (out, y) => crossEntropy(out, y));
    return { model: o.model, data: source, n: test.n, loss: r.loss, accuracy: r.accuracy ?? NaN };
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError(`the model does not fit the data: ${(e as Error).message}`);
  } finally {
    model.free();
  }
}
