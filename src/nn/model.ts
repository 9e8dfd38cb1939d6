/**
 * A model: a layer tree (usually a Sequential), its ParameterSet (values and gradients in two
 * regions) and its BufferSet. forward/predict/lossAndGrad are the whole training surface; an
 * optimizer then updates `parameters.values` from `parameters.grads`. toJSON/fromJSON carry the
 * architecture (layer configs) and the weights (base64 of f32 bytes), and loading checks one
 * against the other, naming the parameter and the shapes when they disagree.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { shapeStr, sameShape } from "../tensor/shape.ts";
import { Random } from "../random.ts";
import { add, copyOf, noGrad, scoped, valueAndGradInto } from "./ops.ts";
import { Builder, BufferSet, ParameterSet } from "./parameters.ts";
import type { ForwardContext, Layer, LayerConfig } from "./layer.ts";
import { fromConfig } from "./layers/registry.ts";
import { l1Penalty, l2Penalty } from "./regularization.ts";
import { decodeF32, encodeF32 } from "./base64.ts";

export interface ModelOptions {
  /** The seed of the initializers (default 0); or pass an rng to draw from. */
  seed?: number;
  rng?: Random;
}

export interface StepOptions {
  /** The source of dropout masks (training mode). */
  rng?: Random;
  /** For graph convolutions. */
  adjacency?: Tensor;
  /** Strengths of the L1 and L2 penalties over the decayed parameters (regularization.ts). */
  l1?: number;
  l2?: number;
}

export interface SavedTensor {
  name: string;
  shape: number[];
  data: string;
}
export interface ModelJSON {
  format: "descent-model";
  version: 1;
  architecture: LayerConfig;
  parameters: SavedTensor[];
  buffers: SavedTensor[];
}

/** Which live model each root layer belongs to: a layer's slots point into one model's regions. */
const owners = new WeakMap<Layer, ParameterSet>();

export class Model {
  readonly parameters: ParameterSet;
  readonly buffers: BufferSet;

  constructor(
    readonly layer: Layer,
    { seed = 0, rng }: ModelOptions = {},
  ) {
    const previous = owners.get(layer);
    if (previous && !previous.freed)
      throw new Error(`${layer} already belongs to a live model: build a new layer (or free that model first)`);
    const b = new Builder();
    layer.declare(b);
    this.parameters = new ParameterSet(b.params, rng ?? new Random(seed));
    try {
      this.buffers = new BufferSet(b.buffers);
    } catch (err) {
      this.parameters.free();
      throw err;
    }
    owners.set(layer, this.parameters);
  }

  /** The layer tree applied to a batch; records for autodiff when parameters are tracked. Training mode by default. */
  forward(x: Tensor, ctx: Partial<ForwardContext> = {}): Tensor {
    if (x.rank === 0 || x.shape[0] === 0)
      throw new RangeError(`${this.layer}: the batch is empty (input ${shapeStr(x.shape)})`);
    return this.layer.forward(x, { training: true, ...ctx });
  }

  /** The output in evaluation mode, without gradients; the caller frees it. */
  predict(x: Tensor, ctx: { adjacency?: Tensor } = {}): Tensor {
    // An identity model hands back its input: copy it, so the caller may free what it gets.
    return scoped(
      () =>
        noGrad(() => {
          const y = this.forward(x, { ...ctx, training: false });
          return y === x ? copyOf(x) : y;
        }),
      (y) => [y],
    );
  }

  /**
   * One training evaluation: the loss (plus penalties) in training mode, its gradient written into
   * `parameters.grads`, every temporary freed. Returns the loss value.
   */
  lossAndGrad<Y>(
    x: Tensor,
    target: Y,
    loss: (output: Tensor, target: Y) => Tensor,
    { rng, adjacency, l1 = 0, l2 = 0 }: StepOptions = {},
  ): number {
    const objective = () => {
      let value = loss(this.forward(x, { training: true, rng, adjacency }), target);
      if (l1 > 0) value = add(value, l1Penalty(this.parameters, l1));
      if (l2 > 0) value = add(value, l2Penalty(this.parameters, l2));
      return value;
    };
    return valueAndGradInto(objective, this.parameters.tensors, this.parameters.gradTensors);
  }

  toJSON(): ModelJSON {
    const save = (t: { name: string; shape: readonly number[]; tensor: Tensor }) => ({
      name: t.name,
      shape: [...t.shape],
      data: encodeF32(t.tensor.toArray()),
    });
    return {
      format: "descent-model",
      version: 1,
      architecture: this.layer.toConfig(),
      parameters: this.parameters.params.map(save),
      buffers: this.buffers.buffers.map(save),
    };
  }

