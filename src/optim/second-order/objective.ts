/**
 * What a second-order or line-search method needs of a problem: f, ∇f and Hessian-vector
 * products at a point, in f64. A user's own function implements it directly; a model's loss
 * implements it through the engine (tensorObjective), its f32 parameters set from w.
 */
import type { Tensor } from "../../tensor/tensor.ts";
import { tensor } from "../../tensor/tensor.ts";
import { f32View } from "../../wasm/module.ts";
import { hvp, valueAndGrad } from "../../autodiff/grad.ts";

export interface Objective {
  readonly dim: number;
  valueAndGrad(w: Float64Array): { value: number; grad: Float64Array };
  /** H(w)·v; optional for first-order line-search methods. */
  hvp?(w: Float64Array, v: Float64Array): Float64Array;
}

/** The objective f() over the concatenated data of params (written from w before each evaluation). */
export function tensorObjective(f: () => Tensor, params: Tensor[]): Required<Objective> {
  const dim = params.reduce((s, p) => s + p.size, 0);
  const load = (w: Float64Array) => {
    if (w.length !== dim) throw new RangeError(`objective: point has ${w.length} values, parameters have ${dim}`);
    let at = 0;
    for (const p of params) {
      f32View(p.ptr, p.size).set(w.subarray(at, at + p.size));
      at += p.size;
    }
  };
  const gather = (ts: Tensor[]) => {
    const out = new Float64Array(dim);
    let at = 0;
    for (const t of ts) {
      out.set(t.toArray(), at);
      at += t.size;
      t.free();
    }
    return out;
  };
  return {
    dim,
    valueAndGrad(w) {
      load(w);
      const { value, grads } = valueAndGrad(f, params);
      return { value, grad: gather(grads) };
    },
    hvp(w, v) {
      load(w);
      let at = 0;
      const dirs = params.map((p) => tensor(Float32Array.from(v.subarray(at, (at += p.size))), p.shape));
      const r = hvp(f, params, dirs);
      for (const t of [...dirs, ...r.grads]) t.free();
      return gather(r.hv);
    },
  };
}
