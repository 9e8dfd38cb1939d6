/**
 * Number formatting for report cells: people read these, so every cell of a column should look
 * alike, tiny and huge values switch to scientific notation, and non-finite values say what they are.
 */

/** Values with magnitude outside [SCI_BELOW, SCI_FROM) are written in scientific notation. */
const SCI_BELOW = 1e-3;
const SCI_FROM = 1e5;

/** "NaN", "inf", "-inf" for non-finite values; null for finite ones. */
function nonFinite(x: number): string | null {
  if (Number.isNaN(x)) return "NaN";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  return null;
}

/** `x` with exactly `decimals` digits after the point: fixed(3.14159, 2) = "3.14". */
export function fixed(x: number, decimals = 3): string {
  checkDigits("fixed", decimals, 0);
  return nonFinite(x) ?? clearNegativeZero(x.toFixed(decimals));
}

/** `x` in scientific notation with `digits` significant digits and a bare exponent: "1.23e-7". */
export function scientific(x: number, digits = 3): string {
  checkDigits("scientific", digits, 1);
  const bad = nonFinite(x);
  if (bad) return bad;
  const [mantissa, exponent] = x.toExponential(digits - 1).split("e");
  return `${clearNegativeZero(mantissa)}e${Number(exponent)}`;
}

/**
 * `x` with `digits` significant digits: fixed notation for magnitudes in [1e-3, 1e5), scientific
 * outside, "0" for zero. formatNumber(0.012345) = "0.01235", formatNumber(2.5e-7) = "2.500e-7".
 */
export function formatNumber(x: number, digits = 4): string {
  checkDigits("formatNumber", digits, 1);
  const bad = nonFinite(x);
  if (bad) return bad;
  if (x === 0) return "0";
  // Round first: 9.9996 at 4 digits becomes 10.00 (one digit more before the point), 99999 becomes 1e5.
  const rounded = Number(x.toPrecision(digits));
  const magnitude = Math.abs(rounded);
  if (magnitude < SCI_BELOW || magnitude >= SCI_FROM) return scientific(x, digits);
  const decimals = Math.max(0, digits - 1 - Math.floor(Math.log10(Math.abs(rounded))));
  return fixed(rounded, decimals);
}

/**
 * "mean ± std" with the precision set by the spread: the std gets two significant digits and the
 * mean is rounded to the same decimal place (formatMeanStd(0.123456, 0.00432) = "0.1235 ± 0.0043").
 * A zero or non-finite std falls back to formatNumber for the mean.
 */
export function formatMeanStd(mean: number, std: number, stdDigits = 2): string {
  checkDigits("formatMeanStd", stdDigits, 1);
  if (!Number.isFinite(mean))
    return `${nonFinite(mean)} ± ${Number.isFinite(std) ? formatNumber(std, stdDigits) : nonFinite(std)}`;
  if (!Number.isFinite(std) || std === 0) return `${formatNumber(mean)} ± ${std === 0 ? "0" : nonFinite(std)}`;
  const s = Math.abs(std);
  if (s < SCI_BELOW || s >= SCI_FROM || Math.abs(mean) >= SCI_FROM) {
    // Share the std's power of ten, so the two numbers stay comparable at a glance.
    const power = Math.floor(Math.log10(s));
    const decimals = Math.max(0, stdDigits - 1);
    const scale = 10 ** power;
    return `(${fixed(mean / scale, decimals)} ± ${fixed(s / scale, decimals)})e${power}`;
  }
  const decimals = Math.max(0, stdDigits - 1 - Math.floor(Math.log10(Number(s.toPrecision(stdDigits)))));
  return `${fixed(mean, decimals)} ± ${fixed(s, decimals)}`;
}

/** Mean and sample standard deviation (n - 1 in the denominator; 0 for a single value). */
export function meanStd(values: readonly number[]): { mean: number; std: number; n: number } {
  const n = values.length;
  if (n === 0) throw new RangeError("meanStd: no values");
  let sum = 0;
  for (const v of values) sum += v;
  const mean = sum / n;
  let squares = 0;
  for (const v of values) squares += (v - mean) * (v - mean);
  return { mean, std: n > 1 ? Math.sqrt(squares / (n - 1)) : 0, n };
}

/** The cell for a run whose loss became non-finite: "diverged at epoch 7". */
export function divergedCell(epoch: number, unit = "epoch"): string {
  if (!Number.isInteger(epoch) || epoch < 0)
    throw new RangeError(`divergedCell: epoch must be a non-negative integer, got ${epoch}`);
  return `diverged at ${unit} ${epoch}`;
}

function clearNegativeZero(s: string): string {
  return /^-0(\.0*)?$/.test(s) ? s.slice(1) : s;
}

function checkDigits(name: string, digits: number, min: number): void {
  if (!Number.isInteger(digits) || digits < min || digits > 20) {
    throw new RangeError(`${name}: digits must be an integer in [${min}, 20], got ${digits}`);
  }
}
