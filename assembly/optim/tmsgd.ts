// TM-SGD, Taylor multi-step SGD: W_{k+1} = 1.5·W_k − W_{k−1} + 0.5·W_{k−2} − lr·∇L(W_k).
// One kernel covers both phases: before the switch TypeScript passes (a, b, c) = (1, 0, 0), which is
// plain SGD bit for bit, while the history still shifts, so it holds real iterates at the switch.
// Pointers are 4-aligned byte offsets (16 is fastest), n elements each, no overlap.
import { hoistedSplat } from "../hoist";

/**
 * g' = g + wd·w;  w_new = a·w + b·h1 + c·h2 − lr·g';  h2 ← h1;  h1 ← w;  w ← w_new.
 * (h1 = W_{k−1}, h2 = W_{k−2}; TM-SGD phase: a = 1.5, b = −1, c = 0.5.)
 */
export function tmsgd(w: usize, g: usize, h1: usize, h2: usize, n: i32, a: f32, b: f32, c: f32, lr: f32, wd: f32): void {
  const aV = hoistedSplat(a), bV = hoistedSplat(b), cV = hoistedSplat(c), lrV = hoistedSplat(lr), wdV = hoistedSplat(wd);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o), p1 = v128.load(h1 + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const x = f32x4.add(f32x4.add(f32x4.mul(aV, wi), f32x4.mul(bV, p1)), f32x4.mul(cV, v128.load(h2 + o)));
    v128.store(h2 + o, p1);
    v128.store(h1 + o, wi);
    v128.store(w + o, f32x4.sub(x, f32x4.mul(lrV, gi)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o), p1 = load<f32>(h1 + o);
    const gi = load<f32>(g + o) + wd * wi;
    const x = (a * wi + b * p1) + c * load<f32>(h2 + o);
    store<f32>(h2 + o, p1);
    store<f32>(h1 + o, wi);
    store<f32>(w + o, x - lr * gi);
  }
}

/**
 * TM-SGD-M: the same multistep driven by a heavy-ball buffer instead of the raw gradient.
 * g' = g + wd·w;  v ← μv + g';  w_new = a·w + b·h1 + c·h2 − lr·v;  h2 ← h1;  h1 ← w;  w ← w_new.
 * Before the switch this is PyTorch's SGD with momentum (dampening 0; v starts at 0, so v₁ = g').
 */
export function tmsgdMomentum(w: usize, g: usize, v: usize, h1: usize, h2: usize, n: i32, a: f32, b: f32, c: f32, lr: f32, mu: f32, wd: f32): void {
  const aV = hoistedSplat(a), bV = hoistedSplat(b), cV = hoistedSplat(c), lrV = hoistedSplat(lr), muV = hoistedSplat(mu), wdV = hoistedSplat(wd);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o), p1 = v128.load(h1 + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const vi = f32x4.add(f32x4.mul(muV, v128.load(v + o)), gi);
    const x = f32x4.add(f32x4.add(f32x4.mul(aV, wi), f32x4.mul(bV, p1)), f32x4.mul(cV, v128.load(h2 + o)));
    v128.store(v + o, vi);
    v128.store(h2 + o, p1);
    v128.store(h1 + o, wi);
    v128.store(w + o, f32x4.sub(x, f32x4.mul(lrV, vi)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o), p1 = load<f32>(h1 + o);
    const gi = load<f32>(g + o) + wd * wi;
    const vi = mu * load<f32>(v + o) + gi;
    const x = (a * wi + b * p1) + c * load<f32>(h2 + o);
    store<f32>(v + o, vi);
    store<f32>(h2 + o, p1);
    store<f32>(h1 + o, wi);
    store<f32>(w + o, x - lr * vi);
  }
}
