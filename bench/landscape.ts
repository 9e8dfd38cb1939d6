// A 31×31 filter-normalized loss surface of the 784-500-10 MLP on 2,000 MNIST digits (Li et al.
// 2018): the whole surface timed once, and per grid point, interleaved, the factored plane (three
// first-layer products computed once) against loading each point and running the whole forward
// pass (the plain way: about one forward pass per point, 961 for the surface).
import { Random, tensor } from "../src/index.ts";
import { crossEntropy } from "../src/nn/index.ts";
import { subset } from "../src/data/dataset.ts";
import { loadMnistPackageAll } from "../src/data/mnist.node.ts";
import { filterNormalizedDirection, modelPointLoss, planeLoss, surface } from "../src/landscape/network.ts";
import { factoredPlaneLoss } from "../src/landscape/factored-plane.ts";
import { measureInterleaved, num, ratioPerRound, spread, text, timingOptions, type Suite } from "./lib.ts";
import { mlpModel } from "./train.ts";

const DIGITS = 2000;
const GRID = 31;
/** The budget for the whole 31×31 surface, seconds (on this 2-core machine, shared). */
const BUDGET_SECONDS = 30;

export const landscapeSuite: Suite = {
  name: "landscape",
  about:
    "31×31 filter-normalized loss surface of the 784-500-10 MLP on 2,000 digits (budget 30 s); per point: factored vs plain",
  async run(opts) {
    const data = subset(
      loadMnistPackageAll(),
      Int32Array.from({ length: DIGITS }, (_, i) => i),
    );
    const model = mlpModel(7);
    const x = tensor(data.x, [DIGITS, 784]);
    const labels = data.y as Int32Array;
    const origin = model.parameters.flat(),
      rng = new Random(8);
    const d1 = filterNormalizedDirection(model, rng),
      d2 = filterNormalizedDirection(model, rng);
    const plain = planeLoss(
      modelPointLoss(model, () => crossEntropy(model.forward(x, { training: false }), labels)),
      origin,
      d1,
      d2,
    );
    const fast = factoredPlaneLoss(model, x, (out) => crossEntropy(out, labels), origin, d1, d2);
    try {
      let k = 0;
      const point = () => {
        k = (k + 1) % GRID;
        return [-1 + (2 * k) / (GRID - 1), 1 - (2 * k) / (GRID - 1)] as const;
      };
      const { timings, rounds } = measureInterleaved([() => fast(...point()), () => plain(...point())], {
        ...timingOptions(opts),
        samples: 5,
      });
      const ratio = ratioPerRound(rounds, 1, 0);
      let seconds: number | null = null;
      if (!opts.quick) {
        const tty = process.stderr.isTTY;
        const t0 = performance.now();
        surface(fast, {
          points: GRID,
          onProgress: (done, total) => {
            if (tty && (done % GRID === 0 || done === total))
              process.stderr.write(
                `\r  surface ${done}/${total} points, ${((performance.now() - t0) / 1000).toFixed(1)} s`,
              );
          },
        });
        seconds = (performance.now() - t0) / 1000;
        if (tty) process.stderr.write("\n");
      }
      const ms = (t: { median: number; min: number; max: number }) => ({
        median: t.median * 1e3,
        min: t.min * 1e3,
        max: t.max * 1e3,
      });
      const f = ms(timings[0]),
        p = ms(timings[1]);
      return {
        title: `Loss surface ${GRID}×${GRID}, 784-500-10 ReLU MLP, ${DIGITS} MNIST digits, filter-normalized directions`,
        columns: [
          spread("factored ms/point", "fast", 2),
          spread("plain ms/point", "plain", 1),
          spread("plain/factored", "ratio", 1),
          num("surface s", "seconds", 1),
          num("plain surface s (est.)", "plainSeconds", 0),
          num("budget s", "budget", 0),
          text("met", "met"),
        ],
        rows: [
          {
            fast: f.median,
            fastMin: f.min,
            fastMax: f.max,
            plain: p.median,
            plainMin: p.min,
            plainMax: p.max,
            ratio: ratio.median,
            ratioMin: ratio.min,
            ratioMax: ratio.max,
            seconds,
            plainSeconds: (p.median * GRID * GRID) / 1000,
            budget: BUDGET_SECONDS,
            met: seconds === null ? "— (--quick)" : seconds <= BUDGET_SECONDS ? "yes" : "no",
          },
        ],
        notes: [
          "factored: X·W₀, X·D₁, X·D₂ computed once, then per point two scaled additions and the rest of the network (src/landscape/factored-plane.ts)",
          "plain: load origin + a·d1 + b·d2 and run the whole forward pass (one forward pass per point); its surface time is 961 × its median",
          "the surface is timed once, around the untrained model (the cost does not depend on the weights); --quick skips it",
        ],
      };
    } finally {
      fast.free();
      x.free();
      model.free();
    }
  },
};
