// docs/optimizers.md "Write your own", run exactly as written (the code block is copied to a file at
// the repository root, where its import path resolves, and imported), then used through fit, the
// optimizers study (--optimizers cautious-adopt, parsed as the command line parses it) and the landscape.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { catalogueEntry } from "../../src/optim/catalogue.ts";
import type { ComposedOptimizer } from "../../src/optim/chain-optimizer.ts";
import type { BaseOptions } from "../../src/optim/optimizer.ts";
import { Model, Sequential, Linear, Activation } from "../../src/nn/index.ts";
import { fit } from "../../src/train/index.ts";
import { makeBlobs } from "../../src/data/synthetic.ts";
import { runTrajectory } from "../../src/landscape/trajectory.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { optimizersStudy } from "../../src/study/optimizers.ts";
import { landscapeStudy } from "../../src/study/landscape.ts";

const root = join(import.meta.dirname, "..", "..");
const file = join(root, `.write-your-own-${process.pid}.ts`);

/** The first ```ts block after the "## Write your own" heading. */
function example(): string {
  const doc = readFileSync(join(root, "docs", "optimizers.md"), "utf8");
  const section = doc.slice(doc.indexOf("## Write your own"));
  const match = /```ts\n([\s\S]*?)```/.exec(section);
  if (!match) throw new Error("docs/optimizers.md: no ts block under 'Write your own'");
  return match[1];
}

let cautiousAdopt: ComposedOptimizer<BaseOptions>;
beforeAll(async () => {
  writeFileSync(file, example());
  ({ cautiousAdopt } = await import(file));
});
afterAll(() => rmSync(file, { force: true }));

describe("Write your own (docs/optimizers.md)", () => {
  it("is under 30 lines of user code, from the public API only", () => {
    const code = example();
    expect(code.trimEnd().split("\n").length).toBeLessThan(30);
    for (const [, path] of code.matchAll(/from "([^"]+)"/g)) expect(path).toBe("./src/index.ts");
  });

  it("registered it: the catalogue knows it as a composed optimizer", () => {
    expect(catalogueEntry("cautious-adopt")).toMatchObject({ kind: "composed", label: "Cautious ADOPT" });
  });

  it("trains a classifier through fit", async () => {
    const data = makeBlobs({ n: 120, classes: 3, features: 4, seed: 1 });
    const model = new Model(new Sequential([new Linear(4, 16), new Activation("tanh"), new Linear(16, 3)]), {
      seed: 0,
    });
    const r = await fit(model, data, { optimizer: cautiousAdopt({ lr: 0.01 }), epochs: 30, batch: 16, seed: 3 });
    model.free();
    expect(r.diverged).toBeFalsy();
    expect(r.history.at(-1)!.trainLoss).toBeLessThan(0.5 * r.history[0].trainLoss);
  });

  it("runs in the optimizers study by name, as --optimizers cautious-adopt", async () => {
    const config = resolveStudyConfig(optimizersStudy, { quick: true, optimizers: "cautious-adopt", epochs: 1 });
    const specs = optimizersStudy.plan(config);
    expect(specs.map((s) => s.optimizer)).toContain("cautious-adopt");
    const result = (await optimizersStudy.run(specs[0], config, { progress: () => {} })) as {
      optimizer: string;
      history: { trainLoss: number }[];
    };
    expect(result.optimizer).toBe("cautious-adopt");
    expect(Number.isFinite(result.history.at(-1)!.trainLoss)).toBe(true);
  }, 120_000);

  it("descends on the landscape, by name and in the landscape study", async () => {
    const t = runTrajectory({ fn: "beale", optimizer: { name: "cautious-adopt", options: { lr: 0.05 } }, steps: 400 });
    expect(t.divergedAt).toBeNull();
    expect(t.losses.at(-1)!).toBeLessThan(0.01 * t.losses[0]);
    const config = resolveStudyConfig(landscapeStudy, {
      quick: true,
      optimizers: "cautious-adopt",
      functions: "ill-conditioned",
    });
    const [spec] = landscapeStudy.plan(config);
    const path = await landscapeStudy.run(spec, config, { progress: () => {} });
    expect(path.values.at(-1)!).toBeLessThan(path.values[0]);
    expect(landscapeStudy.report(config, [{ spec, result: path }]).sections[0].tables![0].rows[0]).toContain(
      "Cautious ADOPT",
    );
  });
});
