/**
 * Gradient transformations (the optax idea, Babuschkin et al. 2020, on flat WASM buffers): each is
 * one step of an update rule over the updates u, which starts as a copy of the gradient and ends
 * subtracted from the parameters (w ← w − u). A transformation names the state buffers it keeps
 * (n f32 each, zero at the start) and may read another's by name (divideByRoot reads "v"). Every
 * primitive is one SIMD kernel pass; constants such as 1 − β and 1/(1 − βᵗ) are computed here in
 * f64 and rounded once to f32 on the way in.
 *
 *   chain(emaSquare(0.999), ema(0.9), biasCorrection(0.9), divideByRoot({ eps: 1e-8, biasCorrection: 0.999 }), scaleByLearningRate())
 *
 * is Adam (src/optim/composed.ts writes the library's optimizers this way). `composed` (chain-optimizer.ts)
 * makes a chain an Optimizer; `jsTransformation` writes one in TypeScript over Float32Array views.
 */
import { kernels, f32View } from "../wasm/module.ts";
import { Unary } from "../wasm/abi.ts";
import type { Schedule } from "./schedules.ts";
import { nonNegative, oneOf, positive, unitInterval } from "./validate.ts";

/** What a transformation sees at one step of one parameter group. Pointers are byte offsets into WASM memory. */
export interface StepContext {
  /** The updates so far (read and write). */
  readonly u: number;
  /** The parameters (read only: the optimizer subtracts u from them after the chain). */
  readonly w: number;
  /** The gradient as the optimizer received it (read only). */
  readonly g: number;
  readonly n: number;
  /** 1 for the first update. */
  readonly t: number;
  /** This step's learning rate (the schedule already evaluated). */
  readonly lr: number;
  /** Every state buffer of the chain, by name. */
  readonly buf: Readonly<Record<string, number>>;
  /** This group's step-carried scalars (saved with the state); a transformation prefixes its keys with its name. */
  readonly scalars: Record<string, number>;
}

export interface Transformation {
  readonly name: string;
  /** State buffers this transformation keeps. */
  readonly buffers: readonly string[];
  /** Buffers of other transformations it reads. */
  readonly reads: readonly string[];
  update(ctx: StepContext): void;
}

const primitive = (
  name: string,
  update: Transformation["update"],
  buffers: string[] = [],
  reads: string[] = [],
): Transformation => ({ name, buffers, reads, update });

/** The name of the buffer the chain copies the gradient into and subtracts from the parameters. */
export const UPDATES = "updates";

/** Applies the transformations in order. A chain is itself a transformation, so chains nest. */
export function chain(...transformations: Transformation[]): Transformation {
  const owner = new Map<string, string>();
  for (const [i, tr] of transformations.entries()) {
    if (!tr || typeof tr.update !== "function")
      throw new TypeError(`chain: argument ${i} is not a transformation (got ${String(tr)})`);
    for (const name of tr.buffers) {
      if (name === UPDATES || owner.has(name)) {
        throw new RangeError(
          `chain: ${tr.name} keeps a buffer named "${name}", which ${name === UPDATES ? "is reserved for the updates" : `${owner.get(name)} already keeps`}; pass another { name }`,
        );
      }
      owner.set(name, tr.name);
    }
  }
  for (const tr of transformations) {
    for (const name of tr.reads) {
      if (!owner.has(name))
        throw new RangeError(
          `chain: ${tr.name} reads a buffer "${name}" that no transformation in the chain keeps (kept: ${[...owner.keys()].join(", ") || "none"})`,
        );
    }
  }
  return {
    name: `chain(${transformations.map((t) => t.name).join(", ")})`,
    buffers: [...owner.keys()],
    reads: [],
    update(ctx) {
      for (const tr of transformations) tr.update(ctx);
    },
  };
}

/** u ← s·u. */
export function scale(s: number): Transformation {
  if (typeof s !== "number" || !Number.isFinite(s))
    throw new RangeError(`scale: s = ${s} is outside the valid range (−∞, ∞)`);
  return primitive("scale", ({ u, n }) => kernels.scaleBy(u, n, s));
}

/** u ← lr·u, with the optimizer's learning rate (a number or a schedule, per parameter group). */
export function scaleByLearningRate(): Transformation {
  return primitive("scaleByLearningRate", ({ u, n, lr }) => kernels.scaleBy(u, n, lr));
}

/** u ← schedule(t − 1)·u: a factor that follows its own schedule (a function of the updates already applied). */
export function scaleBySchedule(schedule: Schedule): Transformation {
  if (typeof schedule !== "function")
    throw new TypeError(`scaleBySchedule: schedule must be a function of the step, got ${String(schedule)}`);
  return primitive("scaleBySchedule", ({ u, n, t }) => {
    const s = schedule(t - 1);
    if (!Number.isFinite(s))
      throw new RangeError(`scaleBySchedule: the schedule gave ${s} at step ${t - 1}; it must be finite`);
    kernels.scaleBy(u, n, s);
  });
}

