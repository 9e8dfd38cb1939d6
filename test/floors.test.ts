// Imports run one way, down the floors, and never in a circle (type-only imports included: a type
// circle is still two modules that cannot be read apart). The floors are defined here, once.
import { describe, expect, it } from "vitest";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";

/** Bottom to top: a module may import its own floor or lower ones. Keyed by the first path part under src/. */
const FLOORS: readonly (readonly string[])[] = [
  ["random.ts"],
  ["wasm", "threads"],
  ["tensor", "autodiff"],
  ["nn", "optim", "data"],
  ["train", "analysis", "convex", "landscape"],
  ["options"],
  ["study", "report"],
  ["cli", "cli.ts", "index.ts", "index.node.ts"],
];

const SRC = join(import.meta.dirname, "..", "src");

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

/** Every relative import of a file (static, re-export, type-only or dynamic), as a path under src/. */
export function importsOf(file: string, text: string): string[] {
  const specifiers = [
    ...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm),
    ...text.matchAll(/^\s*import\s*["']([^"']+)["']/gm),
    ...text.matchAll(/\bimport\(\s*["']([^"']+)["']\s*\)/g),
  ].map((m) => m[1]);
  return specifiers.filter((s) => s.startsWith(".")).map((s) => relative(SRC, normalize(join(dirname(file), s))));
}

const floorOf = (path: string): number => {
  const top = path.split("/")[0];
  const k = FLOORS.findIndex((f) => f.includes(top));
  if (k < 0) throw new Error(`src/${path}: '${top}' is on no floor; add it to FLOORS in test/floors.test.ts`);
  return k;
};

/** The circles of a directed graph (one per strongly connected component of more than one module). */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>(),
    low = new Map<string, number>(),
    stack: string[] = [],
    onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || graph.get(v)?.includes(v)) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

describe("the floors of src/", () => {
  const graph = new Map(
    sourceFiles(SRC).map((file) => [relative(SRC, file), importsOf(file, readFileSync(file, "utf8"))]),
  );

  it("reads the imports it checks", () => {
    expect(graph.size).toBeGreaterThan(100);
    expect(graph.get("study/registry.ts")).toContain("study/mnist.ts");
    expect(
      importsOf(
        join(SRC, "a/b.ts"),
        `import type { X } from "../c/d.ts";\nexport { y } from "./e.ts";\nconst m = await import("../f.ts");`,
      ),
    ).toEqual(["c/d.ts", "a/e.ts", "f.ts"]);
  });

  it("puts every module on a floor, and every import on its own floor or below", () => {
    const upward = [...graph].flatMap(([from, targets]) =>
      targets.filter((to) => floorOf(to) > floorOf(from)).map((to) => `src/${from} imports src/${to}`),
    );
    expect(upward).toEqual([]);
  });

  it("has no import circle", () => {
    expect(circles(graph).map((c) => c.join(" <-> "))).toEqual([]);
  });

  it("finds a circle and an upward import when there is one", () => {
    expect(
      circles(
        new Map([
          ["a", ["b"]],
          ["b", ["c"]],
          ["c", ["a"]],
          ["d", ["a"]],
        ]),
      ),
    ).toEqual([["a", "b", "c"]]);
    expect(floorOf("cli/args.ts")).toBeGreaterThan(floorOf("study/config.ts"));
  });
});
