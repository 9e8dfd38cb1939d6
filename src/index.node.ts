// The Node-only surface ("descent/node"): files on disk and the `mnist` package's digits.
// Everything here uses Node built-ins; the portable engine is "descent" (src/index.ts).
export { readIdxFile, loadIdxDataset } from "./data/idx.node.ts";
export { loadMnistPackage, loadMnistPackageAll, MNIST_MISSING } from "./data/mnist.node.ts";
export { saveCheckpoint, loadCheckpoint } from "./train/checkpoint.node.ts";
export { saveModelFile, loadModelFile, readModelFile, saveStateFile, loadStateFile } from "./train/safetensors.node.ts";
