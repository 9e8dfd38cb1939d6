/**
 * The contract every public op is held to under random arguments: it either returns what the f64
 * reference says (rounded to f32, the engine's precision), or throws a clear Error naming the op,
 * never a WebAssembly trap, never a silent wrong answer, and never a leak. The reference also
 * decides validity: where it returns null the op must throw.
 */
import { expect } from "vitest";
import fc from "fast-check";
import * as E from "../../src/index.ts";
import type { Tensor } from "../../src/tensor/tensor.ts";
import { heap, gemmWorkspace } from "../../src/wasm/module.ts";
import { Random } from "../../src/random.ts";
import * as R from "../autodiff/reference.ts";

export type Domain = "any" | "finite" | "positive";
/** A tensor argument: its shape and the seed of its values. */
export interface Input {
  shape: number[];
  seed: number;
  domain: Domain;
}

/** Dimensions biased to the edges: 0 and 1, small, and 17 (a SIMD loop plus a scalar tail). */
export const dim = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1) },
  { weight: 4, arbitrary: fc.integer({ min: 2, max: 5 }) },
  { weight: 1, arbitrary: fc.constant(17) },
);
export const shapeOf = (minRank = 0, maxRank = 3) => fc.array(dim, { minLength: minRank, maxLength: maxRank });
export const input = (shape: fc.Arbitrary<number[]>, domain: Domain = "finite"): fc.Arbitrary<Input> =>
  fc.record({ shape, seed: fc.integer({ min: 0, max: 2 ** 30 }), domain: fc.constant(domain) });

const SPECIALS: Record<Domain, number[]> = {
  any: [0, 1, -1, 100, -100, Infinity, -Infinity],
  finite: [0, 1, -1, 100, -100, 0.5],
  positive: [1, 100, 0.5, 1e-3],
};

/** The values of an input: mostly N(0, 2²), with the domain's special values mixed in. */
export function valuesOf({ shape, seed, domain }: Input): Float32Array {
  const rng = new Random(seed);
  const specials = SPECIALS[domain];
  return Float32Array.from({ length: R.size(shape) }, () => {
    if (rng.int(5) === 0) return specials[rng.int(specials.length)];
    const v = 2 * rng.normal();
    return domain === "positive" ? Math.abs(v) + 1e-3 : v;
  });
}

/** Every failure must be an Error (not a trap) whose message names the op. */
export function expectClearError(err: unknown, names: RegExp): void {
  expect(err, "a WebAssembly trap escaped").not.toBeInstanceOf(WebAssembly.RuntimeError);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message, `the message should name the op (${names})`).toMatch(names);
}

/**
 * f32 result against the f64 reference rounded to f32: NaN where it is NaN, the same infinity
 * where it is infinite, else within atol + rel·|want|.
 */
export function expectMatches(
  got: ArrayLike<number>,
  want: ArrayLike<number>,
  atol: number,
  rel = 2e-6,
  what = "value",
): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = Math.fround(want[i]),
      g = got[i];
    if (Number.isNaN(w)) expect(g, `${what}[${i}] should be NaN`).toBeNaN();
    else if (!Number.isFinite(w)) expect(g, `${what}[${i}]`).toBe(w);
    else
      expect(Math.abs(g - w), `${what}[${i}]: got ${g}, reference ${w}`).toBeLessThanOrEqual(atol + rel * Math.abs(w));
  }
}

export interface Spec<A> {
  name: string;
  /** What the error message must name. */
  errors: RegExp;
  arb: fc.Arbitrary<{ inputs: Input[]; args: A }>;
  run: (xs: Tensor[], args: A) => Tensor | Int32Array;
  /** The answer in f64, or null where the arguments are invalid and the op must throw. */
  ref: (xs: R.Ref[], args: A) => R.Ref | null;
  /** Valid for the reference, yet allowed to be refused (a documented subset), judged by the error. */
  mayRefuse?: (xs: R.Ref[], args: A, err: Error) => boolean;
  /** Absolute tolerance for this case (default 1e-6). */
  atol?: (xs: R.Ref[], args: A) => number;
  rel?: number;
  /** Linear or bilinear ops: also check the gradient of Σ w·op(x) against the reference's adjoint. */
  linear?: boolean;
}

gemmWorkspace(); // allocated on first use and kept for good: not a leak, so count it in from the start

