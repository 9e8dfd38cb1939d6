// The MNIST-based studies on the official IDX files: given with --mnist, found in the cache without a
// flag, all of them by default; and a report refuses runs that used different data.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runStudy } from "../../src/study/runner.node.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { findStudy } from "../../src/study/registry.ts";
import { dataOf, mnistData } from "../../src/study/common/data.ts";
import { writeFakeMnist } from "../data/fake-mnist.ts";

const root = mkdtempSync(join(tmpdir(), "descent-mnist-data-"));
const files = join(root, "files");
writeFakeMnist(files, { train: 400, test: 100 });
afterAll(() => rmSync(root, { recursive: true, force: true }));

const savedCache = process.env.XDG_CACHE_HOME;
afterEach(() => {
  if (savedCache === undefined) delete process.env.XDG_CACHE_HOME;
  else process.env.XDG_CACHE_HOME = savedCache;
});

const report = async (name: string, given: Record<string, unknown>, quick = true) => {
  const study = findStudy(name);
  const out = join(mkdtempSync(join(root, `${name}-`)), "report");
  const r = await runStudy(study, resolveStudyConfig(study, { quick, ...given }), { out });
  return readFileSync(join(r.dir, "report.md"), "utf8");
};

describe("the MNIST studies on the official files", () => {
  it("mnist: --mnist DIR without --train and --test uses every digit of both files", async () => {
    const md = await report("mnist", { mnist: files, optimizers: ["adam"], hidden: 8, epochs: 1 }, false);
    expect(md).toContain(
      `The official MNIST IDX files in ${files}: all 400 training and 100 test digits (the official split)`,
    );
  }, 30_000);

  it("finds the files in the cache without a flag, and 'package' keeps the package", () => {
    process.env.XDG_CACHE_HOME = join(root, "xdg");
    writeFakeMnist(join(root, "xdg", "descent", "mnist"), { train: 50, test: 20 });
    const config = (given: Record<string, unknown>) => resolveStudyConfig(findStudy("optimizers"), given);
    expect(mnistData(config({})).used).toEqual({
      source: `The official MNIST IDX files in ${join(root, "xdg", "descent", "mnist")}: all 50 training and 20 test digits (the official split)`,
      train: 50,
      test: 20,
    });
    expect(mnistData(config({ train: 30 })).used.source).toContain(
      "30 training and 20 test digits of the official split (a seeded sample of the training file, all of the test file; seed 0)",
    );
    expect(mnistData(config({ mnist: "package", train: 40, test: 10 })).used.source).toMatch(
      /^MNIST digits of the `mnist` package: 40 training and 10 test images/,
    );
    process.env.XDG_CACHE_HOME = join(root, "empty");
    expect(mnistData(config({ train: 40, test: 10 })).used.source).toMatch(/`mnist` package/);
  }, 60_000);

  it("regularization and tm-sgd read the same files", async () => {
    const reg = await report("regularization", { mnist: files, methods: ["none"], epochs: 1, train: 200, test: 100 });
    expect(reg).toContain(
      `The official MNIST IDX files in ${files}: 200 training and 100 test digits of the official split (a seeded sample of the training file, all of the test file; seed 0)`,
    );
    const tm = await report("tm-sgd", { mnist: files, tasks: ["mnist"], optimizers: ["sgd"] });
    expect(tm).toContain(`MNIST (The official MNIST IDX files in ${files}: 320 training and 80 test digits`);
  }, 60_000);

  it("names the missing files of a --mnist directory, and a report refuses runs on different data", async () => {
    expect(() => mnistData(resolveStudyConfig(findStudy("mnist"), { mnist: join(root, "nowhere") }))).toThrow(
      `${join(root, "nowhere")}: missing the MNIST file(s) train-images-idx3-ubyte.gz, train-labels-idx1-ubyte.gz, t10k-images-idx3-ubyte.gz, t10k-labels-idx1-ubyte.gz`,
    );
    const run = (id: string, source: string) => ({ spec: { id }, result: { data: { source, train: 1, test: 1 } } });
    expect(dataOf([run("a", "x"), run("b", "x")]).source).toBe("x");
    expect(() => dataOf([run("a", "x"), run("b", "y")])).toThrow(
      "report: the runs used different data: 'x' and 'y'; give every machine the same --mnist",
    );
  });
});
