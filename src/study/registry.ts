/**
 * The studies the command line knows, in the order `descent --help` lists them. Adding a study is
 * one file and one line here: the file exports a `Study<Result, typeof options, Spec>` whose option
 * table is written `[...] as const satisfies readonly OptionSpec[]` (with quickDefault for --quick),
 * so its config is typed without casts; test/study/explicit-options.test.ts then covers its options.
 */
import type { Study } from "./study.ts";
import { optimizersStudy } from "./optimizers.ts";
import { regularizationStudy } from "./regularization.ts";
import { mnistStudy } from "./mnist.ts";
import { karateStudy } from "./karate.ts";
import { tmsgdStudy } from "./tmsgd.ts";
import { landscapeStudy } from "./landscape.ts";
import { convexStudy } from "./convex.ts";
import { hessianStudy } from "./hessian.ts";
import { microscopeStudy } from "./microscope.ts";

export const STUDIES: readonly Study[] = [
  optimizersStudy,
  regularizationStudy,
  mnistStudy,
  karateStudy,
  tmsgdStudy,
  landscapeStudy,
  convexStudy,
  hessianStudy,
  microscopeStudy,
];

export const studyNames = () => STUDIES.map((s) => s.name);

export function findStudy(name: string): Study {
  const study = STUDIES.find((s) => s.name === name);
  if (!study) throw new RangeError(`unknown study '${name}'; valid: ${studyNames().join(", ")}`);
  return study;
}
