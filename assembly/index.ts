// The module's whole surface: every kernel family re-exported, nothing defined here.
export * from "./memory";
export * from "./gemm";
