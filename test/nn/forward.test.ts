/** Layer outputs against plain f64 references written from the defining equations. */
import { describe, expect, it } from "vitest";
import * as E from "../../src/index.ts";
import { Random } from "../../src/random.ts";
import * as N from "../../src/nn/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import { randArray } from "./helpers.ts";

const rng = new Random(5);

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol = 1e-5, label = "") {
  expect(got.length, `${label} length`).toBe(want.length);
  for (let i = 0; i < want.length; i++)
    expect(Math.abs(got[i] - want[i]), `${label}[${i}]: ${got[i]} vs ${want[i]}`).toBeLessThanOrEqual(
      tol * Math.max(1, Math.abs(want[i])),
    );
}

/** Runs a layer in a fresh model; returns the output values and the model (caller frees). */
function run(layer: N.Layer, x: Tensor, ctx: Partial<N.ForwardContext> = {}) {
  const model = new N.Model(layer, { seed: 3 });
  const out = E.scoped(
    () => E.noGrad(() => model.forward(x, ctx)),
    (y) => [y],
  );
  const result = {
    shape: [...out.shape],
    data: out.toArray(),
    model,
    p: (name: string) => model.parameters.get(name).tensor.toArray(),
  };
  if (out !== x) out.free();
  return result;
}

/** Direct convolution in f64: x [n,c,h,w], w [co, c·kh·kw], bias [co]. */
function conv2dRef(
  x: Float32Array,
  [n, c, h, w]: number[],
  wt: Float32Array,
  b: Float32Array,
  co: number,
  kh: number,
  kw: number,
  s: number,
  p: number,
  sw = s,
  pw = p,
) {
  const ho = Math.floor((h + 2 * p - kh) / s) + 1,
    wo = Math.floor((w + 2 * pw - kw) / sw) + 1;
  const out = new Float64Array(n * co * ho * wo);
  for (let b0 = 0; b0 < n; b0++)
    for (let o = 0; o < co; o++)
      for (let oy = 0; oy < ho; oy++)
        for (let ox = 0; ox < wo; ox++) {
          let acc = b[o];
          for (let ch = 0; ch < c; ch++)
            for (let ky = 0; ky < kh; ky++)
              for (let kx = 0; kx < kw; kx++) {
                const y = oy * s - p + ky,
                  xx = ox * sw - pw + kx;
                if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
                acc += x[((b0 * c + ch) * h + y) * w + xx] * wt[o * c * kh * kw + (ch * kh + ky) * kw + kx];
              }
          out[((b0 * co + o) * ho + oy) * wo + ox] = acc;
        }
  return { out, ho, wo };
}

