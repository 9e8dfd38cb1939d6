import { describe, expect, it } from "vitest";
import { divergedCell, fixed, formatMeanStd, formatNumber, meanStd, scientific } from "../../src/report/format.ts";

describe("number formatting", () => {
  it.each([
    [3.14159, 2, "3.14"],
    [-0.0001, 2, "0.00"],
    [2, 0, "2"],
    [NaN, 3, "NaN"],
    [Infinity, 3, "inf"],
    [-Infinity, 1, "-inf"],
  ])("fixed(%s, %s) = %s", (x, d, s) => expect(fixed(x, d)).toBe(s));

  it.each([
    [1.234e-7, 3, "1.23e-7"],
    [123456, 2, "1.2e5"],
    [-9.999e10, 3, "-1.00e11"],
    [0, 3, "0.00e0"],
    [NaN, 3, "NaN"],
  ])("scientific(%s, %s) = %s", (x, d, s) => expect(scientific(x, d)).toBe(s));

  it.each([
    [0.012345, "0.01235"],
    [1, "1.000"],
    [123.456, "123.5"],
    [9.9996, "10.00"],
    [99999, "1.000e5"],
    [99994, "99990"],
    [1e5, "1.000e5"],
    [2.5e-7, "2.500e-7"],
    [0.001, "0.001000"],
    [0.00099, "9.900e-4"],
    [0, "0"],
    [-42.1, "-42.10"],
    [NaN, "NaN"],
    [-Infinity, "-inf"],
  ])("formatNumber(%s) = %s", (x, s) => expect(formatNumber(x)).toBe(s));

  it("formats mean ± std at the precision of the spread", () => {
    expect(formatMeanStd(0.123456, 0.00432)).toBe("0.1235 ± 0.0043");
    expect(formatMeanStd(97.61, 0.52)).toBe("97.61 ± 0.52");
    expect(formatMeanStd(97.61, 3.2)).toBe("97.6 ± 3.2");
    expect(formatMeanStd(1234.5, 45.6)).toBe("1235 ± 46");
    expect(formatMeanStd(3.2e-5, 4.1e-6)).toBe("(32.0 ± 4.1)e-6");
    expect(formatMeanStd(0.5, 0)).toBe("0.5000 ± 0");
    expect(formatMeanStd(NaN, 1)).toBe("NaN ± 1.0");
  });

  it("computes the sample mean and std", () => {
    const { mean, std, n } = meanStd([1, 2, 3, 4]);
    expect(mean).toBe(2.5);
    expect(std).toBeCloseTo(Math.sqrt(5 / 3), 14);
    expect(n).toBe(4);
    expect(meanStd([7]).std).toBe(0);
    expect(() => meanStd([])).toThrow(/no values/);
  });

  it("writes diverged cells and rejects bad arguments", () => {
    expect(divergedCell(7)).toBe("diverged at epoch 7");
    expect(divergedCell(120, "step")).toBe("diverged at step 120");
    expect(() => divergedCell(-1)).toThrow(/-1/);
    expect(() => fixed(1, -1)).toThrow(/got -1/);
  });
});
