/**
 * The `descent` command. The only module that prints or exits: everything below it returns
 * values or throws. Exit codes: 0 done, 1 a run failed, 2 a usage problem (unknown command or
 * option, bad value, missing file), 130 interrupted by Ctrl-C (a partial report is written).
 */
import { readFileSync } from "node:fs";
import { spawnSync } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { commandHelp, convertConfigValue, parseArgs, UsageError, type CommandSpec, type Parsed } from "./cli/args.ts";
import {
  BENCH_SPEC,
  EVAL_SPEC,
  globalHelp,
  MERGE_SPEC,
  OUTPUT_OPTIONS,
  PROGRAM,
  RUNNER_OPTIONS,
  trainSpec,
} from "./cli/commands.ts";
import { formatDuration, ProgressView } from "./cli/progress.ts";
import { findStudy, STUDIES, studyNames } from "./study/registry.ts";
import { resolveStudyConfig, studyOptions } from "./study/config.ts";
import { mergeShards, runStudy, type StudyOutcome } from "./study/runner.node.ts";
import { checkMnistSource } from "./study/common/data.ts";
import { setThreads, threadsUnavailable } from "./threads/threads.ts";
import { RunFailure, type RunEvent } from "./study/runner.ts";
import { resolveShard, type ShardOption } from "./study/shard-env.ts";
import { FIRST_ORDER_NAMES } from "./study/common/optimizers.ts";
import { rateText } from "./study/common/cells.ts";
import type { RunContext } from "./study/study.ts";
import { evalCommand, trainCommand } from "./cli/model.node.ts";
import { DATA_SPEC, dataCommand, downloadLog } from "./cli/data.node.ts";
import { DestinationError, inputProblem, reasonOf } from "./train/destination.node.ts";

const out = (s: string) => process.stdout.write(s);
const err = (s: string) => process.stderr.write(s);

/** Exit code 130: what shells report for a process ended by SIGINT. */
const INTERRUPTED = 130;

function packageRoot(): string {
  // src/cli.ts from source, build/cli/descent.mjs when bundled: the package root is the first parent with package.json.
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 4; i++) {
    try {
      readFileSync(join(dir, "package.json"));
      return dir;
    } catch {
      dir = dirname(dir);
    }
  }
  return process.cwd();
}

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string }).version;
}

/** Values from --config, validated by the command's table; the command line wins. */
function withConfigFile(spec: CommandSpec, parsed: Parsed): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  const path = parsed.options.config as string | undefined;
  if (path) {
    let text: string;
    const problem = inputProblem(path);
    if (problem)
      throw new UsageError(
        problem === "no such file" ? `--config: no such file '${path}'` : `--config '${path}' ${problem}`,
      );
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      throw new UsageError(`--config '${path}' cannot be read: ${reasonOf(e)}`);
    }
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new UsageError(`--config ${path}: not JSON (${(e as Error).message})`);
    }
    if (!data || typeof data !== "object" || Array.isArray(data))
      throw new UsageError(`--config ${path}: expected a JSON object of option values`);
    for (const [name, value] of Object.entries(data)) {
      if (name === "config") throw new UsageError(`--config ${path}: a config file cannot name another config file`);
      given[name] = convertConfigValue(spec, name, value);
    }
  }
  for (const name of parsed.given) given[name] = parsed.options[name];
  return given;
}

/** Option values: the command line over the config file over the defaults. */
function optionValues(
  spec: CommandSpec,
  parsed: Parsed,
  given = withConfigFile(spec, parsed),
): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const o of spec.options) values[o.name] = o.name in given ? given[o.name] : o.default;
  return values;
}

interface Output {
  quiet: boolean;
  json: boolean;
}

function progressFor(o: Output): ProgressView | null {
  if (o.quiet || o.json) return null;
  return new ProgressView(err, { tty: Boolean(process.stderr.isTTY), columns: process.stderr.columns });
}

/** --workers beyond the cores only queue behind each other (and share the memory bandwidth): capped, with a note. */
function workerCount(asked: number, o: Output): number {
  const cores = availableParallelism();
  if (asked <= cores) return asked;
  if (!o.quiet)
    err(`note: --workers ${asked}, but this machine has ${cores} core(s): using ${cores} worker thread(s)\n`);
  return cores;
}

