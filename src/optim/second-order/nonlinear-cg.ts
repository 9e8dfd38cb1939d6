/**
 * Nonlinear conjugate gradient (Nocedal & Wright §5.2): p ← −∇f + β·p with
 * Fletcher–Reeves β = ‖g₊‖²/‖g‖², or Polak–Ribière+ β = max(0, g₊ᵀ(g₊ − g)/‖g‖²);
 * a strong-Wolfe line search with c2 = 0.1, and a restart on −∇f every n iterations or
 * whenever p is not a descent direction.
 */
import type { Objective } from "./objective.ts";
import { Minimizer, fromList, toList } from "./minimizer.ts";
import { strongWolfe } from "./line-search.ts";
import { dot, norm } from "./linalg.ts";

export type CgFormula = "fletcher-reeves" | "polak-ribiere+";

export class NonlinearCG extends Minimizer {
  readonly name: string;
  direction: Float64Array;
  private lastStep = 1;

  constructor(
    objective: Objective,
    w0: ArrayLike<number>,
    readonly formula: CgFormula = "polak-ribiere+",
  ) {
    super(objective, w0);
    if (formula !== "fletcher-reeves" && formula !== "polak-ribiere+")
      throw new RangeError(`NonlinearCG: formula must be "fletcher-reeves" or "polak-ribiere+", got ${formula}`);
    this.name = `CG (${formula})`;
    this.direction = this.current.grad.map((x) => -x);
  }

  protected saveExtra() {
    return { direction: toList(this.direction), lastStep: this.lastStep };
  }
  protected restoreExtra(e: Record<string, unknown>) {
    this.direction = fromList(e.direction);
    this.lastStep = e.lastStep as number;
  }

  step(): boolean {
    const { w, value, grad } = this.current;
    let p = this.direction;
    if (dot(p, grad) >= 0 || this.iteration % this.objective.dim === 0) p = grad.map((x) => -x);
    // First step scaled to unit length; later ones from the last step's predicted decrease.
    const initialStep = this.iteration === 0 ? 1 / Math.max(norm(grad), 1e-300) : this.lastStep;
    const ls = strongWolfe(this.objective, w, value, grad, p, { c2: 0.1, initialStep });
    this.evaluations += ls.evaluations;
    if (!ls.ok || !(ls.value <= value)) return false;
    const g1 = ls.grad,
      gg = dot(grad, grad);
    const beta =
      this.formula === "fletcher-reeves" ? dot(g1, g1) / gg : Math.max(0, (dot(g1, g1) - dot(g1, grad)) / gg);
    this.direction = g1.map((x, i) => -x + beta * p[i]);
    const slope = dot(g1, this.direction);
    this.lastStep = slope < 0 ? (ls.step * dot(grad, p)) / slope : 1 / Math.max(norm(g1), 1e-300);
    this.current = { w: ls.w, value: ls.value, grad: ls.grad };
    this.iteration++;
    return true;
  }
}
