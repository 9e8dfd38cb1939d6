/**
 * Property-based tests of every public tensor op with random shapes (0 and 1 included), random
 * and mismatched arguments: each case either matches the f64 reference or throws a clear Error
 * naming the op (contract.ts). Seeded, so a failure replays.
 */
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import * as E from "../../src/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import * as R from "../autodiff/reference.ts";
import {
  dim,
  expectClearError,
  expectMatches,
  input,
  isCount,
  numpyBroadcast,
  numpyShape,
  runCase,
  shapeOf,
  validAxis,
  type Domain,
  type Input,
  type Spec,
} from "./contract.ts";
import { heap, f32View } from "../../src/wasm/module.ts";
import { Random } from "../../src/random.ts";
import { crossEntropy, mse, binaryCrossEntropyWithLogits } from "../../src/nn/index.ts";
import {
  adam,
  ArrayOptimizer,
  clipByGlobalNorm,
  clipByValue,
  freeState,
  inspectState,
  type OptimState,
} from "../../src/optim/index.ts";
import { cases } from "../optim/cases.ts";
import { inF32, type RefState } from "../optim/reference.ts";

const RUNS = 150;
const SEED = 20240611;

/** A second shape related to the first: equal, a suffix, ones put in, a prefix added, or unrelated. */
const relatedShape = (s: number[]) =>
  fc.oneof(
    fc.constant(s),
    fc.integer({ min: 0, max: s.length }).map((k) => s.slice(k)),
    fc
      .array(fc.boolean(), { minLength: s.length, maxLength: s.length })
      .map((ones) => s.map((d, i) => (ones[i] ? 1 : d))),
    fc.tuple(dim, fc.boolean()).map(([d, keep]) => (keep ? [d, ...s] : [...s.slice(0, -1), d])),
    shapeOf(),
  );

const oneInput = <A>(args: fc.Arbitrary<A>, domain: Domain = "finite", shape = shapeOf()) =>
  fc.record({ inputs: input(shape, domain).map((i) => [i]), args });

/** Reduce along an axis or everything, with f over each fibre; null for a bad axis. */
function reduceRef(x: R.Ref, axis: number | undefined, keep: boolean, f: (xs: number[]) => number): R.Ref | null {
  if (axis !== undefined && !validAxis(axis, x.shape.length)) return null;
  return R.reduce(x, axis, keep, f);
}
const fibre = (x: R.Ref, axis: number | undefined) =>
  axis === undefined ? x.data.length : x.shape[axis < 0 ? axis + x.shape.length : axis];
const maxAbs = (x: R.Ref) => x.data.reduce((m, v) => (Number.isFinite(v) ? Math.max(m, Math.abs(v)) : m), 0);

function unary(
  name: string,
  f: (x: Tensor) => Tensor,
  g: (x: number) => number,
  domain: Domain = "any",
  rel = 2e-6,
): Spec<null> {
  return {
    name,
    errors: new RegExp(name),
    arb: oneInput(fc.constant(null), domain),
    run: ([x]) => f(x),
    ref: ([x]) => R.map(x, g),
    rel,
  };
}

function binary(
  name: string,
  f: (a: Tensor, b: Tensor) => Tensor,
  g: (x: number, y: number) => number,
  linear = false,
): Spec<null> {
  return {
    name,
    errors: new RegExp(name),
    linear,
    arb: shapeOf().chain((s) =>
      fc.record({
        inputs: fc
          .tuple(input(fc.constant(s), linear ? "finite" : "any"), input(relatedShape(s), linear ? "finite" : "any"))
          .map((p) => [...p]),
        args: fc.constant(null),
      }),
    ),
    run: ([a, b]) => f(a, b),
    ref: ([a, b]) => numpyBroadcast(a, b, g),
    // The engine broadcasts when the missing dimensions of the smaller operand form one block;
    // other NumPy patterns are refused by name. Same shape, a suffix, or a single value never are.
    mayRefuse: ([a, b], _, err) => {
      const simple = (p: number[], q: number[]) =>
        R.size(q) === 1 || (q.length <= p.length && q.every((d, i) => d === p[p.length - q.length + i]));
      return /do not broadcast/.test(err.message) && !simple(a.shape, b.shape) && !simple(b.shape, a.shape);
    },
  };
}

