import { describe, expect, it } from "vitest";
import { marchingSquares } from "../../src/report/svg/marchingSquares.ts";
import { sampleGrid } from "../../src/report/svg/contourPlot.ts";

/** Grid [lo, hi]^2 with n nodes per side; contour points mapped back to (x, y). */
function contours(f: (x: number, y: number) => number, lo: number, hi: number, n: number, level: number) {
  const h = (hi - lo) / (n - 1);
  const values = sampleGrid(f, [lo, hi], [lo, hi], n);
  return {
    h,
    lines: marchingSquares(values, n, n, level).map((c) => ({
      closed: c.closed,
      points: c.points.map(([i, j]) => [lo + i * h, lo + j * h]),
    })),
  };
}

describe("marchingSquares", () => {
  const circle = (x: number, y: number) => x * x + y * y;

  it.each([0.5, 1, 1.7])("finds the circle of radius %s as one closed loop", (r) => {
    const { h, lines } = contours(circle, -2, 2, 81, r * r);
    expect(lines).toHaveLength(1);
    expect(lines[0].closed).toBe(true);
    // Linear interpolation of x^2 + y^2 along an edge of length h misses the radius by at most about h^2 / (8r).
    for (const [x, y] of lines[0].points) expect(Math.abs(Math.hypot(x, y) - r)).toBeLessThan((h * h) / (4 * r));
    // The loop goes all the way round: ~ 2 pi r / h crossings, spanning every angle.
    expect(lines[0].points.length).toBeGreaterThan((2 * Math.PI * r) / h);
  });

  it("finds two separate loops around two minima", () => {
    const twoWells = (x: number, y: number) => Math.min(circle(x - 1, y), circle(x + 1, y));
    const { lines } = contours(twoWells, -2, 2, 61, 0.25);
    expect(lines.map((l) => l.closed)).toEqual([true, true]);
  });

  it("leaves lines open where they meet the grid border", () => {
    // A circle of radius 2.5 inside [-2, 2]^2 shows only its four corner arcs.
    const { lines } = contours(circle, -2, 2, 41, 6.25);
    expect(lines).toHaveLength(4);
    for (const l of lines) {
      expect(l.closed).toBe(false);
      for (const p of [l.points[0], l.points[l.points.length - 1]])
        expect(Math.max(Math.abs(p[0]), Math.abs(p[1]))).toBeCloseTo(2, 10);
    }
  });

  it("separates the two branches of a hyperbola through saddle cells", () => {
    const { lines } = contours((x, y) => x * y, -1, 1, 20, 0.1);
    expect(lines).toHaveLength(2);
    for (const l of lines) for (const [x, y] of l.points) expect(x * y).toBeGreaterThan(0);
  });

  it("skips cells with non-finite corners, and handles empty and flat grids", () => {
    const holed = (x: number, y: number) => (x > 0.5 && Math.abs(y) < 0.3 ? NaN : circle(x, y));
    const { lines } = contours(holed, -2, 2, 41, 1);
    expect(lines).toHaveLength(1);
    expect(lines[0].closed).toBe(false);
    expect(marchingSquares(new Float64Array(9).fill(3), 3, 3, 1)).toEqual([]);
    expect(() => marchingSquares([1, 2, 3], 2, 2, 1)).toThrow(/3 values for a 2 x 2 grid/);
  });
});
