/**
 * The package as a user gets it. The sources are copied to a staging folder and built there as
 * `prepare` builds them (the CLI bundle, then lib/ with its declarations), packed with `npm pack`,
 * and installed with `npm install --offline` into a fresh project that has nothing else: no
 * network, no dependencies, so a missing file or a stray import fails here.
 * A staging folder rather than the working tree, so two test files packing at once never see each
 * other's half-built lib/. The .wasm is taken as built (`npm run build:wasm` after changing assembly/).
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repo = fileURLToPath(new URL("../../", import.meta.url));

/** What `npm pack --json` says about the tarball. */
export interface PackInfo {
  filename: string;
  size: number;
  unpackedSize: number;
  files: { path: string; size: number }[];
}

export interface Installed {
  /** The consumer project: package.json ({ "type": "module" }) and node_modules/descent. */
  project: string;
  /** node_modules/descent inside it. */
  installed: string;
  tarball: string;
  pack: PackInfo;
  /** Runs node on a script in the project; stdout, or throws with stderr. */
  node(args: string[], options?: { env?: NodeJS.ProcessEnv }): string;
  remove(): void;
}

const STAGED = ["package.json", "README.md", "tsconfig.json", "tsconfig.build.json", "scripts", "src", "bin"];

export function packAndInstall(): Installed {
  const top = mkdtempSync(join(tmpdir(), "descent-package-"));
  const stage = join(top, "stage");
  for (const path of STAGED) cpSync(join(repo, path), join(stage, path), { recursive: true });
  symlinkSync(join(repo, "node_modules"), join(stage, "node_modules"), "dir");
  const run = (cmd: string, args: string[], cwd: string) =>
    execFileSync(cmd, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  run(process.execPath, ["scripts/build-cli.mjs"], stage);
  run(process.execPath, ["scripts/build-lib.mjs"], stage);
  const [pack] = JSON.parse(
    run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", top], stage),
  ) as PackInfo[];

  const project = join(top, "project");
  mkdirSync(project);
  writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
  const tarball = join(top, pack.filename);
  run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", tarball], project);
  return {
    project,
    installed: join(project, "node_modules", "descent"),
    tarball,
    pack,
    node: (args, { env } = {}) =>
      execFileSync(process.execPath, args, {
        cwd: project,
        encoding: "utf8",
        env: env ?? process.env,
        stdio: ["ignore", "pipe", "pipe"],
      }),
    remove: () => rmSync(top, { recursive: true, force: true }),
  };
}
