import { describe, it } from "vitest";
import { Random } from "../../src/random.ts";
import * as E from "../../src/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import * as R from "./reference.ts";
import { checkGradient, sample, type Domain } from "./gradcheck.ts";

type Shapes = (rng: Random) => number[][];
interface Spec {
  name: string;
  shapes: Shapes;
  domain?: Domain;
  run: (xs: Tensor[]) => Tensor;
  ref: (xs: R.Ref[]) => R.Ref;
}

const dim = (rng: Random, lo = 1, hi = 6) => lo + rng.int(hi - lo + 1);
const matrix: Shapes = (rng) => [[dim(rng), dim(rng)]];
const anyRank: Shapes = (rng) => [Array.from({ length: rng.int(4) }, () => dim(rng, 1, 4))];

// The broadcasting patterns the engine supports: same shape, row, column, scalar, middle block, either side.
const pairs: Shapes = (rng) => {
  const r = dim(rng),
    c = dim(rng),
    d = dim(rng, 1, 3);
  const options = [
    [
      [r, c],
      [r, c],
    ],
    [[r, c], [c]],
    [[c], [r, c]],
    [
      [r, c],
      [r, 1],
    ],
    [
      [r, 1],
      [r, c],
    ],
    [[r, c], []],
    [[], [r, c]],
    [
      [r, c],
      [1, c],
    ],
    [
      [d, r, c],
      [d, 1, c],
    ],
    [
      [d, 1, c],
      [d, r, c],
    ],
  ];
  return options[rng.int(options.length)];
};

const binary = (
  name: string,
  f: (a: Tensor, b: Tensor) => Tensor,
  g: (x: number, y: number) => number,
  domain?: Domain,
): Spec => ({ name, shapes: pairs, domain, run: ([a, b]) => f(a, b), ref: ([a, b]) => R.broadcast2(a, b, g) });
const unary = (name: string, f: (a: Tensor) => Tensor, g: (x: number) => number, domain?: Domain): Spec => ({
  name,
  shapes: anyRank,
  domain,
  run: ([a]) => f(a),
  ref: ([a]) => R.map(a, g),
});