/** u ← u + wd·w: coupled L2 decay (PyTorch's weight_decay). Put it first, so the moments see it. */
export function addWeightDecay(wd: number): Transformation {
  nonNegative("addWeightDecay", "wd", wd);
  return primitive("addWeightDecay", ({ u, w, n }) => {
    if (wd !== 0) kernels.axpy(u, wd, w, n);
  });
}

/**
 * u ← u + λ·w after the preconditioner: decoupled decay (Loshchilov & Hutter 2019). Put it before
 * scaleByLearningRate, so the parameters shrink by lr·λ·w as AdamW's (1 − lr·λ)·w.
 */
export function decoupledWeightDecay(lambda: number): Transformation {
  nonNegative("decoupledWeightDecay", "lambda", lambda);
  return primitive("decoupledWeightDecay", ({ u, w, n }) => {
    if (lambda !== 0) kernels.axpy(u, lambda, w, n);
  });
}

export interface EmaSquareOptions {
  /** The buffer's name (default "v"). */
  name?: string;
  /** Average the squares of the current updates (default) or of the gradient as received (ADOPT, placed last). */
  input?: "updates" | "gradient";
  /** "ema": v₁ = (1−β)·x₁² (default); "copy": v₁ = x₁² (ADOPT's v₀ = g₀²). */
  firstStep?: "ema" | "copy";
}

/** v ← β·v + (1−β)·x² (the second moment of Adam and RMSProp); u is left as it is. */
export function emaSquare(beta: number, o: EmaSquareOptions = {}): Transformation {
  unitInterval("emaSquare", "beta", beta);
  const { name = "v", input = "updates", firstStep = "ema" } = o;
  oneOf("emaSquare", "input", input, ["updates", "gradient"]);
  oneOf("emaSquare", "firstStep", firstStep, ["ema", "copy"]);
  const c = 1 - beta;
  return primitive(
    "emaSquare",
    ({ u, g, n, t, buf }) => {
      const copy = firstStep === "copy" && t === 1;
      kernels.emaSquare(buf[name], input === "gradient" ? g : u, n, copy ? 0 : beta, copy ? 1 : c);
    },
    [name],
  );
}

export interface EmaOptions {
  /** The buffer's name (default "m"). */
  name?: string;
  /** Lion's look-ahead: u ← β′·m + (1−β′)·u from the old m, while m keeps its own β. */
  lookAhead?: number;
}

/** m ← β·m + (1−β)·u;  u ← m (the first moment of Adam), or u ← β′·m_old + (1−β′)·u with lookAhead β′. */
export function ema(beta: number, o: EmaOptions = {}): Transformation {
  unitInterval("ema", "beta", beta);
  const { name = "m", lookAhead = beta } = o;
  unitInterval("ema", "lookAhead", lookAhead);
  return primitive("ema", ({ u, n, buf }) => kernels.ema(buf[name], u, n, lookAhead, 1 - lookAhead, beta, 1 - beta), [
    name,
  ]);
}

/** u ← u / (1 − βᵗ): Adam's bias correction of an EMA started at zero. */
export function biasCorrection(beta: number): Transformation {
  unitInterval("biasCorrection", "beta", beta);
  return primitive("biasCorrection", ({ u, n, t }) => kernels.scaleBy(u, n, 1 / (1 - beta ** t)));
}

export interface DivideByRootOptions {
  /** The buffer under the root (default "v"). */
  of?: string;
  eps: number;
  /** "outside": √v + ε (PyTorch); "inside": √(v + ε) (TF.js RMSProp); "floor": max(√v, ε) (ADOPT). Default "outside". */
  epsilon?: "outside" | "inside" | "floor";
  /** Divide by the root of the bias-corrected v/(1 − β2ᵗ). */
  biasCorrection?: number;
}

/** u ← u / (√v̂ + ε), ε placed as asked. */
export function divideByRoot(o: DivideByRootOptions): Transformation {
  const { of = "v", eps, epsilon = "outside", biasCorrection: beta2 } = o;
  positive("divideByRoot", "eps", eps);
  oneOf("divideByRoot", "epsilon", epsilon, ["outside", "inside", "floor"]);
  if (beta2 !== undefined) unitInterval("divideByRoot", "biasCorrection", beta2);
  const e1 = epsilon === "inside" ? eps : 0,
    e2 = epsilon === "outside" ? eps : 0,
    floor = epsilon === "floor" ? eps : 0;
  return primitive(
    "divideByRoot",
    ({ u, n, t, buf }) => {
      const r = beta2 === undefined ? 1 : 1 / Math.sqrt(1 - beta2 ** t);
      kernels.divideByRoot(u, buf[of], n, r, e1, e2, floor);
    },
    [],
    [of],
  );
}

/** u ← sign(u) (0 stays 0): Lion's and signSGD's step. */
export function sign(): Transformation {
  return primitive("sign", ({ u, n }) => kernels.unary(Unary.Sign, u, u, n, 0));
}

