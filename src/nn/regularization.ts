/**
 * Penalty terms added to the loss (the survey's L_reg(θ) = L(θ) + λ‖θ‖², and λ‖θ‖₁), over the
 * parameters declared with decay = true (weights, not biases or normalization). They are part of
 * the objective, so they reach the gradient through autodiff; decoupled weight decay, which
 * shrinks θ outside the gradient, belongs to the optimizer and is not this.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { abs, add, mulScalar, square, sum, zeros } from "./ops.ts";
import type { ParameterSet } from "./parameters.ts";

function penalty(name: string, set: ParameterSet, lambda: number, term: (p: Tensor) => Tensor): Tensor {
  if (typeof lambda !== "number" || !(lambda >= 0) || !Number.isFinite(lambda))
    throw new RangeError(`${name}: λ must be a finite non-negative number, got ${lambda}`);
  let total: Tensor | null = null;
  for (const p of set.params) {
    if (!p.decay || p.size === 0) continue;
    const t = sum(term(p.tensor));
    total = total ? add(total, t) : t;
  }
  return total ? mulScalar([total], lambda) : zeros([]);
}

/** λ‖θ‖² (no ½) over the decayed parameters. */
export const l2Penalty = (set: ParameterSet, lambda: number): Tensor => penalty("l2Penalty", set, lambda, square);

/** λ‖θ‖₁ over the decayed parameters. Its gradient at exactly 0 is 0. */
export const l1Penalty = (set: ParameterSet, lambda: number): Tensor => penalty("l1Penalty", set, lambda, abs);
