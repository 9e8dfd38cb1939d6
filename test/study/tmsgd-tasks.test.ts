// The tm-sgd study's generated tasks: the sentences' labels follow their words, the click data
// follows its ground-truth model, and the GAN's quality measures read what they should.
import { describe, expect, it } from "vitest";
import { makeSentences, VOCABULARY } from "../../src/study/tmsgd/text.ts";
import { CTR_FIELDS, CTR_VALUES, groundTruthScores, makeClicks } from "../../src/study/tmsgd/ctr.ts";
import { energyDistance, modeCoverage, RING, sampleRing, trainGan } from "../../src/study/tmsgd/gan.ts";
import { adam } from "../../src/optim/adam.ts";
import { binaryAuc } from "../../src/train/metrics.ts";
import { Random } from "../../src/random.ts";

describe("generated sentences", () => {
  it("label each sentence by the sign of its polarity, 'not' flipping the next word, with no ties", () => {
    const s = makeSentences({ n: 400, length: 8, seed: 3 });
    const positive = new Set(["good", "great", "excellent", "lovely", "fine", "superb"]),
      negative = new Set(["bad", "awful", "poor", "terrible", "dull", "weak"]);
    for (let i = 0; i < s.n; i++) {
      const words = Array.from(s.x.subarray(i * 8, (i + 1) * 8), (v) => VOCABULARY[v]);
      expect(words.join(" ")).toBe(s.sentences[i]);
      let polarity = 0;
      words.forEach((w, t) => {
        const sign = words[t - 1] === "not" ? -1 : 1;
        if (positive.has(w)) polarity += sign;
        if (negative.has(w)) polarity -= sign;
      });
      expect(polarity).not.toBe(0);
      expect(s.y[i]).toBe(polarity > 0 ? 1 : 0);
    }
    const share = s.y.reduce((a, b) => a + b, 0) / s.n;
    expect(share).toBeGreaterThan(0.35);
    expect(share).toBeLessThan(0.65);
    expect(makeSentences({ n: 400, length: 8, seed: 3 }).sentences).toEqual(s.sentences);
    // Negation matters: some sentences hold a negated sentiment word.
    expect(
      s.sentences.some((t) =>
        /\bnot (good|great|excellent|lovely|fine|superb|bad|awful|poor|terrible|dull|weak)\b/.test(t),
      ),
    ).toBe(true);
  });
});

describe("generated Avazu-like clicks", () => {
  const d = makeClicks({ n: 20_000, seed: 1 });
  it("has ids inside each field's range and a click rate near 17%", () => {
    let offset = 0;
    CTR_FIELDS.forEach((f, k) => {
      let outside = 0;
      for (let i = 0; i < d.n; i++) {
        const v = d.x[i * CTR_FIELDS.length + k];
        if (!(v >= offset && v < offset + f.values)) outside++;
      }
      expect(outside, f.name).toBe(0);
      offset += f.values;
    });
    expect(offset).toBe(CTR_VALUES);
    const rate = d.y.reduce((a, b) => a + b, 0) / d.n;
    expect(Math.abs(rate - 0.17)).toBeLessThan(0.015);
  });

  it("follows its ground truth: the true probabilities rank clicks well and beat the constant rate's log-loss", () => {
    const truth = groundTruthScores(d, 0, d.n);
    expect(truth.auc).toBeGreaterThan(0.7);
    const rate = d.y.reduce((a, b) => a + b, 0) / d.n;
    const constant = -(rate * Math.log(rate) + (1 - rate) * Math.log(1 - rate));
    expect(truth.logLoss).toBeLessThan(constant - 0.03);
    // A random score ranks at chance.
    const rng = new Random(0);
    expect(
      Math.abs(
        binaryAuc(
          Float64Array.from({ length: d.n }, () => rng.uniform()),
          d.y,
        ) - 0.5,
      ),
    ).toBeLessThan(0.02);
  });
});

describe("GAN quality measures", () => {
  const rng = new Random(5);
  const real = sampleRing(600, rng),
    other = sampleRing(600, rng);
  it("count every mode of true samples and none of samples off the ring", () => {
    expect(modeCoverage(real)).toEqual({ modesCovered: RING.modes, highQuality: expect.closeTo(0.99, 1) });
    const collapsed = Float32Array.from(
      { length: 1200 },
      (_, i) => (i % 2 === 0 ? RING.radius : 0) + 0.01 * rng.normal(),
    );
    expect(modeCoverage(collapsed).modesCovered).toBe(1);
    expect(modeCoverage(new Float32Array(1200)).modesCovered).toBe(0);
  });

  it("energy distance: near 0 between two samples of the mixture, large for a collapsed or shifted one, symmetric", () => {
    expect(Math.abs(energyDistance(real, other))).toBeLessThan(0.03);
    const collapsed = Float32Array.from({ length: 1200 }, (_, i) => (i % 2 === 0 ? RING.radius : 0));
    expect(energyDistance(collapsed, real)).toBeGreaterThan(0.5);
    const shifted = real.map((v, i) => (i % 2 === 0 ? v + 1 : v));
    expect(energyDistance(shifted, other)).toBeGreaterThan(0.3);
    expect(energyDistance(shifted, other)).toBeCloseTo(energyDistance(other, shifted), 10);
  });
});

describe("GAN training", () => {
  it("moves the generator's samples towards the mixture (Adam, both networks)", async () => {
    const r = await trainGan(
      () => adam({ lr: 1e-3 }),
      { hidden: 16, batch: 64, stepsPerEpoch: 100, epochs: 6, evalSamples: 300 },
      0,
      () => {},
    );
    expect(r.diverged).toBeNull();
    expect(r.history.length).toBe(6);
    // GAN training oscillates from epoch to epoch; its best epoch is much nearer the mixture than the untrained generator.
    expect(Math.min(...r.history.map((e) => e.energyDistance))).toBeLessThan(0.5 * r.before);
    expect(r.history.every((e) => Number.isFinite(e.discriminatorLoss) && Number.isFinite(e.generatorLoss))).toBe(true);
  }, 60_000);
});