  /** A model of the saved architecture, holding the saved weights. */
  static fromJSON(json: ModelJSON | string): Model {
    const data = parse(json);
    const model = new Model(fromConfig(data.architecture));
    try {
      model.loadJSON(data);
    } catch (err) {
      model.free();
      throw err;
    }
    return model;
  }

  /** Loads saved weights into this model; throws, changing nothing, if they belong to another architecture. */
  loadJSON(json: ModelJSON | string): void {
    for (const { tensor, value } of this.matchJSON(json)) tensor.write(value);
  }

  /** Throws, as loadJSON would, if saved weights do not fit this model; loads nothing. */
  checkJSON(json: ModelJSON | string): void {
    this.matchJSON(json);
  }

  /** The saved values paired with this model's tensors, every name, shape and layer config checked. */
  private matchJSON(json: ModelJSON | string): { tensor: Tensor; value: Float32Array }[] {
    const data = parse(json);
    const values = [
      ...matchTensors("parameter", this.parameters.params, data.parameters),
      ...matchTensors("buffer", this.buffers.buffers, data.buffers),
    ];
    const mine = JSON.stringify(this.layer.toConfig()),
      theirs = JSON.stringify(data.architecture);
    if (mine !== theirs)
      throw new RangeError(
        `loadJSON: the checkpoint's architecture differs from the model's${firstDifference(this.layer.toConfig(), data.architecture)}`,
      );
    return values;
  }

  free(): void {
    this.parameters.free();
    this.buffers.free();
  }
}

function parse(json: ModelJSON | string): ModelJSON {
  const data = typeof json === "string" ? (JSON.parse(json) as ModelJSON) : json;
  if (data?.format !== "descent-model" || data.version !== 1) {
    throw new RangeError(
      `loadJSON: not a descent model checkpoint (format ${JSON.stringify(data?.format)}, version ${JSON.stringify(data?.version)})`,
    );
  }
  if (!Array.isArray(data.parameters) || !Array.isArray(data.buffers))
    throw new RangeError("loadJSON: the checkpoint lacks its parameters or buffers");
  return data;
}

/** Pairs the model's tensors with the checkpoint's by name, checking shapes and lengths. */
function matchTensors(
  kind: string,
  mine: readonly { name: string; shape: readonly number[]; tensor: Tensor; owner: string }[],
  saved: readonly SavedTensor[],
) {
  const byName = new Map(saved.map((s) => [s.name, s]));
  const out = mine.map((p) => {
    const s = byName.get(p.name);
    if (!s)
      throw new RangeError(
        `loadJSON: the checkpoint has no ${kind} ${p.name} (${p.owner}, shape ${shapeStr(p.shape)})`,
      );
    if (!Array.isArray(s.shape) || !sameShape(s.shape, p.shape)) {
      throw new RangeError(
        `loadJSON: ${kind} ${p.name} of ${p.owner} has shape ${shapeStr(s.shape ?? [])} in the checkpoint, the model expects ${shapeStr(p.shape)}`,
      );
    }
    const value = decodeF32(s.data, `loadJSON: ${kind} ${p.name}`);
    if (value.length !== p.tensor.size)
      throw new RangeError(
        `loadJSON: ${kind} ${p.name} has ${value.length} values, its shape ${shapeStr(p.shape)} needs ${p.tensor.size}`,
      );
    const bad = value.findIndex((v) => !Number.isFinite(v));
    // A model holding NaN or ±Inf would load and evaluate "successfully" to a meaningless score.
    if (bad >= 0)
      throw new RangeError(
        `loadJSON: ${kind} ${p.name} of ${p.owner} holds ${value[bad]} at index ${bad} (${value.filter((v) => !Number.isFinite(v)).length} of ${value.length} values are not finite)`,
      );
    byName.delete(p.name);
    return { tensor: p.tensor, value };
  });
  if (byName.size > 0) {
    const [name, s] = [...byName][0];
    throw new RangeError(
      `loadJSON: the checkpoint has a ${kind} ${name} (shape ${shapeStr(s.shape ?? [])}) that the model does not`,
    );
  }
  return out;
}

/** Where two layer configs first differ, for the message. */
function firstDifference(a: LayerConfig, b: LayerConfig, path = "model"): string {
  if (a.type === "sequential" && b.type === "sequential") {
    const la = a.layers as LayerConfig[],
      lb = b.layers as LayerConfig[];
    for (let i = 0; i < Math.max(la.length, lb.length); i++) {
      if (JSON.stringify(la[i]) !== JSON.stringify(lb[i])) {
        if (!la[i] || !lb[i]) return `: ${path} has ${la.length} layers, the checkpoint ${lb.length}`;
        return firstDifference(la[i], lb[i], `${path}.${i}`);
      }
    }
  }
  return `: at layer ${path}, the model has ${JSON.stringify(a)}, the checkpoint ${JSON.stringify(b)}`;
}
