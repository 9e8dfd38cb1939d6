import { afterEach, describe, expect, it } from "vitest";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeReport } from "../../src/report/write.node.ts";

describe("writeReport", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("creates the directory, writes text and bytes, replaces old files and leaves no temporaries", async () => {
    dir = await mkdtemp(join(tmpdir(), "descent-report-"));
    const out = join(dir, "run-1");
    await writeReport(out, { "table.md": "old" });
    const paths = await writeReport(out, {
      "table.md": "| a |\n",
      "plots/loss.svg": "<svg/>",
      "events.out.tfevents.1.h": new Uint8Array([1, 2, 255]),
    });
    expect(paths).toEqual([join(out, "table.md"), join(out, "plots/loss.svg"), join(out, "events.out.tfevents.1.h")]);
    expect(await readFile(join(out, "table.md"), "utf8")).toBe("| a |\n");
    expect(await readFile(join(out, "plots/loss.svg"), "utf8")).toBe("<svg/>");
    expect(Array.from(await readFile(join(out, "events.out.tfevents.1.h")))).toEqual([1, 2, 255]);
    expect((await readdir(out)).sort()).toEqual(["events.out.tfevents.1.h", "plots", "table.md"]);
  });

  it("refuses names that leave the directory", async () => {
    dir = await mkdtemp(join(tmpdir(), "descent-report-"));
    for (const name of ["../x", "/etc/x", "a/../../x", ""])
      await expect(writeReport(dir, { [name]: "x" })).rejects.toThrow(/relative path inside/);
    expect(await readdir(dir)).toEqual([]);
  });
});
