/**
 * Axis ticks: linear axes step in 1, 2 or 5 times a power of ten; log axes tick at powers of ten
 * (with 2 and 5 in between when the range is narrow). Labels are plain text.
 */

export interface Tick {
  value: number;
  label: string;
}

/** The 1-2-5 step that puts at most about `maxTicks` ticks over a span. */
export function niceStep(span: number, maxTicks = 6): number {
  if (!(span > 0) || !Number.isFinite(span))
    throw new RangeError(`niceStep: span must be positive and finite, got ${span}`);
  const raw = span / Math.max(1, maxTicks - 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5, 10]) if (m * power >= raw * (1 - 1e-9)) return m * power;
  return 10 * power;
}

/** Ticks at multiples of a 1-2-5 step inside [lo, hi]. */
export function linearTicks(lo: number, hi: number, maxTicks = 6): Tick[] {
  const step = niceStep(hi - lo, maxTicks);
  const ticks: Tick[] = [];
  const first = Math.ceil(lo / step - 1e-9);
  const last = Math.floor(hi / step + 1e-9);
  for (let k = first; k <= last; k++) {
    const value = k * step;
    ticks.push({ value, label: linearLabel(value, step, Math.max(Math.abs(lo), Math.abs(hi))) });
  }
  return ticks;
}

/** [lo, hi] widened to the enclosing multiples of its nice step (a degenerate range is widened first). */
export function niceDomain(lo: number, hi: number, maxTicks = 6): [number, number] {
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi)
    throw new RangeError(`niceDomain: need finite lo <= hi, got [${lo}, ${hi}]`);
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const step = niceStep(hi - lo, maxTicks);
  return [Math.floor(lo / step + 1e-9) * step, Math.ceil(hi / step - 1e-9) * step];
}

/** Ticks for a log axis over [lo, hi] (both > 0). */
export function logTicks(lo: number, hi: number, maxTicks = 7): Tick[] {
  if (!(lo > 0) || !(hi >= lo)) throw new RangeError(`logTicks: need 0 < lo <= hi, got [${lo}, ${hi}]`);
  const first = Math.ceil(Math.log10(lo) - 1e-9);
  const last = Math.floor(Math.log10(hi) + 1e-9);
  const decades = last - first;
  const every = Math.max(1, Math.ceil((decades + 1) / maxTicks));
  const ticks: Tick[] = [];
  const narrow = decades <= 1;
  for (let k = first - 1; k <= last; k++) {
    if (k >= first && (k - first) % every === 0) ticks.push({ value: 10 ** k, label: powerOfTen(k) });
    if (narrow) {
      for (const m of [2, 5]) {
        const v = m * 10 ** k;
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push({ value: v, label: linearLabel(v, 10 ** k, v) });
      }
    }
  }
  return ticks.sort((a, b) => a.value - b.value);
}

/** [lo, hi] widened to whole decades. */
export function logDomain(lo: number, hi: number): [number, number] {
  if (!(lo > 0) || !Number.isFinite(hi) || lo > hi)
    throw new RangeError(`logDomain: need 0 < lo <= hi finite, got [${lo}, ${hi}]`);
  const a = Math.floor(Math.log10(lo) + 1e-9);
  let b = Math.ceil(Math.log10(hi) - 1e-9);
  if (a === b) b += 1;
  return [10 ** a, 10 ** b];
}

const SUPERSCRIPT: Record<string, string> = {
  "-": "\u207b",
  "0": "\u2070",
  "1": "\u00b9",
  "2": "\u00b2",
  "3": "\u00b3",
  "4": "\u2074",
  "5": "\u2075",
  "6": "\u2076",
  "7": "\u2077",
  "8": "\u2078",
  "9": "\u2079",
};

/** "10⁻³" for k = -3. */
export function powerOfTen(k: number): string {
  return "10" + Array.from(String(k), (c) => SUPERSCRIPT[c]).join("");
}

/** A label with as many decimals as the step needs; scientific when values are huge or the step tiny. */
function linearLabel(value: number, step: number, magnitude: number): string {
  if (Math.abs(value) < step * 1e-6) return "0";
  const stepPower = Math.floor(Math.log10(step) + 1e-9);
  if (magnitude >= 1e5 || stepPower < -4) {
    const digits = Math.max(0, Math.floor(Math.log10(Math.abs(value)) + 1e-9) - stepPower);
    const [mantissa, exponent] = value.toExponential(Math.min(digits, 20)).split("e");
    return `${mantissa}e${Number(exponent)}`;
  }
  return value.toFixed(Math.max(0, -stepPower));
}
