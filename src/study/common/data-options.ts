/**
 * The options that choose the studies' digits (--mnist, --train, --test) and what a run records
 * about them. Portable: the loading itself is in data.ts (Node).
 */
import type { OptionSpec } from "../../options/option.ts";
import { MNIST_TEST_TOTAL, MNIST_TRAIN_TOTAL } from "../../data/mnist-files.ts";

/** What a run used, carried in its result so a report (or a merge on another machine) never re-reads the data. */
export interface DataUsed {
  source: string;
  train: number;
  test: number;
}

/** The package's split when --train / --test are not given (all): 8,000 / 2,000 of its 10,000. */
export const PACKAGE_TRAIN = 8000,
  PACKAGE_TEST = 2000;

/** --mnist: where the digits come from. A study that sizes its own sample takes this one alone. */
export const MNIST_SOURCE_OPTION = {
  name: "mnist",
  type: "string",
  default: "auto",
  help: "the digits: a directory holding the four official MNIST IDX files (raw or .gz), 'package' (the mnist package's 10,000), or 'auto': the `descent data mnist` cache when it holds them, else the package",
} as const satisfies OptionSpec;

/** --mnist, --train and --test; each study gives its own small setting for --quick. */
export function mnistDataOptions({ quickTrain = 400, quickTest = 200, testHelp = "test digits" } = {}) {
  return [
    MNIST_SOURCE_OPTION,
    // No default: not given means all of the source (a number would have to name one source's size).
    {
      name: "train",
      type: "int",
      help: `training digits (default: all: the official ${MNIST_TRAIN_TOTAL.toLocaleString("en")}, or ${PACKAGE_TRAIN.toLocaleString("en")} of the package's)`,
      quickDefault: quickTrain,
      min: 10,
      max: MNIST_TRAIN_TOTAL,
    },
    {
      name: "test",
      type: "int",
      help: `${testHelp} (default: all: the official ${MNIST_TEST_TOTAL.toLocaleString("en")}, or the package's other ${PACKAGE_TEST.toLocaleString("en")})`,
      quickDefault: quickTest,
      min: 10,
      max: MNIST_TEST_TOTAL,
    },
  ] as const satisfies readonly OptionSpec[];
}
