// Save → JSON → load → continue is bit-identical; NaN gradients leave parameters untouched;
// parameter groups use their own hyperparameters; lengths are checked.
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { heap, f32View } from "../../src/wasm/module.ts";
import { freeState, inspectState, loadState, saveState, type OptimState } from "../../src/optim/state.ts";
import { NonFiniteGradientError, type BaseOptions, type Optimizer } from "../../src/optim/optimizer.ts";
import * as all from "../../src/optim/index.ts";
import { ArrayOptimizer, adam, sgd, tmsgd } from "../../src/optim/index.ts";
import { cases } from "./cases.ts";

const N = 37;

function setup(opt: Optimizer<BaseOptions>, seed: number) {
  const rng = new Random(seed);
  const params = heap.alloc(N * 4),
    grads = heap.alloc(N * 4);
  f32View(params, N).set(Float32Array.from({ length: N }, () => rng.normal()));
  const step = (state: OptimState, gradRng: Random) => {
    const w = f32View(params, N);
    f32View(grads, N).set(Float32Array.from({ length: N }, (_, i) => 0.5 * w[i] + gradRng.normal()));
    return opt.update({ ptr: params, length: N }, { ptr: grads, length: N }, state);
  };
  return {
    params,
    grads,
    step,
    release: () => {
      heap.release(params);
      heap.release(grads);
    },
  };
}

describe.each(cases)("$label state", ({ make }) => {
  it("save → JSON → load → continue is bit-identical to running on", () => {
    const opt = make();
    const a = setup(opt, 1),
      b = setup(opt, 1);
    const sa = opt.init(N),
      ga = new Random(2);
    for (let k = 0; k < 60; k++) a.step(sa, ga);
    // b: the same first 60 steps, then a save/load round trip through JSON text.
    const sb0 = opt.init(N),
      gb = new Random(2);
    for (let k = 0; k < 60; k++) b.step(sb0, gb);
    const sb = loadState(JSON.parse(JSON.stringify(saveState(sb0))));
    freeState(sb0);
    for (let k = 0; k < 60; k++) {
      a.step(sa, ga);
      b.step(sb, gb);
    }
    expect(new Uint32Array(f32View(b.params, N).slice().buffer)).toEqual(
      new Uint32Array(f32View(a.params, N).slice().buffer),
    );
    const ia = inspectState(sa),
      ib = inspectState(sb);
    for (const name of Object.keys(ia))
      expect(new Uint32Array(ib[name].buffer), name).toEqual(new Uint32Array(ia[name].buffer));
    expect(sb.step).toBe(120);
    expect(sb.scalars).toEqual(sa.scalars);
    freeState(sa);
    freeState(sb);
    a.release();
    b.release();
  });

  it("a NaN or Inf gradient leaves params and state untouched, as the caller chose", () => {
    for (const [bad, at] of [
      [NaN, 5],
      [Infinity, N - 1],
      [-Infinity, 20],
      [NaN, N - 1],
    ]) {
      for (const policy of ["throw", "skip", "stop"] as const) {
        const opt = withPolicy(make(), policy);
        const s = setup(opt, 3),
          state = opt.init(N),
          gr = new Random(4);
        for (let k = 0; k < 3; k++) s.step(state, gr);
        const before = f32View(s.params, N).slice(),
          stateBefore = saveState(state);
        const g = f32View(s.grads, N);
        g.set(Float32Array.from({ length: N }, () => gr.normal()));
        g[at] = bad; // N = 37: index 36 is the scalar tail, the others SIMD lanes
        const call = () => opt.update({ ptr: s.params, length: N }, { ptr: s.grads, length: N }, state);
        if (policy === "throw") expect(call).toThrow(NonFiniteGradientError);
        else expect(call()).toBe(policy === "skip" ? "skipped" : "stopped");
        expect(f32View(s.params, N)).toEqual(before);
        expect({ ...saveState(state), skipped: 0, stopped: false }).toEqual(stateBefore);
        freeState(state);
        s.release();
      }
    }
  });
});

/** The same optimizer rebuilt from its complete options with onNonFinite set (its factory: the name in camelCase). */
function withPolicy(opt: Optimizer<BaseOptions>, onNonFinite: "throw" | "skip" | "stop"): Optimizer<BaseOptions> {
  const exported = opt.name.replace(/-(\w)/g, (_, c: string) => c.toUpperCase());
  const factory = (all as unknown as Record<string, (o: object) => Optimizer<BaseOptions>>)[exported];
  return factory({ ...opt.options, onNonFinite });
}

