/**
 * Every optimizer's equation in plain TypeScript, one element at a time, written from the
 * documented formula (not from the kernel's folded scalars). `f` rounds after each operation:
 * Math.fround gives an f32 reference, the identity an f64 one. The tests hold the fused kernels to both.
 * A constant such as 1 − β is one real number, rounded once (f(1 − β)), not 1 − f(β): PyTorch passes
 * it so, and the f32 difference is a bias of up to 6e-6 relative per step for β = 0.999.
 */
import { nadamMu } from "../../src/optim/nadam.ts";
import { radamRectification } from "../../src/optim/radam.ts";
import type { SgdOptions } from "../../src/optim/sgd.ts";
import type { AdagradOptions } from "../../src/optim/adagrad.ts";
import type { RmspropOptions } from "../../src/optim/rmsprop.ts";
import type { AdadeltaOptions } from "../../src/optim/adadelta.ts";
import type { AdamOptions } from "../../src/optim/adam.ts";
import type { AdamaxOptions } from "../../src/optim/adamax.ts";
import type { NadamOptions } from "../../src/optim/nadam.ts";
import type { RadamOptions } from "../../src/optim/radam.ts";
import type { LionOptions } from "../../src/optim/lion.ts";
import type { TmsgdOptions } from "../../src/optim/tmsgd.ts";
import type { ScheduleFreeAdamwOptions, ScheduleFreeSgdOptions } from "../../src/optim/schedule-free.ts";

export type Round = (x: number) => number;
export const inF32: Round = Math.fround;
export const inF64: Round = (x) => x;

/** State of the reference: t is the 1-based step being taken. */
export interface RefState {
  t: number;
  buf: Record<string, Float64Array>;
  scalars: Record<string, number>;
}

export type RefStep<O> = (o: O, lr: number, w: Float64Array, g: Float64Array, s: RefState, f: Round) => void;

const sqrt = Math.sqrt;

export const sgdRef: RefStep<SgdOptions> = (o, lr, w, g, s, f) => {
  const mu = f(o.momentum),
    wd = f(o.weightDecay);
  lr = f(lr);
  const v = s.buf.v;
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(wd * w[i]));
    if (o.momentum === 0) {
      w[i] = f(w[i] - f(lr * gi));
      continue;
    }
    const first = s.t === 1 && o.firstStepCopiesGradient;
    if (o.convention === "pytorch") {
      v[i] = first ? gi : f(f(mu * v[i]) + f(f(1 - o.dampening) * gi));
      // Nesterov: lr·(g + μv), with lr folded into both terms as the kernel does.
      const step = o.nesterov ? f(f(lr * gi) + f(f(lr * o.momentum) * v[i])) : f(lr * v[i]);
      w[i] = f(w[i] - step);
    } else if (o.convention === "lr-in-buffer") {
      v[i] = first ? f(lr * gi) : f(f(mu * v[i]) + f(lr * gi));
      const d = o.nesterov ? f(f(lr * gi) + f(mu * v[i])) : v[i];
      w[i] = f(w[i] - d);
    } else {
      v[i] = first ? gi : f(f(mu * v[i]) + f(f(1 - o.momentum) * gi));
      // Nesterov: lr·((1−μ)g + μv), with lr folded into both terms as the kernel does.
      const step = o.nesterov ? f(f(f(lr * (1 - o.momentum)) * gi) + f(f(lr * o.momentum) * v[i])) : f(lr * v[i]);
      w[i] = f(w[i] - step);
    }
  }
};

export const adagradRef: RefStep<AdagradOptions> = (o, lr, w, g, s, f) => {
  const clr = f(lr / (1 + (s.t - 1) * o.lrDecay)),
    eps = f(o.eps),
    wd = f(o.weightDecay);
  const sum = s.buf.sum;
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(wd * w[i]));
    sum[i] = f(sum[i] + f(gi * gi));
    const den = o.epsilonPlacement === "inside" ? f(sqrt(f(sum[i] + eps))) : f(f(sqrt(sum[i])) + eps);
    w[i] = f(w[i] - f(f(clr * gi) / den));
  }
};

export const rmspropRef: RefStep<RmspropOptions> = (o, lr, w, g, s, f) => {
  const a = f(o.alpha),
    eps = f(o.eps),
    wd = f(o.weightDecay),
    mu = f(o.momentum);
  lr = f(lr);
  const { v, meanGrad, momentum } = s.buf;
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(wd * w[i]));
    v[i] = f(f(a * v[i]) + f(f(1 - o.alpha) * f(gi * gi)));
    let vbar = v[i];
    if (o.centered) {
      meanGrad[i] = f(f(a * meanGrad[i]) + f(f(1 - o.alpha) * gi));
      vbar = f(v[i] - f(meanGrad[i] * meanGrad[i]));
    }
    const den =
      o.epsilonPlacement === "outside"
        ? f(f(sqrt(vbar)) + eps)
        : f(sqrt(f(vbar + (o.epsilonPlacement === "subtracted" ? -eps : eps))));
    const d = f(gi / den);
    if (o.momentum > 0) {
      if (o.lrInMomentum) {
        momentum[i] = f(f(mu * momentum[i]) + f(lr * d));
        w[i] = f(w[i] - momentum[i]);
      } else {
        momentum[i] = f(f(mu * momentum[i]) + d);
        w[i] = f(w[i] - f(lr * momentum[i]));
      }
    } else w[i] = f(w[i] - f(lr * d));
  }
};

