// The module's whole surface: every kernel family re-exported, nothing defined here.
export * from "./memory";
export * from "./elementwise";
export * from "./reduce";
export * from "./softmax";
export * from "./layout";
