import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

// The core must run in browsers: only modules named *.node.ts may use Node built-ins.
describe("src/data portability", () => {
  const dir = new URL("../../src/data/", import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith(".ts"));

  it.each(files.filter((f) => !f.endsWith(".node.ts")))("%s imports no Node built-in and no .node module", (file) => {
    const source = readFileSync(new URL(file, dir), "utf8");
    expect(source).not.toMatch(/from\s+["'](node:|fs["']|zlib["']|path["']|module["'])/);
    expect(source).not.toMatch(/\.node\.ts["']/);
    expect(source).not.toMatch(/\brequire\(/);
  });

  it("found the modules", () => {
    expect(files).toContain("idx.node.ts");
    expect(files).toContain("dataset.ts");
  });
});
