/**
 * A study's config from what the user gave (command line, config file or a test): every value
 * checked by the same option table as the command line, the rest filled from the defaults, or
 * from the quick defaults under --quick. The result is what the report records.
 */
import { convertConfigValue, UsageError, type OptionSpec } from "../options/option.ts";
import type { Study, StudyConfig } from "./study.ts";

/** Options every study has: the seed that fixes its runs and the small setting for tests. */
export const COMMON_STUDY_OPTIONS = [
  {
    name: "seed",
    type: "int",
    help: "the seed of data splits, initial weights and batches",
    default: 0,
    min: 0,
    max: 2 ** 31 - 1,
  },
  {
    name: "quick",
    type: "boolean",
    help: "the small setting (seconds, for tests and smoke runs); an explicit option wins over it",
    default: false,
  },
] as const satisfies readonly OptionSpec[];

export function studyOptions(study: Study<unknown>): OptionSpec[] {
  const own = new Set(study.options.map((o) => o.name));
  return [...COMMON_STUDY_OPTIONS.filter((o) => !own.has(o.name)), ...study.options];
}

/**
 * `given` holds raw values (numbers, strings, lists, booleans); each is validated with the option
 * table (convertConfigValue), so a config file and the command line fail alike.
 */
export function resolveStudyConfig<O extends readonly OptionSpec[]>(
  study: Study<unknown, O>,
  given: Record<string, unknown> = {},
): StudyConfig<O> {
  const options = studyOptions(study);
  const spec = { name: `study ${study.name}`, options };
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    values[name] = convertConfigValue(spec, name, value);
  }
  const quick = values.quick === true;
  const config: Record<string, unknown> = {};
  for (const o of options) {
    if (o.name in values) config[o.name] = values[o.name];
    else if (quick && o.quickDefault !== undefined) config[o.name] = copy(o.quickDefault);
    else if (o.default !== undefined) config[o.name] = copy(o.default);
  }
  if (typeof config.seed !== "number" || typeof config.quick !== "boolean")
    throw new UsageError(`study ${study.name}: seed and quick must be set`);
  return config as StudyConfig<O>;
}

/** A default list is shared by every config: each config gets its own copy. */
const copy = (value: unknown) => (Array.isArray(value) ? [...(value as unknown[])] : value);
