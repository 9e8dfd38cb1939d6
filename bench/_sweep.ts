import { kernels, heap, f32View, gemmWorkspace } from "../src/wasm/module.ts";
const w = gemmWorkspace();
const shapes: [number,number,number,number,number][] = [[256,256,256,0,0],[512,512,512,0,0],[512,512,512,1,0],[512,512,512,0,1],[1024,1024,1024,0,0],[64,500,784,0,0],[784,500,64,1,0],[64,784,500,0,1]];
const out: string[] = [];
for (const [m,n,k,ta,tb] of shapes) {
  const a = heap.alloc(m*k*4), b = heap.alloc(k*n*4), c = heap.alloc(m*n*4);
  f32View(a,m*k).fill(0.5); f32View(b,k*n).fill(0.25);
  const flops = 2*m*n*k; const reps = Math.max(1, Math.round(6e7/flops));
  for (let i=0;i<reps*3;i++) kernels.gemm(c,a,b,m,n,k,ta,tb,0,w);
  const s=[]; for (let r=0;r<9;r++){ const t=performance.now(); for(let i=0;i<reps;i++) kernels.gemm(c,a,b,m,n,k,ta,tb,0,w); s.push((performance.now()-t)/reps); }
  s.sort((x,y)=>x-y); out.push((flops/s[0]/1e6).toFixed(1));
  heap.release(a); heap.release(b); heap.release(c);
}
console.log(out.join(" "));
