// RMSProp (Hinton, Lecture 6e, 2012) in its four shapes: plain, centered (Graves 2013), and either
// with momentum. One inlined body; the flags are constants, so each export compiles to its own loop.
// Pointers are 4-aligned byte offsets (16 is fastest), n elements each, no overlap. Buffers a (mean gradient) and b (momentum)
// are read only by the variants that use them.
//
//   g' = g + wd·w;  v ← αv + c_α·g'²;  centered: a ← αa + c_α·g', v̄ = v − a², else v̄ = v;  c_α = 1 − α in f64
//   d = g' / (√(v̄ + e1) + e2)           PyTorch: e1 = 0, e2 = ε;  TF.js/Keras: e1 = ε, e2 = 0 (TF.js centered: e1 = −ε)
//   no momentum: w ← w − lr·d
//   momentum:    b ← μb + c·d;  w ← w − k·b     PyTorch: c = 1, k = lr;  TF.js/Keras: c = lr, k = 1
import { hoistedSplat } from "../hoist";

@inline
function rmspropBody(
  w: usize, g: usize, v: usize, a: usize, b: usize, n: i32,
  alpha: f32, om: f32, e1: f32, e2: f32, wd: f32, mu: f32, c: f32, k: f32,
  centered: bool, momentum: bool,
): void {
  const alV = hoistedSplat(alpha), omV = hoistedSplat(om), e1V = hoistedSplat(e1), e2V = hoistedSplat(e2);
  const wdV = hoistedSplat(wd), muV = hoistedSplat(mu), cV = hoistedSplat(c), kV = hoistedSplat(k);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const wi = v128.load(w + o);
    const gi = f32x4.add(v128.load(g + o), f32x4.mul(wdV, wi));
    const vi = f32x4.add(f32x4.mul(alV, v128.load(v + o)), f32x4.mul(omV, f32x4.mul(gi, gi)));
    v128.store(v + o, vi);
    let vbar = vi;
    if (centered) {
      const ai = f32x4.add(f32x4.mul(alV, v128.load(a + o)), f32x4.mul(omV, gi));
      v128.store(a + o, ai);
      vbar = f32x4.sub(vi, f32x4.mul(ai, ai));
    }
    const d = f32x4.div(gi, f32x4.add(f32x4.sqrt(f32x4.add(vbar, e1V)), e2V));
    if (momentum) {
      const bi = f32x4.add(f32x4.mul(muV, v128.load(b + o)), f32x4.mul(cV, d));
      v128.store(b + o, bi);
      v128.store(w + o, f32x4.sub(wi, f32x4.mul(kV, bi)));
    } else {
      v128.store(w + o, f32x4.sub(wi, f32x4.mul(kV, d)));
    }
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const wi = load<f32>(w + o);
    const gi = load<f32>(g + o) + wd * wi;
    const vi = alpha * load<f32>(v + o) + om * (gi * gi);
    store<f32>(v + o, vi);
    let vbar = vi;
    if (centered) {
      const ai = alpha * load<f32>(a + o) + om * gi;
      store<f32>(a + o, ai);
      vbar = vi - ai * ai;
    }
    const d = gi / (sqrt<f32>(vbar + e1) + e2);
    if (momentum) {
      const bi = mu * load<f32>(b + o) + c * d;
      store<f32>(b + o, bi);
      store<f32>(w + o, wi - k * bi);
    } else {
      store<f32>(w + o, wi - k * d);
    }
  }
}

/** Plain RMSProp: w ← w − lr·d. */
export function rmsprop(w: usize, g: usize, v: usize, n: i32, lr: f32, alpha: f32, om: f32, e1: f32, e2: f32, wd: f32): void {
  rmspropBody(w, g, v, 0, 0, n, alpha, om, e1, e2, wd, 0, 0, lr, false, false);
}

/** Centered RMSProp, a = running mean of g'. */
export function rmspropCentered(w: usize, g: usize, v: usize, a: usize, n: i32, lr: f32, alpha: f32, om: f32, e1: f32, e2: f32, wd: f32): void {
  rmspropBody(w, g, v, a, 0, n, alpha, om, e1, e2, wd, 0, 0, lr, true, false);
}

/** RMSProp with momentum buffer b. */
export function rmspropMomentum(w: usize, g: usize, v: usize, b: usize, n: i32, alpha: f32, om: f32, e1: f32, e2: f32, wd: f32, mu: f32, c: f32, k: f32): void {
  rmspropBody(w, g, v, 0, b, n, alpha, om, e1, e2, wd, mu, c, k, false, true);
}

/** Centered RMSProp with momentum. */
export function rmspropCenteredMomentum(w: usize, g: usize, v: usize, a: usize, b: usize, n: i32, alpha: f32, om: f32, e1: f32, e2: f32, wd: f32, mu: f32, c: f32, k: f32): void {
  rmspropBody(w, g, v, a, b, n, alpha, om, e1, e2, wd, mu, c, k, true, true);
}