/**
 * --threads: the engine's thread count for this command, capped at the cores with a note like
 * --workers. Both at once would split the same cores twice, so that is refused.
 */
async function useThreads(asked: number, workers: number, o: Output): Promise<void> {
  if (asked === 1) return;
  if (workers > 1)
    throw new UsageError(
      `--threads ${asked} and --workers ${workers} both split the cores: use --threads for one run at a time, --workers for several`,
    );
  const cores = availableParallelism();
  const threads = Math.min(asked, cores);
  if (threads < asked && !o.quiet)
    err(`note: --threads ${asked}, but this machine has ${cores} core(s): using ${threads} thread(s)\n`);
  const reason = threadsUnavailable();
  if (reason !== null && threads > 1)
    throw new UsageError(`--threads ${asked}: threads are unavailable here: ${reason}`);
  await setThreads(threads);
}

function studySpec(name: string): CommandSpec {
  const study = findStudy(name);
  return {
    name: `study ${name}`,
    summary: study.summary,
    options: [...studyOptions(study), ...RUNNER_OPTIONS, ...OUTPUT_OPTIONS],
  };
}

function studyListSpec(): CommandSpec {
  return {
    name: "study",
    summary: "Runs a study: its runs (in worker threads with --workers, or one slice with --shard), then its report.",
    positionals: [{ name: "name", help: "the study", choices: studyNames() }],
    options: [...RUNNER_OPTIONS, ...OUTPUT_OPTIONS],
  };
}

async function study(name: string | undefined, argv: string[], signal: AbortSignal): Promise<number> {
  if (name === undefined || name.startsWith("--")) {
    if (argv.includes("--help") || name === "--help") {
      out(commandHelp(PROGRAM, studyListSpec()) + "\n");
      return 0;
    }
    throw new UsageError(`'study' needs <name>: one of ${studyNames().join(", ")}`);
  }
  if (!studyNames().includes(name)) throw new UsageError(`unknown study '${name}'; valid: ${studyNames().join(", ")}`);
  const spec = studySpec(name);
  if (argv.includes("--help")) {
    out(commandHelp(PROGRAM, { ...spec, name: `study ${name}` }) + "\n");
    return 0;
  }
  const parsed = parseArgs(spec, argv);
  const given = withConfigFile(spec, parsed);
  const values = optionValues(spec, parsed, given);
  const s = findStudy(name);
  // The study's own options (given ones only: resolveStudyConfig fills the defaults, or the quick ones).
  const own = new Set(studyOptions(s).map((o) => o.name));
  const config = resolveStudyConfig(s, Object.fromEntries(Object.entries(given).filter(([k]) => own.has(k))));
  // The digits are checked before the first run, as the output is: a missing source fails in one line, having done nothing.
  if ("mnist" in config && typeof config.mnist === "string") checkMnistSource(config.mnist);
  const output: Output = { quiet: values.quiet as boolean, json: values.json as boolean };
  const shard = resolveShard(values.shard as ShardOption | undefined, process.env);
  if (shard && shard.from !== "--shard" && !output.quiet && !output.json)
    err(`shard ${shard.shard.index}/${shard.shard.count} from ${shard.from}\n`);
  const workers = workerCount(values.workers as number, output);
  await useThreads(values.threads as number, workers, output);
  const view = progressFor(output);
  let outcome: StudyOutcome;
  try {
    outcome = await runStudy(s, config, {
      workers,
      shard: shard?.shard ?? null,
      out: values.out as string | undefined,
      signal,
      onEvent: view ? (e: RunEvent) => view.onEvent(e) : undefined,
    });
  } catch (e) {
    view?.finish();
    if (e instanceof RunFailure) {
      err(`${PROGRAM}: ${e.message}\n`);
      const { dir, rescued } = e as RunFailure & { dir?: string; rescued?: Rescued };
      if (rescued) err(rescueNotice(rescued, dir!));
      if (dir) err(`the ${e.finished.length} finished run(s) are in ${dir}\n`);
      return 1;
    }
    throw e;
  }
  view?.finish();
  return reportOutcome(outcome, output);
}

type Rescued = { from: string; reason: string };

