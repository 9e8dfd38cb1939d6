/**
 * Reproducibility across processes, and surviving SIGKILL. The runs happen in child processes
 * (fixtures/train-run.ts, started as `node --import tsx` so the pid we kill is the trainer itself,
 * not an npx wrapper); the test process trains the same config in-process as the reference.
 */
import { afterAll, describe, expect, it } from "vitest";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Random } from "../../src/random.ts";
import { loadCheckpoint } from "../../src/train/checkpoint.node.ts";
import { trainTiny, type TinyConfig, type TinyResult } from "./fixtures/tiny.ts";

const FIXTURE = fileURLToPath(new URL("./fixtures/train-run.ts", import.meta.url));

interface Child {
  lines: string[];
  exit: Promise<{ code: number | null; signal: string | null; stderr: string }>;
  kill(): void;
  onLine(f: (line: string) => void): void;
}

function startRun(config: TinyConfig & { out: string; checkpoint?: string }): Child {
  const child = spawn(process.execPath, ["--import", "tsx", FIXTURE, JSON.stringify(config)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const lines: string[] = [];
  const listeners: ((line: string) => void)[] = [];
  let stderr = "",
    partial = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    const parts = (partial + chunk).split("\n");
    partial = parts.pop()!;
    for (const line of parts) {
      lines.push(line);
      listeners.forEach((f) => f(line));
    }
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    stderr += chunk;
  });
  const exit = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => {
    child.on("close", (code, signal) => resolve({ code, signal, stderr }));
  });
  return { lines, exit, kill: () => child.kill("SIGKILL"), onLine: (f) => listeners.push(f) };
}

async function finishedRun(config: TinyConfig & { out: string; checkpoint?: string }): Promise<TinyResult> {
  const { code, stderr } = await startRun(config).exit;
  expect(stderr).toBe("");
  expect(code).toBe(0);
  return JSON.parse(readFileSync(config.out, "utf8")) as TinyResult;
}

const dir = mkdtempSync(join(tmpdir(), "descent-robust-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("reproducibility", () => {
  it("same seed and config: bit-identical parameters and metrics in two separate processes (and in this one)", async () => {
    const config = { seed: 11, hidden: 16, epochs: 5 };
    const [a, b] = await Promise.all([
      finishedRun({ ...config, out: join(dir, "repro-a.json") }),
      finishedRun({ ...config, out: join(dir, "repro-b.json") }),
    ]);
    expect(a.history.length).toBe(5);
    expect(a.params).toBe(b.params);
    expect(a.history).toEqual(b.history);
    expect(a.steps).toBe(b.steps);
    const here = await trainTiny(config);
    expect(here.params).toBe(a.params);
    expect(here.history).toEqual(a.history);
    // The comparison has teeth: another seed gives other bytes.
    expect((await trainTiny({ ...config, seed: 12 })).params).not.toBe(a.params);
  }, 30_000);
});

describe("kill and resume", () => {
  // Wide enough that a checkpoint is ~4 MB of JSON, so a kill can land inside the write.
  const config = { seed: 5, hidden: 16_000, epochs: 8 };

  it("SIGKILLed at random points, between and during checkpoint writes, then resumed: ends as an uninterrupted run", async () => {
    const reference = await trainTiny(config);
    const runDir = join(dir, "killed");
    const ckpt = join(runDir, "ckpt.json");
    const out = join(dir, "killed-result.json");
    const rng = new Random(2024);
    const tmpFiles = () => (existsSync(runDir) ? readdirSync(runDir).filter((f) => f.includes(".tmp-")) : []);
    let lastEpoch = 0,
      killedMidWrite = 0,
      kills = 0;

    // Each round resumes from whatever the previous one left, then is killed one of three ways.
    for (const how of ["during-write", "random", "after-save", "during-write", "random", "during-write"] as const) {
      const child = startRun({ ...config, out, checkpoint: ckpt });
      const staleTmp = new Set(tmpFiles());
      let done = false;
      // Only sets the flag the poll below reads; the exit itself is awaited after the kill.
      void child.exit.then(() => {
        done = true;
      });
      if (how === "random") setTimeout(child.kill, 300 + rng.int(1200));
      if (how === "after-save")
        child.onLine((line) => {
          if (line.startsWith("saved")) child.kill();
        });
      if (how === "during-write") {
        // Poll for this child's temporary file; kill the moment it appears.
        while (!done && !tmpFiles().some((f) => !staleTmp.has(f))) await new Promise((r) => setImmediate(r));
        child.kill();
      }
      const { code, signal } = await child.exit;
      if (code === 0) break; // finished before the kill landed
      expect(signal).toBe("SIGKILL");
      kills++;
      if (tmpFiles().some((f) => !staleTmp.has(f))) killedMidWrite++;
      const resumedFrom = child.lines.find((l) => l.startsWith("resumed"));
      // (a kill during start-up may come before the child says where it resumed)
      if (resumedFrom) expect(resumedFrom).toBe(`resumed ${lastEpoch}`);
      if (existsSync(ckpt)) {
        // The checkpoint on disk is always whole and never older than the last one seen.
        const snap = loadCheckpoint(ckpt);
        expect(snap.epoch).toBeGreaterThanOrEqual(lastEpoch);
        const printed = child.lines.filter((l) => l.startsWith("saved")).map((l) => Number(l.slice(6)));
        expect(snap.epoch).toBeGreaterThanOrEqual(Math.max(0, ...printed));
        lastEpoch = snap.epoch;
      } else {
        expect(lastEpoch).toBe(0); // once written, never lost
      }
    }
    expect(kills).toBeGreaterThanOrEqual(4);
    expect(killedMidWrite).toBeGreaterThanOrEqual(1);

    const finished = await finishedRun({ ...config, out, checkpoint: ckpt });
    expect(finished.params).toBe(reference.params);
    expect(finished.history).toEqual(reference.history);
    expect(finished.steps).toBe(reference.steps);
    expect(loadCheckpoint(ckpt).epoch).toBe(config.epochs);
  }, 60_000);
});
