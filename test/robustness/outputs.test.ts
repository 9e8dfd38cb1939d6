/**
 * Output faults. Every destination is checked before any work (a plain sentence, exit 2, nothing
 * run); a destination that fails after the work (removed mid-run, disk full mid-report) never
 * loses what was computed: everything goes to a rescue directory, which the outcome names.
 * Tests run as root here, where permission bits do not stop a write: the unwritable places are
 * real ones (/proc, /sys, a file used as a directory) or an injected failing write.
 */
import { afterAll, describe, expect, it } from "vitest";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DestinationError, prepareDirectory, prepareFile, reasonOf } from "../../src/train/destination.node.ts";
import { keepReport, type ReportIo } from "../../src/report/write.node.ts";
import { runStudy } from "../../src/study/runner.node.ts";
import { decodeJson } from "../../src/study/runner.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import type { Study } from "../../src/study/study.ts";
import { saveCheckpoint } from "../../src/train/checkpoint.node.ts";

const temp = mkdtempSync(join(tmpdir(), "descent-outputs-"));
afterAll(() => rmSync(temp, { recursive: true, force: true }));
const at = (...p: string[]) => join(temp, ...p);
const fileAt = (name: string) => {
  writeFileSync(at(name), "in the way");
  return at(name);
};

/** fn must throw a DestinationError matching `sentence`, and return (a /proc path used to spin forever). */
function refused(fn: () => unknown, sentence: RegExp): void {
  const t0 = performance.now();
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, "accepted").toBeInstanceOf(DestinationError);
  expect((caught as Error).message).toMatch(sentence);
  expect(performance.now() - t0).toBeLessThan(20_000);
}

describe("destinations are checked before any work", () => {
  it("a report directory: created if missing; a file in the way, under a file, not creatable, not writable are refused", () => {
    prepareDirectory(at("new", "deep", "dir"), "--out");
    expect(readdirSync(at("new", "deep", "dir"))).toEqual([]); // created, and the probe is gone
    refused(() => prepareDirectory(fileAt("plain"), "--out"), /--out '.*plain' is a file, not a directory/);
    refused(
      () => prepareDirectory(join(fileAt("parent"), "sub"), "--out"),
      /cannot be created: '.*parent' is a file, not a directory/,
    );
    refused(
      () => prepareDirectory("/proc/descent-out/a/b", "--out"),
      /--out '\/proc\/descent-out\/a\/b' cannot be created/,
    );
    refused(() => prepareDirectory("/sys", "--out"), /--out '\/sys' is not writable: permission denied/);
    refused(() => prepareDirectory("", "--out"), /--out is empty/);
  });

  it("a model file: a directory in the way, a file as its folder, an uncreatable folder, an empty name are refused", () => {
    mkdirSync(at("a-dir"));
    refused(() => prepareFile(at("a-dir"), "--save"), /--save '.*a-dir' is a directory, not a file/);
    refused(() => prepareFile("nothing-yet/", "--save"), /is a directory, not a file/);
    refused(
      () => prepareFile(join(fileAt("not-a-folder"), "m.json"), "--save"),
      /its folder '.*not-a-folder' is a file/,
    );
    refused(() => prepareFile("/proc/descent/m.json", "--save"), /its folder '\/proc\/descent' cannot be created/);
    refused(() => prepareFile("", "--save"), /--save is empty: give a file name/);
    prepareFile(at("fresh", "m.json"), "--save");
    expect(existsSync(at("fresh"))).toBe(true);
  });

  it("says what a system error means", () => {
    for (const [code, words] of [
      ["EROFS", "read-only"],
      ["ENOSPC", "disk is full"],
      ["EACCES", "permission denied"],
      ["EISDIR", "directory is in the way"],
    ]) {
      expect(reasonOf(Object.assign(new Error(code), { code }))).toContain(words);
    }
  });

  it("a checkpoint under /proc fails with a sentence instead of spinning", () => {
    const t0 = performance.now();
    expect(() => saveCheckpoint("/proc/descent-ckpt/a.json", {} as never)).toThrow(
      /checkpoint \/proc\/descent-ckpt\/a.json: cannot write it/,
    );
    expect(performance.now() - t0).toBeLessThan(20_000);
  });
});