const specs: Spec[] = [
  binary("add", E.add, (x, y) => x + y),
  binary("sub", E.sub, (x, y) => x - y),
  binary("mul", E.mul, (x, y) => x * y),
  binary("div", E.div, (x, y) => x / y, "awayFromZero"),
  unary("neg", E.neg, (x) => -x),
  unary(
    "mulScalar",
    (a) => E.mul(a, -1.5),
    (x) => -1.5 * x,
  ),
  unary(
    "addScalar",
    (a) => E.add(a, 0.25),
    (x) => x + 0.25,
  ),
  unary("exp", E.exp, Math.exp),
  unary("log", E.log, Math.log, "positive"),
  unary("sqrt", E.sqrt, Math.sqrt, "positive"),
  unary("abs", E.abs, Math.abs, "awayFromZero"),
  unary(
    "pow 3",
    (a) => E.pow(a, 3),
    (x) => x ** 3,
  ),
  unary(
    "pow -0.5",
    (a) => E.pow(a, -0.5),
    (x) => x ** -0.5,
    "positive",
  ),
  unary("relu", E.relu, (x) => Math.max(0, x), "awayFromZero"),
  unary(
    "leakyRelu",
    (a) => E.leakyRelu(a, 0.1),
    (x) => (x > 0 ? x : 0.1 * x),
    "awayFromZero",
  ),
  unary("sigmoid", E.sigmoid, R.sigmoid),
  unary("tanh", E.tanh, Math.tanh),
  ...[
    [false, false],
    [true, false],
    [false, true],
    [true, true],
  ].map(([ta, tb]): Spec => ({
    name: `matmul ${ta ? "Aᵀ" : "A"}·${tb ? "Bᵀ" : "B"}`,
    shapes: (rng) => {
      const m = dim(rng),
        k = dim(rng),
        n = dim(rng);
      return [ta ? [k, m] : [m, k], tb ? [n, k] : [k, n]];
    },
    run: ([a, b]) => E.matmul(a, b, { transA: ta, transB: tb }),
    ref: ([a, b]) => R.matmul(a, b, ta, tb),
  })),
  { name: "transpose", shapes: matrix, run: ([a]) => E.transpose(a), ref: ([a]) => R.transpose(a) },
  {
    name: "reshape",
    shapes: (rng) => [[2, dim(rng), 3]],
    run: ([a]) => E.reshape(a, [-1, 2]),
    ref: ([a]) => ({ shape: [a.data.length / 2, 2], data: a.data }),
  },
  { name: "sum all", shapes: anyRank, run: ([a]) => E.sum(a), ref: ([a]) => R.reduce(a, undefined, false, R.sumOf) },
  ...[0, 1, 2, -1].flatMap((axis) =>
    [false, true].map((keep): Spec => ({
      name: `sum axis ${axis}${keep ? " keepdims" : ""}`,
      shapes: (rng) => [[dim(rng), dim(rng), dim(rng)]],
      run: ([a]) => E.sum(a, axis, keep),
      ref: ([a]) => R.reduce(a, axis, keep, R.sumOf),
    })),
  ),
  {
    name: "mean axis 1",
    shapes: (rng) => [[dim(rng), dim(rng)]],
    run: ([a]) => E.mean(a, 1),
    ref: ([a]) => R.reduce(a, 1, false, (xs) => R.sumOf(xs) / xs.length),
  },
  {
    name: "mean all",
    shapes: anyRank,
    run: ([a]) => E.mean(a),
    ref: ([a]) => R.reduce(a, undefined, false, (xs) => R.sumOf(xs) / xs.length),
  },
  ...[0, 1, -1].map((axis): Spec => ({
    name: `max axis ${axis}`,
    shapes: (rng) => [[dim(rng), dim(rng), dim(rng)]],
    run: ([a]) => E.max(a, axis, true),
    ref: ([a]) => R.reduce(a, axis, true, (xs) => Math.max(...xs)),
  })),
  {
    name: "max all",
    shapes: anyRank,
    run: ([a]) => E.max(a),
    ref: ([a]) => R.reduce(a, undefined, false, (xs) => Math.max(...xs)),
  },
  {
    name: "softmax",
    shapes: (rng) => [[dim(rng), dim(rng, 1, 8)]],
    run: ([a]) => E.softmax(a),
    ref: ([a]) => R.softmaxRows(a, false),
  },
  {
    name: "logSoftmax",
    shapes: (rng) => [[dim(rng, 1, 3), dim(rng), dim(rng, 1, 8)]],
    run: ([a]) => E.logSoftmax(a),
    ref: ([a]) => R.softmaxRows(a, true),
  },
  {
    name: "broadcastTo",
    shapes: (rng) => [[dim(rng), 1, dim(rng)]],
    run: ([a]) => E.broadcastTo(a, [a.shape[0], 4, a.shape[2]]),
    ref: ([a]) => R.broadcast2(a, R.ref([a.shape[0], 4, a.shape[2]], new Float64Array(a.data.length * 4)), (x) => x),
  },
  ...[0, 1, -1].map((axis): Spec => ({
    name: `slice axis ${axis}`,
    shapes: (rng) => [[dim(rng, 3, 6), dim(rng, 3, 6)]],
    run: ([a]) => E.slice(a, axis, 1, 3),
    ref: ([a]) => R.slice(a, axis < 0 ? axis + 2 : axis, 1, 3),
  })),
  ...[0, 1].map((axis): Spec => ({
    name: `concat axis ${axis}`,
    shapes: (rng) => {
      const r = dim(rng),
        c = dim(rng);
      return axis === 0
        ? [
            [r, c],
            [dim(rng), c],
            [1, c],
          ]
        : [
            [r, c],
            [r, dim(rng)],
          ];
    },
    run: (xs) => E.concat(xs, axis),
    ref: (xs) => R.concat(xs, axis),
  })),
  {
    name: "gather",
    shapes: (rng) => [[dim(rng, 2, 6), dim(rng)]],
    run: ([t]) => E.gather(t, [1, 0, 1, t.shape[0] - 1]),
    ref: ([t]) => R.gather(t, [1, 0, 1, t.shape[0] - 1]),
  },
  {
    name: "composite: tanh MLP with softmax cross-entropy",
    shapes: (rng) => {
      const b = dim(rng),
        i = dim(rng),
        h = dim(rng);
      return [[b, i], [i, h], [h], [h, 3]];
    },
    run: ([x, w1, b1, w2]) => E.logSoftmax(E.matmul(E.tanh(E.add(E.matmul(x, w1), b1)), w2)),
    ref: ([x, w1, b1, w2]) =>
      R.softmaxRows(
        R.matmul(
          R.map(
            R.broadcast2(R.matmul(x, w1, false, false), b1, (p, q) => p + q),
            Math.tanh,
          ),
          w2,
          false,
          false,
        ),
        true,
      ),
  },
];

describe("every op's gradient matches finite differences of its f64 reference", () => {
  for (const spec of specs) {
    it(spec.name, () => {
      const rng = new Random(spec.name.length * 7919 + spec.name.charCodeAt(0));
      for (let trial = 0; trial < 6; trial++) {
        const inputs = spec
          .shapes(rng)
          .map((shape) => ({ shape, data: sample(rng, R.size(shape), spec.domain ?? "any") }));
        checkGradient(
          { inputs, run: spec.run, ref: spec.ref },
          rng,
          `${spec.name} #${trial} ${JSON.stringify(inputs.map((x) => x.shape))}`,
        );
      }
    });
  }
});
