// Report cells mean what their headers say: a time to converge only for runs that converged, a
// time per epoch only with a whole epoch, counts as counts, learning rates as typed.
import { describe, expect, it } from "vitest";
import { epochsCell, lrCell, timeCell, timeToConvergeCell, valueCell } from "../../src/study/common/cells.ts";
import { statCell } from "../../src/study/common/seeds.ts";

type Outcome = {
  diverged: { epoch: number; step: number; where: string } | null;
  convergedEpoch: number | null;
  epochs: number;
  seconds: number;
};
const converged = (epoch: number, seconds: number): Outcome => ({
  diverged: null,
  convergedEpoch: epoch,
  epochs: epoch,
  seconds,
});
const unconverged = (epochs: number, seconds: number): Outcome => ({
  diverged: null,
  convergedEpoch: null,
  epochs,
  seconds,
});
const diverged = (epoch: number, seconds: number): Outcome => ({
  diverged: { epoch, step: 3, where: "loss" },
  convergedEpoch: null,
  epochs: epoch,
  seconds,
});
const s = (r: object) => (r as Outcome).seconds;

describe("report cells", () => {
  it("Total Time to Converge: only runs that converged; the others say why they have none", () => {
    expect(timeToConvergeCell([converged(4, 1.5)], s)).toBe("1.50 s");
    expect(timeToConvergeCell([unconverged(5, 2)], s)).toBe("— (not converged within 5 epochs)");
    expect(timeToConvergeCell([diverged(1, 0.3)], s)).toBe("— (diverged at epoch 1)");
    expect(timeToConvergeCell([converged(4, 1), unconverged(5, 9), diverged(2, 9)], s)).toBe(
      "1.00 s (1 not converged, 1 diverged of 3)",
    );
    // The epochs column and the time column agree on which runs converged.
    expect(epochsCell([unconverged(5, 2)])).toBe("not within 5");
  });

  it("times are measured whatever became of the run; per epoch only with a whole epoch", () => {
    expect(timeCell([diverged(1, 0.36)], s)).toBe("0.360 s");
    expect(timeCell([diverged(1, 0.36)], s, { perEpoch: true })).toBe("— (diverged at epoch 1)");
    expect(timeCell([diverged(3, 0.2)], s, { perEpoch: true })).toBe("0.200 s");
    expect(timeCell([diverged(1, 0.2), unconverged(2, 0.4)], s, { perEpoch: true })).toBe(
      "0.400 s (1/2 diverged in epoch 1)",
    );
    // A value that is not a time still says the run diverged.
    expect(valueCell([diverged(1, 0.36)], s)).toBe("diverged at epoch 1");
  });

  it("repeats that agree keep their format: a count stays a count", () => {
    expect(statCell([2, 2])).toBe("2 ± 0");
    expect(statCell([26, 26, 26])).toBe("26 ± 0");
    expect(statCell([0.5, 0.5])).toBe("0.5000 ± 0");
    expect(statCell([2, 3])).toBe("2.50 ± 0.71");
  });

  it("learning rates are written as on the command line", () => {
    expect(lrCell([1e30])).toBe("1e30");
    expect(lrCell([0.01, 0.01])).toBe("0.01");
    expect(lrCell([1e-4])).toBe("0.0001");
    expect(lrCell([1e20, 1e-5, 0.0015])).toBe("1e20, 1e-5, 0.0015");
  });
});
