/**
 * Options, declared once as a table: the command line parses and documents them, a config file is
 * checked by them, and a study's config type is derived from them. This module sits below both the
 * studies and the CLI, so neither depends on the other for it. Numeric ranges are the optimizers'
 * own (src/optim/validate.ts): an option spreads POSITIVE, UNIT_INTERVAL... so the command line
 * refuses exactly what a constructor would.
 */
import { describeRange, inRange, type Range } from "../optim/validate.ts";

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** "ints" and "numbers" are comma-separated lists of numbers, each checked against min and max. */
export type OptionType = "int" | "number" | "string" | "boolean" | "choice" | "list" | "ints" | "numbers";

export interface OptionSpec extends Range {
  readonly name: string;
  readonly type: OptionType;
  readonly help: string;
  readonly default?: unknown;
  /**
   * The default under --quick (a study's small setting), when it differs from `default`.
   * An explicit value always wins over it.
   */
  readonly quickDefault?: unknown;
  readonly choices?: readonly string[];
  /** A rule beyond the range, for a number: the reason a valid-looking value is refused, or null. */
  readonly check?: (value: number) => string | null;
  /** For --shard-like values: a validator that parses the raw string. */
  readonly parse?: (raw: string) => unknown;
}

/** The value an option holds once parsed; `undefined` is possible only for an option without a default. */
export type ValueOf<O extends OptionSpec> = O extends { readonly default: unknown }
  ? ParsedValue<O>
  : ParsedValue<O> | undefined;

type ParsedValue<O extends OptionSpec> = O extends { readonly type: "int" | "number" }
  ? number
  : O extends { readonly type: "boolean" }
    ? boolean
    : O extends { readonly type: "ints" | "numbers" }
      ? number[]
      : O extends { readonly type: "list"; readonly choices: readonly (infer C)[] }
        ? C[]
        : O extends { readonly type: "list" }
          ? string[]
          : O extends { readonly type: "choice"; readonly choices: readonly (infer C)[] }
            ? C
            : O extends { readonly parse: (raw: string) => infer P }
              ? P
              : string;

/**
 * The values of a table of options, keyed by option name. A table written `[...] as const
 * satisfies readonly OptionSpec[]` gives each option its own type; a plain OptionSpec[] gives unknowns.
 */
export type ConfigOf<T extends readonly OptionSpec[]> = string extends T[number]["name"]
  ? Readonly<Record<string, unknown>>
  : { readonly [O in T[number] as O["name"]]: ValueOf<O> };

/** Converts one raw command-line string to an option's value, or throws a UsageError naming the option. */
export function convertValue(opt: OptionSpec, raw: string): unknown {
  const bad = () => new UsageError(`--${opt.name} must be ${describeType(opt)}, got '${raw}'`);
  switch (opt.type) {
    case "string": {
      if (!opt.parse) return raw;
      try {
        return opt.parse(raw);
      } catch (e) {
        throw new UsageError(`--${opt.name}: ${(e as Error).message}`);
      }
    }
    case "choice":
      if (!opt.choices?.includes(raw))
        throw new UsageError(`--${opt.name} must be one of ${(opt.choices ?? []).join(", ")}, got '${raw}'`);
      return raw;
    case "list": {
      const items = listItems(raw);
      if (items.length === 0) throw bad();
      if (opt.choices)
        for (const it of items)
          if (!opt.choices.includes(it))
            throw new UsageError(`--${opt.name}: unknown value '${it}'; valid: ${opt.choices.join(", ")}`);
      return items;
    }
    case "ints":
    case "numbers": {
      const items = listItems(raw);
      if (items.length === 0) throw bad();
      return items.map((item) => {
        const x = parseNumber(item, opt.type === "ints");
        if (x === null || !inRange(opt, x))
          throw new UsageError(
            `--${opt.name}: every value must be ${describeType(opt).replace(/^a comma-separated list of /, "")}, got '${item}'`,
          );
        return x;
      });
    }
    case "int":
    case "number": {
      const x = parseNumber(raw, opt.type === "int");
      if (x === null || !inRange(opt, x)) throw bad();
      const refused = opt.check?.(x);
      if (refused) throw new UsageError(`--${opt.name} ${refused}, got '${raw}'`);
      return x;
    }
    default:
      return raw;
  }
}

/** Validates one value from a config file (JSON) against its option, with the same checks as the command line. */
export function convertConfigValue(
  spec: { name: string; options: readonly OptionSpec[] },
  name: string,
  value: unknown,
): unknown {
  const opt = spec.options.find((o) => o.name === name);
  if (!opt)
    throw new UsageError(
      `config: unknown option '${name}' for '${spec.name}'; valid options: ${spec.options.map((o) => o.name).join(", ")}`,
    );
  if (opt.type === "boolean") {
    if (typeof value !== "boolean")
      throw new UsageError(`config: '${name}' must be true or false, got ${JSON.stringify(value)}`);
    return value;
  }
  if (Array.isArray(value) && (opt.type === "list" || opt.type === "ints" || opt.type === "numbers"))
    return convertValue(opt, value.join(","));
  return convertValue(opt, String(value));
}

/** "an integer in [1, ∞)", "a number in (0, ∞)", "one of a, b": what an option accepts, for messages and --help. */
export function describeType(opt: OptionSpec): string {
  const range = opt.min !== undefined || opt.max !== undefined ? ` in ${describeRange(opt)}` : "";
  switch (opt.type) {
    case "int":
      return `an integer${range}`;
    case "number":
      return `a number${range}`;
    case "ints":
      return `a comma-separated list of integers${range}`;
    case "numbers":
      return `a comma-separated list of numbers${range}`;
    case "choice":
      return `one of ${(opt.choices ?? []).join(", ")}`;
    case "list":
      return `a comma-separated list${opt.choices ? ` of ${opt.choices.join(", ")}` : ""}`;
    default:
      return "a value";
  }
}

const listItems = (raw: string) =>
  raw
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

function parseNumber(raw: string, integer: boolean): number | null {
  if (!/^[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?$/i.test(raw.trim())) return null;
  const x = Number(raw);
  return Number.isFinite(x) && (!integer || Number.isInteger(x)) ? x : null;
}
