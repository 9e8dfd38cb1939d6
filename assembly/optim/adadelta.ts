// Adadelta (Zeiler 2012), one pass. Pointers are 4-aligned byte offsets (16 is fastest), n elements each, no overlap.
import { hoistedSplat } from "../hoist";

/**
 * g' = g + wd·w;  v ← ρv + c·g'²;  Δ = √(u + ε) / √(v_Δ + ε) · g';  u ← ρu + c·Δ²;  w ← w − lr·Δ,
 * c = 1 − ρ (computed in f64 by the caller). v_Δ is the new v (Zeiler, PyTorch) or, when `previous` is 1,
 * the v from before this step (TF.js, whose first step is therefore lr·g).
 */
export function adadelta(w: usize, g: usize, v: usize, u: usize, n: i32, lr: f32, rho: f32, c: f32, eps: f32, wd: f32, previous: i32): void {
  const lrV = hoistedSplat(lr), rhoV = hoistedSplat(rho), cV = hoistedSplat(c), epsV = hoistedSplat(eps), wdV = hoistedSplat(wd);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const v0 = v128.load(v + o);
    const vi = f32x4.add(f32x4.mul(rhoV, v0), f32x4.mul(cV, f32x4.mul(gi, gi)));
    const ui = v128.load(u + o);
    const d = f32x4.mul(f32x4.div(f32x4.sqrt(f32x4.add(ui, epsV)), f32x4.sqrt(f32x4.add(previous ? v0 : vi, epsV))), gi);
    v128.store(v + o, vi);
    v128.store(u + o, f32x4.add(f32x4.mul(rhoV, ui), f32x4.mul(cV, f32x4.mul(d, d))));
    v128.store(w + o, f32x4.sub(wi, f32x4.mul(lrV, d)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const v0 = load<f32>(v + o);
    const vi = rho * v0 + c * (gi * gi);
    const ui = load<f32>(u + o);
    const d = (sqrt<f32>(ui + eps) / sqrt<f32>((previous ? v0 : vi) + eps)) * gi;
    store<f32>(v + o, vi);
    store<f32>(u + o, rho * ui + c * (d * d));
    store<f32>(w + o, wi - lr * d);
  }
}