/** How many values the tensor() case passes: the shape's size (bad dimensions read as 1), off by `extra`. */
const valuesFor = (shape: number[], extra: number) =>
  Math.max(0, R.size(shape.map((d) => (isCount(d) ? d : 1))) + extra);

/** A spec with its argument type hidden, so specs of different argument types share one list: use(spec) runs use on it. */
type SomeSpec = (use: <A>(spec: Spec<A>) => void) => void;
const some =
  <A>(spec: Spec<A>): SomeSpec =>
  (use) =>
    use(spec);

const scalarPool = fc.constantFrom(0.5, -2, 0, 1e30, 1e-30, 1e-39, NaN, Infinity, -Infinity, 3);

const specs: SomeSpec[] = [
  // ---- elementwise ----
  some(binary("add", E.add, (x, y) => x + y, true)),
  some(binary("sub", E.sub, (x, y) => x - y, true)),
  some(binary("mul", E.mul, (x, y) => x * y)),
  some(binary("div", E.div, (x, y) => x / y)),
  some(unary("neg", E.neg, (x) => -x)),
  some(unary("exp", E.exp, Math.exp, "any", 4e-6)),
  some(unary("log", E.log, Math.log, "any", 4e-6)),
  some(unary("sqrt", E.sqrt, Math.sqrt)),
  some(unary("abs", E.abs, Math.abs)),
  some(unary("square", E.square, (x) => x * x)),
  some(unary("relu", E.relu, (x) => (x > 0 ? x : 0))),
  some(unary("sigmoid", E.sigmoid, R.sigmoid, "any", 4e-6)),
  some(unary("tanh", E.tanh, Math.tanh, "any", 4e-6)),
  some({
    name: "add/mul/div by a number",
    errors: /Scalar/,
    arb: oneInput(fc.tuple(fc.constantFrom("add", "sub", "mul", "div"), scalarPool)),
    run: ([x], [op, s]) => E[op](x, s),
    ref: ([x], [op, s]) =>
      R.map(x, (v) => (op === "add" ? v + s : op === "sub" ? v - s : op === "mul" ? v * s : v / s)),
  }),
  some({
    name: "pow",
    errors: /pow/,
    arb: oneInput(fc.constantFrom(2, 3, 0.5, -1, 0, -0.5, 1.5, NaN, Infinity), "any"),
    rel: 8e-6,
    run: ([x], p) => E.pow(x, p),
    // p = 0.5 is sqrt by design (documented in assembly/elementwise.ts: pow(-∞, 0.5) is NaN there, unlike IEEE pow).
    ref: ([x], p) => (Number.isFinite(p) ? R.map(x, (v) => (p === 0.5 ? Math.sqrt(v) : Math.pow(v, p))) : null),
  }),
  some({
    name: "leakyRelu",
    errors: /leakyRelu/,
    arb: oneInput(fc.constantFrom(0.01, 0, -1, 2, NaN, Infinity), "any"),
    run: ([x], s) => E.leakyRelu(x, s),
    ref: ([x], s) => (Number.isFinite(s) ? R.map(x, (v) => (v > 0 ? v : s === 0 ? 0 : s * v)) : null),
  }), // slope 0 is relu, also at -∞

  // ---- products and reductions ----
  some({
    name: "matmul",
    errors: /matmul/,
    linear: true,
    arb: fc.record({
      inputs: fc
        .tuple(dim, dim, dim, fc.boolean(), fc.constantFrom(0, 0, 0, 1, -1), fc.constantFrom(2, 2, 2, 2, 1, 3))
        .chain(([m, k, n, tA, dk, rank]) =>
          fc
            .tuple(
              input(fc.constant(rank === 2 ? (tA ? [k, m] : [m, k]) : rank === 1 ? [k] : [1, m, k])),
              input(fc.constant([Math.max(0, k + dk), n])),
            )
            .map((p) => [...p]),
        ),
      args: fc.record({ transA: fc.boolean(), transB: fc.boolean() }),
    }),
    run: ([a, b], o) => E.matmul(a, b, o),
    ref: ([a, b], { transA, transB }) => {
      if (a.shape.length !== 2 || b.shape.length !== 2) return null;
      const ka = transA ? a.shape[0] : a.shape[1],
        kb = transB ? b.shape[1] : b.shape[0];
      return ka === kb ? R.matmul(a, b, transA, transB) : null;
    },
    atol: ([a, b]) => 1e-6 * (1 + Math.max(...a.shape, ...b.shape) * maxAbs(a) * maxAbs(b)),
  }),
  ...(["sum", "mean", "max"] as const)
    .map((name): Spec<{ axis?: number; keep: boolean }> => ({
      name,
      errors: new RegExp(name),
      linear: name !== "max",
      arb: oneInput(
        fc.record({ axis: fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined }), keep: fc.boolean() }),
      ),
      run: ([x], { axis, keep }) => E[name](x, axis, keep),
      ref: ([x], { axis, keep }) => {
        if (name === "max" && axis !== undefined && validAxis(axis, x.shape.length) && fibre(x, axis) === 0)
          return null;
        if (name === "max" && axis === undefined && x.data.length === 0) return null;
        return reduceRef(
          x,
          axis,
          keep,
          name === "sum" ? R.sumOf : name === "mean" ? (xs) => R.sumOf(xs) / xs.length : (xs) => Math.max(...xs),
        );
      },
      atol: ([x], { axis }) =>
        1e-6 * (1 + (validAxis(axis, x.shape.length) || axis === undefined ? fibre(x, axis) : 0) * maxAbs(x)),
    }))
    .map(some),
  some({
    name: "argmax",
    errors: /argmax/,
    arb: oneInput(fc.option(fc.integer({ min: -4, max: 4 }), { nil: undefined })),
    run: ([x], axis) => E.argmax(x, axis),
    ref: ([x], axis = -1) => {
      if (!validAxis(axis, x.shape.length) || fibre(x, axis) === 0) return null;
      const r = R.reduce(x, axis, false, (xs) => xs.indexOf(Math.max(...xs)));
      return r;
    },
  }),
  some({
    name: "softmax",
    errors: /softmax/,
    arb: oneInput(fc.constant(null)),
    run: ([x]) => E.softmax(x),
    ref: ([x]) => (x.shape.length === 0 ? null : R.softmaxRows(x, false)),
  }),
  some({
    name: "logSoftmax",
    errors: /logSoftmax/,
    arb: oneInput(fc.constant(null)),
    run: ([x]) => E.logSoftmax(x),
    ref: ([x]) => (x.shape.length === 0 ? null : R.softmaxRows(x, true)),
    atol: ([x]) => 1e-6 * (1 + maxAbs(x)),
  }),

  // ---- layout ----
  some({
    name: "reshape",
    errors: /reshape/,
    linear: true,
    arb: shapeOf().chain((s) =>
      fc.record({
        inputs: input(fc.constant(s)).map((i) => [i]),
        args: fc.oneof(
          fc.constant<number[]>([R.size(s)]),
          fc.constant<number[]>([...s].reverse()),
          fc.constant<number[]>([1, R.size(s), 1]),
          fc.integer({ min: 0, max: Math.max(0, s.length - 1) }).map((k) => s.map((d, i) => (i === k ? -1 : d))),
          fc.array(fc.constantFrom(-1, -2, 0, 1, 2, 3, 1.5, NaN), { maxLength: 3 }),
        ),
      }),
    ),
    run: ([x], shape) => E.reshape(x, shape),
    ref: ([x], shape: number[]) => {
      const holes = shape.filter((d) => d === -1).length;
      const known = shape.filter((d) => d !== -1);
      if (holes > 1 || !known.every(isCount)) return null;
      const rest = R.size(known);
      if (holes === 1 && (rest === 0 || x.data.length % rest !== 0)) return null;
      const target = shape.map((d) => (d === -1 ? x.data.length / rest : d));
      return R.size(target) === x.data.length ? { shape: target, data: x.data } : null;
    },
  }),
  some({
    name: "transpose",
    errors: /transpose/,
    linear: true,
    arb: oneInput(fc.constant(null)),
    run: ([x]) => E.transpose(x),
    ref: ([x]) => (x.shape.length === 2 ? R.transpose(x) : null),
  }),
  some({
    name: "slice",
    errors: /slice|axis/,
    linear: true,
    // Windows inside a real axis mostly; bad axes, the edges and past them sometimes.
    arb: shapeOf(1, 3).chain((s) =>
      fc.record({
        inputs: input(fc.constant(s)).map((i) => [i]),
        args: fc.integer({ min: -s.length, max: s.length - 1 }).chain((axis) => {
          const len = s[axis < 0 ? axis + s.length : axis];
          return fc.oneof(
            {
              weight: 4,
              arbitrary: fc
                .tuple(fc.constant(axis), fc.integer({ min: 0, max: len }), fc.integer({ min: 0, max: len }))
                .map(([a, x, y]) => [a, Math.min(x, y), Math.max(x, y)]),
            },
            {
              weight: 2,
              arbitrary: fc.tuple(
                fc.constantFrom(axis, s.length, -s.length - 1, 0.5),
                fc.constantFrom(-1, 0, 1, 1.5, len),
                fc.constantFrom(0, len, len + 1, 1.5, -1),
              ),
            },
          );
        }),
      }),
    ),
    run: ([x], [axis, start, end]) => E.slice(x, axis, start, end),
    ref: ([x], [axis, start, end]) => {
      if (!validAxis(axis, x.shape.length)) return null;
      const ax = axis < 0 ? axis + x.shape.length : axis;
      if (!Number.isInteger(end) || start < 0 || end > x.shape[ax] || start > end) return null;
      return R.slice(x, ax, start, end);
    },
  }),
  some({
    name: "concat",
    errors: /concat/,
    linear: true,
    arb: fc.record({
      inputs: fc
        .tuple(shapeOf(0, 3), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }))
        .chain(([s, count, ax]) =>
          fc
            .array(
              fc.oneof(
                { weight: 4, arbitrary: dim.map((d) => s.map((x, i) => (i === ax ? d : x))) },
                { weight: 1, arbitrary: shapeOf() },
              ),
              { minLength: count, maxLength: count },
            )
            .chain((shapes) => fc.tuple(...shapes.map((q) => input(fc.constant(q))))),
        )
        .map((p) => [...p] as Input[]),
      args: fc.integer({ min: -3, max: 3 }),
    }),
    run: (xs, axis) => E.concat(xs, axis),
    ref: (xs, axis) => {
      if (xs.length === 0) return null;
      const rank = xs[0].shape.length;
      if (!validAxis(axis, rank)) return null;
      const ax = axis < 0 ? axis + rank : axis;
      if (xs.some((x) => x.shape.length !== rank || x.shape.some((d, i) => i !== ax && d !== xs[0].shape[i])))
        return null;
      return R.concat(xs, ax);
    },
  }),
  some({
    name: "gather",
    errors: /gather/,
    linear: true,
    arb: oneInput(
      fc.array(
        fc.oneof(
          { weight: 8, arbitrary: fc.integer({ min: -1, max: 6 }) },
          { weight: 1, arbitrary: fc.constantFrom(0.5, NaN) },
        ),
        { maxLength: 6 },
      ),
      "finite",
      fc.oneof(
        { weight: 4, arbitrary: fc.tuple(dim, dim).map((p) => [...p]) },
        { weight: 1, arbitrary: shapeOf(1, 3) },
      ),
    ),
    run: ([t], idx) => E.gather(t, idx),
    ref: ([t], idx: number[]) =>
      t.shape.length === 2 && idx.every((k) => isCount(k) && k < t.shape[0]) ? R.gather(t, idx) : null,
  }),
  some({
    name: "broadcastTo",
    errors: /broadcast/,
    linear: true,
    arb: shapeOf().chain((s) =>
      fc.record({
        inputs: input(fc.constant(s)).map((i) => [i]),
        args: fc.oneof(
          fc
            .tuple(fc.array(dim, { maxLength: 2 }), fc.array(dim, { minLength: s.length, maxLength: s.length }))
            .map(([pre, ds]) => [...pre, ...s.map((d, i) => (d === 1 ? ds[i] : d))]),
          shapeOf(),
          fc.constant<number[]>([...s, -1]),
          fc.constant<number[]>([1.5, ...s]),
        ),
      }),
    ),
    run: ([x], shape) => E.broadcastTo(x, shape),
    ref: ([x], shape: number[]) => {
      if (!shape.every(isCount) || x.shape.length > shape.length) return null;
      const out = numpyShape(shape, x.shape);
      if (!out || out.some((d, i) => d !== shape[i])) return null;
      return numpyBroadcast(R.ref(shape, new Float64Array(R.size(shape))), x, (_, v) => v);
    },
    mayRefuse: (_, __, err) => /cannot broadcast/.test(err.message),
  }),

  // ---- creation ----
  some({
    name: "tensor",
    errors: /tensor/,
    arb: fc.record({
      inputs: fc.constant([]),
      args: fc.tuple(
        fc.array(fc.constantFrom(0, 1, 2, 3, -1, 1.5, NaN), { maxLength: 3 }),
        fc.integer({ min: -1, max: 1 }),
      ),
    }),
    run: (_, [shape, extra]) =>
      E.tensor(
        Array.from({ length: valuesFor(shape, extra) }, (_, i) => i),
        shape,
      ),
    ref: (_, [shape, extra]) =>
      shape.every(isCount) && valuesFor(shape, extra) === R.size(shape)
        ? R.ref(
            shape,
            Array.from({ length: R.size(shape) }, (_, i) => i),
          )
        : null,
  }),
  some({
    name: "full",
    errors: /full/,
    arb: fc.record({
      inputs: fc.constant([]),
      args: fc.tuple(fc.array(fc.constantFrom(0, 1, 2, 17, -1, 1.5, NaN), { maxLength: 3 }), scalarPool),
    }),
    run: (_, [shape, v]) => E.full(shape, v),
    ref: (_, [shape, v]) => (shape.every(isCount) ? R.ref(shape, new Float64Array(R.size(shape)).fill(v)) : null),
  }),
  some({
    name: "copyOf",
    errors: /copy/,
    arb: oneInput(fc.constant(null), "any"),
    run: ([x]) => E.copyOf(x),
    ref: ([x]) => x,
  }),
  some({
    name: "zerosLike",
    errors: /full/,
    arb: oneInput(fc.constant(null)),
    run: ([x]) => E.zerosLike(x),
    ref: ([x]) => R.ref(x.shape, new Float64Array(x.data.length)),
  }),
  some({
    name: "uniform",
    errors: /uniform/,
    arb: fc.record({
      inputs: fc.constant([]),
      args: fc.tuple(
        fc.array(fc.constantFrom(0, 1, 3, 17, -1, 0.5), { maxLength: 3 }),
        fc.integer({ min: 0, max: 1000 }),
      ),
    }),
    // Seeded: the reference draws the same numbers from the same generator.
    run: (_, [shape, seed]) => E.uniform(shape, new Random(seed), -2, 3),
    ref: (_, [shape, seed]) => {
      if (!shape.every(isCount)) return null;
      const r = new Random(seed);
      return R.ref(
        shape,
        Array.from({ length: R.size(shape) }, () => r.range(-2, 3)),
      );
    },
  }),

  // ---- losses (nn): shapes, labels and targets ----
  some({
    name: "crossEntropy",
    errors: /crossEntropy/,
    linear: false,
    arb: fc.tuple(dim, dim).chain(([n, c]) =>
      fc.record({
        inputs: fc
          .oneof({ weight: 4, arbitrary: fc.constant([n, c] as number[]) }, { weight: 1, arbitrary: shapeOf() })
          .chain((s) => input(fc.constant(s)).map((i) => [i])),
        args: fc.oneof(
          {
            weight: 3,
            arbitrary: fc.array(fc.integer({ min: 0, max: Math.max(0, c - 1) }), { minLength: n, maxLength: n }),
          },
          {
            weight: 1,
            arbitrary: fc.array(fc.oneof(fc.integer({ min: -1, max: c }), fc.constant(0.5)), {
              minLength: Math.max(0, n - 1),
              maxLength: n + 1,
            }),
          },
        ),
      }),
    ),
    run: ([z], labels) => crossEntropy(z, labels),
    ref: ([z], labels: number[]) => {
      if (z.shape.length !== 2) return null;
      const [n, c] = z.shape;
      if (n === 0 || labels.length !== n || !labels.every((k) => isCount(k) && k < c)) return null;
      const lsm = R.softmaxRows(z, true).data;
      return R.ref([], [-labels.reduce((s, k, i) => s + lsm[i * c + k], 0) / n]);
    },
    atol: ([z]) => 1e-6 * (1 + maxAbs(z)),
  }),
  ...(
    [
      ["mse", (o: Tensor, t: Tensor) => mse(o, t), (x: number, y: number) => (x - y) ** 2],
      [
        "binaryCrossEntropyWithLogits",
        (o: Tensor, t: Tensor) => binaryCrossEntropyWithLogits(o, t),
        (z: number, y: number) => Math.max(z, 0) - z * y + Math.log1p(Math.exp(-Math.abs(z))),
      ],
    ] as const
  )
    .map(([name, f, g]): Spec<null> => ({
      name,
      errors: new RegExp(name),
      arb: shapeOf().chain((s) =>
        fc.record({
          inputs: fc.tuple(input(fc.constant(s)), input(relatedShape(s))).map((p) => [...p]),
          args: fc.constant(null),
        }),
      ),
      run: ([o, t]) => f(o, t),
      ref: ([o, t]) => {
        if (
          o.shape.length === 0 ||
          o.shape[0] === 0 ||
          o.shape.length !== t.shape.length ||
          o.shape.some((d, i) => d !== t.shape[i])
        )
          return null;
        return R.ref([], [o.data.reduce((s, v, i) => s + g(v, t.data[i]), 0) / o.data.length]);
      },
      atol: ([o, t]) => 1e-6 * (1 + maxAbs(o) * maxAbs(t) + maxAbs(o) ** 2),
    }))
    .map(some),
];

