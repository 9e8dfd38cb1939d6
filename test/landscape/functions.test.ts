import { describe, expect, it } from "vitest";
import { testFunction, testFunctions } from "../../src/landscape/functions.ts";

// Central differences in f64: error O(h²) ≈ 1e-10 relative for these smooth functions.
function numericGradient(f: (x: number, y: number) => number, x: number, y: number): [number, number] {
  const h = 1e-5 * Math.max(1, Math.abs(x), Math.abs(y));
  return [(f(x + h, y) - f(x - h, y)) / (2 * h), (f(x, y + h) - f(x, y - h)) / (2 * h)];
}

describe.each(testFunctions.map((f) => [f.name, f] as const))("%s", (_, fn) => {
  const { view } = fn;
  // A fixed grid over the view plus the start points: no randomness needed.
  const probes: [number, number][] = [...fn.starts.map(([x, y]) => [x, y] as [number, number])];
  for (let i = 0; i <= 6; i++)
    for (let j = 0; j <= 6; j++) {
      probes.push([
        view.x[0] + ((view.x[1] - view.x[0]) * (i + 0.37)) / 7,
        view.y[0] + ((view.y[1] - view.y[0]) * (j + 0.61)) / 7,
      ]);
    }

  it("has the analytic gradient (central differences on a grid over the view)", () => {
    for (const [x, y] of probes) {
      const [gx, gy] = fn.gradient(x, y);
      const [nx, ny] = numericGradient(fn.value, x, y);
      const scale = Math.max(1, Math.abs(nx), Math.abs(ny));
      expect(Math.abs(gx - nx) / scale, `∂x at (${x}, ${y})`).toBeLessThan(1e-6);
      expect(Math.abs(gy - ny) / scale, `∂y at (${x}, ${y})`).toBeLessThan(1e-6);
    }
  });

  it("has zero gradient at its minima and stationary points, and minima are lower than their surroundings", () => {
    for (const [x, y] of [...fn.minima, ...fn.stationary]) {
      const [gx, gy] = fn.gradient(x, y);
      expect(Math.hypot(gx, gy), `|∇f| at (${x}, ${y})`).toBeLessThan(
        1e-12 * Math.max(1, Math.abs(fn.value(x, y))) + 1e-13,
      );
    }
    for (const [x, y] of fn.minima) {
      const f0 = fn.value(x, y);
      for (const [dx, dy] of [
        [1e-3, 0],
        [-1e-3, 0],
        [0, 1e-3],
        [0, -1e-3],
        [7e-4, 7e-4],
      ])
        expect(fn.value(x + dx, y + dy)).toBeGreaterThan(f0);
    }
  });

  it("frames its start points and minima in its view", () => {
    expect(view.x[0]).toBeLessThan(view.x[1]);
    expect(view.y[0]).toBeLessThan(view.y[1]);
    for (const [x, y] of [...fn.starts, ...fn.minima]) {
      expect(x).toBeGreaterThanOrEqual(view.x[0]);
      expect(x).toBeLessThanOrEqual(view.x[1]);
      expect(y).toBeGreaterThanOrEqual(view.y[0]);
      expect(y).toBeLessThanOrEqual(view.y[1]);
    }
  });
});

describe("testFunction", () => {
  it("finds by name and names the known ones otherwise", () => {
    expect(testFunction("beale").label).toBe("Beale");
    expect(() => testFunction("nope")).toThrow(/unknown test function "nope"; known: rosenbrock, beale/);
  });

  it("knows the published minimum values", () => {
    expect(testFunction("rosenbrock").value(1, 1)).toBe(0);
    expect(testFunction("beale").value(3, 0.5)).toBe(0);
    for (const [x, y] of testFunction("himmelblau").minima)
      expect(testFunction("himmelblau").value(x, y)).toBeLessThan(1e-25);
    expect(testFunction("booth").value(1, 3)).toBe(0);
    expect(testFunction("rastrigin").value(0, 0)).toBe(0);
  });
});
