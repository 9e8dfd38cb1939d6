// The Adam family (Kingma & Ba 2015 and descendants), one pass each. Pointers are 4-aligned byte offsets (16 is fastest),
// n elements each, no overlap. TypeScript folds bias corrections, rectification and the learning
// rate into s, r, e, k, and computes c1 = 1 − β1 and c2 = 1 − β2 in f64 (here they would be 1 − f32(β),
// off by up to 6e-6 relative for β2 = 0.999); the kernels are the elementwise equation only. In every kernel:
//   g' = g + wd·w (coupled L2, Adam-style)   and   w ← decay·w − … (decoupled, AdamW-style: decay = 1 − lr·λ)
// adam, amsgrad and nadam share one body (the moment update, then their own denominator and step) and
// run their n % 4 tail through that same body on a scratch copy, so each equation is written once.
import { hoistedSplat } from "../hoist";
import { ADAM_TAIL, scratchAt } from "../scratch";

const ADAM = 0, AMSGRAD = 1, NADAM = 2;

// The vector body over n4 (a multiple of 4) elements. `variant` and `plain` are constants at every
// call, so each caller compiles to its own straight loop. `plain` (wd = 0, decay = 1) drops two
// multiplies. Plain Adam and the general loop live in two functions, not both arms of one if: there,
// Binaryen merged the loops and tested `plain` on every pass. Either loop is bound by the divider (one
// f32x4 sqrt and one div per 4 elements): 6.0 ms per 1e7 elements in cache (bench/adam.ts reports it).
@inline function body(
  variant: i32, plain: bool, w: usize, g: usize, m: usize, v: usize, x: usize, n4: i32,
  b1: v128, c1: v128, b2: v128, c2: v128, s: v128, cm: v128, k: v128, r: v128, e: v128, wdV: v128, decV: v128,
): void {
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = plain ? v128.load(g + o) : f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1, gi));
    const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    let second = vi;
    if (variant == AMSGRAD) {
      second = f32x4.max(v128.load(x + o), f32x4.mul(k, vi));
      v128.store(x + o, second);
    }
    const den = f32x4.add(f32x4.mul(f32x4.sqrt(second), r), e);
    // NAdam's step mixes the gradient and the momentum; Adam's scales m alone.
    const step = variant == NADAM
      ? f32x4.div(f32x4.add(f32x4.mul(s, gi), f32x4.mul(cm, mi)), den)
      : f32x4.mul(s, f32x4.div(mi, den));
    v128.store(w + o, plain ? f32x4.sub(wi, step) : f32x4.sub(f32x4.mul(decV, wi), step));
  }
}

// The tail (n % 4 elements) runs through the same body on copies in the instance's scratch
// (scratch.ts): five 4-lane slots for w, g, m, v, x.

@inline function copyFloats(dst: usize, src: usize, count: i32): void {
  for (let k = 0; k < count; k++) store<f32>(dst + (<usize>k << 2), load<f32>(src + (<usize>k << 2)));
}

/** The last n % 4 elements, through the general body. */
@inline function tail(
  variant: i32, w: usize, g: usize, m: usize, v: usize, x: usize, n: i32,
  b1: v128, c1: v128, b2: v128, c2: v128, s: v128, cm: v128, k: v128, r: v128, e: v128, wdV: v128, decV: v128,
): void {
  const rest = n & 3;
  if (rest == 0) return;
  const at = (<usize>(n & ~3)) << 2;
  const tw = scratchAt(ADAM_TAIL), tg = tw + 16, tm = tw + 32, tv = tw + 48, tx = tw + 64;
  copyFloats(tw, w + at, rest); copyFloats(tg, g + at, rest); copyFloats(tm, m + at, rest); copyFloats(tv, v + at, rest);
  if (variant == AMSGRAD) copyFloats(tx, x + at, rest);
  body(variant, false, tw, tg, tm, tv, tx, 4, b1, c1, b2, c2, s, cm, k, r, e, wdV, decV);
  copyFloats(w + at, tw, rest); copyFloats(m + at, tm, rest); copyFloats(v + at, tv, rest);
  if (variant == AMSGRAD) copyFloats(x + at, tx, rest);
}

function adamPlainLoop(w: usize, g: usize, m: usize, v: usize, n4: i32, b1: v128, c1: v128, b2: v128, c2: v128, s: v128, r: v128, e: v128): void {
  body(ADAM, true, w, g, m, v, 0, n4, b1, c1, b2, c2, s, s, s, r, e, s, s);
}

function adamDecayLoop(w: usize, g: usize, m: usize, v: usize, n4: i32, b1: v128, c1: v128, b2: v128, c2: v128, s: v128, r: v128, e: v128, wdV: v128, decV: v128): void {
  body(ADAM, false, w, g, m, v, 0, n4, b1, c1, b2, c2, s, s, s, r, e, wdV, decV);
}

/**
 * m ← β1m + c1·g';  v ← β2v + c2·g'²;  w ← decay·w − s·m / (√v·r + e),   c1 = 1 − β1, c2 = 1 − β2.
 * Adam (PyTorch and TF.js): s = lr/(1−β1ᵗ), r = 1/√(1−β2ᵗ), e = ε.
 * Adam with Kingma & Ba's ε̂ (Keras 2): s = lr·√(1−β2ᵗ)/(1−β1ᵗ), r = 1, e = ε.
 * RAdam rectified: s = lr·ρ·√(1−β2ᵗ)/(1−β1ᵗ), r = 1, e = ε;  unrectified: s = lr/(1−β1ᵗ), r = 0, e = 1.
 */
