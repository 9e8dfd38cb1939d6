// src/wasm/abi.ts against the instantiated module, both ways: every export the module has is in the
// ABI with its number of parameters, and every function the ABI declares is exported. A kernel
// cannot be added, removed or given another parameter without the ABI saying so.
import { describe, expect, it } from "vitest";
import ts from "typescript";
import { join } from "node:path";
import { kernels } from "../../src/wasm/module.ts";

const ABI = join(import.meta.dirname, "..", "..", "src", "wasm", "abi.ts");

/** The members of `Exports` as the compiler sees them: a function's parameter count, or "value". */
function declaredExports(): Map<string, number | "value"> {
  const program = ts.createProgram([ABI], {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    noEmit: true,
  });
  const checker = program.getTypeChecker();
  const file = program.getSourceFile(ABI)!;
  const alias = file.statements.find(
    (s): s is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(s) && s.name.text === "Exports",
  );
  if (!alias) throw new Error("src/wasm/abi.ts declares no type Exports");
  const type = checker.getTypeAtLocation(alias.name);
  return new Map(
    checker.getPropertiesOfType(type).map((p) => {
      const signatures = checker.getTypeOfSymbolAtLocation(p, alias).getCallSignatures();
      return [p.name, signatures.length ? signatures[0].parameters.length : "value"] as const;
    }),
  );
}

const actualExports = (): Map<string, number | "value"> =>
  new Map(
    Object.entries(kernels as unknown as Record<string, unknown>).map(
      ([name, v]) => [name, typeof v === "function" ? v.length : "value"] as const,
    ),
  );

describe("the ABI of descent.wasm", () => {
  const declared = declaredExports();
  const actual = actualExports();

  it("reads both sides", () => {
    expect(declared.get("gemm")).toBe(10);
    expect(declared.get("memory")).toBe("value");
    expect(actual.get("gemm")).toBe(10);
  });

  it("declares every export of the module, with its parameter count", () => {
    const missing = [...actual]
      .filter(([name, arity]) => declared.get(name) !== arity)
      .map(([name, arity]) => `${name} (${arity}) declared as ${declared.get(name) ?? "nothing"}`);
    expect(missing).toEqual([]);
  });

  it("declares nothing the module does not export", () => {
    expect([...declared.keys()].filter((name) => !actual.has(name))).toEqual([]);
  });
});
