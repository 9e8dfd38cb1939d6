/**
 * Where a model's numbers live. Layers declare named parameters (shape, initializer, whether weight
 * decay applies) through a Builder; a ParameterSet then allocates ONE block for every value and ONE
 * for every gradient, and binds each layer's slot to a view into it. An optimizer's fused update
 * is then one kernel call over `values`, `grads` and its own state of the same length.
 * Buffers (BatchNorm's running statistics) are not trained: they live in a BufferSet of their own,
 * and are saved with the model.
 */
import { heap, f32View, kernels } from "../wasm/module.ts";
import { viewOf, type Tensor } from "../tensor/tensor.ts";
import { sizeOf, type Shape } from "../tensor/shape.ts";
import type { Random } from "../random.ts";
import { checkInit, initialize, type Fans, type Init } from "./init.ts";

/** A layer's handle on one of its tensors; bound when the set that holds it is allocated. */
export class Slot {
  private value: Tensor | null = null;
  constructor(
    readonly name: string,
    readonly shape: Shape,
  ) {}

  get tensor(): Tensor {
    if (!this.value || this.value.freed)
      throw new Error(`${this.name} is not allocated: build a Model over its layer first (or its model was freed)`);
    return this.value;
  }

  /** @internal */
  bind(t: Tensor): void {
    this.value = t;
  }
}

export interface ParamSpec {
  name: string;
  shape: Shape;
  init: Init;
  fans: Fans;
  decay: boolean;
  owner: string;
  slot: Slot;
}
/** Buffers start at a constant: they are statistics, not random draws. */
export type BufferInit = "zeros" | "ones" | { constant: number };
export interface BufferSpec {
  name: string;
  shape: Shape;
  init: BufferInit;
  owner: string;
  slot: Slot;
}

/** Collects the declarations of a tree of layers, each under its own name prefix ("0.", "1.weight"...). */
export class Builder {
  constructor(
    private readonly prefix = "",
    readonly params: ParamSpec[] = [],
    readonly buffers: BufferSpec[] = [],
  ) {}

  /** A builder whose names are prefixed by `name.`: a child layer's namespace. */
  child(name: string): Builder {
    return new Builder(`${this.prefix}${name}.`, this.params, this.buffers);
  }

  /** Declares a trainable parameter. decay: whether weight decay and L1/L2 penalties apply (weights yes, biases and norms no). */
  param(
    name: string,
    shape: Shape,
    { init, fans, decay, owner }: { init: Init; fans?: Fans; decay: boolean; owner: string },
  ): Slot {
    checkInit(init, `${owner}: ${name}`);
    const full = this.prefix + name;
    if (this.params.some((p) => p.name === full)) throw new Error(`${owner}: parameter ${full} declared twice`);
    const slot = new Slot(`parameter ${full} of ${owner}`, shape);
    this.params.push({ name: full, shape, init, fans: fans ?? { fanIn: 1, fanOut: 1 }, decay, owner, slot });
    return slot;
  }

  /** Declares a non-trainable buffer (running statistics), initialized to a constant. */
  buffer(name: string, shape: Shape, init: BufferInit, owner: string): Slot {
    const full = this.prefix + name;
    const slot = new Slot(`buffer ${full} of ${owner}`, shape);
    this.buffers.push({ name: full, shape, init, owner, slot });
    return slot;
  }
}

export interface Region {
  ptr: number;
  length: number;
}

/** Element offsets, each rounded up to 4 floats so every view starts 16-byte aligned (what the SIMD kernels assume). */
function layout(shapes: Shape[]): { offsets: number[]; length: number } {
  const offsets: number[] = [];
  let length = 0;
  for (const s of shapes) {
    offsets.push(length);
    length += Math.ceil(sizeOf(s) / 4) * 4;
  }
  return { offsets, length };
}

function zeroed(length: number): number {
  const ptr = heap.alloc(length * 4);
  if (length > 0) kernels.fill(ptr, 0, length);
  return ptr;
}

function checkLoad(what: string, expected: number, data: ArrayLike<number>): void {
  if (data.length !== expected)
    throw new RangeError(`${what}.load: got ${data.length} values, the region holds ${expected}`);
}

export interface Parameter {
  name: string;
  shape: Shape;
  tensor: Tensor;
  grad: Tensor;
  /** Element offset into values and grads. */
  offset: number;
  size: number;
  decay: boolean;
  /** The layer that declared it, for messages. */
  owner: string;
}

/** Every trainable parameter, in one value region and one gradient region (padding between them is zero). */
export class ParameterSet {
  readonly values: Region;
  readonly grads: Region;
  readonly params: Parameter[];
  private freedFlag = false;

