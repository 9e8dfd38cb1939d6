/**
 * Progress of a study's runs. On a terminal: one line per run in flight (bar, status, ETA),
 * redrawn in place, and a permanent line per finished run. Elsewhere (a pipe, a log file): plain
 * lines, at most one per run every few seconds. The view only formats; the caller's `write` prints.
 */
import type { RunEvent } from "../study/runner.ts";

interface Active {
  id: string;
  fraction: number;
  status: string;
  started: number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const m = Math.floor(seconds / 60),
    s = Math.round(seconds % 60);
  return m < 60 ? `${m}m${String(s).padStart(2, "0")}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

export function bar(fraction: number, width = 20): string {
  const f = Math.min(1, Math.max(0, fraction));
  const full = Math.round(f * width);
  return `[${"#".repeat(full)}${"-".repeat(width - full)}]`;
}

/** The ETA of a run from its elapsed time and fraction done (linear extrapolation). */
export function eta(elapsedSeconds: number, fraction: number): number {
  return fraction > 0 ? (elapsedSeconds * (1 - fraction)) / fraction : NaN;
}

export class ProgressView {
  private active = new Map<string, Active>();
  private drawn = 0;
  private lastDraw = 0;
  private lastLine = new Map<string, number>();
  private done = 0;
  private total = 0;

  constructor(
    private readonly write: (s: string) => void,
    private readonly o: { tty: boolean; columns?: number; now?: () => number; plainEveryMs?: number },
  ) {}

  private now() {
    return (this.o.now ?? (() => performance.now()))();
  }

  onEvent(e: RunEvent): void {
    const id = e.spec.id;
    if (e.type === "start") {
      this.total = e.total;
      this.active.set(id, { id, fraction: 0, status: "starting", started: this.now() });
      if (!this.o.tty) this.write(`[${e.position + 1}/${e.total}] ${id}: started\n`);
    } else if (e.type === "progress") {
      const a = this.active.get(id);
      if (!a) return;
      a.fraction = e.fraction;
      a.status = e.status;
      if (!this.o.tty) {
        const t = this.now();
        if (t - (this.lastLine.get(id) ?? 0) < (this.o.plainEveryMs ?? 5000)) return;
        this.lastLine.set(id, t);
        this.write(
          `${id}: ${Math.round(a.fraction * 100)}% ${a.status} ETA ${formatDuration(eta((t - a.started) / 1000, a.fraction))}\n`,
        );
        return;
      }
    } else {
      this.active.delete(id);
      this.done++;
      const line = `${id}: done in ${formatDuration(e.seconds)} (${this.done}/${this.total})`;
      if (!this.o.tty) {
        this.write(line + "\n");
        return;
      }
      this.redraw(line);
      return;
    }
    if (this.o.tty) this.redraw();
  }

  /** Clears the live lines, prints `permanent` above them (if given), draws the live lines again. */
  private redraw(permanent?: string): void {
    const t = this.now();
    if (!permanent && t - this.lastDraw < 100) return;
    this.lastDraw = t;
    const cols = Math.max(40, this.o.columns || 100); // 0 or undefined when the width is unknown
    let out = this.drawn > 0 ? `\x1b[${this.drawn}A` : "";
    out += "\r\x1b[J"; // to the start of the first live line, clear to the end of the screen
    if (permanent) out += permanent.slice(0, cols - 1) + "\n";
    const lines = [...this.active.values()].map((a) => {
      const left = eta((t - a.started) / 1000, a.fraction);
      return `${a.id} ${bar(a.fraction)} ${String(Math.round(a.fraction * 100)).padStart(3)}% ETA ${formatDuration(left).padEnd(6)} ${a.status}`.slice(
        0,
        cols - 1,
      );
    });
    for (const l of lines) out += l + "\n";
    this.drawn = lines.length;
    this.write(out);
  }

  /** Leaves the terminal clean (no live lines). */
  finish(): void {
    if (this.o.tty && this.drawn > 0) {
      this.write(`\x1b[${this.drawn}A\r\x1b[J`);
      this.drawn = 0;
    }
  }
}