export const adadeltaRef: RefStep<AdadeltaOptions> = (o, lr, w, g, s, f) => {
  const rho = f(o.rho),
    eps = f(o.eps),
    wd = f(o.weightDecay);
  lr = f(lr);
  const { squareAvg: v, deltaAvg: u } = s.buf;
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(wd * w[i]));
    const before = v[i];
    v[i] = f(f(rho * v[i]) + f(f(1 - o.rho) * f(gi * gi)));
    const divisor = o.denominator === "previous" ? before : v[i];
    const delta = f(f(f(sqrt(f(u[i] + eps))) / f(sqrt(f(divisor + eps)))) * gi);
    u[i] = f(f(rho * u[i]) + f(f(1 - o.rho) * f(delta * delta)));
    w[i] = f(w[i] - f(lr * delta));
  }
};

/** Adam, AdamW and the three AMSGrad forms, from m̂ and v̂. */
export const adamRef: RefStep<AdamOptions> = (o, lr, w, g, s, f) => {
  const b1 = f(o.beta1),
    b2 = f(o.beta2),
    eps = f(o.eps),
    t = s.t;
  // TF.js's β powers: running products of f32(β), rounded to f32 at every step.
  const power = (beta: number): number => {
    let p = Math.fround(beta);
    for (let k = 1; k < t; k++) p = Math.fround(p * Math.fround(beta));
    return p;
  };
  const bc1 = 1 - (o.betaPowers === "exact" ? o.beta1 ** t : power(o.beta1));
  const bc2 = 1 - (o.betaPowers === "exact" ? o.beta2 ** t : power(o.beta2));
  const wd = f(o.decoupledWeightDecay ? 0 : o.weightDecay),
    decay = f(o.decoupledWeightDecay ? 1 - lr * o.weightDecay : 1);
  const { m, v, vmax } = s.buf;
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(wd * w[i]));
    m[i] = f(f(b1 * m[i]) + f(f(1 - o.beta1) * gi));
    v[i] = f(f(b2 * v[i]) + f(f(1 - o.beta2) * f(gi * gi)));
    let step: number;
    if (o.amsgrad === "reddi") {
      vmax[i] = Math.max(vmax[i], v[i]);
      step = f(f(lr) * f(m[i] / f(f(sqrt(vmax[i])) + eps)));
    } else if (o.amsgrad === "corrected") {
      vmax[i] = Math.max(vmax[i], f(v[i] * f(1 / bc2)));
      step = f(f(lr / bc1) * f(m[i] / f(f(sqrt(vmax[i])) + eps)));
    } else {
      const second = o.amsgrad === "pytorch" ? (vmax[i] = Math.max(vmax[i], v[i])) : v[i];
      step = o.epsilonHat
        ? f(f((lr * sqrt(bc2)) / bc1) * f(m[i] / f(f(sqrt(second)) + eps)))
        : f(f(lr / bc1) * f(m[i] / f(f(f(sqrt(second)) * f(1 / sqrt(bc2))) + eps)));
    }
    w[i] = f(f(decay * w[i]) - step);
  }
};

export const adamaxRef: RefStep<AdamaxOptions> = (o, lr, w, g, s, f) => {
  const b1 = f(o.beta1),
    b2 = f(o.beta2),
    eps = f(o.eps),
    wd = f(o.weightDecay);
  const stepSize = f(lr / (1 - o.beta1 ** s.t));
  const { m, u } = s.buf;
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(wd * w[i]));
    m[i] = f(f(b1 * m[i]) + f(f(1 - o.beta1) * gi));
    if (o.epsilonPlacement === "max") {
      u[i] = Math.max(f(b2 * u[i]), f(Math.abs(gi) + eps));
      w[i] = f(w[i] - f(stepSize * f(m[i] / u[i])));
    } else {
      u[i] = Math.max(f(b2 * u[i]), Math.abs(gi));
      w[i] = f(w[i] - f(stepSize * f(m[i] / f(u[i] + eps))));
    }
  }
};