/** Fails every write after the first `ok` with ENOSPC, like a disk filling up mid-report. */
function fillsUpAfter(ok: number): ReportIo {
  let n = 0;
  return {
    async writeFile(path, content) {
      if (n++ >= ok)
        throw Object.assign(new Error(`ENOSPC: no space left on device, write '${path}'`), { code: "ENOSPC", path });
      writeFileSync(path, content);
    },
    async rename(from, to) {
      const { renameSync } = await import("node:fs");
      renameSync(from, to);
    },
  };
}

describe("a write that fails after the work: nothing computed is lost", () => {
  const files = {
    "results.json": '{"runs":3}\n',
    "report.md": "# r\n",
    "plots/loss.svg": "<svg/>",
    "tb/a/events": new Uint8Array([1, 2, 3]),
  };

  it("the disk fills up mid-report: every file goes to a rescue directory, which the outcome names", async () => {
    const kept = await keepReport(at("full"), files, fillsUpAfter(2));
    expect(kept.rescued?.from).toBe(at("full"));
    expect(kept.rescued?.reason).toMatch(/the disk is full/);
    expect(kept.dir).not.toBe(at("full"));
    expect(kept.dir.startsWith(tmpdir())).toBe(true);
    expect(readFileSync(join(kept.dir, "results.json"), "utf8")).toBe(files["results.json"]);
    expect(readFileSync(join(kept.dir, "plots/loss.svg"), "utf8")).toBe("<svg/>");
    expect([...readFileSync(join(kept.dir, "tb/a/events"))]).toEqual([1, 2, 3]);
    expect(readdirSync(at("full")).filter((f) => f.includes(".tmp-"))).toEqual([]); // no half-written temporaries left behind
    rmSync(kept.dir, { recursive: true });
  });

  it("a directory in the way of one report file (a real EISDIR mid-report): rescued", async () => {
    mkdirSync(at("blocked", "report.md"), { recursive: true });
    const kept = await keepReport(at("blocked"), files);
    expect(kept.rescued?.reason).toMatch(/directory is in the way/);
    expect(readFileSync(join(kept.dir, "report.md"), "utf8")).toBe("# r\n");
    rmSync(kept.dir, { recursive: true });
  });

  it("the report directory is removed mid-run and a file put in its place: the study's results are rescued", async () => {
    const out = at("removed");
    const study: Study<{ x: number }> = {
      name: "removal",
      summary: "",
      options: [],
      plan: () => [
        { id: "a", x: 1 },
        { id: "b", x: 2 },
      ],
      async run(spec) {
        if (spec.x === 2) {
          rmSync(out, { recursive: true });
          writeFileSync(out, "not a directory any more");
        }
        return { x: spec.x as number };
      },
      report: (_config, results) => ({
        title: "Removal",
        sections: [{ heading: "Runs", markdown: results.map((r) => r.result.x).join(", ") }],
        metrics: [],
      }),
    };
    const outcome = await runStudy(study, resolveStudyConfig(study, {}), { out });
    expect(outcome.rescued?.from).toBe(out);
    const saved = decodeJson(readFileSync(join(outcome.dir, "results.json"), "utf8")) as { runIds: string[] };
    expect(saved.runIds).toEqual(["a", "b"]);
    expect(readFileSync(join(outcome.dir, "report.md"), "utf8")).toContain("1, 2");
    rmSync(outcome.dir, { recursive: true });
  });

  it("a study whose --out cannot be written runs nothing", async () => {
    let ran = 0;
    const study: Study = {
      name: "never",
      summary: "",
      options: [],
      plan: () => [{ id: "a" }],
      async run() {
        ran++;
        return {};
      },
      report: () => ({ title: "", sections: [], metrics: [] }),
    };
    await expect(runStudy(study, resolveStudyConfig(study, {}), { out: "/proc/descent-never" })).rejects.toThrow(
      DestinationError,
    );
    expect(ran).toBe(0);
  });
});
