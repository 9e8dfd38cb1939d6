// The core engine's public surface: tensors, ops, gradients. Runs wherever JavaScript runs.
export { Tensor, tensor, empty, viewOf } from "./tensor/tensor.ts";
export { zeros, ones, full, zerosLike, copyOf, randn, uniform } from "./tensor/create.ts";
export { scoped } from "./tensor/scope.ts";
export { sizeOf, shapeStr, type Shape } from "./tensor/shape.ts";
export {
  parseSafetensors,
  serializeSafetensors,
  tensorValues,
  SafetensorsError,
  type Safetensors,
  type StoredTensor,
  type TensorToWrite,
  type FloatDtype,
} from "./tensor/safetensors.ts";
export { add, sub, mul, div, neg, mulScalar, addScalar } from "./autodiff/ops/arith.ts";
export { exp, log, sqrt, abs, pow, square, relu, leakyRelu, sigmoid, tanh } from "./autodiff/ops/unary.ts";
export { matmul, type MatmulOptions } from "./autodiff/ops/matmul.ts";
export { sum, mean, max, argmax } from "./autodiff/ops/reduce.ts";
export { softmax, logSoftmax } from "./autodiff/ops/softmax.ts";
export { reshape, transpose, slice, concat, gather } from "./autodiff/ops/layout.ts";
export { broadcastTo } from "./autodiff/ops/broadcast.ts";
export { valueAndGrad, valueAndGradInto, grad, hvp, noGrad } from "./autodiff/grad.ts";
export { backward } from "./autodiff/backward.ts";
export { Random } from "./random.ts";
export { heap, setMemoryLimit, memoryLimit } from "./wasm/module.ts";
export { capabilities, type Capabilities } from "./wasm/capabilities.ts";
export { setThreads, threadCount, stopThreads, availableCores, threadsUnavailable } from "./threads/threads.ts";
export { OutOfMemoryError } from "./wasm/allocator.ts";
export * from "./nn/index.ts";
export * from "./optim/index.ts";
export * from "./optim/second-order/index.ts";
export * from "./train/index.ts";
export * from "./analysis/hessian.ts";
