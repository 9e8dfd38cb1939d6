/**
 * A chain of transformations as an Optimizer: the same Family machinery as the fused optimizers, so
 * a composed optimizer gets parameter groups, schedules, the non-finite guard, ArrayOptimizer, fit
 * and saveState/loadState unchanged. Each step of each group copies the gradient into the state
 * buffer "updates", runs the chain over it, and subtracts it: w ← w − u.
 *
 *   const myAdam = composed("my-adam", { lr: 1e-3, onNonFinite: "throw", beta1: 0.9 }, (o) =>
 *     chain(emaSquare(0.999), ema(o.beta1), biasCorrection(o.beta1), divideByRoot({ eps: 1e-8, biasCorrection: 0.999 }), scaleByLearningRate()));
 *   const opt = myAdam({ lr: 0.01 });
 *
 * The recipe is a function of the complete options, so a group may override any of them.
 */
import { f32View, kernels } from "../wasm/module.ts";
import { makeOptimizer, type BaseOptions, type Family, type GroupSpec, type Optimizer } from "./optimizer.ts";
import { UPDATES, type Transformation } from "./transforms.ts";

export type ComposedOptimizer<O extends BaseOptions> = (
  options?: Partial<O>,
  groups?: readonly GroupSpec<O>[],
) => Optimizer<O>;

/** The optimizer built from `recipe`; `name` is its state's owner and error prefix. */
export function composed<O extends BaseOptions>(
  name: string,
  defaults: O,
  recipe: (o: O) => Transformation,
): ComposedOptimizer<O> {
  if (typeof name !== "string" || name === "") throw new TypeError(`composed: needs a name, got ${String(name)}`);
  if (typeof recipe !== "function")
    throw new TypeError(`composed ${name}: recipe must be a function of the options, got ${String(recipe)}`);
  // One chain per complete options object (each group's options are frozen once by makeOptimizer).
  const built = new WeakMap<O, Transformation>();
  const chainOf = (o: O): Transformation => {
    let tr = built.get(o);
    if (!tr) {
      tr = recipe(o);
      if (!tr || typeof tr.update !== "function")
        throw new TypeError(`composed ${name}: the recipe returned ${String(tr)}, not a transformation`);
      built.set(o, tr);
    }
    return tr;
  };
  const family: Family<O> = {
    name,
    defaults: Object.freeze({ ...defaults }),
    // Building the chain validates every hyperparameter it uses; makeOptimizer freezes this same o.
    validate: (o) => {
      chainOf(o);
    },
    buffers: (o) => [UPDATES, ...chainOf(o).buffers],
    apply({ o, lr, t, w, g, buf, n, scalars }) {
      const u = buf[UPDATES];
      f32View(u, n).set(f32View(g, n)); // a memmove: the chain then works on u in place
      chainOf(o).update({ u, w, g, n, t, lr, buf, scalars });
      kernels.axpy(w, -1, u, n);
    },
  };
  return (options = {}, groups = []) => makeOptimizer(family, options, groups);
}