export function adam(w: usize, g: usize, m: usize, v: usize, n: i32, beta1: f32, c1: f32, beta2: f32, c2: f32, s: f32, r: f32, e: f32, wd: f32, decay: f32): void {
  const b1V = hoistedSplat(beta1), c1V = hoistedSplat(c1), b2V = hoistedSplat(beta2), c2V = hoistedSplat(c2);
  const sV = hoistedSplat(s), rV = hoistedSplat(r), eV = hoistedSplat(e), wdV = hoistedSplat(wd), decV = hoistedSplat(decay);
  const n4 = n & ~3;
  if (wd == 0 && decay == 1) adamPlainLoop(w, g, m, v, n4, b1V, c1V, b2V, c2V, sV, rV, eV);
  else adamDecayLoop(w, g, m, v, n4, b1V, c1V, b2V, c2V, sV, rV, eV, wdV, decV);
  tail(ADAM, w, g, m, v, 0, n, b1V, c1V, b2V, c2V, sV, sV, sV, rV, eV, wdV, decV);
}

/**
 * AMSGrad (Reddi et al. 2018): Adam whose denominator uses a running maximum.
 *   m, v as in adam;  vmax ← max(vmax, k·v);  w ← decay·w − s·m / (√vmax·r + e).
 * Paper (no bias correction): k = 1, s = lr, r = 1.  PyTorch (max of raw v, then corrected):
 * k = 1, s = lr/(1−β1ᵗ), r = 1/√(1−β2ᵗ).  Max of corrected v: k = 1/(1−β2ᵗ), s = lr/(1−β1ᵗ), r = 1.
 */
export function amsgrad(w: usize, g: usize, m: usize, v: usize, vmax: usize, n: i32, beta1: f32, c1: f32, beta2: f32, c2: f32, k: f32, s: f32, r: f32, e: f32, wd: f32, decay: f32): void {
  const b1V = hoistedSplat(beta1), c1V = hoistedSplat(c1), b2V = hoistedSplat(beta2), c2V = hoistedSplat(c2), kV = hoistedSplat(k);
  const sV = hoistedSplat(s), rV = hoistedSplat(r), eV = hoistedSplat(e), wdV = hoistedSplat(wd), decV = hoistedSplat(decay);
  body(AMSGRAD, false, w, g, m, v, vmax, n & ~3, b1V, c1V, b2V, c2V, sV, sV, kV, rV, eV, wdV, decV);
  tail(AMSGRAD, w, g, m, v, vmax, n, b1V, c1V, b2V, c2V, sV, sV, kV, rV, eV, wdV, decV);
}

/**
 * NAdam (Dozat 2016) as PyTorch computes it, with momentum decay μ_t = β1(1 − ½·0.96^(tψ)):
 *   m, v as in adam;  w ← decay·w − (cg·g' + cm·m) / (√v·r + e),
 *   cg = lr(1−μ_t)/(1−Π_{i≤t}μ_i),  cm = lr·μ_{t+1}/(1−Π_{i≤t+1}μ_i),  r = 1/√(1−β2ᵗ),  e = ε.
 */
export function nadam(w: usize, g: usize, m: usize, v: usize, n: i32, beta1: f32, c1: f32, beta2: f32, c2: f32, cg: f32, cm: f32, r: f32, e: f32, wd: f32, decay: f32): void {
  const b1V = hoistedSplat(beta1), c1V = hoistedSplat(c1), b2V = hoistedSplat(beta2), c2V = hoistedSplat(c2);
  const cgV = hoistedSplat(cg), cmV = hoistedSplat(cm), rV = hoistedSplat(r), eV = hoistedSplat(e), wdV = hoistedSplat(wd), decV = hoistedSplat(decay);
  body(NADAM, false, w, g, m, v, 0, n & ~3, b1V, c1V, b2V, c2V, cgV, cmV, cgV, rV, eV, wdV, decV);
  tail(NADAM, w, g, m, v, 0, n, b1V, c1V, b2V, c2V, cgV, cmV, cgV, rV, eV, wdV, decV);
}

/**
 * Adamax (Kingma & Ba 2015, §7.1): the infinity-norm Adam.
 *   m ← β1m + c1·g';  u ← max(β2u, |g'| + e1);  w ← decay·w − s·m / (u + e2),  s = lr/(1−β1ᵗ), c1 = 1 − β1.
 * PyTorch puts ε inside the max (e1 = ε, e2 = 0); TF.js and Keras add it to the denominator (e1 = 0, e2 = ε).
 */
export function adamax(w: usize, g: usize, m: usize, u: usize, n: i32, beta1: f32, c1: f32, beta2: f32, s: f32, e1: f32, e2: f32, wd: f32, decay: f32): void {
  const b1 = hoistedSplat(beta1), c1V = hoistedSplat(c1), b2 = hoistedSplat(beta2);
  const sV = hoistedSplat(s), e1V = hoistedSplat(e1), e2V = hoistedSplat(e2), wdV = hoistedSplat(wd), decV = hoistedSplat(decay);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const mi = f32x4.add(f32x4.mul(b1, v128.load(m + o)), f32x4.mul(c1V, gi));
    const ui = f32x4.max(f32x4.mul(b2, v128.load(u + o)), f32x4.add(f32x4.abs(gi), e1V));
    v128.store(m + o, mi);
    v128.store(u + o, ui);
    v128.store(w + o, f32x4.sub(f32x4.mul(decV, wi), f32x4.mul(sV, f32x4.div(mi, f32x4.add(ui, e2V)))));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const mi = beta1 * load<f32>(m + o) + c1 * gi;
    const ui = max<f32>(beta2 * load<f32>(u + o), abs<f32>(gi) + e1);
    store<f32>(m + o, mi);
    store<f32>(u + o, ui);
    store<f32>(w + o, decay * wi - s * (mi / (ui + e2)));
  }
}
