/**
 * Gradients and Hessian-vector products of scalar functions built from engine ops.
 * Every temporary lives in a scope that closes before these return: only the results survive,
 * detached from the graph, and they belong to the caller.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { scoped } from "../tensor/scope.ts";
import { sameShape, shapeStr } from "../tensor/shape.ts";
import { copyOf, zerosLike } from "../tensor/create.ts";
import { kernels } from "../wasm/module.ts";
import { copyFloats } from "../threads/split.ts";
import { backward } from "./backward.ts";
import { withRecording } from "./node.ts";
import { add, mul } from "./ops/arith.ts";
import { sum } from "./ops/reduce.ts";

function checkLeaves(op: string, wrt: readonly Tensor[]): void {
  wrt.forEach((w, i) => {
    if (w.freed) throw new Error(`${op}: tensor ${i} (shape ${shapeStr(w.shape)}) was freed`);
  });
}

/** Runs f with the leaves tracked, inside a scope that keeps only what `pick` returns. */
function traced<T extends object>(
  op: string,
  wrt: readonly Tensor[],
  f: () => Tensor,
  body: (loss: Tensor) => T,
  pick: (r: T) => Tensor[],
): T {
  checkLeaves(op, wrt);
  const before = wrt.map((w) => w.tracked);
  wrt.forEach((w) => (w.tracked = true));
  try {
    return scoped(() => {
      const loss = withRecording(true, f);
      if (loss.size !== 1)
        throw new RangeError(`${op}: the function must return a single value, got shape ${shapeStr(loss.shape)}`);
      const result = body(loss);
      for (const t of pick(result)) t.node = null;
      return result;
    }, pick);
  } finally {
    wrt.forEach((w, i) => (w.tracked = before[i]));
  }
}

/** Gradients as distinct tensors (a rule may hand the same tensor to two inputs), zeros where none flows. */
function distinct(grads: (Tensor | null)[], wrt: readonly Tensor[]): Tensor[] {
  const seen = new Set<Tensor>();
  return grads.map((g, i) => {
    if (!g) return zerosLike(wrt[i]);
    if (seen.has(g) || wrt.includes(g)) return copyOf(g);
    seen.add(g);
    return g;
  });
}

/** The value of f and its gradient with respect to each tensor of wrt. */
export function valueAndGrad(f: () => Tensor, wrt: readonly Tensor[]): { value: number; grads: Tensor[] } {
  return traced(
    "valueAndGrad",
    wrt,
    f,
    (loss) => ({ value: loss.item(), grads: distinct(backward(loss, wrt), wrt) }),
    (r) => r.grads,
  );
}

/** The gradient of f with respect to each tensor of wrt. */
export function grad(f: () => Tensor, wrt: readonly Tensor[]): Tensor[] {
  return valueAndGrad(f, wrt).grads;
}

/**
 * Like valueAndGrad, but writes each gradient into a tensor the caller owns (a gradient region)
 * and keeps nothing else: the allocation-free form a training loop wants.
 */
export function valueAndGradInto(f: () => Tensor, wrt: readonly Tensor[], into: readonly Tensor[]): number {
  if (into.length !== wrt.length)
    throw new RangeError(`valueAndGradInto: ${wrt.length} tensors but ${into.length} gradient buffers`);
  wrt.forEach((w, i) => {
    if (!sameShape(w.shape, into[i].shape))
      throw new RangeError(
        `valueAndGradInto: gradient buffer ${i} has shape ${shapeStr(into[i].shape)}, tensor has ${shapeStr(w.shape)}`,
      );
  });
  return traced(
    "valueAndGradInto",
    wrt,
    f,
    (loss) => {
      backward(loss, wrt).forEach((g, i) => {
        const dst = into[i];
        if (dst.size === 0) return;
        if (g) copyFloats(dst.ptr, g.ptr, dst.size);
        else kernels.fill(dst.ptr, 0, dst.size);
      });
      return { value: loss.item() };
    },
    () => [],
  ).value;
}

/**
 * Hessian-vector product H·v of f at the current wrt, without forming H (Pearlmutter 1994):
 * differentiate the graph of the gradient once more, along v — Hv = ∇(∇f · v).
 */
export function hvp(
  f: () => Tensor,
  wrt: readonly Tensor[],
  v: readonly Tensor[],
): { value: number; grads: Tensor[]; hv: Tensor[] } {
  if (v.length !== wrt.length) throw new RangeError(`hvp: ${wrt.length} tensors but ${v.length} directions`);
  v.forEach((d, i) => {
    if (!sameShape(d.shape, wrt[i].shape))
      throw new RangeError(`hvp: direction ${i} has shape ${shapeStr(d.shape)}, tensor has ${shapeStr(wrt[i].shape)}`);
  });
  return traced(
    "hvp",
    wrt,
    f,
    (loss) => {
      const g = backward(loss, wrt, { createGraph: true });
      let gv: Tensor | null = null;
      g.forEach((gi, i) => {
        if (gi) {
          const term = sum(mul(gi, v[i]));
          gv = gv ? add(gv, term) : term;
        }
      });
      const hv = gv ? backward(gv, wrt) : wrt.map(() => null);
      const grads = distinct(g, wrt);
      return { value: loss.item(), grads, hv: distinct(hv, wrt).map((h) => (grads.includes(h) ? copyOf(h) : h)) };
    },
    (r) => [...r.grads, ...r.hv],
  );
}

/** Runs fn without recording: evaluation, no gradients. */
export function noGrad<T>(fn: () => T): T {
  return withRecording(false, fn);
}
