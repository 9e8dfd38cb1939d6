// An optimizer's state through a safetensors file: save → bytes → load → continue is bit-identical
// to running on, for every optimizer in the table (NAdam's running μ product included).
import { describe, expect, it } from "vitest";
import { Random } from "../../src/random.ts";
import { heap, f32View } from "../../src/wasm/module.ts";
import { freeState, inspectState, type OptimState } from "../../src/optim/state.ts";
import { stateFromSafetensors, stateToSafetensors } from "../../src/optim/safetensors.ts";
import { adam } from "../../src/optim/adam.ts";
import { parseSafetensors, serializeSafetensors, tensorValues } from "../../src/tensor/safetensors.ts";
import { cases } from "./cases.ts";

const N = 37;
const bits = (a: Float32Array) => new Uint32Array(a.slice().buffer);

describe.each(cases)("$label state as safetensors", ({ make }) => {
  it("save → bytes → load → continue is bit-identical to running on", () => {
    const opt = make();
    const rng = new Random(1);
    const start = Float32Array.from({ length: N }, () => rng.normal());
    const params = [heap.alloc(N * 4), heap.alloc(N * 4)],
      grads = heap.alloc(N * 4);
    for (const p of params) f32View(p, N).set(start);
    const step = (p: number, state: OptimState, g: Random) => {
      const w = f32View(p, N);
      f32View(grads, N).set(Float32Array.from({ length: N }, (_, i) => 0.5 * w[i] + g.normal()));
      opt.update({ ptr: p, length: N }, { ptr: grads, length: N }, state);
    };
    const [sa, ga] = [opt.init(N), new Random(2)];
    const [sb0, gb] = [opt.init(N), new Random(2)];
    for (let k = 0; k < 30; k++) {
      step(params[0], sa, ga);
      step(params[1], sb0, gb);
    }
    const sb = stateFromSafetensors(stateToSafetensors(sb0));
    freeState(sb0);
    for (let k = 0; k < 30; k++) {
      step(params[0], sa, ga);
      step(params[1], sb, gb);
    }
    expect(bits(f32View(params[1], N))).toEqual(bits(f32View(params[0], N)));
    const [ia, ib] = [inspectState(sa), inspectState(sb)];
    expect(Object.keys(ib)).toEqual(Object.keys(ia));
    for (const name of Object.keys(ia)) expect(bits(ib[name]), name).toEqual(bits(ia[name]));
    expect([sb.optimizer, sb.step, sb.skipped, sb.stopped, sb.scalars]).toEqual([
      sa.optimizer,
      60,
      sa.skipped,
      sa.stopped,
      sa.scalars,
    ]);
    freeState(sa);
    freeState(sb);
    for (const p of [...params, grads]) heap.release(p);
  });
});

describe("optimizer state files", () => {
  it("hold one [n] F32 tensor per buffer and the counters as metadata", () => {
    const state = adam({ lr: 0.1 }).init(5);
    const { tensors, metadata } = parseSafetensors(stateToSafetensors(state));
    expect([...tensors.values()].map((t) => [t.name, t.dtype, t.shape])).toEqual([
      ["m", "F32", [5]],
      ["v", "F32", [5]],
    ]);
    expect(metadata).toMatchObject({ format: "descent-optimizer-state", optimizer: "adam", n: "5", step: "0" });
    freeState(state);
  });

  it("refuse, before allocating anything, a buffer of the wrong length, bad counters, or a model file", () => {
    const state = adam().init(4);
    const { tensors, metadata } = parseSafetensors(stateToSafetensors(state));
    const rewrite = (meta: Record<string, string>, shape = [4]) =>
      serializeSafetensors(
        [...tensors.values()].map((t) => ({
          name: t.name,
          shape: t.name === "v" ? shape : t.shape,
          data: t.name === "v" ? tensorValues(t).subarray(0, shape[0]) : tensorValues(t),
        })),
        { metadata: meta },
      );
    const inUse = heap.inUse;
    expect(() => stateFromSafetensors(rewrite(metadata, [3]), "s.st")).toThrow(
      /s\.st: tensor "v" has shape \[3\], the state holds \[4\]/,
    );
    expect(() => stateFromSafetensors(rewrite({ ...metadata, step: "-1" }), "s.st")).toThrow(
      /s\.st: __metadata__\.step is "-1", expected a count/,
    );
    expect(() => stateFromSafetensors(rewrite({ ...metadata, stopped: "maybe" }), "s.st")).toThrow(
      /__metadata__\.stopped is "maybe"/,
    );
    expect(() => stateFromSafetensors(rewrite({ ...metadata, scalars: "[1]" }), "s.st")).toThrow(
      /__metadata__\.scalars is not a list/,
    );
    expect(() => stateFromSafetensors(rewrite({ format: "descent-model" }), "s.st")).toThrow(
      /s\.st: not an optimizer state \(__metadata__\.format is "descent-model"/,
    );
    expect(heap.inUse).toBe(inUse);
    freeState(state);
  });
});
