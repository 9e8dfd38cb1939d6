import { afterEach, describe, expect, it } from "vitest";
import { Binary, Unary } from "../../src/wasm/abi.ts";
import { Random } from "../../src/random.ts";
import { alloc, kernels, maxAbsError, maxUlpError, normal, put, read, releaseAll, sizes, uniform } from "./harness.ts";
import { binaryRef, unaryRef } from "./reference.ts";

afterEach(releaseAll);

const BINARY_OPS = [Binary.Add, Binary.Sub, Binary.Mul, Binary.Div, Binary.RSub, Binary.RDiv];

/** Index and values of the first element where got and want differ (NaN equals NaN, +0 differs from -0). */
function firstMismatch(got: ArrayLike<number>, want: ArrayLike<number>): string | null {
  for (let i = 0; i < want.length; i++) {
    if (!Object.is(got[i], want[i])) return `at ${i}: got ${got[i]}, want ${want[i]}`;
  }
  return null;
}

// One f32 rounding of the exact result: the f64 reference rounded once to f32 must match bit for bit
// (f64 has more than 2·24 + 2 bits, so rounding a + b, a·b, a/b or sqrt(a) via f64 is still exact).
const f32 = Math.fround;

describe("binary, binaryScalar: exact against the f64 reference rounded to f32", () => {
  for (const op of BINARY_OPS) {
    it(`${Binary[op]}: every size, aligned and +4 bytes, out separate or in place on either input`, () => {
      const rng = new Random(10 + op);
      for (const n of sizes(rng)) {
        for (const shift of [0, 4]) {
          for (const alias of ["none", "a", "b"] as const) {
            const a = uniform(rng, n, -4, 4),
              b = uniform(rng, n, -4, 4);
            const pa = put(a, shift),
              pb = put(b, 4 - shift);
            const out = alias === "a" ? pa : alias === "b" ? pb : alloc(n, shift);
            kernels.binary(op, out, pa, pb, n);
            const want = Array.from(a, (x, i) => f32(binaryRef(op, x, b[i])));
            expect(firstMismatch(read(out, n), want), `n=${n} shift=${shift} alias=${alias}`).toBeNull();
          }
        }
      }
    });

    it(`${Binary[op]} with a scalar: every size, aligned or not, in place or not`, () => {
      const rng = new Random(20 + op);
      for (const n of sizes(rng)) {
        for (const shift of [0, 4]) {
          for (const inPlace of [false, true]) {
            const a = uniform(rng, n, -4, 4),
              s = f32(rng.range(-3, 3));
            const pa = put(a, shift);
            const out = inPlace ? pa : alloc(n, 4 - shift);
            kernels.binaryScalar(op, out, pa, s, n);
            const want = Array.from(a, (x) => f32(binaryRef(op, x, s)));
            expect(firstMismatch(read(out, n), want), `n=${n} shift=${shift} inPlace=${inPlace}`).toBeNull();
          }
        }
      }
    });
  }

  it("IEEE specials pass through every op (x/0, 0/0, Inf - Inf, NaN)", () => {
    const a = Float32Array.from([1, -1, 0, Infinity, Infinity, NaN, -0, 2, 0, -Infinity, 5]);
    const b = Float32Array.from([0, 0, 0, Infinity, -Infinity, 1, 0, NaN, -0, -Infinity, -0]);
    for (const op of BINARY_OPS) {
      for (const n of [a.length, 1, 3]) {
        const out = alloc(n);
        kernels.binary(op, out, put(a.subarray(0, n)), put(b.subarray(0, n)), n);
        expect(
          firstMismatch(
            read(out, n),
            Array.from(a.subarray(0, n), (x, i) => f32(binaryRef(op, x, b[i]))),
          ),
          Binary[op],
        ).toBeNull();
      }
    }
  });
});