export const nadamRef: RefStep<NadamOptions> = (o, lr, w, g, s, f) => {
  const b1 = f(o.beta1),
    b2 = f(o.beta2),
    eps = f(o.eps),
    t = s.t;
  const mu = nadamMu(o.beta1, o.momentumDecay, t),
    muNext = nadamMu(o.beta1, o.momentumDecay, t + 1);
  s.scalars.muProduct = (s.scalars.muProduct ?? 1) * mu;
  const prod = s.scalars.muProduct;
  const cg = f((lr * (1 - mu)) / (1 - prod)),
    cm = f((lr * muNext) / (1 - prod * muNext));
  const rc = f(1 / sqrt(1 - o.beta2 ** t));
  const wd = f(o.decoupledWeightDecay ? 0 : o.weightDecay),
    decay = f(o.decoupledWeightDecay ? 1 - lr * o.weightDecay : 1);
  const { m, v } = s.buf;
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(wd * w[i]));
    m[i] = f(f(b1 * m[i]) + f(f(1 - o.beta1) * gi));
    v[i] = f(f(b2 * v[i]) + f(f(1 - o.beta2) * f(gi * gi)));
    const den = f(f(f(sqrt(v[i])) * rc) + eps);
    w[i] = f(f(decay * w[i]) - f(f(f(cg * gi) + f(cm * m[i])) / den));
  }
};

export const radamRef: RefStep<RadamOptions> = (o, lr, w, g, s, f) => {
  const b1 = f(o.beta1),
    b2 = f(o.beta2),
    eps = f(o.eps),
    t = s.t;
  const bc1 = 1 - o.beta1 ** t,
    bc2 = 1 - o.beta2 ** t,
    rect = radamRectification(o.beta2, t);
  const wd = f(o.decoupledWeightDecay ? 0 : o.weightDecay),
    decay = f(o.decoupledWeightDecay ? 1 - lr * o.weightDecay : 1);
  const { m, v } = s.buf;
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(wd * w[i]));
    m[i] = f(f(b1 * m[i]) + f(f(1 - o.beta1) * gi));
    v[i] = f(f(b2 * v[i]) + f(f(1 - o.beta2) * f(gi * gi)));
    const mhat = f(m[i] / f(bc1));
    const step = rect > 0 ? f(f(f(lr * rect) * mhat) * f(f(sqrt(bc2)) / f(f(sqrt(v[i])) + eps))) : f(f(lr) * mhat);
    w[i] = f(f(decay * w[i]) - step);
  }
};

export const lionRef: RefStep<LionOptions> = (o, lr, w, g, s, f) => {
  const b1 = f(o.beta1),
    b2 = f(o.beta2),
    wd = o.weightDecay;
  const m = s.buf.m;
  for (let i = 0; i < w.length; i++) {
    const c = f(f(b1 * m[i]) + f(f(1 - o.beta1) * g[i]));
    w[i] = f(f(f(1 - lr * wd) * w[i]) - f(f(lr) * Math.sign(c)));
    m[i] = f(f(b2 * m[i]) + f(f(1 - o.beta2) * g[i]));
  }
};

/** TM-SGD(-M): plain SGD (with momentum) before the switch, the Taylor multistep after. */
export const tmsgdRef: RefStep<TmsgdOptions> = (o, lr, w, g, s, f) => {
  const { h1, h2, v } = s.buf,
    mu = f(o.momentum),
    wd = f(o.weightDecay);
  lr = f(lr);
  if (s.t === 1) {
    h1.set(w);
    h2.set(w);
  }
  const taylor = s.t - 1 >= o.switchStep;
  for (let i = 0; i < w.length; i++) {
    const gi = f(g[i] + f(wd * w[i]));
    const d = o.momentum > 0 ? (v[i] = f(f(mu * v[i]) + gi)) : gi;
    const next = taylor ? f(f(f(f(1.5 * w[i]) - h1[i]) + f(0.5 * h2[i])) - f(lr * d)) : f(w[i] - f(lr * d));
    h2[i] = h1[i];
    h1[i] = w[i];
    w[i] = next;
  }
};

/**
 * Schedule-free SGD and AdamW as Defazio et al. (2024) write them: y = (1 − β)z + βx is where the
 * gradient is taken (the parameters), z takes the step, x averages z with c = γ_t²/Σγ_i².
 */
export const scheduleFreeRef: RefStep<ScheduleFreeSgdOptions & Partial<ScheduleFreeAdamwOptions>> = (
  o,
  lr,
  w,
  g,
  s,
  f,
) => {
  const adaptive = o.beta2 !== undefined,
    t = s.t;
  const gamma = adaptive ? lr * Math.sqrt(1 - o.beta2! ** t) : lr;
  const { z, x, v } = s.buf;
  if (t === 1) {
    z.set(w);
    x.set(w);
  }
  s.scalars.lrSquaredSum = (s.scalars.lrSquaredSum ?? 0) + gamma * gamma;
  const c = (gamma * gamma) / s.scalars.lrSquaredSum;
  for (let i = 0; i < w.length; i++) {
    const y = w[i];
    let d = g[i];
    if (adaptive) {
      v[i] = f(f(f(o.beta2!) * v[i]) + f(f(1 - o.beta2!) * f(g[i] * g[i])));
      d = f(g[i] / f(f(sqrt(v[i])) + f(o.eps!)));
    }
    z[i] = f(z[i] - f(f(gamma) * f(d + f(f(o.weightDecay) * y))));
    x[i] = f(f(f(1 - c) * x[i]) + f(f(c) * z[i]));
    w[i] = f(f(f(1 - o.beta) * z[i]) + f(f(o.beta) * x[i]));
  }
};
