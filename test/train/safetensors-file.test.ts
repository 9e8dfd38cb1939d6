// safetensors files on disk (Node only): atomic writes, errors that name the file.
import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import * as N from "../../src/nn/index.ts";
import { adam } from "../../src/optim/adam.ts";
import { freeState, inspectState } from "../../src/optim/state.ts";
import {
  loadModelFile,
  loadStateFile,
  readModelFile,
  saveModelFile,
  saveStateFile,
} from "../../src/train/safetensors.node.ts";

const dir = mkdtempSync(join(tmpdir(), "descent-safetensors-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const mlp = (seed: number) =>
  new N.Model(new N.Sequential([new N.Linear(3, 4), new N.Activation("relu"), new N.Linear(4, 2)]), { seed });

describe("safetensors files", () => {
  it("save a model and read it back (rebuilt, or into a model), leaving no temporary file", () => {
    const model = mlp(1);
    const path = join(dir, "sub", "model.safetensors");
    saveModelFile(path, model);
    expect(readdirSync(join(dir, "sub"))).toEqual(["model.safetensors"]);
    const rebuilt = readModelFile(path);
    expect(rebuilt.parameters.flat()).toEqual(model.parameters.flat());
    const other = mlp(2);
    saveModelFile(join(dir, "torch.safetensors"), model, { layout: "pytorch" });
    loadModelFile(join(dir, "torch.safetensors"), other, { layout: "pytorch" });
    expect(other.parameters.flat()).toEqual(model.parameters.flat());
    for (const m of [model, rebuilt, other]) m.free();
  });

  it("save an optimizer state and load it back", () => {
    const state = adam().init(6);
    state.step = 7;
    saveStateFile(join(dir, "adam.safetensors"), state);
    const again = loadStateFile(join(dir, "adam.safetensors"));
    expect(again.step).toBe(7);
    expect(inspectState(again)).toEqual(inspectState(state));
    freeState(state);
    freeState(again);
  });

  it("name the file when it is missing, truncated or not writable", () => {
    const model = mlp(1);
    expect(() => loadModelFile(join(dir, "absent.safetensors"), model)).toThrow(
      /absent\.safetensors: cannot read it \(ENOENT\)/,
    );
    const path = join(dir, "cut.safetensors");
    saveModelFile(path, model);
    writeFileSync(path, readFileSync(path).subarray(0, 40));
    expect(() => loadModelFile(path, model)).toThrow(/cut\.safetensors: truncated/);
    writeFileSync(join(dir, "file"), "");
    expect(() => saveModelFile(join(dir, "file", "model.safetensors"), model)).toThrow(
      /file\/model\.safetensors: cannot write it \(E\w+\); the previous file, if any, is unchanged/,
    );
    model.free();
  });
});
