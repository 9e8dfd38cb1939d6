// The engine ops the layers compose, imported from their modules (not src/index.ts, which may re-export nn).
export { add, sub, mul, div, neg, mulScalar, addScalar } from "../autodiff/ops/arith.ts";
export { exp, log, sqrt, abs, pow, square, relu, leakyRelu, sigmoid, tanh } from "../autodiff/ops/unary.ts";
export { matmul } from "../autodiff/ops/matmul.ts";
export { sum, mean, max, argmax } from "../autodiff/ops/reduce.ts";
export { softmax, logSoftmax } from "../autodiff/ops/softmax.ts";
export { reshape, transpose, slice, concat, gather } from "../autodiff/ops/layout.ts";
export { broadcastTo } from "../autodiff/ops/broadcast.ts";
export { valueAndGrad, valueAndGradInto, noGrad } from "../autodiff/grad.ts";
export { tensor, viewOf, type Tensor } from "../tensor/tensor.ts";
export { zeros, full, ones, copyOf } from "../tensor/create.ts";
export { scoped } from "../tensor/scope.ts";
