// Layers, losses, regularization, initializers and the Model wrapper.
export {
  ParameterSet,
  BufferSet,
  Builder,
  Slot,
  type Parameter,
  type Buffer,
  type Region,
  type ParamSpec,
  type BufferSpec,
} from "./parameters.ts";
export { initialize, type Init, type InitName, type Fans } from "./init.ts";
export type { Layer, LayerConfig, ForwardContext } from "./layer.ts";
export { Linear, type LinearOptions } from "./layers/dense.ts";
export { Activation, gelu, type ActivationName } from "./layers/activation.ts";
export { Dropout, dropoutMask } from "./layers/dropout.ts";
export { Embedding } from "./layers/embedding.ts";
export { Conv1d, Conv2d, type ConvOptions } from "./layers/conv.ts";
export { MaxPool1d, MaxPool2d, AvgPool1d, AvgPool2d, GlobalAvgPool, type PoolOptions } from "./layers/pooling.ts";
export { Flatten } from "./layers/flatten.ts";
export { BatchNorm1d, BatchNorm2d, type BatchNormOptions } from "./layers/normalization.ts";
export { GraphConv, normalizeAdjacency } from "./layers/graph.ts";
export { LSTM } from "./layers/recurrent.ts";
export { Sequential } from "./layers/sequential.ts";
export { fromConfig, registerLayer } from "./layers/registry.ts";
export { mse, crossEntropy, binaryCrossEntropyWithLogits, type Loss } from "./losses.ts";
export { l1Penalty, l2Penalty } from "./regularization.ts";
export { Model, type ModelOptions, type StepOptions, type ModelJSON, type SavedTensor } from "./model.ts";
export {
  modelToSafetensors,
  loadSafetensors,
  modelFromSafetensors,
  type WeightLayout,
  type SafetensorsOptions,
} from "./safetensors.ts";