describe("layer forward passes against f64 references", () => {
  it("Linear is x·W + b", () => {
    const x = randArray(rng, 6),
      xt = E.tensor(x, [2, 3]);
    const r = run(new N.Linear(3, 2), xt);
    const w = r.p("weight"),
      want = [0, 1].flatMap((i) =>
        [0, 1].map((j) => x[i * 3] * w[j] + x[i * 3 + 1] * w[2 + j] + x[i * 3 + 2] * w[4 + j]),
      );
    expectClose(r.data, want, 1e-6);
    r.model.free();
    xt.free();
  });

  for (const [k, s, p, shape] of [
    [3, 1, 0, [2, 3, 5, 5]],
    [3, 2, 1, [2, 2, 6, 5]],
    [1, 1, 0, [1, 4, 3, 3]],
    [2, 3, 1, [3, 1, 7, 4]],
  ] as const) {
    it(`Conv2d ${k}×${k} stride ${s} padding ${p} on [${shape}]`, () => {
      const x = randArray(
          rng,
          shape.reduce((a: number, b: number) => a * b, 1),
        ),
        xt = E.tensor(x, [...shape]);
      const layer = new N.Conv2d(shape[1], 3, k, { stride: s, padding: p });
      const r = run(layer, xt);
      const bias = r.model.parameters.get("bias").tensor.write(randArray(rng, 3)); // zero at init: give it values
      const again = E.scoped(() => E.noGrad(() => r.model.forward(xt).toArray()));
      const ref = conv2dRef(x, [...shape], r.p("weight"), bias.toArray(), 3, k, k, s, p);
      expect(r.shape).toEqual([shape[0], 3, ref.ho, ref.wo]);
      expectClose(again, ref.out, 1e-5, "conv2d");
      r.model.free();
      xt.free();
    });
  }

  it("Conv1d is Conv2d with height 1", () => {
    const x = randArray(rng, 2 * 3 * 9),
      xt = E.tensor(x, [2, 3, 9]);
    const r = run(new N.Conv1d(3, 4, 3, { stride: 2, padding: 1 }), xt);
    const ref = conv2dRef(x, [2, 3, 1, 9], r.p("weight"), r.p("bias"), 4, 1, 3, 1, 0, 2, 1);
    expect(r.shape).toEqual([2, 4, ref.wo]);
    expectClose(r.data, ref.out, 1e-5, "conv1d");
    r.model.free();
    xt.free();
  });

  it("max and average pooling (with padding) match windows computed directly", () => {
    const shape = [2, 2, 5, 6],
      x = randArray(rng, 120),
      xt = E.tensor(x, shape);
    for (const [mode, k, s, p] of [
      ["max", 2, 2, 0],
      ["max", 3, 2, 1],
      ["avg", 2, 2, 0],
      ["avg", 3, 1, 1],
    ] as const) {
      const layer =
        mode === "max" ? new N.MaxPool2d(k, { stride: s, padding: p }) : new N.AvgPool2d(k, { stride: s, padding: p });
      const r = run(layer, xt);
      const ho = Math.floor((5 + 2 * p - k) / s) + 1,
        wo = Math.floor((6 + 2 * p - k) / s) + 1;
      const want: number[] = [];
      for (let b = 0; b < 4; b++)
        for (let oy = 0; oy < ho; oy++)
          for (let ox = 0; ox < wo; ox++) {
            let m = -Infinity,
              sum = 0;
            for (let ky = 0; ky < k; ky++)
              for (let kx = 0; kx < k; kx++) {
                const y = oy * s - p + ky,
                  xx = ox * s - p + kx;
                if (y < 0 || y >= 5 || xx < 0 || xx >= 6) continue;
                const v = x[b * 30 + y * 6 + xx];
                m = Math.max(m, v);
                sum += v;
              }
            want.push(mode === "max" ? m : sum / (k * k));
          }
      expect(r.shape).toEqual([2, 2, ho, wo]);
      expectClose(r.data, want, 1e-6, `${mode} ${k}/${s}/${p}`);
      r.model.free();
    }
    xt.free();
  });

  it("global average pooling and flatten", () => {
    const x = randArray(rng, 24),
      xt = E.tensor(x, [2, 3, 4]);
    const g = run(new N.GlobalAvgPool(), xt);
    expectClose(
      g.data,
      Array.from({ length: 6 }, (_, i) => (x[i * 4] + x[i * 4 + 1] + x[i * 4 + 2] + x[i * 4 + 3]) / 4),
      1e-6,
    );
    const f = run(new N.Flatten(), xt);
    expect(f.shape).toEqual([2, 12]);
    expectClose(f.data, x, 0);
    g.model.free();
    f.model.free();
    xt.free();
  });

  it("BatchNorm2d: batch statistics in training, running ones (momentum 0.1, unbiased variance) in evaluation", () => {
    const [n, c, h, w] = [3, 2, 2, 2],
      x = randArray(rng, 24, -2, 3),
      xt = E.tensor(x, [n, c, h, w]);
    const model = new N.Model(new N.BatchNorm2d(c), { seed: 1 });
    const gamma = model.parameters.get("weight").tensor.write([1.5, -0.5]).toArray();
    const beta = model.parameters.get("bias").tensor.write([0.25, 2]).toArray();
    const y = E.scoped(() => model.forward(xt, { training: true }).toArray());
    const mu = [0, 0],
      vr = [0, 0],
      m = n * h * w;
    for (let b = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++) for (let i = 0; i < 4; i++) mu[ch] += x[(b * c + ch) * 4 + i] / m;
    for (let b = 0; b < n; b++)
      for (let ch = 0; ch < c; ch++) for (let i = 0; i < 4; i++) vr[ch] += (x[(b * c + ch) * 4 + i] - mu[ch]) ** 2 / m;
    const want = Array.from(x, (v, i) => {
      const ch = Math.floor(i / 4) % c;
      return (gamma[ch] * (v - mu[ch])) / Math.sqrt(vr[ch] + 1e-5) + beta[ch];
    });
    expectClose(y, want, 1e-5, "training");
    const rm = mu.map((u) => 0.1 * u),
      rv = vr.map((v) => 0.9 + (0.1 * v * m) / (m - 1));
    const bufs = model.buffers.buffers;
    expect(bufs.map((b) => b.name)).toEqual(["runningMean", "runningVar"]);
    expectClose(bufs[0].tensor.toArray(), rm, 1e-6, "running mean");
    expectClose(bufs[1].tensor.toArray(), rv, 1e-6, "running var");
    const ye = model.predict(xt);
    expectClose(
      ye.toArray(),
      Array.from(x, (v, i) => {
        const ch = Math.floor(i / 4) % c;
        return (gamma[ch] * (v - rm[ch])) / Math.sqrt(rv[ch] + 1e-5) + beta[ch];
      }),
      1e-5,
      "evaluation",
    );
    ye.free();
    model.free();
    xt.free();
  });

  it("BatchNorm1d normalizes each feature over the batch", () => {
    const x = randArray(rng, 15),
      xt = E.tensor(x, [5, 3]);
    const r = run(new N.BatchNorm1d(3), xt, { training: true });
    for (let f = 0; f < 3; f++) {
      const col = [0, 1, 2, 3, 4].map((i) => x[i * 3 + f]);
      const mu = col.reduce((a, b) => a + b) / 5,
        v = col.reduce((a, b) => a + (b - mu) ** 2, 0) / 5;
      expectClose(
        [0, 1, 2, 3, 4].map((i) => r.data[i * 3 + f]),
        col.map((u) => (u - mu) / Math.sqrt(v + 1e-5)),
        1e-5,
      );
    }
    r.model.free();
    xt.free();
  });

  it("GraphConv is Â·X·W + b with Â = D^-1/2 (A+I) D^-1/2", () => {
    const a = [0, 1, 1, 1, 0, 0, 1, 0, 0];
    const adj = N.normalizeAdjacency(a, 3);
    const deg = [3, 2, 2]; // row sums of A + I
    expectClose(
      adj.toArray(),
      Array.from({ length: 9 }, (_, k) => {
        const i = Math.floor(k / 3),
          j = k % 3;
        return (a[k] + (i === j ? 1 : 0)) / Math.sqrt(deg[i] * deg[j]);
      }),
      1e-6,
    );
    const x = randArray(rng, 6),
      xt = E.tensor(x, [3, 2]);
    const r = run(new N.GraphConv(2, 2), xt, { adjacency: adj });
    const w = r.p("weight"),
      A = adj.toArray();
    const xw = [0, 1, 2].map((i) => [0, 1].map((j) => x[i * 2] * w[j] + x[i * 2 + 1] * w[2 + j]));
    expectClose(
      r.data,
      [0, 1, 2].flatMap((i) =>
        [0, 1].map((j) => A[i * 3] * xw[0][j] + A[i * 3 + 1] * xw[1][j] + A[i * 3 + 2] * xw[2][j]),
      ),
      1e-5,
    );
    r.model.free();
    xt.free();
    adj.free();
  });

  it("LSTM returns the last hidden state of the gate equations", () => {
    const [n, T, F, H] = [2, 4, 3, 2];
    const x = randArray(rng, n * T * F),
      xt = E.tensor(x, [n, T, F]);
    const model = new N.Model(new N.LSTM(F, H), { seed: 11 });
    const b = model.parameters
      .get("bias")
      .tensor.write(randArray(rng, 4 * H))
      .toArray();
    const wx = model.parameters.get("inputWeight").tensor.toArray(),
      wh = model.parameters.get("hiddenWeight").tensor.toArray();
    const got = model.predict(xt);
    const sig = (z: number) => 1 / (1 + Math.exp(-z));
    const want: number[] = [];
    for (let s = 0; s < n; s++) {
      let h = new Array(H).fill(0),
        c = new Array(H).fill(0);
      for (let t = 0; t < T; t++) {
        const z = Array.from({ length: 4 * H }, (_, j) => {
          let acc = b[j];
          for (let f = 0; f < F; f++) acc += x[(s * T + t) * F + f] * wx[f * 4 * H + j];
          for (let k = 0; k < H; k++) acc += h[k] * wh[k * 4 * H + j];
          return acc;
        });
        c = c.map((cv, k) => sig(z[H + k]) * cv + sig(z[k]) * Math.tanh(z[3 * H + k]));
        h = c.map((cv, k) => sig(z[2 * H + k]) * Math.tanh(cv));
      }
      want.push(...h);
    }
    expect(got.shape).toEqual([n, H]);
    expectClose(got.toArray(), want, 1e-5);
    got.free();
    model.free();
    xt.free();
  });

  it("GELU is the tanh approximation; identity passes through; softmax rows sum to 1", () => {
    const x = randArray(rng, 12, -4, 4),
      xt = E.tensor(x, [3, 4]);
    const g = run(new N.Activation("gelu"), xt);
    expectClose(
      g.data,
      Array.from(x, (v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))),
      1e-5,
    );
    expectClose(run(new N.Activation("identity"), xt).data, x, 0);
    const s = run(new N.Activation("softmax"), xt).data;
    for (let r = 0; r < 3; r++) expect(s[r * 4] + s[r * 4 + 1] + s[r * 4 + 2] + s[r * 4 + 3]).toBeCloseTo(1, 6);
    xt.free();
  });

  it("Dropout: inverted scaling in training with the rng's mask, identity in evaluation", () => {
    const x = randArray(rng, 400),
      xt = E.tensor(x, [20, 20]);
    const model = new N.Model(new N.Dropout(0.25));
    const y = E.scoped(() => model.forward(xt, { training: true, rng: new Random(4) }).toArray());
    const maskRng = new Random(4);
    let dropped = 0;
    for (let i = 0; i < 400; i++) {
      const keep = maskRng.uniform() >= 0.25;
      if (!keep) dropped++;
      if (keep) expect(y[i]).toBe(Math.fround(x[i] * Math.fround(1 / 0.75)));
      else expect(y[i] === 0, `dropped element ${i} is ${y[i]}`).toBe(true);
    }
    expect(dropped).toBeGreaterThan(60);
    expect(dropped).toBeLessThan(140);
    const e = model.predict(xt);
    expect(e.toArray()).toEqual(x);
    expect(() => model.forward(xt, { training: true })).toThrow(/needs a seeded rng/);
    e.free();
    model.free();
    xt.free();
  });

  it("Embedding looks up rows, appending the embedding axis", () => {
    const xt = E.tensor([2, 0, 2, 1], [2, 2]);
    const r = run(new N.Embedding(3, 2), xt);
    const t = r.p("weight");
    expect(r.shape).toEqual([2, 2, 2]);
    expect(Array.from(r.data)).toEqual([2, 0, 2, 1].flatMap((k) => [t[2 * k], t[2 * k + 1]]));
    r.model.free();
    xt.free();
  });
});
