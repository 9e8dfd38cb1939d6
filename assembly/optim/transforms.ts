// Gradient transformations (src/optim/transforms.ts): the elementwise passes a composed optimizer
// chains over its updates buffer u. Pointers are 4-aligned byte offsets (16 is fastest), n elements
// each; distinct buffers do not overlap. Every 1 − β arrives from TypeScript, computed in f64 and
// rounded once, never recomputed here in f32. Scaling, u += c·w, sign and clamping reuse scaleBy, axpy,
// unary and clipByValue.
import { hoistedSplat } from "../hoist";

/** v ← β·v + c·u²  (c = 1 − β, or 1 on a first step that copies). u is read only. */
export function emaSquare(v: usize, u: usize, n: i32, beta: f32, c: f32): void {
  const bV = hoistedSplat(beta), cV = hoistedSplat(c);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const ui = v128.load(u + o);
    v128.store(v + o, f32x4.add(f32x4.mul(bV, v128.load(v + o)), f32x4.mul(cV, f32x4.mul(ui, ui))));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const ui = load<f32>(u + o);
    store<f32>(v + o, beta * load<f32>(v + o) + c * (ui * ui));
  }
}

/**
 * An exponential moving average that may look ahead (Lion): with the old m,
 *   u ← βa·m + ca·u;   m ← β·m + c·u(old).
 * The plain EMA (u ← m ← β·m + c·u) is βa = β, ca = c.
 */
export function ema(m: usize, u: usize, n: i32, betaAhead: f32, cAhead: f32, beta: f32, c: f32): void {
  const aV = hoistedSplat(betaAhead), caV = hoistedSplat(cAhead), bV = hoistedSplat(beta), cV = hoistedSplat(c);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const mi = v128.load(m + o), ui = v128.load(u + o);
    v128.store(u + o, f32x4.add(f32x4.mul(aV, mi), f32x4.mul(caV, ui)));
    v128.store(m + o, f32x4.add(f32x4.mul(bV, mi), f32x4.mul(cV, ui)));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const mi = load<f32>(m + o), ui = load<f32>(u + o);
    store<f32>(u + o, betaAhead * mi + cAhead * ui);
    store<f32>(m + o, beta * mi + c * ui);
  }
}

/** Heavy-ball trace: v ← μ·v + u;  then u ← v, or with Nesterov's look-ahead u ← u + μ·v (the new v). */
export function trace(v: usize, u: usize, n: i32, mu: f32, nesterov: i32): void {
  const muV = hoistedSplat(mu);
  const n4 = n & ~3;
  if (nesterov) {
    for (let i = 0; i < n4; i += 4) {
      const o = (<usize>i) << 2;
      const ui = v128.load(u + o);
      const vi = f32x4.add(f32x4.mul(muV, v128.load(v + o)), ui);
      v128.store(v + o, vi);
      v128.store(u + o, f32x4.add(ui, f32x4.mul(muV, vi)));
    }
  } else {
    for (let i = 0; i < n4; i += 4) {
      const o = (<usize>i) << 2;
      const vi = f32x4.add(f32x4.mul(muV, v128.load(v + o)), v128.load(u + o));
      v128.store(v + o, vi);
      v128.store(u + o, vi);
    }
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const ui = load<f32>(u + o);
    const vi = mu * load<f32>(v + o) + ui;
    store<f32>(v + o, vi);
    store<f32>(u + o, nesterov ? ui + mu * vi : vi);
  }
}

/**
 * u ← u / max(√(v + e1)·r + e2, floor).
 * ε outside the root: e2 = ε (PyTorch Adam, RMSProp); inside: e1 = ε (TF.js RMSProp); as a floor:
 * floor = ε, e1 = e2 = 0 (ADOPT's max(√v, ε)). r = 1/√(1−β2ᵗ) bias-corrects v; else r = 1.
 */
export function divideByRoot(u: usize, v: usize, n: i32, r: f32, e1: f32, e2: f32, floor: f32): void {
  const rV = hoistedSplat(r), e1V = hoistedSplat(e1), e2V = hoistedSplat(e2), fV = hoistedSplat(floor);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const den = f32x4.max(f32x4.add(f32x4.mul(f32x4.sqrt(f32x4.add(v128.load(v + o), e1V)), rV), e2V), fV);
    v128.store(u + o, f32x4.div(v128.load(u + o), den));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    const den = max<f32>(sqrt<f32>(load<f32>(v + o) + e1) * r + e2, floor);
    store<f32>(u + o, load<f32>(u + o) / den);
  }
}

/** a ← max(a, k·v): AMSGrad's running maximum (k = 1, or 1/(1−β2ᵗ) for the maximum of the corrected v). */
export function maxAccumulate(a: usize, v: usize, n: i32, k: f32): void {
  const kV = hoistedSplat(k);
  const n4 = n & ~3;
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    v128.store(a + o, f32x4.max(v128.load(a + o), f32x4.mul(kV, v128.load(v + o))));
  }
  for (let i = n4; i < n; i++) {
    const o = (<usize>i) << 2;
    store<f32>(a + o, max<f32>(load<f32>(a + o), k * load<f32>(v + o)));
  }
}
