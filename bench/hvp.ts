// Gradient and Hessian-vector product of the 784-500-10 ReLU MLP's cross-entropy at batch 64,
// and their ratio: Pearlmutter's Hv differentiates the gradient's graph once more, so it should
// cost a small constant times a gradient (the target: at most 3×).
import { Random, hvp, randn, tensor, valueAndGrad, type Tensor } from "../src/index.ts";
import { crossEntropy } from "../src/nn/index.ts";
import { measure, msFields, num, spread, text, timingOptions, type Suite } from "./lib.ts";
import { MLP, mlpModel, randomBatch } from "./train.ts";

const BATCH = 64;
const TARGET_RATIO = 3;

export const hvpSuite: Suite = {
  name: "hvp",
  about: "gradient vs Hessian-vector product of the 784-500-10 MLP at batch 64",
  async run(opts) {
    const timing = timingOptions(opts);
    const model = mlpModel(3);
    const batch = randomBatch(new Random(4), BATCH);
    const x = tensor(batch.x, [BATCH, MLP[0]]);
    const params = model.parameters.tensors;
    const rng = new Random(5);
    const v: Tensor[] = params.map((p) => randn(p.shape, rng));
    const f = () => crossEntropy(model.forward(x), batch.labels);
    try {
      const grad = measure(() => valueAndGrad(f, params).grads.forEach((g) => g.free()), timing);
      const gradInto = measure(() => model.lossAndGrad(x, batch.labels, crossEntropy), timing);
      const hv = measure(() => {
        const r = hvp(f, params, v);
        r.grads.forEach((g) => g.free());
        r.hv.forEach((h) => h.free());
      }, timing);
      const ratio = hv.median / grad.median;
      return {
        title: `Gradient and HVP, 784-500-10 ReLU MLP, cross-entropy, batch ${BATCH}: ms median (min–max)`,
        columns: [
          spread("gradient ms", "gradMs", 2),
          spread("lossAndGrad ms", "gradIntoMs", 2),
          spread("HVP ms", "hvpMs", 2),
          num("HVP/gradient", "ratio", 2),
          num("target", "target", 0),
          text("met", "met"),
        ],
        rows: [
          {
            ...msFields("gradMs", grad),
            ...msFields("gradIntoMs", gradInto),
            ...msFields("hvpMs", hv),
            ratio,
            target: TARGET_RATIO,
            met: ratio <= TARGET_RATIO ? "yes" : "no",
          },
        ],
        notes: [
          "gradient: valueAndGrad (new gradient tensors, freed); lossAndGrad: the training form, into the gradient region",
          "HVP: hvp() returns the gradient and H·v (double backward, Pearlmutter 1994), v a fixed random direction",
        ],
      };
    } finally {
      for (const t of [x, ...v]) t.free();
      model.free();
    }
  },
};
