import { kernels, heap, f32View, gemmWorkspace } from "../src/wasm/module.ts";
const w = gemmWorkspace();
const shapes: [number,number,number][] = [[2,2,2],[4,4,4],[8,8,8],[12,12,12],[16,16,16],[24,24,24],[32,32,32],[64,10,500],[64,10,100],[1,500,784],[64,1,784]];
for (const [m,n,k] of shapes) for (const [ta,tb] of [[0,0],[1,0],[0,1]]) {
  const a = heap.alloc(m*k*4), b = heap.alloc(k*n*4), c = heap.alloc(m*n*4);
  f32View(a,m*k).fill(0.5); f32View(b,k*n).fill(0.25);
  const flops = 2*m*n*k; const reps = Math.max(1, Math.round(2e7/flops));
  for (let i=0;i<reps;i++) kernels.gemm(c,a,b,m,n,k,ta,tb,0,w);
  const s=[]; for (let r=0;r<7;r++){ const t=performance.now(); for(let i=0;i<reps;i++) kernels.gemm(c,a,b,m,n,k,ta,tb,0,w); s.push((performance.now()-t)/reps); }
  s.sort((x,y)=>x-y); console.log(`${m}x${n}x${k} tA=${ta} tB=${tb}`, (s[0]*1e6).toFixed(3), "us", (flops/s[0]/1e6).toFixed(2), "GFLOP/s");
  heap.release(a); heap.release(b); heap.release(c);
}