describe("binaryRow, binaryCol: broadcasts, exact", () => {
  const shapes = [
    [0, 5],
    [5, 0],
    [1, 1],
    [3, 5],
    [7, 17],
    [33, 4],
    [5, 33],
    [64, 100],
    [2, 4099],
  ];
  for (const op of BINARY_OPS) {
    it(`${Binary[op]} over rows and over columns, aligned or not, in place or not`, () => {
      const rng = new Random(30 + op);
      for (const [rows, cols] of shapes) {
        for (const shift of [0, 4]) {
          for (const inPlace of [false, true]) {
            const a = uniform(rng, rows * cols, -4, 4),
              row = uniform(rng, cols, -2, 2),
              col = uniform(rng, rows, -2, 2);
            const label = `${rows}x${cols} shift=${shift} inPlace=${inPlace}`;

            let pa = put(a, shift);
            let out = inPlace ? pa : alloc(rows * cols, 4 - shift);
            kernels.binaryRow(op, out, pa, put(row, 4 - shift), rows, cols);
            let want = Array.from(a, (x, i) => f32(binaryRef(op, x, row[i % cols])));
            expect(firstMismatch(read(out, rows * cols), want), `row ${label}`).toBeNull();

            pa = put(a, shift);
            out = inPlace ? pa : alloc(rows * cols, 4 - shift);
            kernels.binaryCol(op, out, pa, put(col, shift), rows, cols);
            want = Array.from(a, (x, i) => f32(binaryRef(op, x, col[Math.floor(i / cols)])));
            expect(firstMismatch(read(out, rows * cols), want), `col ${label}`).toBeNull();
          }
        }
      }
    });
  }
});

type Check = { exact: true } | { ulps: number } | { abs: number };

/**
 * Each unary op with data that exercises it and the accuracy it must reach. Exact: a single IEEE
 * operation (or none). Transcendentals: exp and log are a range reduction plus a polynomial in f32,
 * each step adding about half an ulp, so they are held to 2 ulps of the f64 result (2 ulps is
 * 2^-22 ≈ 2.4e-7 relative at worst). tanh and sigmoid add a division and a subtraction, so they are
 * held to 2e-7 absolute, and small tanh arguments to 3 ulps relative.
 */
