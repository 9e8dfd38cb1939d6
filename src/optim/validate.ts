/**
 * Hyperparameter checks, run once at construction. Each failure is a RangeError naming the
 * optimizer, the parameter, its value and the valid range.
 */

function fail(owner: string, name: string, value: unknown, range: string): never {
  throw new RangeError(`${owner}: ${name} = ${String(value)} is outside the valid range ${range}`);
}

/** A finite number > 0 (learning rates, ε). */
export function positive(owner: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) fail(owner, name, value, "(0, ∞)");
}

/** A finite number ≥ 0 (weight decay, decay rates). */
export function nonNegative(owner: string, name: string, value: number): void {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) fail(owner, name, value, "[0, ∞)");
}

/** A number in [0, 1) (β, ρ, α, momentum). */
export function unitInterval(owner: string, name: string, value: number): void {
  if (typeof value !== "number" || !(value >= 0 && value < 1)) fail(owner, name, value, "[0, 1)");
}

/** A number in [0, 1] (dampening). */
export function closedUnitInterval(owner: string, name: string, value: number): void {
  if (typeof value !== "number" || !(value >= 0 && value <= 1)) fail(owner, name, value, "[0, 1]");
}

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
