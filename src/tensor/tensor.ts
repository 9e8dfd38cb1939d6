/**
 * A tensor: a shape and f32 data in WASM linear memory. TypeScript owns the memory: a tensor
 * frees its block with free(), or the scope it was made in frees it. Data leave as copies.
 */
import { f32View, heap } from "../wasm/module.ts";
import { adopt } from "./scope.ts";
import { checkShape, shapeStr, sizeOf, type Shape } from "./shape.ts";

export class Tensor {
  readonly shape: Shape;
  readonly size: number;
  /** The op that produced this tensor, when it was recorded for differentiation. */
  node: Node | null = null;
  /** Set on the leaves a gradient is taken with respect to, while it is taken. */
  tracked = false;
  private address: number;
  private readonly owns: boolean;

  /** Use the factories below; this wraps memory that is already allocated. */
  constructor(shape: Shape, address: number, owns: boolean) {
    this.shape = Object.freeze([...shape]);
    this.size = sizeOf(shape);
    this.address = address;
    this.owns = owns;
    if (owns) adopt(this);
  }

  /** Byte offset of the data in linear memory. */
  get ptr(): number {
    if (this.address < 0) throw new Error(`use of a freed tensor of shape ${shapeStr(this.shape)}`);
    return this.address;
  }

  get freed(): boolean {
    return this.address < 0;
  }
  get rank(): number {
    return this.shape.length;
  }

  /** Whether gradients flow through this tensor. */
  get requiresGrad(): boolean {
    return this.tracked || this.node !== null;
  }

  /** A copy of the data. */
  toArray(): Float32Array {
    return f32View(this.ptr, this.size).slice();
  }

  /** The single value of a one-element tensor. */
  item(): number {
    if (this.size !== 1)
      throw new Error(`item: tensor of shape ${shapeStr(this.shape)} has ${this.size} elements, expected 1`);
    return f32View(this.ptr, 1)[0];
  }

  /** Overwrites the data from a JS array of the same length. */
  write(data: ArrayLike<number>): this {
    if (data.length !== this.size)
      throw new RangeError(
        `write: got ${data.length} values for a tensor of shape ${shapeStr(this.shape)} (${this.size} values)`,
      );
    f32View(this.ptr, this.size).set(data);
    return this;
  }

  free(): void {
    if (this.address < 0) return;
    if (this.owns) heap.release(this.address);
    this.address = -1;
    this.node = null;
  }

  toString(): string {
    return `Tensor${shapeStr(this.shape)}`;
  }
}

/** An uninitialised tensor: for ops that write every element. */
export function empty(shape: Shape, op = "empty"): Tensor {
  checkShape(op, shape);
  return new Tensor(shape, heap.alloc(sizeOf(shape) * 4), true);
}

/** A tensor over memory owned by someone else (a parameter region): free() leaves the memory alone. */
export function viewOf(ptr: number, shape: Shape): Tensor {
  checkShape("view", shape);
  if (ptr % 4 !== 0 || ptr < 0)
    throw new RangeError(`view: byte offset must be a non-negative multiple of 4, got ${ptr}`);
  return new Tensor(shape, ptr, false);
}

type Nested = number | readonly Nested[];

/** A tensor from a JS array, a typed array or nested arrays. With a shape, the data must have its size. */
export function tensor(data: Nested | ArrayLike<number>, shape?: Shape): Tensor {
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (typeof data === "number") {
    flat = [data];
    inferred = [];
  } else if (ArrayBuffer.isView(data) || !Array.isArray(data) || data.every((d) => typeof d === "number")) {
    flat = data as ArrayLike<number>;
    inferred = [flat.length];
  } else ({ flat, shape: inferred } = flatten(data as readonly Nested[]));
  const target = shape ?? inferred;
  checkShape("tensor", target);
  if (sizeOf(target) !== flat.length) {
    throw new RangeError(
      `tensor: ${flat.length} values do not fill shape ${shapeStr(target)} (${sizeOf(target)} values)`,
    );
  }
  return empty(target, "tensor").write(flat);
}

function flatten(data: readonly Nested[]): { flat: number[]; shape: number[] } {
  const shape: number[] = [];
  for (let level: Nested = data; Array.isArray(level); level = (level as readonly Nested[])[0])
    shape.push((level as readonly Nested[]).length);
  const flat: number[] = [];
  const walk = (x: Nested, depth: number) => {
    if (depth === shape.length) {
      if (typeof x !== "number")
        throw new RangeError(`tensor: ragged nested array (expected a number at depth ${depth})`);
      flat.push(x);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth])
      throw new RangeError(`tensor: ragged nested array (expected length ${shape[depth]} at depth ${depth})`);
    for (const y of x) walk(y, depth + 1);
  };
  walk(data, 0);
  return { flat, shape };
}

// ---------------------------------------------------------------- the tape (src/autodiff records and reads it)
/** Given the output's gradient, the gradient of each input, or null where none flows. */
export interface RuleContext<P> {
  inputs: Tensor[];
  out: Tensor;
  params: P;
  /** needs[i]: whether input i wants a gradient; a rule skips the work for the others. */
  needs: boolean[];
}
export type Rule<P> = (g: Tensor, ctx: RuleContext<P>) => (Tensor | null)[];

export interface Node {
  readonly name: string;
  readonly inputs: Tensor[];
  readonly params: unknown;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each op's rule takes its own params type, and the node holds it with those params; Rule<unknown> would not accept a Rule<P>, as P is an argument type
  readonly rule: Rule<any>;
}
