/**
 * A study's config from what the user gave (command line, config file or a test): every value
 * checked by the same option table as the command line, the rest filled from the defaults, or
 * from the quick defaults under --quick. The result is what the report records.
 */
import { convertConfigValue, UsageError, type CommandSpec, type OptionSpec } from "../cli/args.ts";
import type { Study, StudyConfig } from "./study.ts";

/** Options every study has: the seed that fixes its runs and the small setting for tests. */
export const COMMON_STUDY_OPTIONS: OptionSpec[] = [
  { name: "seed", type: "int", help: "the seed of data splits, initial weights and batches", default: 0, min: 0, max: 2 ** 31 - 1 },
  { name: "quick", type: "boolean", help: "the small setting (seconds, for tests and smoke runs)", default: false },
];

export function studyOptions(study: Study): OptionSpec[] {
  const own = new Set(study.options.map((o) => o.name));
  return [...COMMON_STUDY_OPTIONS.filter((o) => !own.has(o.name)), ...study.options];
}

/**
 * `given` holds raw values (numbers, strings, lists, booleans); each is validated with the option
 * table (convertConfigValue), so a config file and the command line fail alike.
 */
export function resolveStudyConfig(study: Study, given: Record<string, unknown> = {}): StudyConfig {
  const options = studyOptions(study);
  const spec: CommandSpec = { name: `study ${study.name}`, summary: study.summary, options };
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined) continue;
    values[name] = convertConfigValue(spec, name, value);
  }
  const quick = (values.quick as boolean | undefined) ?? false;
  const config: Record<string, unknown> = {};
  for (const o of options) {
    if (o.name in values) config[o.name] = values[o.name];
    else if (quick && o.quickDefault !== undefined) config[o.name] = o.quickDefault;
    else if (o.default !== undefined) config[o.name] = o.default;
  }
  if (typeof config.seed !== "number" || typeof config.quick !== "boolean") throw new UsageError(`study ${study.name}: seed and quick must be set`);
  return config as StudyConfig;
}
