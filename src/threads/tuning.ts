/**
 * What the engine learns, per kind of call (a kernel and its shape), about splitting it over
 * threads, from the calls themselves:
 *   - whether to split at all: the wall time of split calls and of one-thread calls, each a moving
 *     average, and the faster one is taken; one call in EXPLORE_EVERY takes the other, so a change
 *     (a neighbour's process starting or stopping) is noticed. Where the cores are oversubscribed,
 *     a split call waits on a worker that is not running, and the kind falls back to one thread.
 *   - how to split: each thread's speed relative to the calling thread's, from when each part
 *     finished (hand-off included), so a core shared with another process gets a smaller part.
 * Any split, or none, gives the same bits: this changes only the time a call takes.
 */

/** Past this many kinds of call, the oldest are forgotten. */
const MAX_KINDS = 256;
/** One call in this many takes the option currently thought slower. */
const EXPLORE_EVERY = 16;
/** How far one measurement moves an average (times and speeds alike). */
const RATE = 0.25;
/** Parts shorter than this (ms) teach nothing about speeds: their time is mostly the hand-off. */
const LEARN_MS = 0.05;
/** The least speed a thread keeps, so a late worker still gets a sliver to show it is back. */
const MIN_SPEED = 0.05;

export class Kind {
  private speeds = [1];
  private splitMs = NaN;
  private singleMs = NaN;
  private calls = 0;

  /** Whether this call should be split (a measured choice, sometimes the other one on purpose). */
  split(): boolean {
    this.calls++;
    if (Number.isNaN(this.splitMs)) return true;
    if (Number.isNaN(this.singleMs)) return false;
    const better = this.splitMs <= this.singleMs;
    return this.calls % EXPLORE_EVERY === 0 ? !better : better;
  }

  /** Records the wall time of a call, split or not. */
  timed(split: boolean, ms: number): void {
    const average = (old: number) => (Number.isNaN(old) ? ms : old + RATE * (ms - old));
    if (split) this.splitMs = average(this.splitMs);
    else this.singleMs = average(this.singleMs);
  }

  /** The weights to cut a split call by: one per thread, the calling thread's first. */
  weights(threads: number): number[] {
    while (this.speeds.length < threads) this.speeds.push(1);
    return this.speeds.slice(0, threads);
  }

  /** Updates the speeds from the units of work each thread was given and the ms it took (Infinity: never started). */
  learn(units: readonly number[], times: readonly number[]): void {
    if (!(times[0] >= LEARN_MS) || units[0] === 0) return;
    const base = units[0] / times[0];
    for (let t = 1; t < units.length; t++) {
      if (!(times[t] >= LEARN_MS) || units[t] === 0) continue;
      const measured = units[t] / times[t] / base;
      this.speeds[t] = Math.min(4, Math.max(MIN_SPEED, this.speeds[t] + RATE * (measured - this.speeds[t])));
    }
  }

  /** What has been learnt, for a reader. */
  get summary(): { speeds: number[]; splitMs: number; singleMs: number } {
    return { speeds: [...this.speeds], splitMs: this.splitMs, singleMs: this.singleMs };
  }
}

const kinds = new Map<string, Kind>();

/** The learnt state of a kind of call, made on first use. */
export function kindOf(name: string): Kind {
  let kind = kinds.get(name);
  if (kind === undefined) {
    if (kinds.size >= MAX_KINDS) kinds.delete(kinds.keys().next().value as string);
    kind = new Kind();
    kinds.set(name, kind);
  }
  return kind;
}

/** Everything learnt so far, by kind of call. */
export function learnt(): Record<string, Kind["summary"]> {
  return Object.fromEntries([...kinds].map(([name, kind]) => [name, kind.summary]));
}
