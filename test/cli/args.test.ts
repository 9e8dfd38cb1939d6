import { describe, expect, it } from "vitest";
import { commandHelp, convertConfigValue, parseArgs, UsageError, type CommandSpec } from "../../src/cli/args.ts";

const spec: CommandSpec = {
  name: "study",
  summary: "Runs a study.",
  positionals: [{ name: "name", help: "the study", choices: ["mnist", "karate"] }],
  options: [
    { name: "seeds", type: "int", help: "repeats", default: 1, min: 1, max: 100 },
    { name: "lr", type: "number", help: "learning rate", min: 0 },
    { name: "quick", type: "boolean", help: "small setting", default: false },
    { name: "optimizers", type: "list", help: "which", choices: ["sgd", "adam"] },
    { name: "format", type: "choice", help: "output", choices: ["md", "json"], default: "md" },
  ],
};

const usage = (argv: string[]) => {
  try {
    parseArgs(spec, argv);
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
  return "no error";
};

describe("command-line options", () => {
  it("parses flags, values, lists, negations and defaults", () => {
    const p = parseArgs(spec, ["mnist", "--seeds", "3", "--lr=0.01", "--quick", "--optimizers", "sgd,adam"]);
    expect(p.positionals).toEqual(["mnist"]);
    expect(p.options).toEqual({ seeds: 3, lr: 0.01, quick: true, optimizers: ["sgd", "adam"], format: "md" });
    expect(parseArgs(spec, ["karate", "--no-quick"]).options.quick).toBe(false);
  });

  it("names the problem and the valid choices", () => {
    expect(usage(["mnist", "--sedes", "3"])).toMatch(
      /unknown option --sedes for 'study'; valid options: --seeds, --lr/,
    );
    expect(usage(["mnits"])).toMatch(/unknown name 'mnits'; valid: mnist, karate/);
    expect(usage([])).toMatch(/'study' needs <name>: one of mnist, karate/);
    expect(usage(["mnist", "--seeds", "0"])).toMatch(/--seeds must be an integer in \[1, 100\], got '0'/);
    expect(usage(["mnist", "--seeds", "2.5"])).toMatch(/--seeds must be an integer/);
    expect(usage(["mnist", "--lr", "fast"])).toMatch(/--lr must be a number in \[0, ∞\), got 'fast'/);
    expect(usage(["mnist", "--lr"])).toMatch(/--lr needs a value/);
    expect(usage(["mnist", "--format", "xml"])).toMatch(/--format must be one of md, json, got 'xml'/);
    expect(usage(["mnist", "--optimizers", "sgd,lbfgs"])).toMatch(/unknown value 'lbfgs'; valid: sgd, adam/);
    expect(usage(["mnist", "extra"])).toMatch(/takes 1 argument\(s\), got unexpected 'extra'/);
    expect(usage(["mnist", "--seeds", "1", "--seeds", "2"])).toMatch(/given twice/);
  });

  it("validates config-file values with the same rules", () => {
    expect(convertConfigValue(spec, "seeds", 4)).toBe(4);
    expect(convertConfigValue(spec, "optimizers", ["adam"])).toEqual(["adam"]);
    expect(() => convertConfigValue(spec, "seeds", -1)).toThrow(/--seeds must be an integer/);
    expect(() => convertConfigValue(spec, "speed", 1)).toThrow(/config: unknown option 'speed'/);
  });

  it("writes help from the same table", () => {
    const help = commandHelp("descent", spec);
    expect(help).toMatch(/Usage: descent study <name> \[options\]/);
    for (const o of spec.options) expect(help).toContain(`--${o.name}`);
  });
});
