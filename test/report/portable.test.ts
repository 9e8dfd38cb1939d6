import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The report writers must run in browsers too: only write.node.ts may touch Node.
describe("src/report portability", () => {
  const dir = new URL("../../src/report/", import.meta.url);
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".ts"));

  it.each(files.filter((f) => !f.endsWith(".node.ts")))("%s uses no Node built-in", (file) => {
    const source = readFileSync(new URL(file, dir), "utf8");
    expect(source).not.toMatch(/from\s+["'](node:|fs["']|path["']|os["'])/);
    expect(source).not.toMatch(/\.node\.ts["']/);
    expect(source).not.toMatch(/\b(require\(|process\.|Buffer\b)/);
  });

  it("found the modules", () => {
    expect(files).toContain("write.node.ts");
    expect(files).toContain("tensorboard.ts");
    expect(files.some((f) => f.endsWith("contourPlot.ts"))).toBe(true);
  });
});
