// GEMM throughput in GFLOP/s for the three forms the engine uses (forward A·B, the weight
// gradient Aᵀ·B, the input gradient A·Bᵀ), against this machine's ceiling and TF.js.
import { Random } from "../src/random.ts";
import { f32View, gemmWorkspace, heap, kernels } from "../src/wasm/module.ts";
import { measureCeiling } from "./ceiling.ts";
import { measure, num, pct, rate, rateFields, spread, text, timingOptions, type Row, type Suite } from "./lib.ts";
import { peerFor, timeTfMatMul } from "./tfjs.ts";

interface Case {
  label: string;
  m: number;
  n: number;
  k: number;
  transA: boolean;
  transB: boolean;
}

const FORMS = [
  { form: "A·B", transA: false, transB: false },
  { form: "Aᵀ·B", transA: true, transB: false },
  { form: "A·Bᵀ", transA: false, transB: true },
];

function cases(quick: boolean): Case[] {
  const out: Case[] = [];
  // 1024 is left out of the quick run: TF.js takes seconds per transposed 1024³ product.
  for (const size of quick ? [64, 128, 256, 512] : [64, 128, 256, 512, 1024]) {
    for (const f of FORMS) out.push({ label: `${size}³ ${f.form}`, m: size, n: size, k: size, ...f });
  }
  // One hidden layer of an MNIST MLP, batch 64: 784 → 500.
  out.push({ label: "MLP fwd (64×784)·(784×500)", m: 64, n: 500, k: 784, ...FORMS[0] });
  out.push({ label: "MLP dW (784×64)ᵀ·(64×500)", m: 784, n: 500, k: 64, ...FORMS[1] });
  out.push({ label: "MLP dX (64×500)·(784×500)ᵀ", m: 64, n: 784, k: 500, ...FORMS[2] });
  // Weak spots on purpose: a tiny product, a 10-class output layer (n well under the 8-wide
  // tile), a matrix-vector product (n = 1).
  out.push({ label: "16³ A·B", m: 16, n: 16, k: 16, ...FORMS[0] });
  out.push({ label: "MLP out (64×500)·(500×10)", m: 64, n: 10, k: 500, ...FORMS[0] });
  out.push({ label: "matvec (500×784)·(784×1)", m: 500, n: 1, k: 784, ...FORMS[0] });
  return out;
}

function randomMatrix(rng: Random, size: number): Float32Array {
  const x = new Float32Array(size);
  for (let i = 0; i < size; i++) x[i] = rng.range(-1, 1);
  return x;
}

export const gemmSuite: Suite = {
  name: "gemm",
  about: "our GEMM vs the f32x4 ceiling and TF.js (wasm, 1 thread), GFLOP/s",
  async run(opts) {
    const timing = timingOptions(opts);
    const notes: string[] = [];
    const peer = await peerFor(notes, "; its times include dataSync()");
    if (peer)
      notes.push(
        "TF.js transpose+matMul: the transposed operand made explicit with tf.transpose (timed), then a plain matMul",
      );
    const ceiling = measureCeiling(opts).median;
    notes.push(`ceiling (f32x4 mul+add, one core): ${(ceiling / 1e9).toFixed(1)} GFLOP/s`);

    const rng = new Random(1);
    const work = gemmWorkspace();
    const rows: Row[] = [];
    for (const c of cases(opts.quick)) {
      const { m, n, k } = c;
      const flops = 2 * m * n * k;
      const a = randomMatrix(rng, m * k),
        b = randomMatrix(rng, k * n);
      const pa = heap.alloc(a.length * 4),
        pb = heap.alloc(b.length * 4),
        pc = heap.alloc(m * n * 4);
      let ours;
      try {
        f32View(pa, a.length).set(a);
        f32View(pb, b.length).set(b);
        const ta = +c.transA,
          tb = +c.transB;
        ours = rate(
          measure(() => kernels.gemm(pc, pa, pb, m, n, k, ta, tb, 0, work), timing),
          flops,
        );
      } finally {
        heap.release(pa);
        heap.release(pb);
        heap.release(pc);
      }
      const theirs = peer ? rate(timeTfMatMul(peer, a, b, m, n, k, c.transA, c.transB, false, timing), flops) : null;
      const transposed = c.transA || c.transB;
      const theirsExplicit =
        peer && transposed ? rate(timeTfMatMul(peer, a, b, m, n, k, c.transA, c.transB, true, timing), flops) : null;
      rows.push({
        case: c.label,
        m,
        n,
        k,
        transA: +c.transA,
        transB: +c.transB,
        ...rateFields("ours", ours, 1e9),
        ofCeiling: ours.median / ceiling,
        ceiling: ceiling / 1e9,
        ...(theirs ? rateFields("tfjs", theirs, 1e9) : { tfjs: null }),
        oursOverTfjs: theirs ? ours.median / theirs.median : null,
        ...(theirsExplicit ? rateFields("tfjsExplicit", theirsExplicit, 1e9) : { tfjsExplicit: null }),
        oursOverTfjsBest: theirs ? ours.median / Math.max(theirs.median, theirsExplicit?.median ?? 0) : null,
      });
      process.stderr.write(".");
    }
    process.stderr.write("\n");
    return {
      title: "GEMM, one thread, GFLOP/s median (min–max)",
      columns: [
        text("case", "case"),
        spread("ours", "ours"),
        pct("of ceiling", "ofCeiling"),
        spread("TF.js matMul(flags)", "tfjs"),
        num("ours/TF.js", "oursOverTfjs", 2),
        spread("TF.js transpose+matMul", "tfjsExplicit"),
        num("ours/best TF.js", "oursOverTfjsBest", 2),
      ],
      rows,
      notes,
    };
  },
};