  /** Allocates and initializes, in declaration order, from rng. */
  constructor(specs: readonly ParamSpec[], rng: Random) {
    const { offsets, length } = layout(specs.map((s) => s.shape));
    this.values = { ptr: zeroed(length), length };
    try {
      this.grads = { ptr: zeroed(length), length };
    } catch (err) {
      heap.release(this.values.ptr); // the values fit but the gradients did not: leave nothing behind
      throw err;
    }
    this.params = specs.map((s, i) => {
      const size = sizeOf(s.shape);
      const init = new Float32Array(size);
      initialize(s.init, init, s.fans, rng);
      const byte = offsets[i] * 4;
      f32View(this.values.ptr + byte, size).set(init);
      const tensor = viewOf(this.values.ptr + byte, s.shape);
      s.slot.bind(tensor);
      return {
        name: s.name,
        shape: s.shape,
        tensor,
        grad: viewOf(this.grads.ptr + byte, s.shape),
        offset: offsets[i],
        size,
        decay: s.decay,
        owner: s.owner,
      };
    });
  }

  get freed(): boolean {
    return this.freedFlag;
  }
  get tensors(): Tensor[] {
    return this.params.map((p) => p.tensor);
  }
  get gradTensors(): Tensor[] {
    return this.params.map((p) => p.grad);
  }
  /** Number of trainable scalars (without the alignment padding). */
  get count(): number {
    return this.params.reduce((n, p) => n + p.size, 0);
  }

  get(name: string): Parameter {
    const p = this.params.find((q) => q.name === name);
    if (!p)
      throw new RangeError(`no parameter named ${name}; have ${this.params.map((q) => q.name).join(", ") || "none"}`);
    return p;
  }

  /** A copy of the whole value region (values.length floats, padding included). */
  flat(): Float32Array {
    return f32View(this.values.ptr, this.values.length).slice();
  }
  /** A copy of the whole gradient region. */
  flatGrads(): Float32Array {
    return f32View(this.grads.ptr, this.grads.length).slice();
  }

  /** Overwrites the value region from a copy made by flat(). */
  load(data: ArrayLike<number>): void {
    checkLoad("ParameterSet", this.values.length, data);
    f32View(this.values.ptr, this.values.length).set(data);
  }

  /** 1 where weight decay applies, 0 elsewhere (biases, norms, padding): for optimizers' parameter groups. */
  decayMask(): Float32Array {
    const mask = new Float32Array(this.values.length);
    for (const p of this.params) if (p.decay) mask.fill(1, p.offset, p.offset + p.size);
    return mask;
  }

  zeroGrads(): void {
    if (this.grads.length > 0) kernels.fill(this.grads.ptr, 0, this.grads.length);
  }

  free(): void {
    if (this.freedFlag) return;
    this.freedFlag = true;
    for (const p of this.params) {
      p.tensor.free();
      p.grad.free();
    }
    heap.release(this.values.ptr);
    heap.release(this.grads.ptr);
  }
}

export interface Buffer {
  name: string;
  shape: Shape;
  tensor: Tensor;
  offset: number;
  size: number;
  owner: string;
}

/** Non-trainable state (running statistics), in one region of its own. */
export class BufferSet {
  readonly values: Region;
  readonly buffers: Buffer[];
  private freedFlag = false;

  constructor(specs: readonly BufferSpec[]) {
    const { offsets, length } = layout(specs.map((s) => s.shape));
    this.values = { ptr: zeroed(length), length };
    this.buffers = specs.map((s, i) => {
      const size = sizeOf(s.shape);
      const data = new Float32Array(size);
      data.fill(s.init === "zeros" ? 0 : s.init === "ones" ? 1 : s.init.constant);
      const byte = offsets[i] * 4;
      f32View(this.values.ptr + byte, size).set(data);
      const tensor = viewOf(this.values.ptr + byte, s.shape);
      s.slot.bind(tensor);
      return { name: s.name, shape: s.shape, tensor, offset: offsets[i], size, owner: s.owner };
    });
  }

  get freed(): boolean {
    return this.freedFlag;
  }

  flat(): Float32Array {
    return f32View(this.values.ptr, this.values.length).slice();
  }

  load(data: ArrayLike<number>): void {
    checkLoad("BufferSet", this.values.length, data);
    f32View(this.values.ptr, this.values.length).set(data);
  }

  free(): void {
    if (this.freedFlag) return;
    this.freedFlag = true;
    for (const b of this.buffers) b.tensor.free();
    heap.release(this.values.ptr);
  }
}