describe("stop and skip bookkeeping", () => {
  it("skip counts and continues; stop refuses every later update", () => {
    const opt = sgd({ lr: 0.1, onNonFinite: "skip" });
    const run = new ArrayOptimizer(opt, 2);
    const w = new Float32Array([1, 2]);
    expect(run.step(w, new Float32Array([NaN, 0]))).toBe("skipped");
    expect(run.state.skipped).toBe(1);
    expect(run.step(w, new Float32Array([1, 1]))).toBe("updated");
    expect(w).toEqual(new Float32Array([0.9, 1.9]));
    const stop = new ArrayOptimizer(sgd({ lr: 0.1, onNonFinite: "stop" }), 2);
    expect(stop.step(w, new Float32Array([Infinity, 0]))).toBe("stopped");
    expect(stop.step(w, new Float32Array([1, 1]))).toBe("stopped");
    expect(w).toEqual(new Float32Array([0.9, 1.9]));
    run.dispose();
    stop.dispose();
  });
});

describe("buffers and groups", () => {
  it("refuses params and grads of different lengths, and a state of another optimizer", () => {
    const opt = adam();
    const state = opt.init(4);
    const p = heap.alloc(16),
      g = heap.alloc(20);
    expect(() => opt.update({ ptr: p, length: 4 }, { ptr: g, length: 5 }, state)).toThrow(
      /grads has 5 elements, the state has 4/,
    );
    expect(() => sgd().update({ ptr: p, length: 4 }, { ptr: g, length: 4 }, state)).toThrow(/state made by adam/);
    const run = new ArrayOptimizer(opt, 3);
    expect(() => run.step(new Float32Array(3), new Float32Array(2))).toThrow(/grads has 2 elements, expected 3/);
    freeState(state);
    heap.release(p);
    heap.release(g);
    run.dispose();
  });

  it("a group keeps its own hyperparameters: no weight decay on the bias range", () => {
    // Weights [0, 4) with decay, bias [4, 6) without: with a zero gradient only the weights shrink.
    const opt = sgd({ lr: 0.1, weightDecay: 0.5 }, [
      { offset: 0, length: 4 },
      { offset: 4, length: 2, weightDecay: 0 },
    ]);
    const run = new ArrayOptimizer(opt, 6);
    const w = new Float32Array([1, 1, 1, 1, 1, 1]);
    run.step(w, new Float32Array(6));
    expect(Array.from(w)).toEqual([0.95, 0.95, 0.95, 0.95, 1, 1].map(Math.fround));
    run.dispose();
  });

  it("elements outside every group are frozen; overlapping or out-of-range groups are refused", () => {
    const run = new ArrayOptimizer(adam({ lr: 0.1 }, [{ offset: 1, length: 2 }]), 4);
    const w = new Float32Array([1, 1, 1, 1]);
    run.step(w, new Float32Array([1, 1, 1, 1]));
    expect([w[0], w[3]]).toEqual([1, 1]);
    expect(w[1]).toBeCloseTo(0.9, 5); // Adam's first step is lr·sign(g), up to ε
    run.dispose();
    expect(() =>
      adam({}, [
        { offset: 0, length: 3 },
        { offset: 2, length: 2 },
      ]),
    ).toThrow(/overlap/);
    expect(() => adam({}, [{ offset: 0, length: 5 }]).init(4)).toThrow(/passes the end of 4/);
    expect(() => adam({}, [{ offset: 0, length: 2, beta1: 1 }])).toThrow(/beta1 = 1 .*\[0, 1\)/);
  });

  it("state is inspectable by name; TM-SGD's history starts as W0 in both slots", () => {
    const run = new ArrayOptimizer(tmsgd({ lr: 0.1, switchStep: 5 }), 2);
    const w = new Float32Array([1, -2]);
    run.step(w, new Float32Array([1, 1]));
    const s = run.inspect();
    expect(Object.keys(s).sort()).toEqual(["h1", "h2"]);
    expect(Array.from(s.h1)).toEqual([1, -2]); // W0 (the iterate before this update)
    expect(Array.from(s.h2)).toEqual([1, -2]); // W_{-1} := W0
    run.step(w, new Float32Array([1, 1]));
    expect(Array.from(run.inspect().h2)).toEqual([1, -2]);
    expect(Array.from(run.inspect().h1)).toEqual(Array.from(new Float32Array([0.9, -2.1])));
    expect(run.state.step).toBe(2);
    run.dispose();
  });

  it("AdaGrad's accumulator starts at its option (0.1 in TF.js)", () => {
    const st = all.adagrad({ compat: "tfjs" }).init(5);
    expect(Array.from(inspectState(st).sum)).toEqual(Array(5).fill(Math.fround(0.1)));
    freeState(st);
  });
});
