// Issue 15: an explicit value always wins over a --quick preset, reaches the run, and config.json
// records it, so `--config config.json` reproduces the run. Over every study of the registry and
// every option of its table: a new study or option is covered without touching this file.
import { describe, expect, it } from "vitest";
import { STUDIES } from "../../src/study/registry.ts";
import { resolveStudyConfig, studyOptions } from "../../src/study/config.ts";
import { decodeJson, renderOutputs, resultsFile } from "../../src/study/runner.ts";
import type { RunSpec, Study, StudyConfig } from "../../src/study/study.ts";
import { inRange } from "../../src/optim/validate.ts";
import type { OptionSpec } from "../../src/options/option.ts";

/** Valid values of the free-text options (strings, and lists without choices), which no type can make up. */
const FREE_TEXT: Record<string, unknown[]> = { mnist: ["package"], "learning-rates": [["adam=0.003"]] };

/**
 * A valid value of the option that is neither its default nor its quick default, and small (the runs
 * stay cheap). A list is given reversed: every item stays, so every option that depends on one is reached.
 */
function explicitValue(o: OptionSpec): unknown {
  const base = o.quickDefault ?? o.default;
  const fresh = (candidates: unknown[]) => {
    const pick = candidates.find(
      (v) => JSON.stringify(v) !== JSON.stringify(o.default) && JSON.stringify(v) !== JSON.stringify(o.quickDefault),
    );
    if (pick === undefined) throw new Error(`no explicit value for --${o.name}`);
    return pick;
  };
  const integer = o.type === "int" || o.type === "ints";
  const numbers = (candidates: number[]) =>
    candidates.filter((x) => inRange(o, x) && (!integer || Number.isInteger(x)) && !o.check?.(x));
  switch (o.type) {
    case "boolean":
      return !(base as boolean);
    case "int": {
      const b = (base as number | undefined) ?? o.min ?? 1;
      return fresh(numbers([b + 1, b - 1, b + 2, o.min ?? 0, o.max ?? b + 3]));
    }
    case "number": {
      const b = (base as number | undefined) ?? o.min ?? 1;
      return fresh(numbers([b * 1.5, b / 2, b + 0.5, ((o.min ?? 0) + (o.max ?? 1)) / 2]));
    }
    case "ints":
    case "numbers": {
      const b = base as number[];
      return fresh(b.length > 1 ? [[...b].reverse()] : [numbers([b[0] + 1, b[0] / 2])]);
    }
    case "choice":
      return fresh([...(o.choices ?? [])]);
    case "list": {
      const b = base as string[];
      if (!o.choices && FREE_TEXT[o.name]) return fresh(FREE_TEXT[o.name]);
      return fresh(b.length > 1 ? [[...b].reverse()] : (o.choices ?? []).map((c) => [c]));
    }
    case "string":
      if (FREE_TEXT[o.name]) return fresh(FREE_TEXT[o.name]);
      throw new Error(`no explicit value for --${o.name} of type ${o.type}: add valid values to FREE_TEXT`);
    default:
      throw new Error(`no explicit value for --${o.name} of type ${o.type}`);
  }
}

/** A config that remembers which options were read, and the value each read returned. */
function tracked(config: StudyConfig, reads: Map<string, unknown>): StudyConfig {
  return new Proxy(config, {
    get(target, key, receiver) {
      const value: unknown = Reflect.get(target, key, receiver);
      if (typeof key === "string" && key in target && !reads.has(key)) reads.set(key, value);
      return value;
    },
  });
}

/** plan, every run (stopped at its first check of the signal: the options are read by then) and the report. */
async function readsOf(study: Study, config: StudyConfig): Promise<Map<string, unknown>> {
  const reads = new Map<string, unknown>();
  const c = tracked(config, reads);
  const signal = AbortSignal.abort();
  const results: { spec: RunSpec; result: unknown }[] = [];
  for (const spec of study.plan(c)) {
    try {
      results.push({ spec, result: await study.run(spec, c, { progress: () => {}, signal }) });
    } catch (e) {
      if (!(e instanceof Error && e.name === "AbortError")) throw e;
    }
  }
  try {
    study.report(c, results);
  } catch {
    // Stopped runs may leave the report too little to draw; the options it read before are counted.
  }
  return reads;
}

/** Options a study takes for uniformity but does not use, each with its reason. */
const UNUSED: Record<string, string[]> = {
  // Fixed start points and no sampling: every path is deterministic, whatever the seed.
  landscape: ["seed"],
};

describe.each(STUDIES.map((s) => [s.name, s] as const))("study %s: explicit options under --quick", (_, study) => {
  const options = studyOptions(study).filter((o) => o.name !== "quick");
  const given = Object.fromEntries(options.map((o) => [o.name, explicitValue(o)]));
  // Booleans switch whole paths (--tune): flipped in a second pass, so the first takes the plain path.
  const switches = options.filter((o) => o.type === "boolean").map((o) => o.name);
  const plain = Object.fromEntries(Object.entries(given).filter(([k]) => !switches.includes(k)));

  it("every explicit value wins over the quick default and config.json records it", () => {
    const config = resolveStudyConfig(study, { ...given, quick: true });
    for (const o of options) expect(config[o.name], `--${o.name}`).toEqual(given[o.name]);
    const file = resultsFile(study, config, study.plan(config), [], { index: 1, count: 1 });
    const recorded = decodeJson(renderOutputs(study, file)["config.json"] as string) as Record<string, unknown>;
    expect(recorded).toEqual(config);
    expect(resolveStudyConfig(study, recorded), "--config config.json reproduces the config").toEqual(config);
  });

  it("every option reaches the study with its explicit value", async () => {
    const first = await readsOf(study, resolveStudyConfig(study, { ...plain, quick: true }));
    const second = switches.length
      ? await readsOf(study, resolveStudyConfig(study, { ...given, quick: true }))
      : new Map<string, unknown>();
    for (const o of options.filter((o) => !UNUSED[study.name]?.includes(o.name))) {
      const pass = switches.includes(o.name) || !first.has(o.name) ? second : first;
      expect(pass.has(o.name), `--${o.name} is never read by plan, run or report`).toBe(true);
      expect(pass.get(o.name), `--${o.name}`).toEqual(given[o.name]);
    }
  }, 60_000);
});

describe("the cases of issue 15", () => {
  const tmsgd = STUDIES.find((s) => s.name === "tm-sgd")!;

  it("tm-sgd --quick --epochs 3 trains 3 epochs", async () => {
    const config = resolveStudyConfig(tmsgd, { quick: true, epochs: 3, tasks: ["sequence"], optimizers: ["sgd"] });
    const spec = tmsgd.plan(config).find((s) => s.kind === "train")!;
    const result = (await tmsgd.run(spec, config, { progress: () => {} })) as { history: unknown[] };
    expect(result.history).toHaveLength(3);
  });

  it("the quick tm-sgd config records the sizes it trains with", () => {
    const config = resolveStudyConfig(tmsgd, { quick: true });
    expect(config).toMatchObject({ epochs: 2, train: 320, test: 80, "switch-epochs": [0, 1] });
  });

  it("hessian --quick --hidden 100000 keeps the 100000", () => {
    const hessian = STUDIES.find((s) => s.name === "hessian")!;
    expect(resolveStudyConfig(hessian, { quick: true, hidden: 100000 }).hidden).toBe(100000);
  });
});
