/**
 * Parameter initializers. Each one fills a Float32Array from the one seeded Random, in order, so
 * the same seed gives bit-identical parameters. An initializer is plain data (a name, or a
 * constant), so it serializes with the layer that uses it.
 *
 * Glorot & Bengio 2010 ("Understanding the difficulty of training deep feedforward neural
 * networks"): Var = 2/(fanIn+fanOut). He et al. 2015 ("Delving deep into rectifiers"):
 * Var = 2/fanIn, for ReLU. Uniform variants draw from U(−a, a) with a = √(3·Var); normal variants
 * use an untruncated normal (Keras truncates; we do not).
 */
import type { Random } from "../random.ts";

export type InitName = "glorotUniform" | "glorotNormal" | "heUniform" | "heNormal" | "zeros" | "ones";
export type Init = InitName | { constant: number };

/** Fan-in and fan-out of a weight: inputs and outputs per unit (times the kernel area for convolutions). */
export interface Fans {
  fanIn: number;
  fanOut: number;
}

const INIT_NAMES: readonly InitName[] = ["glorotUniform", "glorotNormal", "heUniform", "heNormal", "zeros", "ones"];

/** Throws unless init is a known initializer. */
export function checkInit(init: unknown, where: string): asserts init is Init {
  if (typeof init === "string" && (INIT_NAMES as readonly string[]).includes(init)) return;
  if (
    typeof init === "object" &&
    init !== null &&
    typeof (init as { constant?: unknown }).constant === "number" &&
    Number.isFinite((init as { constant: number }).constant)
  )
    return;
  throw new RangeError(
    `${where}: unknown initializer ${JSON.stringify(init)}; expected one of ${INIT_NAMES.join(", ")} or { constant: number }`,
  );
}

function uniformFill(out: Float32Array, rng: Random, bound: number): void {
  for (let i = 0; i < out.length; i++) out[i] = rng.range(-bound, bound);
}

function normalFill(out: Float32Array, rng: Random, std: number): void {
  for (let i = 0; i < out.length; i++) out[i] = std * rng.normal();
}

/** Fills out with init's values; consumes rng only for the random initializers. */
export function initialize(init: Init, out: Float32Array, { fanIn, fanOut }: Fans, rng: Random): void {
  if (typeof init === "object") {
    out.fill(init.constant);
    return;
  }
  const glorotVar = 2 / Math.max(1, fanIn + fanOut);
  const heVar = 2 / Math.max(1, fanIn);
  switch (init) {
    case "glorotUniform":
      return uniformFill(out, rng, Math.sqrt(3 * glorotVar));
    case "glorotNormal":
      return normalFill(out, rng, Math.sqrt(glorotVar));
    case "heUniform":
      return uniformFill(out, rng, Math.sqrt(3 * heVar));
    case "heNormal":
      return normalFill(out, rng, Math.sqrt(heVar));
    case "zeros":
      out.fill(0);
      return;
    case "ones":
      out.fill(1);
      return;
  }
}
