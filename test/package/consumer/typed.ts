// Type-checked with tsc --strict against the installed declarations; never run.
import { adam, ArrayOptimizer, capabilities, Model, Sequential, Linear, Activation, tensor, crossEntropy, type Capabilities, type StepResult } from "descent";
import { rosenbrock, type Point } from "descent/landscape";
import { makeBlobs } from "descent/data";
import { loadMnistPackage } from "descent/node";

const run = new ArrayOptimizer(adam({ lr: 0.1, beta1: 0.9 }), 2);
const p = new Float32Array([-1.5, 2]);
const result: StepResult = run.step(p, new Float32Array([1, 1]));
const m: Float32Array = run.inspect().m;
const caps: Capabilities = capabilities();
const simd: boolean = caps.simd;
const model = new Model(new Sequential([new Linear(2, 4), new Activation("relu"), new Linear(4, 2)]), { seed: 0 });
const loss: number = model.lossAndGrad(tensor([[0, 1]]), new Int32Array([1]), crossEntropy);
const start: Point = rosenbrock.starts[0];
const blobs = makeBlobs({ n: 10, seed: 0 });
export { result, m, simd, loss, start, blobs, loadMnistPackage };
