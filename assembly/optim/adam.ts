// The Adam family (Kingma & Ba 2015 and descendants), one pass each. Pointers are 4-aligned byte offsets (16 is fastest),
// n elements each, no overlap. TypeScript folds bias corrections, rectification and the learning
// rate into s, r, e, k; the kernels are the elementwise equation only. In every kernel:
//   g' = g + wd·w (coupled L2, Adam-style)   and   w ← decay·w − … (decoupled, AdamW-style: decay = 1 − lr·λ)
import { hoistedSplat } from "../hoist";

// The vector body of adam over n4 (a multiple of 4) elements. `plain` is a constant in each of the two
// functions below, so g' = g and w ← w − … exactly there, as wd = 0 and decay = 1 give. Called from
// two functions, not from both arms of one if: there, Binaryen merged the loops and tested `plain`
// on every pass. Either loop is bound by the divider (one f32x4 sqrt and one div per 4 elements):
// 6.0 ms per 1e7 elements in cache (bench/adam.ts reports it), 3.2 ms with both ops taken out.
@inline function adamBody(plain: bool, w: usize, g: usize, m: usize, v: usize, n4: i32, b1: v128, c1: v128, b2: v128, c2: v128, sV: v128, rV: v128, eV: v128, wdV: v128, decV: v128): void {
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = plain ? v128.load(g + o) : f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const step = f32x4.mul(sV, f32x4.div(mi, f32x4.add(f32x4.mul(f32x4.sqrt(vi), rV), eV)));
    v128.store(w + o, plain ? f32x4.sub(wi, step) : f32x4.sub(f32x4.mul(decV, wi), step));
  }
}

function adamPlainLoop(w: usize, g: usize, m: usize, v: usize, n4: i32, b1: v128, c1: v128, b2: v128, c2: v128, sV: v128, rV: v128, eV: v128): void {
  adamBody(true, w, g, m, v, n4, b1, c1, b2, c2, sV, rV, eV, b1, b1);
}

function adamDecayLoop(w: usize, g: usize, m: usize, v: usize, n4: i32, b1: v128, c1: v128, b2: v128, c2: v128, sV: v128, rV: v128, eV: v128, wdV: v128, decV: v128): void {
  adamBody(false, w, g, m, v, n4, b1, c1, b2, c2, sV, rV, eV, wdV, decV);
}

/**
 * m ← β1m + (1−β1)g';  v ← β2v + (1−β2)g'²;  w ← decay·w − s·m / (√v·r + e).
 * Adam (PyTorch and TF.js): s = lr/(1−β1ᵗ), r = 1/√(1−β2ᵗ), e = ε.
 * Adam with Kingma & Ba's ε̂ (Keras 2): s = lr·√(1−β2ᵗ)/(1−β1ᵗ), r = 1, e = ε.
 * RAdam rectified: s = lr·ρ·√(1−β2ᵗ)/(1−β1ᵗ), r = 1, e = ε;  unrectified: s = lr/(1−β1ᵗ), r = 0, e = 1.
 */
export function adam(w: usize, g: usize, m: usize, v: usize, n: i32, beta1: f32, beta2: f32, s: f32, r: f32, e: f32, wd: f32, decay: f32): void {
  const b1 = hoistedSplat(beta1), c1 = hoistedSplat(1 - beta1);
  const b2 = hoistedSplat(beta2), c2 = hoistedSplat(1 - beta2);
  const sV = hoistedSplat(s), rV = hoistedSplat(r), eV = hoistedSplat(e);
  const n4 = n & ~3;
  // Plain Adam (no weight decay of either kind) gets its own loop: two fewer multiplies.
  if (wd == 0 && decay == 1) adamPlainLoop(w, g, m, v, n4, b1, c1, b2, c2, sV, rV, eV);
  else adamDecayLoop(w, g, m, v, n4, b1, c1, b2, c2, sV, rV, eV, hoistedSplat(wd), hoistedSplat(decay));
  const cc1: f32 = 1 - beta1, cc2: f32 = 1 - beta2;
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const mi = beta1 * load<f32>(m + o) + cc1 * gi;
    const vi = beta2 * load<f32>(v + o) + cc2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, decay * wi - s * (mi / (sqrt<f32>(vi) * r + e)));
  }
}

/**
 * AMSGrad (Reddi et al. 2018): Adam whose denominator uses a running maximum.
 *   m, v as in adam;  vmax ← max(vmax, k·v);  w ← decay·w − s·m / (√vmax·r + e).
 * Paper (no bias correction): k = 1, s = lr, r = 1.  PyTorch (max of raw v, then corrected):
 * k = 1, s = lr/(1−β1ᵗ), r = 1/√(1−β2ᵗ).  Max of corrected v: k = 1/(1−β2ᵗ), s = lr/(1−β1ᵗ), r = 1.
 */
