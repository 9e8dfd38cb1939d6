/**
 * Hyperparameter checks, run once at construction. Each failure is a RangeError naming the
 * optimizer, the parameter, its value and the valid range.
 */

function fail(owner: string, name: string, value: unknown, range: string): never {
  throw new RangeError(`${owner}: ${name} = ${String(value)} is outside the valid range ${range}`);
}

/**
 * A range of valid values. The command line's option tables spread these same objects into their
 * options (src/options/option.ts), so `--lr 0` is refused where the optimizer would refuse lr = 0.
 */
export interface Range {
  readonly min?: number;
  readonly max?: number;
  readonly exclusiveMin?: boolean;
  readonly exclusiveMax?: boolean;
}

/** A finite number > 0 (learning rates, ε). */
export const POSITIVE = { min: 0, exclusiveMin: true } as const satisfies Range;
/** A finite number ≥ 0 (weight decay, decay rates). */
export const NON_NEGATIVE = { min: 0 } as const satisfies Range;
/** A number in [0, 1) (β, ρ, α, momentum). */
export const UNIT_INTERVAL = { min: 0, max: 1, exclusiveMax: true } as const satisfies Range;
/** A number in (0, 1) (Nesterov's momentum). */
export const OPEN_UNIT_INTERVAL = { min: 0, max: 1, exclusiveMin: true, exclusiveMax: true } as const satisfies Range;
/** A number in [0, 1] (dampening). */
export const CLOSED_UNIT_INTERVAL = { min: 0, max: 1 } as const satisfies Range;

/** Whether x is a finite number inside the range. */
export function inRange(range: Range, x: number): boolean {
  if (!Number.isFinite(x)) return false;
  if (range.min !== undefined && (range.exclusiveMin ? x <= range.min : x < range.min)) return false;
  if (range.max !== undefined && (range.exclusiveMax ? x >= range.max : x > range.max)) return false;
  return true;
}

/** "(0, ∞)", "[0, 1)": the range in interval notation. */
export function describeRange(range: Range): string {
  const low = `${range.exclusiveMin || range.min === undefined ? "(" : "["}${range.min ?? "-∞"}`;
  const high = `${range.max ?? "∞"}${range.exclusiveMax || range.max === undefined ? ")" : "]"}`;
  return `${low}, ${high}`;
}

function check(range: Range, owner: string, name: string, value: number): void {
  if (typeof value !== "number" || !inRange(range, value)) fail(owner, name, value, describeRange(range));
}

export const positive = (owner: string, name: string, value: number): void => check(POSITIVE, owner, name, value);
export const nonNegative = (owner: string, name: string, value: number): void =>
  check(NON_NEGATIVE, owner, name, value);
export const unitInterval = (owner: string, name: string, value: number): void =>
  check(UNIT_INTERVAL, owner, name, value);
export const closedUnitInterval = (owner: string, name: string, value: number): void =>
  check(CLOSED_UNIT_INTERVAL, owner, name, value);

/** An integer ≥ 0 (step counts). */
export function count(owner: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 0) fail(owner, name, value, "the integers ≥ 0");
}

export function oneOf<T>(owner: string, name: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) fail(owner, name, value, `{${allowed.map(String).join(", ")}}`);
}

/** A learning rate: a finite number > 0, or a schedule (a function of the step, checked when used). */
export function learningRate(owner: string, value: unknown): void {
  if (typeof value === "function") return;
  positive(owner, "lr", value as number);
}
