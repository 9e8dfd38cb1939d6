/**
 * A model's weights as safetensors, in one of two layouts:
 *
 * - "descent" (default): every parameter and buffer under its own name ("0.weight", "1.bias", a
 *   BatchNorm's "2.runningMean"), in the shape the model holds it (Linear weights in × out), plus
 *   the architecture in __metadata__, so modelFromSafetensors can rebuild the model.
 * - "pytorch": what `safetensors.torch.save_file(seq.state_dict())` writes for an nn.Sequential of
 *   nn.Linear layers (activations between them take an index but hold nothing). The names are
 *   the same ("<index>.weight", "<index>.bias": descent's Sequential numbers its layers as
 *   PyTorch does), and each Linear weight is transposed: PyTorch stores it out × in.
 *   Layers with parameters other than Linear have no mapping and are refused by name.
 *
 * Loading checks every name, shape and size against the model and decodes every tensor before it
 * writes one value: a file that does not fit changes nothing.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { sameShape, shapeStr } from "../tensor/shape.ts";
import {
  parseSafetensors,
  serializeSafetensors,
  tensorValues,
  SafetensorsError,
  type TensorToWrite,
} from "../tensor/safetensors.ts";
import type { Layer } from "./layer.ts";
import { Linear } from "./layers/dense.ts";
import { Sequential } from "./layers/sequential.ts";
import { fromConfig } from "./layers/registry.ts";
import { Model } from "./model.ts";

export type WeightLayout = "descent" | "pytorch";

export interface SafetensorsOptions {
  /** How names and shapes map to the file's (see above); default "descent". */
  layout?: WeightLayout;
  /** The file, for error messages. */
  source?: string;
}

const FORMAT = "descent-model";

/** One tensor of the model as the file holds it. */
interface Entry {
  name: string;
  owner: string;
  tensor: Tensor;
  shape: readonly number[];
  transpose: boolean;
}

export function modelToSafetensors(
  model: Model,
  { layout = "descent", dtype = "F32" }: { layout?: WeightLayout; dtype?: "F32" | "F64" } = {},
): Uint8Array {
  const tensors: TensorToWrite[] = entries(model, layout, "modelToSafetensors").map((e) => {
    const values = e.tensor.toArray();
    return {
      name: e.name,
      shape: e.shape,
      data: e.transpose ? transpose(values, e.tensor.shape[0], e.tensor.shape[1]) : values,
    };
  });
  const metadata =
    layout === "descent" ? { format: FORMAT, architecture: JSON.stringify(model.layer.toConfig()) } : undefined;
  return serializeSafetensors(tensors, { dtype, metadata });
}

/** Loads a file's weights into the model; throws, changing nothing, if any tensor is missing, extra or misshapen. */
export function loadSafetensors(
  model: Model,
  bytes: Uint8Array,
  { layout = "descent", source = "safetensors" }: SafetensorsOptions = {},
): void {
  const file = parseSafetensors(bytes, source);
  const fail = (why: string): never => {
    throw new SafetensorsError(`${source}: ${why}`);
  };
  const mine = entries(model, layout, source);
  const values = mine.map((e) => {
    const stored = file.tensors.get(e.name);
    if (!stored)
      fail(
        `no tensor ${JSON.stringify(e.name)} (${e.owner}, shape ${shapeStr(e.shape)}${layout === "pytorch" ? " in PyTorch's layout" : ""})`,
      );
    if (!sameShape(stored!.shape, e.shape))
      fail(
        `tensor ${JSON.stringify(e.name)} has shape ${shapeStr(stored!.shape)}, ${e.owner} needs ${shapeStr(e.shape)}${layout === "pytorch" ? " (PyTorch's layout)" : ""}`,
      );
    const v = tensorValues(stored!, source);
    return e.transpose ? transpose(v, e.shape[0], e.shape[1]) : v;
  });
  const wanted = new Set(mine.map((e) => e.name));
  const extra = [...file.tensors.keys()].filter((name) => !wanted.has(name));
  if (extra.length > 0)
    fail(
      `tensor ${JSON.stringify(extra[0])} belongs to no parameter of the model${extra.length > 1 ? ` (nor ${extra.length - 1} more)` : ""}`,
    );
  mine.forEach((e, i) => e.tensor.write(values[i]));
}

/** A model of the architecture recorded in a descent-layout file, holding its weights. */
export function modelFromSafetensors(bytes: Uint8Array, source = "safetensors"): Model {
  const { metadata } = parseSafetensors(bytes, source);
  if (metadata.format !== FORMAT || metadata.architecture === undefined) {
    throw new SafetensorsError(
      `${source}: no descent architecture in __metadata__ (format ${JSON.stringify(metadata.format)}); build the model yourself and use loadSafetensors`,
    );
  }
  let architecture: unknown;
  try {
    architecture = JSON.parse(metadata.architecture);
  } catch {
    throw new SafetensorsError(`${source}: __metadata__.architecture is not JSON`);
  }
  const model = new Model(fromConfig(architecture as Parameters<typeof fromConfig>[0]));
  try {
    loadSafetensors(model, bytes, { source });
  } catch (err) {
    model.free();
    throw err;
  }
  return model;
}

function entries(model: Model, layout: WeightLayout, where: string): Entry[] {
  const all = [...model.parameters.params, ...model.buffers.buffers].map((p) => ({
    name: p.name,
    owner: p.owner,
    tensor: p.tensor,
    shape: p.shape,
    transpose: false,
  }));
  if (layout === "descent") return all;
  if (layout !== "pytorch")
    throw new RangeError(`${where}: layout must be "descent" or "pytorch", got ${JSON.stringify(layout)}`);
  const linearWeights = new Set<string>();
  const mapped = new Set<string>();
  (function walk(layer: Layer, prefix: string) {
    if (layer instanceof Sequential) layer.layers.forEach((child, i) => walk(child, `${prefix}${i}.`));
    else if (layer instanceof Linear) {
      linearWeights.add(`${prefix}weight`);
      mapped.add(`${prefix}weight`).add(`${prefix}bias`);
    }
  })(model.layer, "");
  return all.map((e) => {
    if (!mapped.has(e.name))
      throw new RangeError(
        `${where}: ${e.owner}'s ${e.name} has no PyTorch mapping; only Linear layers (in a Sequential) are mapped`,
      );
    return linearWeights.has(e.name) ? { ...e, shape: [e.shape[1], e.shape[0]], transpose: true } : e;
  });
}

/** A rows × cols row-major matrix transposed. */
function transpose(values: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(values.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = values[r * cols + c];
  return out;
}