describe("every op either matches its f64 reference or throws a clear error naming it", () => {
  const check = <A>(spec: Spec<A>) =>
    it(spec.name, () => {
      const seen = { matched: 0, refused: 0, rejected: 0 };
      fc.assert(
        fc.property(spec.arb, (c) => {
          seen[runCase(spec, c)]++;
        }),
        { numRuns: RUNS, seed: SEED },
      );
      // The generators must reach both sides of the contract, or the test proves little.
      expect(seen.matched, JSON.stringify(seen)).toBeGreaterThan(RUNS / 10);
      if (
        !/^(neg|exp|log|sqrt|abs|square|relu|sigmoid|tanh|add\/mul\/div by a number|copyOf|zerosLike)$/.test(spec.name)
      ) {
        expect(seen.rejected, JSON.stringify(seen)).toBeGreaterThan(RUNS / 20);
      }
    });
  for (const spec of specs) spec(check);
});

// ---- kernel wrappers: the optimizers' update and gradient clipping ----

interface UpdateCase {
  n: number;
  dParams: number;
  dGrads: number;
  pointer: "buffer" | "number" | "misaligned" | "past the end";
  foreign: boolean;
  steps: number;
  seed: number;
}

const updateCase: fc.Arbitrary<UpdateCase> = fc.record({
  n: fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(0, 1, 3, 5, 17, 33) },
    { weight: 1, arbitrary: fc.constantFrom(-1, 1.5, NaN) },
  ),
  dParams: fc.constantFrom(0, 0, 0, 0, 1, -1),
  dGrads: fc.constantFrom(0, 0, 0, 0, 1, -1),
  pointer: fc.constantFrom("buffer", "buffer", "number", "misaligned", "past the end"),
  foreign: fc.constantFrom(false, false, false, true),
  steps: fc.integer({ min: 1, max: 3 }),
  seed: fc.integer({ min: 0, max: 2 ** 30 }),
});

