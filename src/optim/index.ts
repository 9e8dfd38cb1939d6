// First-order optimizers, schedules and clipping. Listed in order of increasing complexity.
export * from "./optimizer.ts";
export * from "./state.ts";
export * from "./sgd.ts";
export * from "./adagrad.ts";
export * from "./rmsprop.ts";
export * from "./adadelta.ts";
export * from "./adam.ts";
export * from "./adamax.ts";
export * from "./nadam.ts";
export * from "./radam.ts";
export * from "./lion.ts";
export * from "./tmsgd.ts";
export * from "./schedules.ts";
export * from "./clip.ts";
export * from "./arrays.ts";
export * from "./safetensors.ts";
