// AdaGrad, one pass. Pointers are 4-aligned byte offsets (16 is fastest), n elements each, no overlap.
import { hoistedSplat } from "../hoist";

/**
 * g' = g + wd·w;  s ← s + g'²;  w ← w − lr·g' / (√(s + e1) + e2).
 * PyTorch puts ε outside the root (e1 = 0, e2 = ε); TF.js inside (e1 = ε, e2 = 0).
 * lr already carries PyTorch's lr_decay for this step.
 */
export function adagrad(w: usize, g: usize, s: usize, n: i32, lr: f32, e1: f32, e2: f32, wd: f32): void {
  const lrV = hoistedSplat(lr), e1V = hoistedSplat(e1), e2V = hoistedSplat(e2), wdV = hoistedSplat(wd);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const si = f32x4.add(v128.load(s + o), f32x4.mul(gi, gi));
    v128.store(s + o, si);
    const den = f32x4.add(f32x4.sqrt(f32x4.add(si, e1V)), e2V);
    v128.store(w + o, f32x4.sub(wi, f32x4.div(f32x4.mul(lrV, gi), den)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const si = load<f32>(s + o) + gi * gi;
    store<f32>(s + o, si);
    store<f32>(w + o, wi - (lr * gi) / (sqrt<f32>(si + e1) + e2));
  }
}
