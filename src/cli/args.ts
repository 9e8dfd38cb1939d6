/**
 * Command-line options, declared once per command: the parser, the validation and the --help
 * text all come from the same table (src/options/option.ts). Errors are UsageErrors: the CLI
 * prints them and exits 2.
 */
import { convertValue, describeType, UsageError, type OptionSpec } from "../options/option.ts";

export { convertConfigValue, UsageError, type OptionSpec, type OptionType } from "../options/option.ts";

export interface CommandSpec {
  name: string;
  summary: string;
  /** Positional arguments, in order: each required, with its allowed values if fixed. */
  positionals?: {
    name: string;
    help: string;
    choices?: readonly string[];
    optional?: boolean;
    /** The last positional may take any number of values. */ variadic?: boolean;
  }[];
  options: readonly OptionSpec[];
}

export interface Parsed {
  positionals: string[];
  options: Record<string, unknown>;
  given: Set<string>;
}

/** Parses argv (after the command name) against a command's spec; fills defaults. */
export function parseArgs(spec: CommandSpec, argv: readonly string[]): Parsed {
  const byName = new Map(spec.options.map((o) => [o.name, o]));
  const options: Record<string, unknown> = {};
  const given = new Set<string>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("--") || arg === "--") {
      positionals.push(arg);
      continue;
    }
    const [written, inline] = splitOnce(arg.slice(2), "=");
    let name = written;
    let negated = false;
    if (!byName.has(name) && name.startsWith("no-") && byName.get(name.slice(3))?.type === "boolean") {
      name = name.slice(3);
      negated = true;
    }
    const opt = byName.get(name);
    if (!opt)
      throw new UsageError(
        `unknown option --${name} for '${spec.name}'; valid options: ${[...byName.keys()].map((n) => "--" + n).join(", ")}`,
      );
    if (given.has(name)) throw new UsageError(`option --${name} given twice`);
    given.add(name);
    if (opt.type === "boolean") {
      if (inline !== undefined && inline !== "true" && inline !== "false")
        throw new UsageError(`--${name} takes no value or true/false, got '${inline}'`);
      options[name] = negated ? false : inline !== "false";
      continue;
    }
    let raw = inline;
    if (raw === undefined) {
      if (i + 1 >= argv.length || argv[i + 1].startsWith("--"))
        throw new UsageError(`--${name} needs a value (${describeType(opt)})`);
      raw = argv[++i];
    }
    options[name] = convertValue(opt, raw);
  }
  const pos = spec.positionals ?? [];
  const required = pos.filter((p) => !p.optional).length;
  if (positionals.length < required) {
    const missing = pos[positionals.length];
    throw new UsageError(
      `'${spec.name}' needs <${missing.name}>${missing.choices ? `: one of ${missing.choices.join(", ")}` : ""}`,
    );
  }
  if (positionals.length > pos.length && !pos.at(-1)?.variadic)
    throw new UsageError(`'${spec.name}' takes ${pos.length} argument(s), got unexpected '${positionals[pos.length]}'`);
  positionals.forEach((value, i) => {
    const p = pos[Math.min(i, pos.length - 1)];
    if (p.choices && !p.choices.includes(value))
      throw new UsageError(`unknown ${p.name} '${value}'; valid: ${p.choices.join(", ")}`);
  });
  for (const o of spec.options) if (!(o.name in options) && o.default !== undefined) options[o.name] = o.default;
  return { positionals, options, given };
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** The --help text of a command, from its spec. */
export function commandHelp(program: string, spec: CommandSpec): string {
  const pos = (spec.positionals ?? [])
    .map((p) => (p.optional ? `[${p.name}]` : `<${p.name}>`) + (p.variadic ? "..." : ""))
    .join(" ");
  const lines = [`Usage: ${program} ${spec.name}${pos ? " " + pos : ""} [options]`, "", spec.summary, ""];
  for (const p of spec.positionals ?? [])
    lines.push(`  <${p.name}>  ${p.help}${p.choices ? ` (${p.choices.join(", ")})` : ""}`);
  if (spec.positionals?.length) lines.push("");
  lines.push("Options:");
  const width = Math.max(...spec.options.map((o) => o.name.length + (o.type === "boolean" ? 0 : 6)), 10) + 4;
  for (const o of spec.options) {
    const flag = `--${o.name}${o.type === "boolean" ? "" : " <" + (o.type === "choice" || o.type === "list" ? "v" : o.type === "string" ? "s" : "n") + ">"}`;
    const extra = [
      o.choices && o.type !== "boolean" ? `one of: ${o.choices.join(", ")}` : "",
      o.default !== undefined ? `default: ${JSON.stringify(o.default)}` : "",
      o.quickDefault !== undefined ? `--quick: ${JSON.stringify(o.quickDefault)}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    lines.push(`  ${flag.padEnd(width)}${o.help}${extra ? ` (${extra})` : ""}`);
  }
  return lines.join("\n");
}
