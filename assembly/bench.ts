// The benchmark build's surface (asconfig.json's `bench` and `bench-relaxed` targets): the yardsticks
// the benchmarks divide by, kept out of the engine's module so the production .wasm carries none
// of them. Loaded by bench/kernels.ts, in an instance and memory of its own.
export * from "./memory";
export * from "./ceilings";
export * from "./bandwidth";
