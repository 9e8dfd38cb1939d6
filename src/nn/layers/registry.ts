/** Layers from their configs: the inverse of toConfig(), so an architecture can be saved and rebuilt. */
import type { Layer, LayerConfig } from "../layer.ts";
import { Activation } from "./activation.ts";
import { Conv1d, Conv2d } from "./conv.ts";
import { Linear } from "./dense.ts";
import { Dropout } from "./dropout.ts";
import { Embedding } from "./embedding.ts";
import { Flatten } from "./flatten.ts";
import { GraphConv } from "./graph.ts";
import { BatchNorm1d, BatchNorm2d } from "./normalization.ts";
import { AvgPool1d, AvgPool2d, GlobalAvgPool, MaxPool1d, MaxPool2d } from "./pooling.ts";
import { LSTM } from "./recurrent.ts";
import { Sequential } from "./sequential.ts";

type Factory = (c: LayerConfig) => Layer;

const registry = new Map<string, Factory>([
  ["linear", Linear.fromConfig],
  ["activation", Activation.fromConfig],
  ["dropout", Dropout.fromConfig],
  ["embedding", Embedding.fromConfig],
  ["conv1d", Conv1d.fromConfig],
  ["conv2d", Conv2d.fromConfig],
  ["maxPool1d", MaxPool1d.fromConfig],
  ["avgPool1d", AvgPool1d.fromConfig],
  ["maxPool2d", MaxPool2d.fromConfig],
  ["avgPool2d", AvgPool2d.fromConfig],
  ["globalAvgPool", GlobalAvgPool.fromConfig],
  ["flatten", Flatten.fromConfig],
  ["batchNorm1d", BatchNorm1d.fromConfig],
  ["batchNorm2d", BatchNorm2d.fromConfig],
  ["graphConv", GraphConv.fromConfig],
  ["lstm", LSTM.fromConfig],
  [
    "sequential",
    (c) => {
      if (!Array.isArray(c.layers))
        throw new RangeError(`fromConfig: a sequential config needs a layers array, got ${JSON.stringify(c.layers)}`);
      return new Sequential((c.layers as LayerConfig[]).map(fromConfig));
    },
  ],
]);

/** Rebuilds a layer (and its children) from toConfig() output. */
export function fromConfig(config: LayerConfig): Layer {
  const make = typeof config === "object" && config !== null ? registry.get(config.type) : undefined;
  if (!make)
    throw new RangeError(
      `fromConfig: unknown layer type ${JSON.stringify(config?.type)}; known: ${[...registry.keys()].join(", ")}`,
    );
  return make(config);
}

/** Adds a layer type (a custom layer) to the registry. */
export function registerLayer(type: string, make: Factory): void {
  registry.set(type, make);
}
