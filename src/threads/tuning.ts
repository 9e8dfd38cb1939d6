/**
 * What the engine learns, per kind of call (a kernel and its shape), about splitting it over
 * threads, from the calls themselves:
 *   - whether to split at all: the fastest of the last WINDOW wall times of split calls against
 *     that of one-thread calls, the faster taken; one call in EXPLORE_EVERY (EXPLORE_RARELY once
 *     the difference is clear) takes the other, so a change (a neighbour's process starting or
 *     stopping) is noticed. The fastest of a few, not an
 *     average: one slow sample (a cold worker, a busy moment) must not hide what a choice can do,
 *     while oversubscribed cores, where a split call waits on a worker that is not running, make
 *     every split sample slow, and the kind falls back to one thread within WINDOW calls.
 *   - how to split: each thread's speed relative to the calling thread's, from when each part
 *     finished (hand-off included), so a core shared with another process gets a smaller part.
 * Any split, or none, gives the same bits: this changes only the time a call takes.
 */

/** Past this many kinds of call, the oldest are forgotten. */
const MAX_KINDS = 256;
/** One call in this many takes the option currently thought slower, while the two are close... */
const EXPLORE_EVERY = 8;
/** ...and one in this many once one is faster by more than CLEAR (each exploration costs the difference). */
const EXPLORE_RARELY = 64;
const CLEAR = 0.25;
/** Wall times kept per option. */
const WINDOW = 3;
/** How far one measurement moves a learnt speed. */
const RATE = 0.25;
/** Parts shorter than this (ms) teach nothing about speeds: their time is mostly the hand-off. */
const LEARN_MS = 0.05;
/** The least speed a thread keeps, so a late worker still gets a sliver to show it is back. */
const MIN_SPEED = 0.05;

export class Kind {
  private speeds = [1];
  private splitTimes: number[] = [];
  private singleTimes: number[] = [];
  private calls = 0;

  private get splitMs(): number {
    return this.splitTimes.length ? Math.min(...this.splitTimes) : NaN;
  }
  private get singleMs(): number {
    return this.singleTimes.length ? Math.min(...this.singleTimes) : NaN;
  }

  /** Whether this call should be split (a measured choice, sometimes the other one on purpose). */
  split(): boolean {
    this.calls++;
    // First a few of each, in turn: one sample alone (a worker still waking, code not yet optimized) misleads.
    if (this.splitTimes.length < WINDOW || this.singleTimes.length < WINDOW) return this.calls % 2 === 1;
    const [split, single] = [this.splitMs, this.singleMs];
    const better = split <= single;
    const period = Math.abs(split - single) > CLEAR * Math.min(split, single) ? EXPLORE_RARELY : EXPLORE_EVERY;
    return this.calls % period === 0 ? !better : better;
  }

  /** Records the wall time of a call, split or not. */
  timed(split: boolean, ms: number): void {
    const times = split ? this.splitTimes : this.singleTimes;
    times.push(ms);
    if (times.length > WINDOW) times.shift();
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
