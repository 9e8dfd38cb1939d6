/**
 * The text task: sentence classification with an LSTM over token embeddings, on a labelled sentence
 * set generated here (no corpus ships with descent). Sentences of a fixed number of words mix filler
 * words with sentiment words; "not" flips the word after it; the label is the sign of the summed
 * polarity (ties are drawn again). So the label depends on order (a negation), not just on counts.
 * This is a synthetic stand-in for the paper's text benchmarks, and the report says so.
 */
import type { Dataset } from "../../data/dataset.ts";
import { Random } from "../../random.ts";
import { Sequential } from "../../nn/layers/sequential.ts";
import { Embedding } from "../../nn/layers/embedding.ts";
import { LSTM } from "../../nn/layers/recurrent.ts";
import { Linear } from "../../nn/layers/dense.ts";
import { Model } from "../../nn/model.ts";

const POSITIVE = ["good", "great", "excellent", "lovely", "fine", "superb"];
const NEGATIVE = ["bad", "awful", "poor", "terrible", "dull", "weak"];
const FILLER = [
  "the",
  "movie",
  "plot",
  "acting",
  "was",
  "is",
  "quite",
  "very",
  "and",
  "but",
  "really",
  "story",
  "cast",
  "a",
];
/** Token ids: 0 is unused (kept for padding), then "not", then the words above. */
export const VOCABULARY = ["<pad>", "not", ...POSITIVE, ...NEGATIVE, ...FILLER];
const id = (w: string) => VOCABULARY.indexOf(w);

export interface SentenceSet extends Dataset {
  y: Int32Array;
  sentences: string[];
}

/** `n` sentences of `length` words, labels 1 (positive) / 0 (negative), drawn with `seed`. */
export function makeSentences({ n, length, seed }: { n: number; length: number; seed: number }): SentenceSet {
  if (!Number.isInteger(length) || length < 2)
    throw new RangeError(`sentences: length must be an integer ≥ 2, got ${length}`);
  const rng = new Random(seed);
  const pick = <T>(xs: readonly T[]) => xs[rng.int(xs.length)];
  const x = new Float32Array(n * length),
    y = new Int32Array(n),
    sentences: string[] = [];
  for (let i = 0; i < n; i++) {
    let words: string[], polarity: number;
    do {
      words = [];
      polarity = 0;
      while (words.length < length) {
        const r = rng.uniform();
        if (r < 0.4) {
          const positive = rng.uniform() < 0.5;
          const negated = words.length < length - 1 && rng.uniform() < 0.3;
          if (negated) words.push("not");
          words.push(pick(positive ? POSITIVE : NEGATIVE));
          polarity += (positive ? 1 : -1) * (negated ? -1 : 1);
        } else words.push(pick(FILLER));
      }
    } while (polarity === 0);
    words.forEach((w, t) => (x[i * length + t] = id(w)));
    y[i] = polarity > 0 ? 1 : 0;
    sentences.push(words.join(" "));
  }
  return { x, y, n, featureShape: [length], classes: 2, sentences };
}

/** Embedding(vocabulary, dim) → LSTM(dim, hidden) → Linear(hidden, 2). */
export function sentenceModel(embedding: number, hidden: number, seed: number): Model {
  return new Model(
    new Sequential([new Embedding(VOCABULARY.length, embedding), new LSTM(embedding, hidden), new Linear(hidden, 2)]),
    { seed },
  );
}