/** One case of a spec; returns what happened, for the coverage counts. */
export function runCase<A>(
  spec: Spec<A>,
  { inputs, args }: { inputs: Input[]; args: A },
): "matched" | "refused" | "rejected" {
  const before = heap.inUse;
  const xs = inputs.map((i) => E.tensor(valuesOf(i), i.shape));
  const refs = xs.map((t) => R.ref([...t.shape], t.toArray()));
  let outcome: "matched" | "refused" | "rejected";
  try {
    const want = spec.ref(refs, args);
    let got: Tensor | Int32Array | undefined, err: unknown;
    try {
      got = spec.run(xs, args);
    } catch (e) {
      err = e;
    }
    if (err !== undefined) {
      expectClearError(err, spec.errors);
      if (want)
        expect(
          spec.mayRefuse?.(refs, args, err as Error) ?? false,
          `refused valid arguments: ${(err as Error).message}`,
        ).toBe(true);
      outcome = want ? "refused" : "rejected";
    } else {
      expect(
        want,
        `accepted invalid arguments and returned ${got instanceof Int32Array ? "indices" : (got as Tensor).toString()}`,
      ).not.toBeNull();
      if (got instanceof Int32Array) {
        expect(Array.from(got)).toEqual(Array.from(want!.data));
      } else {
        expect([...got!.shape]).toEqual(want!.shape);
        expectMatches(got!.toArray(), want!.data, spec.atol?.(refs, args) ?? 1e-6, spec.rel);
        got!.free();
        if (spec.linear) checkAdjoint(spec, xs, refs, args);
      }
      outcome = "matched";
    }
  } finally {
    xs.forEach((t) => t.free());
  }
  expect(heap.inUse, "memory leaked").toBe(before);
  return outcome;
}

/**
 * For a linear op y = A x, the gradient of Σ w·y is Aᵀ w: compare it with the reference's
 * directional derivatives, ⟨∂, e_j⟩ = Σ w·ref(e_j), exact in f64 for linear ops. For a bilinear op
 * (matmul), with the other operand fixed, the same holds input by input.
 */
function checkAdjoint<A>(spec: Spec<A>, xs: Tensor[], refs: R.Ref[], args: A): void {
  const total = refs.reduce((s, r) => s + r.data.length, 0);
  if (total > 200) return; // cost is quadratic; small cases cover the index arithmetic
  const base = spec.ref(refs, args)!;
  const w = Float64Array.from(valuesOf({ shape: base.shape, seed: total + 7, domain: "finite" }));
  const wt = E.tensor(w, base.shape);
  const { grads } = E.valueAndGrad(() => E.sum(E.mul(spec.run(xs, args) as Tensor, wt)), xs);
  wt.free();
  refs.forEach((r, k) => {
    const g = grads[k];
    expect([...g.shape], `gradient ${k} shape`).toEqual(r.shape);
    // Input k enters linearly, the others held fixed: ∂_j = Σ w·(ref(…e_j…) − ref(…0…)).
    const withK = (data: Float64Array) =>
      spec.ref(
        refs.map((q, i) => (i === k ? R.ref(q.shape, data) : q)),
        args,
      )!;
    const zero = withK(new Float64Array(r.data.length));
    const want = new Float64Array(r.data.length);
    for (let j = 0; j < want.length; j++) {
      const y = withK(Float64Array.from({ length: r.data.length }, (_, m) => (m === j ? 1 : 0)));
      let s = 0;
      for (let m = 0; m < y.data.length; m++) s += w[m] * (y.data[m] - zero.data[m]);
      want[j] = s;
    }
    const scale =
      1 +
      Math.max(0, ...Array.from(w, Math.abs)) *
        Math.max(1, ...refs.map((q) => Math.max(0, ...Array.from(q.data, Math.abs))));
    expectMatches(g.toArray(), want, 1e-5 * scale * Math.max(1, base.data.length), 1e-5, `∂/∂x${k}`);
  });
  new Set(grads).forEach((g) => g.free());
}

// ---- f64 references for what test/autodiff/reference.ts does not cover ----

/** NumPy's broadcast shape, or null. */
export function numpyShape(a: number[], b: number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const pa = [...Array(rank - a.length).fill(1), ...a],
    pb = [...Array(rank - b.length).fill(1), ...b];
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    if (pa[i] === pb[i] || pb[i] === 1) out.push(pa[i]);
    else if (pa[i] === 1) out.push(pb[i]);
    else return null;
  }
  return out;
}

/** f(a, b) under NumPy broadcasting (size-0 dimensions included), or null. */
export function numpyBroadcast(a: R.Ref, b: R.Ref, f: (x: number, y: number) => number): R.Ref | null {
  const shape = numpyShape(a.shape, b.shape);
  if (!shape) return null;
  const rank = shape.length;
  const pa = [...Array(rank - a.shape.length).fill(1), ...a.shape],
    pb = [...Array(rank - b.shape.length).fill(1), ...b.shape];
  const data = new Float64Array(R.size(shape));
  for (let i = 0; i < data.length; i++) {
    let rest = i,
      ia = 0,
      ib = 0,
      sa = 1,
      sb = 1;
    for (let k = rank - 1; k >= 0; k--) {
      const c = rest % shape[k];
      rest = Math.floor(rest / shape[k]);
      if (pa[k] !== 1) ia += c * sa;
      if (pb[k] !== 1) ib += c * sb;
      sa *= pa[k];
      sb *= pb[k];
    }
    data[i] = f(a.data[ia], b.data[ib]);
  }
  return { shape, data };
}

export const isCount = (d: unknown) => Number.isInteger(d) && (d as number) >= 0;
export const validAxis = (axis: unknown, rank: number) =>
  Number.isInteger(axis) && (axis as number) >= -rank && (axis as number) < rank;