export function amsgrad(w: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32, beta1: f32, beta2: f32, k: f32, s: f32, r: f32, e: f32, wd: f32, decay: f32): void {
  const b1 = hoistedSplat(beta1), c1 = hoistedSplat(1 - beta1), b2 = hoistedSplat(beta2), c2 = hoistedSplat(1 - beta2);
  const kV = hoistedSplat(k), sV = hoistedSplat(s), rV = hoistedSplat(r), eV = hoistedSplat(e), wdV = hoistedSplat(wd), decV = hoistedSplat(decay);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gi, gi)));
    const xi = f32x4.max(v128.load(vmax + o), f32x4.mul(kV, vi));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    v128.store(vmax + o, xi);
    const den = f32x4.add(f32x4.mul(f32x4.sqrt(xi), rV), eV);
    v128.store(w + o, f32x4.sub(f32x4.mul(decV, wi), f32x4.mul(sV, f32x4.div(mi, den))));
  }
  const cc1: f32 = 1 - beta1, cc2: f32 = 1 - beta2;
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const mi = beta1 * load<f32>(m + o) + cc1 * gi;
    const vi = beta2 * load<f32>(v + o) + cc2 * (gi * gi);
    const xi = max<f32>(load<f32>(vmax + o), k * vi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(vmax + o, xi);
    store<f32>(w + o, decay * wi - s * (mi / (sqrt<f32>(xi) * r + e)));
  }
}

/**
 * Adamax (Kingma & Ba 2015, §7.1): the infinity-norm Adam.
 *   m ← β1m + (1−β1)g';  u ← max(β2u, |g'| + e1);  w ← decay·w − s·m / (u + e2),  s = lr/(1−β1ᵗ).
 * PyTorch puts ε inside the max (e1 = ε, e2 = 0); TF.js and Keras add it to the denominator (e1 = 0, e2 = ε).
 */
export function adamax(w: usize, g: usize, m: usize, u: usize, n: i32, beta1: f32, beta2: f32, s: f32, e1: f32, e2: f32, wd: f32, decay: f32): void {
  const b1 = hoistedSplat(beta1), c1 = hoistedSplat(1 - beta1), b2 = hoistedSplat(beta2);
  const sV = hoistedSplat(s), e1V = hoistedSplat(e1), e2V = hoistedSplat(e2), wdV = hoistedSplat(wd), decV = hoistedSplat(decay);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi));
    const ui = f32x4.max(f32x4.mul(b2, v128.load(u + o)), f32x4.add(f32x4.abs(gi), e1V));
    v128.store(m + o, mi);
    v128.store(u + o, ui);
    v128.store(w + o, f32x4.sub(f32x4.mul(decV, wi), f32x4.mul(sV, f32x4.div(mi, f32x4.add(ui, e2V)))));
  }
  const cc1: f32 = 1 - beta1;
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const mi = beta1 * load<f32>(m + o) + cc1 * gi;
    const ui = max<f32>(beta2 * load<f32>(u + o), abs<f32>(gi) + e1);
    store<f32>(m + o, mi);
    store<f32>(u + o, ui);
    store<f32>(w + o, decay * wi - s * (mi / (ui + e2)));
  }
}

/**
 * NAdam (Dozat 2016) as PyTorch computes it, with momentum decay μ_t = β1(1 − ½·0.96^(tψ)):
 *   m, v as in adam;  w ← decay·w − (cg·g' + cm·m) / (√v·r + e),
 *   cg = lr(1−μ_t)/(1−Π_{i≤t}μ_i),  cm = lr·μ_{t+1}/(1−Π_{i≤t+1}μ_i),  r = 1/√(1−β2ᵗ),  e = ε.
 */
export function nadam(w: usize, g: usize, m: usize, v: usize, n: i32, beta1: f32, beta2: f32, cg: f32, cm: f32, r: f32, e: f32, wd: f32, decay: f32): void {
  const b1 = hoistedSplat(beta1), c1 = hoistedSplat(1 - beta1), b2 = hoistedSplat(beta2), c2 = hoistedSplat(1 - beta2);
  const cgV = hoistedSplat(cg), cmV = hoistedSplat(cm), rV = hoistedSplat(r), eV = hoistedSplat(e), wdV = hoistedSplat(wd), decV = hoistedSplat(decay);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const den = f32x4.add(f32x4.mul(f32x4.sqrt(vi), rV), eV);
    const num = f32x4.add(f32x4.mul(cgV, gi), f32x4.mul(cmV, mi));
    v128.store(w + o, f32x4.sub(f32x4.mul(decV, wi), f32x4.div(num, den)));
  }
  const cc1: f32 = 1 - beta1, cc2: f32 = 1 - beta2;
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const mi = beta1 * load<f32>(m + o) + cc1 * gi;
    const vi = beta2 * load<f32>(v + o) + cc2 * (gi * gi);
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(w + o, decay * wi - (cg * gi + cm * mi) / (sqrt<f32>(vi) * r + e));
  }
}
