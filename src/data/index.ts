// The portable data API (runs in browsers). Node-only loaders are imported from their own
// modules: ./idx.node.ts (readIdxFile, loadIdxDataset) and ./mnist.node.ts (loadMnistPackage).
export * from "./dataset.ts";
export * from "./idx.ts";
export * from "./mnist.ts";
export * from "./graph.ts";
export * from "./karate-club.ts";
export * from "./link-prediction.ts";
export * from "./synthetic.ts";
