// Shared checks of a report directory: tables, SVGs, metrics, TensorBoard events.
import { readFileSync, readdirSync, existsSync } from "node:fs";
import { join } from "node:path";
import { expect } from "vitest";
import { parseXml } from "../report/xml.ts";
import { readEvents } from "../../src/report/tensorboard.ts";
import { decodeJson } from "../../src/study/runner.ts";

/** The Markdown table under "## heading": header cells and rows of cells. */
export function tableUnder(md: string, heading: string): { header: string[]; rows: string[][] } {
  const start = md.indexOf(`## ${heading}\n`);
  expect(start, `section ${heading}`).toBeGreaterThanOrEqual(0);
  const lines = md.slice(start).split("\n").slice(1);
  const first = lines.findIndex((l) => l.startsWith("|"));
  const body: string[] = [];
  for (let i = first; i < lines.length && lines[i].startsWith("|"); i++) body.push(lines[i]);
  const cells = (l: string) =>
    l
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((c) => c.trim());
  return { header: cells(body[0]), rows: body.slice(2).map(cells) };
}

/** A cell is a finite number, "mean ± std", a marked divergence, or one of the allowed words. */
export function expectNumberOrDiverged(cell: string, where: string): void {
  const number = String.raw`-?\d+(\.\d+)?(e-?\d+)?`;
  const ok =
    new RegExp(`^(${number}( ± ${number})?|\\(${number} ± ${number}\\)e-?\\d+)( s)?( \\(.*\\))?$`).test(cell) ||
    /^diverged at epoch \d+$/.test(cell) ||
    /^not within \d+$/.test(cell) ||
    /^—( \((diverged at epoch \d+|not converged within \d+ epochs)\))?$/.test(cell);
  expect(ok, `${where}: '${cell}'`).toBe(true);
}

/** Every SVG of the directory is well-formed XML with an <svg> root. */
export function expectValidSvgs(dir: string, names: string[]): void {
  for (const name of names) {
    const svg = readFileSync(join(dir, `${name}.svg`), "utf8");
    expect(parseXml(svg).name, name).toBe("svg");
  }
  parseXml(readFileSync(join(dir, "report.html"), "utf8").replace(/^<!DOCTYPE html>\n/, ""));
}

/** The TensorBoard file of every run holds exactly the metrics of metrics.jsonl (as float32). */
export function expectEventsMatchMetrics(dir: string): number {
  const metrics = readFileSync(join(dir, "metrics.jsonl"), "utf8")
    .trim()
    .split("\n")
    .map((l) => decodeJson(l) as Record<string, number | string>);
  const byRun = new Map<string, Record<string, number | string>[]>();
  for (const m of metrics) byRun.set(m.run as string, [...(byRun.get(m.run as string) ?? []), m]);
  const unit = ["epoch", "iteration", "step"].find((k) => k in metrics[0])!; // what the study's rows count
  expect(byRun.size).toBeGreaterThan(0);
  for (const [run, rows] of byRun) {
    const folder = join(dir, "tb", run.replace(/[^A-Za-z0-9._-]+/g, "_"));
    expect(existsSync(folder), folder).toBe(true);
    const [file] = readdirSync(folder);
    expect(file).toMatch(/^events\.out\.tfevents\.\d+\.descent$/);
    const events = readEvents(new Uint8Array(readFileSync(join(folder, file))));
    expect(events[0].fileVersion).toBe("brain.Event:2");
    const scalars = events.slice(1);
    expect(scalars.length).toBe(rows.length);
    scalars.forEach((e, i) => {
      expect(e.step).toBe(rows[i][unit]);
      for (const s of e.scalars) expect(s.value).toBe(Math.fround(rows[i][s.tag] as number));
      const logged = Object.keys(rows[i]).filter((k) => k !== "run" && k !== unit);
      expect(e.scalars.map((s) => s.tag).sort()).toEqual(logged.sort());
    });
  }
  return metrics.length;
}

/** Report text with the wall-clock cells masked and table padding collapsed: what differs between two runs of one config. */
export function withoutTimings(md: string): string {
  return md
    .replace(/\(-?\d+(\.\d+)? ± -?\d+(\.\d+)?\)e-?\d+ s\b/g, "T s")
    .replace(/-?\d+(\.\d+)?(e-?\d+)?( ± -?\d+(\.\d+)?(e-?\d+)?)? s\b/g, "T s")
    .replace(/\(T s ± [^)]*\)e-?\d+ s/g, "T s")
    .replace(/ +/g, " ")
    .replace(/-{3,}:?/g, "---");
}

/** results.json without the measured times (keys holding seconds). */
export function withoutTimingKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTimingKeys);
  if (value && typeof value === "object")
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !/seconds/i.test(k))
        .map(([k, v]) => [k, withoutTimingKeys(v)]),
    );
  return value;
}
