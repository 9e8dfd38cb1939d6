/**
 * What every layer is: it declares its parameters once (through a Builder), maps a batch forward
 * with engine ops (so autodiff needs nothing from it), and describes itself as plain data, so an
 * architecture can be saved beside its weights and rebuilt (layers/registry.ts).
 */
import type { Tensor } from "../tensor/tensor.ts";
import { shapeStr } from "../tensor/shape.ts";
import type { Random } from "../random.ts";
import type { Builder } from "./parameters.ts";

export interface ForwardContext {
  /** Training mode: dropout drops, batch norm uses (and updates) batch statistics. */
  training: boolean;
  /** The seeded source of dropout masks; required by Dropout in training mode. */
  rng?: Random;
  /** The normalized adjacency Â = D^-1/2 (A+I) D^-1/2 [V, V], for graph convolutions. */
  adjacency?: Tensor;
}

/** A layer as plain data: `type` names its constructor in the registry. */
export interface LayerConfig {
  type: string;
  [key: string]: unknown;
}

export interface Layer {
  /** Declares this layer's parameters and buffers; called once, by the Model that owns it. */
  declare(b: Builder): void;
  forward(x: Tensor, ctx: ForwardContext): Tensor;
  toConfig(): LayerConfig;
  /** A short description for messages, e.g. "Linear(784→500)". */
  toString(): string;
}

/** Throws unless x has the given rank and, where given, dimension sizes (null: any). */
export function expectShape(layer: Layer, x: Tensor, dims: (number | null)[], layout: string): void {
  const bad = x.rank !== dims.length || dims.some((d, i) => d !== null && x.shape[i] !== d);
  if (bad) {
    const want = dims.map((d) => (d === null ? "*" : String(d))).join(",");
    throw new RangeError(`${layer}: expected input ${layout} of shape [${want}], got ${shapeStr(x.shape)}`);
  }
  if (x.shape[0] === 0) throw new RangeError(`${layer}: the batch is empty (input ${shapeStr(x.shape)})`);
}

/** Throws unless n is a positive integer (or, with zero allowed, non-negative). */
export function checkCount(where: string, name: string, n: unknown, min = 1): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < min)
    throw new RangeError(`${where}: ${name} must be an integer ≥ ${min}, got ${String(n)}`);
  return n;
}