/** Clip by value: u ← clamp(u, −c, c); c may follow a schedule (ADOPT's c = step^¼, where 0 at the first step holds it still). */
export function clip(c: number | Schedule): Transformation {
  if (typeof c !== "function") positive("clip", "c", c);
  return primitive("clip", ({ u, n, t }) => {
    const limit = typeof c === "function" ? c(t - 1) : c;
    if (!(limit >= 0))
      throw new RangeError(`clip: the schedule gave c = ${limit} at step ${t - 1}; it must be ≥ 0 (∞: no clipping)`);
    kernels.clipByValue(u, n, -limit, limit);
  });
}

/**
 * Clip by global norm: u ← u·maxNorm/(‖u‖ + 1e-6) when that is below 1 (PyTorch clip_grad_norm_).
 * The norm is the parameter group's (one group: the whole gradient; clip.ts's clipByGlobalNorm
 * spans groups); the norm before clipping is kept as the scalar "clipNorm.norm".
 */
export function clipNorm(maxNorm: number): Transformation {
  positive("clipNorm", "maxNorm", maxNorm);
  return primitive("clipNorm", ({ u, n, scalars }) => {
    const norm = Math.sqrt(kernels.sumSquares(u, n));
    scalars["clipNorm.norm"] = norm;
    const s = maxNorm / (norm + 1e-6);
    if (s < 1) kernels.scaleBy(u, n, s);
  });
}

export interface MaxAccumulatorOptions {
  /** The buffer it follows (default "v"). */
  of?: string;
  /** Its own buffer (default "vmax"). */
  name?: string;
  /** Keep the maximum of the bias-corrected v/(1 − β2ᵗ) instead of the raw v. */
  biasCorrection?: number;
}

/** vmax ← max(vmax, v): AMSGrad's running maximum (Reddi, Kale & Kumar 2018). u is left as it is. */
export function maxAccumulator(o: MaxAccumulatorOptions = {}): Transformation {
  const { of = "v", name = "vmax", biasCorrection: beta2 } = o;
  if (beta2 !== undefined) unitInterval("maxAccumulator", "biasCorrection", beta2);
  return primitive(
    "maxAccumulator",
    ({ n, t, buf }) => {
      kernels.maxAccumulate(buf[name], buf[of], n, beta2 === undefined ? 1 : 1 / (1 - beta2 ** t));
    },
    [name],
    [of],
  );
}

export interface TraceOptions {
  /** The buffer's name (default "momentum"). */
  name?: string;
  /** Nesterov's look-ahead: u ← u + μ·v instead of u ← v. */
  nesterov?: boolean;
}

/** Heavy-ball momentum (Polyak 1964): v ← μ·v + u;  u ← v (or u + μ·v, Nesterov as Sutskever et al. 2013). */
export function trace(mu: number, o: TraceOptions = {}): Transformation {
  unitInterval("trace", "mu", mu);
  const { name = "momentum", nesterov: look = false } = o;
  oneOf("trace", "nesterov", look, [true, false]);
  return primitive(look ? "nesterov" : "trace", ({ u, n, buf }) => kernels.trace(buf[name], u, n, mu, look ? 1 : 0), [
    name,
  ]);
}

/** Nesterov's look-ahead momentum: v ← μ·v + u;  u ← u + μ·v. */
export function nesterov(mu: number, o: Omit<TraceOptions, "nesterov"> = {}): Transformation {
  return trace(mu, { ...o, nesterov: true });
}

/** What a TypeScript transformation sees: live Float32Array views of this group's slice. */
export interface ViewContext {
  readonly u: Float32Array;
  readonly w: Float32Array;
  readonly g: Float32Array;
  readonly buf: Readonly<Record<string, Float32Array>>;
  readonly t: number;
  readonly lr: number;
  readonly scalars: Record<string, number>;
}

/**
 * A transformation written in TypeScript over Float32Array views, for an idea the primitives do not
 * cover. A plain JS loop: slower than a kernel, and the views are valid only during the call.
 */
export function jsTransformation(
  name: string,
  spec: { buffers?: string[]; reads?: string[]; update(v: ViewContext): void },
): Transformation {
  if (typeof name !== "string" || name === "")
    throw new TypeError(`jsTransformation: needs a name, got ${String(name)}`);
  if (typeof spec?.update !== "function")
    throw new TypeError(`jsTransformation ${name}: needs an update(views) function`);
  const { buffers = [], reads = [] } = spec;
  return primitive(
    name,
    ({ u, w, g, n, t, lr, buf, scalars }) => {
      const views: Record<string, Float32Array> = {};
      for (const b of [...buffers, ...reads]) views[b] = f32View(buf[b], n);
      spec.update({ u: f32View(u, n), w: f32View(w, n), g: f32View(g, n), buf: views, t, lr, scalars });
    },
    buffers,
    reads,
  );
}
