import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import * as E from "../../src/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";

const rng = new Random(2024);
const randArray = (n: number, s = 1) => Float32Array.from({ length: n }, () => s * rng.normal());
const dot = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(dot(a, a));

/** The Hessian of an f64 function by second-order central differences. */
function fdHessian(f: (x: Float64Array) => number, x0: ArrayLike<number>, h = 1e-4): Float64Array[] {
  const n = x0.length,
    x = Float64Array.from(x0);
  const at = (i: number, di: number, j: number, dj: number) => {
    x[i] += di;
    x[j] += dj;
    const v = f(x);
    x[i] -= di;
    x[j] -= dj;
    return v;
  };
  return Array.from({ length: n }, (_, i) =>
    Float64Array.from(
      { length: n },
      (_, j) => (at(i, h, j, h) - at(i, h, j, -h) - at(i, -h, j, h) + at(i, -h, j, -h)) / (4 * h * h),
    ),
  );
}

/** hvp over a single flat parameter vector, as Float32Array in and out. */
function engineHv(loss: (w: Tensor) => Tensor, w0: Float32Array, v: Float32Array): Float32Array {
  const w = E.tensor(w0),
    vt = E.tensor(v);
  const { hv, grads } = E.hvp(() => loss(w), [w], [vt]);
  const out = hv[0].toArray();
  for (const t of [w, vt, ...hv, ...grads]) t.free();
  return out;
}

describe("Hessian-vector products", () => {
  it("on ½xᵀAx + bᵀx, Hv = Av to f32 rounding", () => {
    const n = 9;
    const m = randArray(n * n);
    const a = new Float32Array(n * n);
    for (let i = 0; i < n; i++)
      for (let j = 0; j < n; j++) a[i * n + j] = Math.fround((m[i * n + j] + m[j * n + i]) / 2);
    const A = E.tensor(a, [n, n]),
      b = E.tensor(randArray(n), [n, 1]);
    const v = randArray(n);
    const hv = engineHv(
      (x) => {
        const col = E.reshape(x, [n, 1]);
        return E.add(E.mul(E.sum(E.mul(col, E.matmul(A, col))), 0.5), E.sum(E.mul(b, col)));
      },
      randArray(n),
      v,
    );
    for (let i = 0; i < n; i++) {
      const row = a.subarray(i * n, (i + 1) * n);
      const scale = row.reduce((s, x, j) => s + Math.abs(x * v[j]), 0);
      expect(Math.abs(hv[i] - dot(row, v))).toBeLessThanOrEqual(4 * 2 ** -23 * n * scale);
    }
    A.free();
    b.free();
  });

  it("on logistic regression, Hv matches the finite-difference Hessian to 1e-3", () => {
    const batch = 12,
      d = 5;
    const x = randArray(batch * d),
      y = Float32Array.from({ length: batch }, () => (rng.uniform() < 0.5 ? 0 : 1));
    const X = E.tensor(x, [batch, d]),
      Y = E.tensor(y, [batch, 1]);
    // mean binary cross-entropy of σ(Xw)
    const loss = (w: Tensor) => {
      const p = E.sigmoid(E.matmul(X, E.reshape(w, [d, 1])));
      return E.neg(E.mean(E.add(E.mul(Y, E.log(p)), E.mul(E.add(E.neg(Y), 1), E.log(E.add(E.neg(p), 1))))));
    };
    const ref = (w: Float64Array) => {
      let s = 0;
      for (let i = 0; i < batch; i++) {
        const z = dot(x.subarray(i * d, (i + 1) * d), w),
          p = 1 / (1 + Math.exp(-z));
        s += -(y[i] * Math.log(p) + (1 - y[i]) * Math.log(1 - p));
      }
      return s / batch;
    };
    checkAgainstFd(loss, ref, randArray(d, 0.5));
    X.free();
    Y.free();
  });

  it("on a two-layer tanh MLP, Hv matches the finite-difference Hessian to 1e-3, and is symmetric", () => {
    const batch = 6,
      inp = 3,
      hid = 4,
      out = 2;
    const x = randArray(batch * inp),
      t = randArray(batch * out);
    const X = E.tensor(x, [batch, inp]),
      T = E.tensor(t, [batch, out]);
    const sizes = [inp * hid, hid, hid * out];
    const unpack = <V>(w: V, take: (w: V, start: number, end: number) => V) => {
      let at = 0;
      return sizes.map((s) => take(w, at, (at += s)));
    };
    const loss = (w: Tensor) => {
      const [w1, b1, w2] = unpack(w, (v, s, e) => E.slice(v, 0, s, e));
      const h = E.tanh(E.add(E.matmul(X, E.reshape(w1, [inp, hid])), b1));
      const r = E.sub(E.matmul(h, E.reshape(w2, [hid, out])), T);
      return E.mul(E.mean(E.mul(r, r)), 0.5);
    };
    const ref = (w: Float64Array) => {
      const [w1, b1, w2] = unpack(w, (v, s, e) => v.subarray(s, e));
      let s = 0;
      for (let n = 0; n < batch; n++) {
        const h = Array.from({ length: hid }, (_, j) =>
          Math.tanh(
            b1[j] + Array.from({ length: inp }, (_, i) => x[n * inp + i] * w1[i * hid + j]).reduce((a, b) => a + b),
          ),
        );
        for (let k = 0; k < out; k++) {
          const r = h.reduce((a, hj, j) => a + hj * w2[j * out + k], 0) - t[n * out + k];
          s += r * r;
        }
      }
      return (0.5 * s) / (batch * out);
    };
    const w0 = randArray(
      sizes.reduce((a, b) => a + b),
      0.7,
    );
    checkAgainstFd(loss, ref, w0);
    const u = randArray(w0.length),
      v = randArray(w0.length);
    const hu = engineHv(loss, w0, u),
      hv = engineHv(loss, w0, v);
    expect(Math.abs(dot(u, hv) - dot(v, hu))).toBeLessThanOrEqual(1e-5 * norm(u) * norm(hv) * 10);
    X.free();
    T.free();
  });
});

function checkAgainstFd(loss: (w: Tensor) => Tensor, ref: (w: Float64Array) => number, w0: Float32Array): void {
  const H = fdHessian(ref, w0);
  for (let trial = 0; trial < 3; trial++) {
    const v = randArray(w0.length);
    const hv = engineHv(loss, w0, v);
    const expected = H.map((row) => dot(row, v));
    const err = norm(Array.from(hv, (x, i) => x - expected[i]));
    expect(err / norm(expected)).toBeLessThan(1e-3);
  }
}
