// The module's whole surface: every kernel family re-exported, nothing defined here.
export * from "./memory";
export { setScratch, scratchBytes } from "./scratch";
export * from "./elementwise";
export * from "./reduce";
export * from "./softmax";
export * from "./layout";
export * from "./optim/sgd";
export * from "./optim/adagrad";
export * from "./optim/rmsprop";
export * from "./optim/adadelta";
export * from "./optim/adam";
export * from "./optim/lion";
export * from "./optim/tmsgd";
export * from "./optim/finite";
export * from "./optim/clip";
export * from "./gemm";
export * from "./optim/schedule-free";
export * from "./optim/transforms";
