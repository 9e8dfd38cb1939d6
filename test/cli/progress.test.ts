import { describe, expect, it } from "vitest";
import { bar, eta, formatDuration, ProgressView } from "../../src/cli/progress.ts";

const spec = (id: string) => ({ id });

describe("progress", () => {
  it("formats durations, bars and the ETA", () => {
    expect(formatDuration(3.25)).toBe("3.3s");
    expect(formatDuration(42)).toBe("42s");
    expect(formatDuration(125)).toBe("2m05s");
    expect(formatDuration(7300)).toBe("2h01m");
    expect(formatDuration(NaN)).toBe("?");
    expect(bar(0.5, 10)).toBe("[#####-----]");
    expect(bar(2, 4)).toBe("[####]");
    expect(eta(10, 0.25)).toBe(30);
    expect(eta(10, 0)).toBeNaN();
  });

  it("on a terminal: one live line per run, redrawn in place, a permanent line when a run ends", () => {
    let t = 0,
      out = "";
    const view = new ProgressView(
      (s) => {
        out += s;
      },
      { tty: true, columns: 120, now: () => t },
    );
    view.onEvent({ type: "start", spec: spec("adam"), position: 0, total: 2 });
    t = 1000;
    view.onEvent({ type: "progress", spec: spec("adam"), fraction: 0.25, status: "epoch 1/4 loss 0.5" });
    expect(out).toContain("adam [#####---------------]  25% ETA 3.0s   epoch 1/4 loss 0.5\n");
    out = "";
    t = 1050; // within 100 ms: not redrawn
    view.onEvent({ type: "progress", spec: spec("adam"), fraction: 0.3, status: "x" });
    expect(out).toBe("");
    view.onEvent({ type: "done", spec: spec("adam"), seconds: 2 });
    expect(out.startsWith("\x1b[1A\r\x1b[J")).toBe(true); // up over the live line, clear
    expect(out).toContain("adam: done in 2.0s (1/2)\n");
    view.finish();
  });

  it("elsewhere: plain lines, at most one per run every few seconds", () => {
    let t = 0;
    const lines: string[] = [];
    const view = new ProgressView((s) => lines.push(s), { tty: false, now: () => t, plainEveryMs: 5000 });
    view.onEvent({ type: "start", spec: spec("sgd"), position: 0, total: 1 });
    for (t = 0; t <= 12000; t += 1000)
      view.onEvent({ type: "progress", spec: spec("sgd"), fraction: t / 20000, status: `step ${t}` });
    view.onEvent({ type: "done", spec: spec("sgd"), seconds: 12 });
    expect(lines.every((l) => !l.includes("\x1b"))).toBe(true);
    expect(lines).toEqual([
      "[1/1] sgd: started\n",
      "sgd: 25% step 5000 ETA 15s\n",
      "sgd: 50% step 10000 ETA 10s\n",
      "sgd: done in 12s (1/1)\n",
    ]);
  });
});
