/**
 * The tm-sgd study's tasks beyond the original MLP and sign-of-sum LSTM, one per kind the TM-SGD
 * paper evaluates: image classification with a CNN (on the MNIST digits), text classification
 * (LSTM over embeddings, on generated sentences), click-through prediction (embeddings + MLP, on
 * generated Avazu-like data) and a GAN (on a 2-D mixture). Their options, data and models.
 */
import type { OptionSpec } from "../../options/option.ts";
import type { Dataset } from "../../data/dataset.ts";
import type { Model } from "../../nn/model.ts";
import type { StudyConfig } from "../study.ts";
import type { DataUsed } from "../common/data-options.ts";
import { asImages, cnnModel, describeCnn } from "./cnn.ts";
import { makeSentences, sentenceModel, VOCABULARY } from "./text.ts";
import { clickModel, CTR_FIELDS, groundTruthScores, makeClicks } from "./ctr.ts";
import { RING, type GanSettings } from "./gan.ts";

export const TASK_OPTIONS = [
  {
    name: "cnn-channels",
    type: "int",
    min: 1,
    default: 8,
    quickDefault: 4,
    help: "convolution channels of the CNN task",
  },
  {
    name: "text-count",
    type: "int",
    min: 10,
    default: 2000,
    quickDefault: 300,
    help: "generated sentences of the text task (train + test)",
  },
  { name: "text-length", type: "int", min: 2, default: 10, quickDefault: 6, help: "words per sentence" },
  {
    name: "text-hidden",
    type: "int",
    min: 1,
    default: 16,
    quickDefault: 8,
    help: "embedding size and LSTM hidden units of the text task",
  },
  {
    name: "ctr-count",
    type: "int",
    min: 10,
    default: 20000,
    quickDefault: 1000,
    help: "generated impressions of the click-through task (train + test)",
  },
  {
    name: "ctr-hidden",
    type: "int",
    min: 1,
    default: 16,
    quickDefault: 8,
    help: "hidden units of the click-through MLP (embeddings: 4 per field)",
  },
  {
    name: "gan-steps",
    type: "int",
    min: 1,
    default: 200,
    quickDefault: 20,
    help: "GAN steps (one discriminator and one generator update each) per epoch",
  },
  {
    name: "gan-hidden",
    type: "int",
    min: 1,
    default: 32,
    quickDefault: 16,
    help: "hidden units of the GAN's generator and discriminator MLPs",
  },
] as const satisfies readonly OptionSpec[];

/** The settings of these tasks, from the options (--quick's sizes are their quickDefaults). */
export function taskSettings(c: StudyConfig<typeof TASK_OPTIONS>) {
  return {
    cnnChannels: c["cnn-channels"],
    textCount: c["text-count"],
    textLength: c["text-length"],
    textHidden: c["text-hidden"],
    ctrCount: c["ctr-count"],
    ctrHidden: c["ctr-hidden"],
    // The evaluation sample is a measurement's precision, not an option: smaller under --quick.
    gan: {
      hidden: c["gan-hidden"],
      batch: 64,
      stepsPerEpoch: c["gan-steps"],
      evalSamples: c.quick ? 256 : 1000,
    } satisfies Omit<GanSettings, "epochs">,
  };
}
type Settings = ReturnType<typeof taskSettings>;

export interface SupervisedTask {
  train: Dataset;
  test: Dataset;
  makeModel: (seed: number) => Model;
  loss?: "bce";
  /** The test column is the AUC (click-through), not the accuracy. */
  auc?: boolean;
  data?: DataUsed;
  /** What the task is, for the report; measured facts of the data included. */
  describe: string;
}

/** An 80/20 split by position (the generators already draw rows at random). */
function split80(all: Dataset): { train: Dataset; test: Dataset; nTrain: number } {
  const nTrain = Math.round(all.n * 0.8),
    f = all.x.length / all.n,
    t = all.y.length / all.n;
  const part = (a: number, b: number): Dataset => ({
    x: all.x.subarray(a * f, b * f),
    y: all.y.subarray(a * t, b * t),
    n: b - a,
    featureShape: all.featureShape,
    classes: all.classes,
  });
  return { train: part(0, nTrain), test: part(nTrain, all.n), nTrain };
}

export function textTask(s: Settings, seed: number): SupervisedTask {
  const all = makeSentences({ n: s.textCount, length: s.textLength, seed });
  const { train, test } = split80(all);
  const positive = all.y.reduce((a, b) => a + b, 0) / all.n;
  return {
    train,
    test,
    makeModel: (k) => sentenceModel(s.textHidden, s.textHidden, k),
    describe: `Generated sentences, not a real corpus: ${all.n} sentences of ${s.textLength} words over a ${VOCABULARY.length}-token vocabulary (sentiment words, fillers and "not", which flips the next word), labelled by the sign of the summed polarity (${(100 * positive).toFixed(0)}% positive), 80/20 split; e.g. "${all.sentences[0]}" → ${all.y[0] ? "positive" : "negative"}. Model: Embedding(${VOCABULARY.length}×${s.textHidden}) → LSTM(${s.textHidden}) → Linear(${s.textHidden} → 2).`,
  };
}

export function clickTask(s: Settings, seed: number): SupervisedTask {
  const all = makeClicks({ n: s.ctrCount, seed });
  const { train, test, nTrain } = split80(all);
  const truth = groundTruthScores(all, nTrain, all.n);
  const rate = all.y.reduce((a, b) => a + b, 0) / all.n;
  return {
    train,
    test,
    loss: "bce",
    auc: true,
    makeModel: (k) => clickModel(4, s.ctrHidden, k),
    describe: `Generated Avazu-like impressions, not Avazu: ${all.n} rows of ${CTR_FIELDS.length} categorical fields (${CTR_FIELDS.map((f) => `${f.name} ${f.values}`).join(", ")} values, Zipf-skewed), clicks drawn from a known logistic model (click rate ${(100 * rate).toFixed(1)}%), 80/20 split. The true model scores test AUC ${truth.auc.toFixed(4)} and log-loss ${truth.logLoss.toFixed(4)}: the ceiling for any model. Model: Embedding(4 per field value) → Linear(${CTR_FIELDS.length * 4} → ${s.ctrHidden}) → ReLU → Linear(${s.ctrHidden} → 1), binary cross-entropy; the test column is the ROC AUC.`,
  };
}

export function cnnTask(s: Settings, digits: { train: Dataset; test: Dataset; used: DataUsed }): SupervisedTask {
  return {
    train: asImages(digits.train),
    test: asImages(digits.test),
    data: digits.used,
    makeModel: (k) => cnnModel(s.cnnChannels, k),
    describe: `${digits.used.source}. Model: ${describeCnn(s.cnnChannels)}, cross-entropy.`,
  };
}

export const GAN_DESCRIPTION = (s: Settings) =>
  `Generator MLP (noise 4 → ${s.gan.hidden} → ${s.gan.hidden} → 2) and discriminator MLP (2 → ${s.gan.hidden} → ${s.gan.hidden} → 1, ReLU) on a mixture of ${RING.modes} Gaussians (σ = ${RING.std}) evenly on a circle of radius ${RING.radius}; non-saturating GAN losses, batches of ${s.gan.batch}, ${s.gan.stepsPerEpoch} steps per epoch, each one discriminator and one generator update, both by the optimizer of the row (two instances, the same settings). Quality on ${s.gan.evalSamples} fresh samples: modes covered (≥ 1% of the samples within 3σ of the mode), the share of samples within 3σ of some mode, and the energy distance to ${s.gan.evalSamples} samples of the true mixture (0 for the same distribution).`;
