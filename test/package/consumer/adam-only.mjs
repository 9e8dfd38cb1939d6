// The tree-shaking consumer: imports only adam and ArrayOptimizer. Bundled with esbuild, then run
// on Node's main thread, in a worker_threads worker, in a Chromium page and in a module Web Worker;
// each must give the same bits.
import { adam, ArrayOptimizer } from "descent";

/** 300 Adam steps on Rosenbrock from (-1.5, 2.5): every iterate's f32 bit pattern. */
export function trajectory() {
  const run = new ArrayOptimizer(adam({ lr: 0.02 }), 2);
  const p = new Float32Array([-1.5, 2.5]);
  const bits = [];
  for (let i = 0; i < 300; i++) {
    const [x, y] = p;
    run.step(p, new Float32Array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)]));
    bits.push(...new Uint32Array(p.buffer));
  }
  run.dispose();
  return bits;
}