const rescueNotice = (r: Rescued, to: string) =>
  `${PROGRAM}: could not write to '${r.from}' (${r.reason}); nothing was lost: everything was written to ${to}\n`;

/** Exit code 1 when the output had to go elsewhere: a script must not take the intended place for granted. */
function reportOutcome(outcome: StudyOutcome, output: Output): number {
  const f = outcome.file;
  const summary = {
    study: f.study,
    dir: outcome.dir,
    rescuedFrom: outcome.rescued?.from ?? null,
    report: f.shard ? null : join(outcome.dir, "report.md"),
    html: f.shard ? null : join(outcome.dir, "report.html"),
    shard: f.shard,
    runs: f.runIds.length,
    planned: f.plan.length,
    complete: f.complete,
    interrupted: outcome.interrupted,
    seed: f.config.seed,
    config: f.config,
  };
  if (output.json) out(JSON.stringify(summary) + "\n");
  else if (output.quiet) out(`${summary.report ?? summary.dir}\n`);
  else {
    if (outcome.interrupted)
      err(
        `interrupted: ${f.runIds.length} of ${f.shard ? "this slice's" : f.plan.length} runs finished and were kept\n`,
      );
    out(
      f.shard
        ? `shard ${f.shard.index}/${f.shard.count}: ${f.runIds.length} run(s) in ${join(outcome.dir, "results.json")}; combine the slices with \`${PROGRAM} merge <dir>...\`\n`
        : `report: ${summary.report}\n        ${summary.html}\n`,
    );
  }
  if (outcome.rescued) {
    err(rescueNotice(outcome.rescued, outcome.dir));
    return 1;
  }
  return outcome.interrupted ? INTERRUPTED : 0;
}

function runContext(view: ProgressView | null, signal: AbortSignal): RunContext {
  const spec = { id: "train" };
  let started = false;
  return {
    signal,
    progress(fraction, status) {
      if (!view) return;
      if (!started) {
        view.onEvent({ type: "start", spec, position: 0, total: 1 });
        started = true;
      }
      view.onEvent({ type: "progress", spec, fraction, status });
    },
  };
}