const UNARY_CASES: {
  name: string;
  op: Unary;
  p?: number;
  data: (rng: Random, n: number) => Float32Array;
  check: Check;
}[] = [
  { name: "Neg", op: Unary.Neg, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "Abs", op: Unary.Abs, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "Sqrt", op: Unary.Sqrt, data: (r, n) => uniform(r, n, 0, 100), check: { exact: true } },
  { name: "Square", op: Unary.Square, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "Reciprocal", op: Unary.Reciprocal, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "Relu", op: Unary.Relu, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "LeakyRelu 0.01", op: Unary.LeakyRelu, p: 0.01, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "Step", op: Unary.Step, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "Sign", op: Unary.Sign, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "Pow 2", op: Unary.Pow, p: 2, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "Pow 1", op: Unary.Pow, p: 1, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  { name: "Pow 0.5", op: Unary.Pow, p: 0.5, data: (r, n) => uniform(r, n, 0, 100), check: { exact: true } },
  { name: "Pow -1", op: Unary.Pow, p: -1, data: (r, n) => normal(r, n, 10), check: { exact: true } },
  // Mathf.pow (musl's powf) is correctly rounded in nearly all cases.
  { name: "Pow 1.7", op: Unary.Pow, p: 1.7, data: (r, n) => uniform(r, n, 0, 50), check: { ulps: 1 } },
  { name: "Pow -2.5", op: Unary.Pow, p: -2.5, data: (r, n) => uniform(r, n, 0.01, 50), check: { ulps: 1 } },
  { name: "Pow 3 (negative bases)", op: Unary.Pow, p: 3, data: (r, n) => normal(r, n, 5), check: { ulps: 1 } },
  {
    name: "Exp over the whole finite range",
    op: Unary.Exp,
    data: (r, n) => uniform(r, n, -87.3, 88.7),
    check: { ulps: 2 },
  },
  { name: "Exp near 0", op: Unary.Exp, data: (r, n) => uniform(r, n, -1, 1), check: { ulps: 2 } },
  { name: "Exp into the denormals", op: Unary.Exp, data: (r, n) => uniform(r, n, -103, -87.4), check: { ulps: 2 } },
  {
    name: "Log over the whole normal range",
    op: Unary.Log,
    data: (r, n) => uniform(r, n, -87.3, 88.7).map(Math.exp),
    check: { ulps: 2 },
  },
  { name: "Log near 1", op: Unary.Log, data: (r, n) => uniform(r, n, 0.5, 2), check: { ulps: 2 } },
  { name: "Log of denormals", op: Unary.Log, data: (r, n) => uniform(r, n, 1e-45, 1.1e-38), check: { ulps: 2 } },
  { name: "Tanh", op: Unary.Tanh, data: (r, n) => normal(r, n, 3), check: { abs: 2e-7 } },
  {
    name: "Tanh of small arguments",
    op: Unary.Tanh,
    data: (r, n) => uniform(r, n, -0.7, 0.7).map((x) => x ** 5),
    check: { ulps: 3 },
  },
  { name: "Sigmoid", op: Unary.Sigmoid, data: (r, n) => normal(r, n, 10), check: { abs: 2e-7 } },
];

function checkUnary(check: Check, got: Float32Array, want: number[], label: string): void {
  if ("exact" in check) expect(firstMismatch(got, want.map(f32)), label).toBeNull();
  else if ("ulps" in check) expect(maxUlpError(got, want), label).toBeLessThanOrEqual(check.ulps);
  else expect(maxAbsError(got, want), label).toBeLessThanOrEqual(check.abs);
}

describe("unary: against the f64 reference", () => {
  UNARY_CASES.forEach(({ name, op, p = 0, data, check }, k) => {
    it(`${name}: every size, aligned or not, in place or not`, () => {
      const rng = new Random(40 + k);
      for (const n of sizes(rng)) {
        for (const shift of [0, 4]) {
          for (const inPlace of [false, true]) {
            const a = data(rng, n);
            const pa = put(a, shift);
            const out = inPlace ? pa : alloc(n, 4 - shift);
            kernels.unary(op, out, pa, n, p);
            // The kernel receives p as an f32, so the reference uses the same rounded parameter.
            checkUnary(
              check,
              read(out, n),
              Array.from(a, (x) => unaryRef(op, x, f32(p))),
              `n=${n} shift=${shift} inPlace=${inPlace}`,
            );
          }
        }
      }
    });
  });
});

const DENORMAL = 1e-40;
/**
 * Edge inputs and what each op must give; null means "the f64 reference, within the op's usual
 * tolerance". Every list runs whole (values in the SIMD body and in the tail) and value by value.
 */
const EDGES: { op: Unary; p?: number; cases: [number, number | null][]; check: Check }[] = [
  {
    op: Unary.Exp,
    check: { ulps: 2 },
    cases: [
      [Infinity, Infinity],
      [-Infinity, 0],
      [NaN, NaN],
      [0, 1],
      [-0, 1],
      [DENORMAL, 1],
      [88.7, null],
      [88.72, null],
      [88.73, Infinity],
      [89, Infinity],
      [-88.7, null],
      [-100, null],
      [-103.9, 0],
      [-104, 0],
      [-1e4, 0],
      [1e4, Infinity],
    ],
  },
  {
    op: Unary.Log,
    check: { ulps: 2 },
    cases: [
      [0, -Infinity],
      [-0, -Infinity],
      [-1, NaN],
      [-DENORMAL, NaN],
      [-Infinity, NaN],
      [Infinity, Infinity],
      [NaN, NaN],
      [1, 0],
      [DENORMAL, null],
      [1.4e-45, null],
      [1.17549435e-38, null],
      [3.4028234e38, null],
      [0.99999994, null],
      [1.0000001, null],
    ],
  },
  {
    op: Unary.Tanh,
    check: { ulps: 3 },
    cases: [
      [0, 0],
      [-0, -0],
      [Infinity, 1],
      [-Infinity, -1],
      [1e4, 1],
      [-1e4, -1],
      [88.7, 1],
      [-88.7, -1],
      [20, 1],
      [NaN, NaN],
      [1e-30, null],
      [-DENORMAL, null],
      [0.62499994, null],
      [0.625, null],
      [-0.625, null],
      [1e-4, null],
    ],
  },
  {
    op: Unary.Sigmoid,
    check: { abs: 2e-7 },
    cases: [
      [-1e4, 0],
      [1e4, 1],
      [-Infinity, 0],
      [Infinity, 1],
      [NaN, NaN],
      [0, 0.5],
      [-88.7, null],
      [88.7, 1],
      [-20, null],
      [DENORMAL, 0.5],
    ],
  },
  {
    op: Unary.Relu,
    check: { exact: true },
    cases: [
      [NaN, NaN],
      [-0, 0],
      [-Infinity, 0],
      [Infinity, Infinity],
      [-DENORMAL, 0],
      [DENORMAL, null],
    ],
  },
  {
    op: Unary.LeakyRelu,
    p: 0.1,
    check: { exact: true },
    cases: [
      [NaN, NaN],
      [-Infinity, -Infinity],
      [Infinity, Infinity],
      [0, 0],
      [-2, null],
    ],
  },
  {
    op: Unary.Step,
    check: { exact: true },
    cases: [
      [NaN, 0],
      [0, 0],
      [-0, 0],
      [DENORMAL, 1],
      [-DENORMAL, 0],
      [Infinity, 1],
      [-Infinity, 0],
    ],
  },
  {
    op: Unary.Sign,
    check: { exact: true },
    cases: [
      [NaN, NaN],
      [0, 0],
      [-0, -0],
      [DENORMAL, 1],
      [-DENORMAL, -1],
      [Infinity, 1],
      [-Infinity, -1],
      [-3, -1],
    ],
  },
  {
    op: Unary.Sqrt,
    check: { exact: true },
    cases: [
      [-1, NaN],
      [0, 0],
      [-0, -0],
      [Infinity, Infinity],
      [NaN, NaN],
      [DENORMAL, null],
    ],
  },
  {
    op: Unary.Reciprocal,
    check: { exact: true },
    cases: [
      [0, Infinity],
      [-0, -Infinity],
      [Infinity, 0],
      [NaN, NaN],
    ],
  },
];

describe("unary: edge cases", () => {
  for (const { op, p = 0, cases, check } of EDGES) {
    it(`${Unary[op]}: ${cases.map(([x]) => x).join(", ")}`, () => {
      const inputs = Float32Array.from(cases.map(([x]) => x));
      const want = cases.map(([x, y]) => (y === null ? unaryRef(op, f32(x), f32(p)) : y));
      const out = alloc(inputs.length);
      kernels.unary(op, out, put(inputs), inputs.length, p);
      checkUnary(check, read(out, inputs.length), want, "all at once");
      inputs.forEach((x, i) => {
        const one = alloc(1);
        kernels.unary(op, one, put([x]), 1, p);
        checkUnary(check, read(one, 1), [want[i]], `alone: ${x}`);
      });
    });
  }

  it("sigmoid and tanh never give NaN for finite input, however large", () => {
    const a = Float32Array.from([-3.4e38, -1e30, -1e4, -500, -89, -88, 88, 89, 500, 1e4, 1e30, 3.4e38]);
    for (const op of [Unary.Sigmoid, Unary.Tanh]) {
      const out = alloc(a.length);
      kernels.unary(op, out, put(a), a.length, 0);
      expect(
        read(out, a.length).every((y) => Number.isFinite(y) && Math.abs(y) <= 1),
        Unary[op],
      ).toBe(true);
    }
  });
});

describe("axpy, fill and the activation backwards", () => {
  it("axpy: y + alpha*x rounds twice (product, then sum): within 2^-23 of |y| + |alpha*x|", () => {
    const rng = new Random(60);
    for (const n of sizes(rng)) {
      for (const shift of [0, 4]) {
        const y = normal(rng, n),
          x = normal(rng, n),
          alpha = f32(rng.range(-2, 2));
        const py = put(y, shift);
        kernels.axpy(py, alpha, put(x, 4 - shift), n);
        const got = read(py, n);
        for (let i = 0; i < n; i++) {
          const want = y[i] + alpha * x[i];
          expect(Math.abs(got[i] - want), `n=${n} i=${i}`).toBeLessThanOrEqual(
            2 ** -23 * (Math.abs(y[i]) + Math.abs(alpha * x[i])),
          );
        }
      }
    }
  });

  it("axpy with y = x gives (1 + alpha) x", () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 6, 7]);
    const px = put(x);
    kernels.axpy(px, 0.5, px, x.length);
    expect(Array.from(read(px, x.length))).toEqual(Array.from(x, (v) => 1.5 * v));
  });

  it("fill: every size, aligned or not", () => {
    const rng = new Random(61);
    for (const n of sizes(rng)) {
      for (const shift of [0, 4]) {
        const out = alloc(n, shift);
        kernels.fill(out, -2.5, n);
        expect(
          read(out, n).every((v) => v === -2.5),
          `n=${n}`,
        ).toBe(true);
      }
    }
  });

  it("reluBackward: exact, with slope 0 (a mask: +0 even for infinite g) and slope 0.1, in place on g", () => {
    const rng = new Random(62);
    for (const slope of [0, 0.1]) {
      for (const n of sizes(rng)) {
        for (const shift of [0, 4]) {
          const x = normal(rng, n),
            g = normal(rng, n);
          if (n > 2) {
            x[1] = 0;
            g[2] = Infinity;
            x[2] = -1;
          }
          const pg = put(g, shift);
          kernels.reluBackward(pg, put(x, 4 - shift), pg, n, slope);
          const want = Array.from(x, (v, i) => (v > 0 ? g[i] : slope === 0 ? 0 : f32(g[i] * f32(slope))));
          expect(firstMismatch(read(pg, n), want), `slope=${slope} n=${n}`).toBeNull();
        }
      }
    }
  });

  it("tanhBackward: g (1 - y²) within 2^-22 |g| (three roundings, 1 - y² may cancel)", () => {
    const rng = new Random(63);
    for (const n of sizes(rng)) {
      for (const shift of [0, 4]) {
        const y = uniform(rng, n, -1, 1),
          g = normal(rng, n);
        const out = alloc(n, shift);
        kernels.tanhBackward(out, put(y, 4 - shift), put(g, shift), n);
        const got = read(out, n);
        for (let i = 0; i < n; i++)
          expect(Math.abs(got[i] - g[i] * (1 - y[i] * y[i])), `n=${n} i=${i}`).toBeLessThanOrEqual(
            2 ** -22 * Math.abs(g[i]),
          );
      }
    }
  });

  it("sigmoidBackward: g y (1 - y) within 4 roundings of the result, in place on y", () => {
    const rng = new Random(64);
    for (const n of sizes(rng)) {
      for (const shift of [0, 4]) {
        const y = uniform(rng, n, 0, 1),
          g = normal(rng, n);
        const py = put(y, shift);
        kernels.sigmoidBackward(py, py, put(g, 4 - shift), n);
        const got = read(py, n);
        for (let i = 0; i < n; i++) {
          const want = g[i] * y[i] * (1 - y[i]);
          expect(Math.abs(got[i] - want), `n=${n} i=${i}`).toBeLessThanOrEqual(4 * 2 ** -24 * Math.abs(want));
        }
      }
    }
  });
});
