// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"), one pass.
// Pointers are 4-aligned byte offsets (16 is fastest), n elements each, no overlap.
import { hoistedSplat } from "../hoist";

/**
 * c = β1m + c1·g;  w ← decay·w − lr·sign(c);  m ← β2m + c2·g;   decay = 1 − lr·λ, c1 = 1 − β1, c2 = 1 − β2
 * (computed in f64 by the caller).
 * sign(0) = 0.
 */
export function lion(w: usize, g: usize, m: usize, n: i32, lr: f32, beta1: f32, c1: f32, beta2: f32, c2: f32, decay: f32): void {
  const b1 = hoistedSplat(beta1), c1V = hoistedSplat(c1), b2 = hoistedSplat(beta2), c2V = hoistedSplat(c2);
  const lrV = hoistedSplat(lr), decV = hoistedSplat(decay), zero = hoistedSplat(0), one = hoistedSplat(1);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o), gi = v128.load(g + o), mi = v128.load(m + o);
    const ci = f32x4.add(f32x4.mul(b1, mi), f32x4.mul(c1V, gi));
    // sign as (c > 0) − (c < 0): the comparison masks select 1.0 lanes.
    const sign = f32x4.sub(v128.and(f32x4.gt(ci, zero), one), v128.and(f32x4.lt(ci, zero), one));
    v128.store(w + o, f32x4.sub(f32x4.mul(decV, wi), f32x4.mul(lrV, sign)));
    v128.store(m + o, f32x4.add(f32x4.mul(b2, mi), f32x4.mul(c2V, gi)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o), gi = load<f32>(g + o), mi = load<f32>(m + o);
    const ci = beta1 * mi + c1 * gi;
    const sign: f32 = ci > 0 ? 1 : ci < 0 ? -1 : 0;
    store<f32>(w + o, decay * wi - lr * sign);
    store<f32>(m + o, beta2 * mi + c2 * gi);
  }
}
