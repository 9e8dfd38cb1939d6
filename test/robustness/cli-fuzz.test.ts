/**
 * The command line under random argument lists: it exits 0 (help, version) or 2 with a one-line
 * message on stderr, and never shows a stack trace. Every generated list is either a help request
 * or carries at least one bad token (an unknown option, a bad value, a missing value, a missing
 * file...), so no case starts a real study or training run. Runs the esbuild bundle a user runs.
 * Skipped until the CLI (src/cli.ts, scripts/build-cli.mjs) is on the branch.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const present = existsSync(join(root, "src", "cli.ts")) && existsSync(join(root, "scripts", "build-cli.mjs"));
const bundle = join(root, "build", `cli-fuzz-${process.pid}`);
const temp = mkdtempSync(join(tmpdir(), "descent-fuzz-"));

function descent(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(bundle, "descent.mjs"), ...args], {
      cwd: temp,
      env: { ...process.env, FORCE_COLOR: "0", DESCENT_DEBUG: "" },
    });
    let stdout = "",
      stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      stdout += d;
    });
    child.stderr.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    // A case that is still running has started real work: a failure of the generator, reported as such.
    const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const badJson = join(temp, "bad.json"),
  arrayJson = join(temp, "array.json"),
  badValueJson = join(temp, "bad-value.json");
writeFileSync(badJson, "{ not json");
writeFileSync(arrayJson, "[1, 2]");
writeFileSync(badValueJson, JSON.stringify({ epochs: -4, lr: "fast" }));

const commands = [
  "study",
  "train",
  "eval",
  "merge",
  "landscape",
  "hessian",
  "bench",
  "optimizers",
  "help",
  "",
  "--version",
  "trian",
  "-x",
  "ünïcødé",
];
const studies = ["optimizers", "mnist", "karate", "regularization", "landscape", "hessian", "nope"];
const fine = [
  "--quick",
  "--json",
  "--quiet",
  "--seed",
  "3",
  "--epochs",
  "2",
  "--lr",
  "0.1",
  "--workers",
  "2",
  "--optimizer",
  "adam",
  "--hidden",
  "8,4",
  "--activation",
  "tanh",
  "--out",
  "o",
];
// Each of these makes the whole argument list invalid, whatever command it goes to.
const poison: string[][] = [
  ["--frobnicate"],
  ["--epochs", "-3"],
  ["--epochs", "1.5"],
  ["--lr", "abc"],
  ["--lr", "NaN"],
  ["--lr", "-1"],
  ["--workers", "0"],
  ["--seed", "1e99"],
  ["--shard", "5/2"],
  ["--shard", "x"],
  ["--optimizer", "sgdd"],
  ["--activation", "swish!"],
  ["--batch", "0"],
  ["--json=maybe"],
  ["--config", join(temp, "missing.json")],
  ["--config", badJson],
  ["--config", arrayJson],
  ["--config", badValueJson],
  ["--seed", "1", "--seed", "2"],
  ["--train", "0"],
  ["--test", "100000"],
  ["--hidden", ""],
  ["--hidden", "0"],
  ["--hidden", "4,-1"],
  ["--lr", "0"],
  ["--=x"],
  ["---"],
  ["--seed"],
  ["--model", join(temp, "no-model.json")],
  ["--model", badJson],
  ["--save", join(temp, "no", "dir", "m.json")],
  ["--images", join(temp, "no-images.idx")],
];

const argvs = fc.oneof(
  // Help anywhere: exit 0.
  fc
    .tuple(
      fc.constantFrom(...commands.filter((c) => !["", "-x", "trian", "ünïcødé", "help", "--version"].includes(c))),
      fc.constantFrom("--help", "-h"),
    )
    .map(([c, h]) => [c, h]),
  // A command, maybe a study name, good options and at least one bad token, shuffled.
  fc
    .tuple(
      fc.constantFrom(...commands),
      fc.option(fc.constantFrom(...studies), { nil: undefined }),
      fc.array(fc.constantFrom(...fine), { maxLength: 4 }),
      fc.array(fc.constantFrom(...poison), { minLength: 1, maxLength: 2 }),
      fc.array(fc.string({ maxLength: 6 }), { maxLength: 2 }),
      fc.boolean(),
    )
    .map(([command, name, ok, bad, noise, last]) => {
      const tail = [...ok, ...noise, ...bad.flat()];
      if (last) tail.push(...bad[0]); // the bad token again at the end (a value-less option last, or a duplicate)
      return [command, ...(command === "study" && name ? [name] : []), ...tail].filter(
        (a) => a !== "--help" && a !== "-h",
      );
    }),
);

/** A cheap, valid `train` (a few seconds) with exactly one bad token: the error must come from deeper than the parser. */
const cheapTrain: Record<string, string> = {
  "--epochs": "1",
  "--train": "20",
  "--test": "10",
  "--hidden": "4",
  "--save": join(temp, "m.json"),
  "--quiet": "",
};
const oneBadTrain = poison
  .filter((bad) => bad.join(" ") !== "--seed")
  .map((bad) => {
    const options = { ...cheapTrain };
    if (bad.length === 2 && bad[0].startsWith("--") && bad[0] !== bad[1]) delete options[bad[0]]; // the bad value replaces the good one
    return ["train", ...Object.entries(options).flatMap(([k, v]) => (v === "" ? [k] : [k, v])), ...bad];
  });

describe.skipIf(!present)("descent under random argument lists", () => {
  beforeAll(() => {
    execFileSync(process.execPath, [join(root, "scripts", "build-cli.mjs"), bundle], { cwd: root });
  }, 30_000);
  afterAll(() => {
    rmSync(bundle, { recursive: true, force: true });
    rmSync(temp, { recursive: true, force: true });
  });

  it("exits 0 or 2 with a message, never a stack trace", async () => {
    const cases = [...fc.sample(argvs, { numRuns: 60, seed: 7 }), ...oneBadTrain];
    const failures: string[] = [];
    const check = async (args: string[]) => {
      const r = await descent(args);
      const shown = JSON.stringify(args);
      if (r.code !== 0 && r.code !== 2) failures.push(`${shown}: exit ${r.code}: ${r.stderr.trim()}`);
      if (r.code === 2 && !/^descent: \S/.test(r.stderr))
        failures.push(`${shown}: exit 2 without a 'descent: ...' message: ${JSON.stringify(r.stderr)}`);
      if (r.code === 0 && r.stdout.trim() === "") failures.push(`${shown}: exit 0 with nothing printed`);
      if (/\n\s+at .+:\d+:\d+/.test(r.stderr + r.stdout) || /^\s*at /m.test(r.stderr))
        failures.push(`${shown}: a stack trace: ${r.stderr}`);
    };
    for (let i = 0; i < cases.length; i += 2) await Promise.all(cases.slice(i, i + 2).map(check)); // two cores
    expect(failures).toEqual([]);
  }, 120_000);
});