/** One family each (the first compat form listed for it): the equation, not the option matrix, is under test here. */
const families = cases.filter((c, i) => cases.findIndex((d) => d.make().name === c.make().name) === i);

describe("every optimizer's update either matches its reference equation or throws naming the optimizer", () => {
  it.each(families.map((c) => [c.make().name, c] as const))("%s", (name, { make, reference }) => {
    const seen = { matched: 0, rejected: 0 };
    fc.assert(
      fc.property(updateCase, (c) => {
        const before = heap.inUse;
        const opt = make();
        // A bare pointer carries no length to check (the raw form trusts the caller): only sizes that agree.
        if (c.pointer === "number") c = { ...c, dParams: 0, dGrads: 0 };
        const len = (d: number) => (isCount(c.n) ? Math.max(0, c.n + d) : 4);
        const valid =
          isCount(c.n) &&
          len(c.dParams) === c.n &&
          len(c.dGrads) === c.n &&
          c.pointer !== "misaligned" &&
          (c.pointer !== "past the end" || c.n === 0) &&
          !c.foreign;
        const rng = new Random(c.seed);
        const params = heap.alloc(len(c.dParams) * 4),
          grads = heap.alloc(len(c.dGrads) * 4);
        let state: OptimState | null = null,
          other: OptimState | null = null;
        try {
          const w0 = Float32Array.from({ length: len(c.dParams) }, () => rng.normal());
          f32View(params, w0.length).set(w0);
          // "past the end": a buffer whose last elements lie beyond the module's memory (a trap if unchecked).
          const arg = (ptr: number, length: number) =>
            c.pointer === "number"
              ? ptr
              : c.pointer === "misaligned"
                ? { ptr: ptr + 2, length }
                : c.pointer === "past the end"
                  ? { ptr: heap.capacity - 4 * Math.max(0, length - 1), length }
                  : { ptr, length };
          state = opt.init(c.n);
          if (c.foreign) other = (name === "sgd" ? families[1] : families[0]).make().init(c.n);
          const buf: Record<string, Float64Array> = {};
          for (const [k, v] of Object.entries(inspectState(state))) buf[k] = Float64Array.from(v);
          const refState: RefState = { t: 0, buf, scalars: {} };
          const w = Float64Array.from(w0);
          for (let step = 0; step < c.steps; step++) {
            const g = Float32Array.from({ length: len(c.dGrads) }, () => rng.normal());
            f32View(grads, g.length).set(g);
            const lr = opt.lrAt(state.step);
            opt.update(arg(params, len(c.dParams)), arg(grads, len(c.dGrads)), other ?? state);
            refState.t = step + 1;
            reference(opt.options, lr, w, Float64Array.from(g), refState, inF32);
          }
          expect(valid, "accepted invalid arguments").toBe(true);
          const got = f32View(params, w.length);
          const scale = Math.max(1, ...Array.from(w, Math.abs));
          for (let i = 0; i < w.length; i++) expect(Math.abs(got[i] - w[i])).toBeLessThanOrEqual(1e-6 * scale);
          seen.matched++;
        } catch (err) {
          if ((err as Error).name === "AssertionError") throw err;
          expectClearError(err, new RegExp(name));
          expect(valid, `refused valid arguments: ${(err as Error).message}`).toBe(false);
          seen.rejected++;
        } finally {
          if (state) freeState(state);
          if (other) freeState(other);
          heap.release(params);
          heap.release(grads);
        }
        expect(heap.inUse, "memory leaked").toBe(before);
      }),
      { numRuns: 60, seed: SEED },
    );
    expect(seen.matched).toBeGreaterThan(5);
    expect(seen.rejected).toBeGreaterThan(5);
  });

  it("ArrayOptimizer.step refuses arrays of the wrong length, naming the optimizer", () => {
    fc.assert(
      fc.property(fc.constantFrom(0, 1, 5), fc.constantFrom(-1, 0, 1), fc.constantFrom(-1, 0, 1), (n, dp, dg) => {
        const run = new ArrayOptimizer(adam({ lr: 0.1 }), n);
        try {
          const w = new Float32Array(Math.max(0, n + dp)),
            g = new Float32Array(Math.max(0, n + dg));
          let err: unknown;
          try {
            run.step(w, g);
          } catch (e) {
            err = e;
          }
          if (w.length === n && g.length === n) expect(err).toBeUndefined();
          else expectClearError(err, /adam: (params|grads) has \d+ elements, expected/);
        } finally {
          run.dispose();
        }
      }),
      { seed: SEED },
    );
  });

  it("clipping: by global norm and by value match their equations, bad limits are refused by name", () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(0, 1, 3, 17), { maxLength: 3 }),
        fc.constantFrom(0.5, 5, 1e6, 0, -1, NaN, Infinity),
        fc.integer({ min: 0, max: 2 ** 30 }),
        (lengths, limit, seed) => {
          const rng = new Random(seed);
          const before = heap.inUse;
          const ranges = lengths.map((length) => ({ ptr: heap.alloc(length * 4), length }));
          try {
            const data = ranges.map((r) => Float32Array.from({ length: r.length }, () => 3 * rng.normal()));
            ranges.forEach((r, i) => f32View(r.ptr, r.length).set(data[i]));
            const valid = Number.isFinite(limit) && limit > 0;
            let err: unknown,
              norm = 0;
            try {
              norm = clipByGlobalNorm(ranges, limit);
            } catch (e) {
              err = e;
            }
            if (!valid) {
              expectClearError(err, /clipByGlobalNorm: maxNorm/);
              expect(() => clipByValue(ranges, limit)).toThrow(/clipByValue: clipValue/);
              return;
            }
            // A range past the end of memory, or misaligned: refused by name, not a trap.
            for (const bad of [
              { ptr: heap.capacity - 8, length: 5 },
              { ptr: 2, length: 1 },
            ]) {
              let e: unknown;
              try {
                clipByValue([...ranges, bad], 1);
              } catch (x) {
                e = x;
              }
              expectClearError(e, /clipByValue: range \d+ \(pointer/);
              e = undefined;
              try {
                clipByGlobalNorm([bad], limit);
              } catch (x) {
                e = x;
              }
              expectClearError(e, /globalNorm: range 0/);
            }
            const want = Math.sqrt(data.reduce((s, d) => s + d.reduce((q, v) => q + v * v, 0), 0));
            expect(Math.abs(norm - want)).toBeLessThanOrEqual(1e-6 * (1 + want));
            const scale = want > limit ? limit / (want + 1e-6) : 1;
            ranges.forEach((r, i) =>
              expectMatches(
                f32View(r.ptr, r.length),
                Array.from(data[i], (v) => v * scale),
                1e-6,
                1e-5,
                "clipped",
              ),
            );
            clipByValue(ranges, 1);
            ranges.forEach((r, i) =>
              expectMatches(
                f32View(r.ptr, r.length),
                Array.from(data[i], (v) => Math.max(-1, Math.min(1, v * scale))),
                1e-6,
                1e-5,
                "clamped",
              ),
            );
          } finally {
            ranges.forEach((r) => heap.release(r.ptr));
          }
          expect(heap.inUse).toBe(before);
        },
      ),
      { numRuns: 100, seed: SEED },
    );
  });
});
