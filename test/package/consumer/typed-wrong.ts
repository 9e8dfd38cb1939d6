// Each call below is wrong; tsc --strict must reject every line marked "error".
import { adam, ArrayOptimizer, Linear } from "descent";

const run = new ArrayOptimizer(adam({ lr: 0.1 }), 2);
run.step([1, 2], new Float32Array(2)); // error: a number[] is not a Float32Array
adam({ learningRate: 0.1 }); // error: no such option
new Linear("2", 4); // error: inFeatures is a number
const steps: string = run.state.step; // error: the step count is a number
export { steps };
