import { f32View, gemmWorkspace, heap, kernels } from "../src/wasm/module.ts";
const shapes = [[64,500,784,0,0],[784,500,64,1,0],[64,10,500,0,0],[500,10,64,1,0],[64,500,10,0,1],[256,500,784,0,0],[784,500,256,1,0]];
const w = gemmWorkspace();
for (const [m,n,k,ta,tb] of shapes) {
  const a = heap.alloc(m*k*4), b = heap.alloc(k*n*4), c = heap.alloc(m*n*4);
  f32View(a, m*k).fill(0.5); f32View(b, k*n).fill(0.25);
  for (let i=0;i<50;i++) kernels.gemm(c,a,b,m,n,k,ta,tb,0,w);
  const R = 300; const t0 = performance.now(); for (let i=0;i<R;i++) kernels.gemm(c,a,b,m,n,k,ta,tb,0,w);
  const ms = (performance.now()-t0)/R;
  console.log(m,n,k,ta,tb, ms.toFixed(3), "ms", (2*m*n*k/ms/1e6).toFixed(1), "GFLOP/s");
  heap.release(a); heap.release(b); heap.release(c);
}
