/**
 * Two-dimensional test functions for watching optimizers move: each has an f64 value, its
 * analytic gradient, a view that frames the interesting region, start points that show the
 * function's difficulty, and its known minima (where the gradient is exactly zero).
 */

export type Point = readonly [number, number];

export interface TestFunction {
  /** The key used by runTrajectory and the playground. */
  readonly name: string;
  readonly label: string;
  /** The formula, for display. */
  readonly formula: string;
  value(x: number, y: number): number;
  gradient(x: number, y: number): [number, number];
  /** The region worth plotting: [xmin, xmax] × [ymin, ymax]. */
  readonly view: { readonly x: Point; readonly y: Point };
  /** Start points that show what makes the function hard; the first is the default. */
  readonly starts: readonly Point[];
  /** Known global (or, for Himmelblau, all equal) minima; empty when unbounded below. */
  readonly minima: readonly Point[];
  /** Other stationary points worth knowing (a saddle). */
  readonly stationary: readonly Point[];
}

/** Rosenbrock (1960): a curved, flat-bottomed valley; the minimum (1, 1) is easy to find, slow to reach. */
export const rosenbrock: TestFunction = {
  name: "rosenbrock",
  label: "Rosenbrock",
  formula: "(1 − x)² + 100 (y − x²)²",
  value: (x, y) => (1 - x) ** 2 + 100 * (y - x * x) ** 2,
  gradient: (x, y) => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)],
  view: { x: [-2, 2], y: [-1, 3] },
  starts: [
    [-1.5, 2.5],
    [-1, 1],
    [1.5, -0.5],
  ],
  minima: [[1, 1]],
  stationary: [],
};

/** Beale: flat plateaus and steep walls; minimum 0 at (3, 0.5). */
export const beale: TestFunction = {
  name: "beale",
  label: "Beale",
  formula: "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
  value: (x, y) => {
    const a = 1.5 - x + x * y,
      b = 2.25 - x + x * y * y,
      c = 2.625 - x + x * y * y * y;
    return a * a + b * b + c * c;
  },
  gradient: (x, y) => {
    const a = 1.5 - x + x * y,
      b = 2.25 - x + x * y * y,
      c = 2.625 - x + x * y * y * y;
    return [
      2 * a * (y - 1) + 2 * b * (y * y - 1) + 2 * c * (y * y * y - 1),
      2 * a * x + 2 * b * 2 * x * y + 2 * c * 3 * x * y * y,
    ];
  },
  view: { x: [-4.5, 4.5], y: [-4.5, 4.5] },
  starts: [
    [1, 1.5],
    [-3, -3],
    [0.5, -4],
  ],
  minima: [[3, 0.5]],
  stationary: [],
};

/** Himmelblau: four minima of value 0, so where a run ends depends on where it starts. */
export const himmelblau: TestFunction = {
  name: "himmelblau",
  label: "Himmelblau",
  formula: "(x² + y − 11)² + (x + y² − 7)²",
  value: (x, y) => (x * x + y - 11) ** 2 + (x + y * y - 7) ** 2,
  gradient: (x, y) => {
    const a = x * x + y - 11,
      b = x + y * y - 7;
    return [4 * x * a + 2 * b, 2 * a + 4 * y * b];
  },
  view: { x: [-5, 5], y: [-5, 5] },
  starts: [
    [0, 0],
    [-1, -1],
    [0.5, -4.5],
  ],
  // (3, 2) is exact; the other three are roots of a quartic, to f64 precision.
  minima: [
    [3, 2],
    [-2.805118086952745, 3.131312518250573],
    [-3.779310253377747, -3.283185991286169],
    [3.5844283403304917, -1.8481265269644034],
  ],
  // The local maximum (value 181.6165...) between the four minima.
  stationary: [[-0.2708445906673476, -0.9230385564799816]],
};

/** The saddle x² − y²: unbounded below; a start on y = 0 converges to the saddle, any other escapes. */
export const saddle: TestFunction = {
  name: "saddle",
  label: "Saddle",
  formula: "x² − y²",
  value: (x, y) => x * x - y * y,
  gradient: (x, y) => [2 * x, -2 * y],
  view: { x: [-2, 2], y: [-2, 2] },
  starts: [
    [-1.8, 0.001],
    [-1.8, 0],
    [1.5, 0.5],
  ],
  minima: [],
  stationary: [[0, 0]],
};

/** An ill-conditioned quadratic, condition number 100: plain gradient descent zig-zags along y. */
export const illConditioned: TestFunction = {
  name: "ill-conditioned",
  label: "Ill-conditioned quadratic",
  formula: "½ (x² + 100 y²)",
  value: (x, y) => 0.5 * (x * x + 100 * y * y),
  gradient: (x, y) => [x, 100 * y],
  view: { x: [-2, 2], y: [-1, 1] },
  starts: [
    [-1.8, 0.6],
    [1.5, -0.2],
  ],
  minima: [[0, 0]],
  stationary: [],
};

/** Booth: a well-conditioned quadratic (condition number 9); minimum 0 at (1, 3). */
export const booth: TestFunction = {
  name: "booth",
  label: "Booth",
  formula: "(x + 2y − 7)² + (2x + y − 5)²",
  value: (x, y) => (x + 2 * y - 7) ** 2 + (2 * x + y - 5) ** 2,
  gradient: (x, y) => {
    const a = x + 2 * y - 7,
      b = 2 * x + y - 5;
    return [2 * a + 4 * b, 4 * a + 2 * b];
  },
  view: { x: [-10, 10], y: [-10, 10] },
  starts: [
    [-8, -8],
    [8, -6],
  ],
  minima: [[1, 3]],
  stationary: [],
};

/** Rastrigin (two dimensions): a bowl covered in local minima; the global one is 0 at the origin. */
export const rastrigin: TestFunction = {
  name: "rastrigin",
  label: "Rastrigin",
  formula: "20 + x² − 10 cos 2πx + y² − 10 cos 2πy",
  value: (x, y) => 20 + x * x - 10 * Math.cos(2 * Math.PI * x) + y * y - 10 * Math.cos(2 * Math.PI * y),
  gradient: (x, y) => [
    2 * x + 20 * Math.PI * Math.sin(2 * Math.PI * x),
    2 * y + 20 * Math.PI * Math.sin(2 * Math.PI * y),
  ],
  view: { x: [-5.12, 5.12], y: [-5.12, 5.12] },
  starts: [
    [-4.3, 3.6],
    [2.2, 2.8],
  ],
  minima: [[0, 0]],
  stationary: [],
};

export const testFunctions: readonly TestFunction[] = [
  rosenbrock,
  beale,
  himmelblau,
  saddle,
  illConditioned,
  booth,
  rastrigin,
];

/** The test function of that name; throws naming the known ones. */
export function testFunction(name: string): TestFunction {
  const fn = testFunctions.find((f) => f.name === name);
  if (!fn)
    throw new RangeError(
      `landscape: unknown test function "${name}"; known: ${testFunctions.map((f) => f.name).join(", ")}`,
    );
  return fn;
}
