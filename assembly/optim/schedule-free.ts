// Schedule-free SGD and AdamW (Defazio et al. 2024, "The Road Less Scheduled"), one pass each.
// The parameters w hold y, the point the gradient is taken at; z is the base sequence, x its average.
// Pointers are 4-aligned byte offsets (16 is fastest), n elements each, no overlap.
import { hoistedSplat } from "../hoist";
import { SCHEDULE_FREE_TAIL, scratchAt } from "../scratch";

// The vector body over n4 (a multiple of 4) elements; `adaptive` is a constant at each call.
//   adaptive: v ← β2v + c2·g²,  d = g / (√v·r + e);   else d = g
//   z ← z − lr·(d + λ·y);  x ← (1 − c)·x + c·z;  y ← (1 − β)·z + β·x
@inline function body(
  adaptive: bool, w: usize, g: usize, z: usize, x: usize, v: usize, n4: i32,
  lr: v128, wd: v128, c: v128, oc: v128, beta: v128, ob: v128, b2: v128, c2: v128, r: v128, e: v128,
): void {
  for (let i = 0; i < n4; i += 4) {
    const o = (<usize>i) << 2;
    const yi = v128.load(w + o), gi = v128.load(g + o);
    let d = gi;
    if (adaptive) {
      const vi = f32x4.add(f32x4.mul(b2, v128.load(v + o)), f32x4.mul(c2, f32x4.mul(gi, gi)));
      v128.store(v + o, vi);
      d = f32x4.div(gi, f32x4.add(f32x4.mul(f32x4.sqrt(vi), r), e));
    }
    const zi = f32x4.sub(v128.load(z + o), f32x4.mul(lr, f32x4.add(d, f32x4.mul(wd, yi))));
    const xi = f32x4.add(f32x4.mul(oc, v128.load(x + o)), f32x4.mul(c, zi));
    v128.store(z + o, zi);
    v128.store(x + o, xi);
    v128.store(w + o, f32x4.add(f32x4.mul(ob, zi), f32x4.mul(beta, xi)));
  }
}

// The n % 4 tail runs through the same body on copies in the instance's scratch (scratch.ts; five
// 4-lane slots: w, g, z, x, v).

@inline function copyFloats(dst: usize, src: usize, count: i32): void {
  for (let k = 0; k < count; k++) store<f32>(dst + (<usize>k << 2), load<f32>(src + (<usize>k << 2)));
}

@inline function run(
  adaptive: bool, w: usize, g: usize, z: usize, x: usize, v: usize, n: i32,
  lr: f32, wd: f32, c: f32, oc: f32, beta: f32, ob: f32, beta2: f32, c2: f32, r: f32, e: f32,
): void {
  const lrV = hoistedSplat(lr), wdV = hoistedSplat(wd), cV = hoistedSplat(c), ocV = hoistedSplat(oc), bV = hoistedSplat(beta), obV = hoistedSplat(ob);
  const b2V = hoistedSplat(beta2), c2V = hoistedSplat(c2), rV = hoistedSplat(r), eV = hoistedSplat(e);
  body(adaptive, w, g, z, x, v, n & ~3, lrV, wdV, cV, ocV, bV, obV, b2V, c2V, rV, eV);
  const rest = n & 3;
  if (rest == 0) return;
  const at = (<usize>(n & ~3)) << 2;
  const tw = scratchAt(SCHEDULE_FREE_TAIL), tg = tw + 16, tz = tw + 32, tx = tw + 48, tv = tw + 64;
  copyFloats(tw, w + at, rest); copyFloats(tg, g + at, rest); copyFloats(tz, z + at, rest); copyFloats(tx, x + at, rest);
  if (adaptive) copyFloats(tv, v + at, rest);
  body(adaptive, tw, tg, tz, tx, tv, 4, lrV, wdV, cV, ocV, bV, obV, b2V, c2V, rV, eV);
  copyFloats(w + at, tw, rest); copyFloats(z + at, tz, rest); copyFloats(x + at, tx, rest);
  if (adaptive) copyFloats(v + at, tv, rest);
}

/** Schedule-free SGD: z ← z − lr·(g + λy);  x ← (1 − c)x + c·z;  y ← (1 − β)z + βx   (oc = 1 − c, ob = 1 − β). */
export function scheduleFreeSgd(w: usize, g: usize, z: usize, x: usize, n: i32, lr: f32, wd: f32, c: f32, oc: f32, beta: f32, ob: f32): void {
  run(false, w, g, z, x, 0, n, lr, wd, c, oc, beta, ob, 0, 0, 0, 0);
}

/**
 * Schedule-free AdamW: v ← β2v + c2·g²;  z ← z − lr·(g/(√v·r + e) + λy);  x ← (1 − c)x + c·z;
 * y ← (1 − β)z + βx   (c2 = 1 − β2, oc = 1 − c, ob = 1 − β).
 */
export function scheduleFreeAdamw(w: usize, g: usize, z: usize, x: usize, v: usize, n: i32, lr: f32, wd: f32, c: f32, oc: f32, beta: f32, ob: f32, beta2: f32, c2: f32, r: f32, e: f32): void {
  run(true, w, g, z, x, v, n, lr, wd, c, oc, beta, ob, beta2, c2, r, e);
}
