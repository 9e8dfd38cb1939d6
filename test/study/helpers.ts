// Runs a study's plan → run → report in-process at its quick setting, as the runner will.
import { expect } from "vitest";
import type { Study, StudyConfig, StudyReport } from "../../src/study/study.ts";
import type { Table } from "../../src/report/table.ts";
import { markdownTable } from "../../src/report/table.ts";
import { resolveStudyConfig } from "../../src/study/config.ts";
import { parseXml } from "../report/xml.ts";

/** The quick config, resolved as the command line resolves it: an override wins over the quick default. */
export function defaults(study: Study<unknown>, overrides: Record<string, unknown> = {}): StudyConfig {
  return resolveStudyConfig(study, { quick: true, ...overrides });
}

export async function runQuick<R>(study: Study<R>, overrides: Record<string, unknown> = {}) {
  const config = defaults(study, overrides);
  const specs = study.plan(config);
  const results: { spec: (typeof specs)[number]; result: R }[] = [];
  for (const spec of specs) {
    const result = await study.run(spec, config, { progress: () => {} });
    // Results must survive a trip through JSON (workers, shards): use the round-tripped copy.
    results.push({
      spec: JSON.parse(JSON.stringify(spec)) as typeof spec,
      result: JSON.parse(JSON.stringify(result)) as R,
    });
  }
  return { config, specs, results, report: study.report(config, results) };
}

/** Every section's tables render, every SVG is well-formed XML, every metric value is a finite number or a string. */
export function checkReport(report: StudyReport): void {
  expect(report.sections.length).toBeGreaterThan(0);
  for (const s of report.sections) {
    for (const t of s.tables ?? []) expect(() => markdownTable(t)).not.toThrow();
    for (const g of s.svgs ?? []) {
      const root = parseXml(g.svg);
      expect(root.name).toBe("svg");
    }
  }
  for (const m of report.metrics) {
    for (const [k, v] of Object.entries(m))
      if (k !== "run") expect(typeof v === "string" || Number.isFinite(v), `${m.run} ${k}=${v}`).toBe(true);
  }
}

export function findTable(report: StudyReport, captionPart: string): Table & { caption?: string } {
  for (const s of report.sections)
    for (const t of s.tables ?? []) if ((t.caption ?? "").includes(captionPart)) return t;
  throw new Error(`no table with caption containing '${captionPart}'`);
}

export const headers = (t: Table) => t.columns.map((c) => (typeof c === "string" ? c : c.header));
export const column = (t: Table, header: string) => {
  const j = headers(t).indexOf(header);
  if (j < 0) throw new Error(`no column ${header}`);
  return t.rows.map((r) => r[j]);
};
export const allFinite = (t: Table) => t.rows.every((r) => r.every((v) => typeof v !== "number" || Number.isFinite(v)));