async function main(argv: string[], signal: AbortSignal): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    out(globalHelp(STUDIES) + "\n");
    return command === undefined ? 2 : 0;
  }
  if (command === "--version") {
    out(version() + "\n");
    return 0;
  }
  const args = rest.map((a) => (a === "-h" ? "--help" : a));
  switch (command) {
    case "study":
      return study(args[0], args.slice(1), signal);
    case "landscape":
    case "hessian":
      if (!studyNames().includes(command))
        throw new UsageError(`the '${command}' study is not in this build; valid studies: ${studyNames().join(", ")}`);
      return study(command, args, signal);
    case "train": {
      const spec = trainSpec(FIRST_ORDER_NAMES);
      if (args.includes("--help")) {
        out(commandHelp(PROGRAM, spec) + "\n");
        return 0;
      }
      const v = optionValues(spec, parseArgs(spec, args));
      const output = { quiet: v.quiet as boolean, json: v.json as boolean };
      await useThreads(v.threads as number, 1, output);
      const view = progressFor(output);
      const r = await trainCommand(
        v as unknown as Parameters<typeof trainCommand>[0],
        runContext(view, signal),
      ).finally(() => view?.finish());
      if (v.json) out(JSON.stringify(r) + "\n");
      else {
        const what = r.interrupted
          ? `interrupted: trained ${r.optimizer} (lr ${rateText(r.lr)}) for ${formatDuration(r.seconds)}; the model as trained so far has`
          : `${r.diverged ? `${r.diverged}; ` : ""}trained ${r.optimizer} (lr ${rateText(r.lr)}) for ${r.epochs} epoch(s) in ${formatDuration(r.seconds)}:`;
        out(
          `${what} training loss ${r.finalTrainLoss.toFixed(4)}, test loss ${r.testLoss.toFixed(4)}, test accuracy ${r.testAccuracy.toFixed(4)}\nmodel: ${r.saved}\n`,
        );
      }
      if (r.rescued) {
        err(rescueNotice(r.rescued, r.saved));
        return 1;
      }
      return r.interrupted ? INTERRUPTED : 0;
    }
    case "eval": {
      if (args.includes("--help")) {
        out(commandHelp(PROGRAM, EVAL_SPEC) + "\n");
        return 0;
      }
      const v = optionValues(EVAL_SPEC, parseArgs(EVAL_SPEC, args));
      const r = await evalCommand(v as unknown as Parameters<typeof evalCommand>[0]);
      out(
        v.json
          ? JSON.stringify(r) + "\n"
          : `${r.model} on ${r.data}: loss ${r.loss.toFixed(4)}, accuracy ${r.accuracy.toFixed(4)} (${r.n} examples${r.overlap ? `, ${r.overlap} of them trained on` : ""})\n`,
      );
      if (r.note && !v.quiet && !v.json) err(`note: ${r.note}\n`);
      // Finite weights whose outputs overflow (a model saved from a diverged run): the score means nothing, so the exit code says so.
      if (!Number.isFinite(r.loss)) {
        err(
          `${PROGRAM}: the loss of ${r.model} is ${r.loss}: its outputs overflow (saved from a diverged run?), so its accuracy is not a score\n`,
        );
        return 1;
      }
      return 0;
    }
    case "merge": {
      if (args.includes("--help")) {
        out(commandHelp(PROGRAM, MERGE_SPEC) + "\n");
        return 0;
      }
      const parsed = parseArgs(MERGE_SPEC, args);
      const outcome = await mergeShards(parsed.positionals, findStudy, {
        out: parsed.options.out as string | undefined,
      });
      return reportOutcome(outcome, { quiet: parsed.options.quiet as boolean, json: parsed.options.json as boolean });
    }
    case "data": {
      if (args.includes("--help")) {
        out(commandHelp(PROGRAM, DATA_SPEC) + "\n");
        return 0;
      }
      const parsed = parseArgs(DATA_SPEC, args);
      const v = parsed.options as { dir?: string; url: string; quiet: boolean; json: boolean };
      const r = await dataCommand(v, v.quiet || v.json ? () => {} : downloadLog(err), signal);
      out(
        v.json
          ? JSON.stringify(r) + "\n"
          : v.quiet
            ? `${r.dir}\n`
            : `MNIST: the four official files are in ${r.dir} (SHA-256 verified); the studies use them without a flag\n`,
      );
      return 0;
    }
    case "bench": {
      if (args.includes("--help")) {
        out(commandHelp(PROGRAM, BENCH_SPEC) + "\n");
        return 0;
      }
      const parsed = parseArgs(BENCH_SPEC, args);
      const root = packageRoot();
      const benchArgs = ["run", "bench", "--", ...(parsed.options.quick ? ["--quick"] : []), ...parsed.positionals];
      err(`running in ${root}: npm ${benchArgs.join(" ")}\n`);
      const r = spawnSync("npm", benchArgs, { cwd: root, stdio: "inherit" });
      if (r.error) {
        err(`${PROGRAM}: could not start npm (${r.error.message}); run \`npm run bench\` in ${root}\n`);
        return 1;
      }
      return r.status ?? 1;
    }
    default:
      throw new UsageError(
        `unknown command '${command}'; valid commands: study, train, eval, landscape, hessian, merge, data, bench (see ${PROGRAM} --help)`,
      );
  }
}

const controller = new AbortController();
process.on("SIGINT", () => {
  if (controller.signal.aborted) {
    err("\ninterrupted again: exiting now\n");
    process.exit(INTERRUPTED);
  }
  err("\ninterrupted: stopping the runs in flight and writing what finished (Ctrl-C again to quit at once)\n");
  controller.abort();
});

try {
  const code = await main(process.argv.slice(2), controller.signal);
  process.exitCode = controller.signal.aborted && code === 0 ? INTERRUPTED : code;
} catch (e) {
  if (e instanceof UsageError || e instanceof RangeError || e instanceof DestinationError) {
    err(`${PROGRAM}: ${e.message}\n`);
    process.exitCode = 2;
  } else {
    err(`${PROGRAM}: ${e instanceof Error ? e.message : String(e)}\n`);
    if (process.env.DESCENT_DEBUG) err(`${(e as Error).stack}\n`);
    process.exitCode = 1;
  }
}
