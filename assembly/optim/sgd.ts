// Plain and momentum SGD, one pass each over flat f32 buffers.
// Pointers are byte offsets (any multiple of 4: a parameter group may start anywhere; 16 is fastest);
// w, g and v have n elements and do not overlap.
// Every step-dependent scalar (lr from a schedule, PyTorch's first-step switch) is folded by TypeScript.
import { hoistedSplat } from "../hoist";

/** w ← w − lr·(g + wd·w). */
export function sgd(w: usize, g: usize, n: i32, lr: f32, wd: f32): void {
  const lrV = hoistedSplat(lr), wdV = hoistedSplat(wd);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    v128.store(w + o, f32x4.sub(wi, f32x4.mul(lrV, gi)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    store<f32>(w + o, wi - lr * gi);
  }
}

/**
 * Momentum in every convention as one update:
 *   g' = g + wd·w;  v ← μ·v + a·g';  w ← w − (p·g' + q·v).
 * PyTorch: a = 1 − dampening, p = 0, q = lr (Nesterov: p = lr, q = lr·μ); its first step is μ = 0, a = 1.
 * Heavy ball with lr inside the buffer (v ← μv + lr·g; w ← w − v): a = lr, p = 0, q = 1.
 * EMA form (v ← μv + (1−μ)g; w ← w − lr·v): a = 1 − μ, p = 0, q = lr.
 */
export function sgdMomentum(w: usize, g: usize, v: usize, n: i32, mu: f32, a: f32, p: f32, q: f32, wd: f32): void {
  const muV = hoistedSplat(mu), aV = hoistedSplat(a), pV = hoistedSplat(p), qV = hoistedSplat(q), wdV = hoistedSplat(wd);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const vi = f32x4.add(f32x4.mul(muV, v128.load(v + o)), f32x4.mul(aV, gi));
    v128.store(v + o, vi);
    v128.store(w + o, f32x4.sub(wi, f32x4.add(f32x4.mul(pV, gi), f32x4.mul(qV, vi))));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const vi = mu * load<f32>(v + o) + a * gi;
    store<f32>(v + o, vi);
    store<f32>(w + o, wi - (p * gi + q * vi));
  }
}
