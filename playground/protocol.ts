// Messages between the page and the training worker.
import type { NamedOptimizer } from "../src/landscape/index.ts";

export interface TrainRequest {
  type: "train";
  optimizer: NamedOptimizer;
  hidden: number;
  batch: number;
  seed: number;
  steps: number;
  /** Evaluate on the test rows every this many steps (and after the last). */
  evalEvery: number;
  /** Measure the sharpness every this many steps (default 100): ~10 HVPs, about 20 steps' work. */
  sharpnessEvery?: number;
  /** The engine's threads in the worker (setThreads); more than 1 needs a cross-origin-isolated page. */
  threads: number;
}

export type ToWorker = TrainRequest | { type: "stop" };

export type FromWorker =
  | { type: "ready"; nTrain: number; nTest: number }
  | { type: "started"; parameters: number; optimizer: string; threads: number }
  /** Batch losses of steps [from, from + losses.length), 1-based. */
  | { type: "progress"; from: number; losses: number[]; stepsPerSecond: number; updateRatios: [number, number][] }
  | { type: "eval"; step: number; loss: number; accuracy: number }
  /** The sharpness of the last batch's loss (the microscope's curvature). */
  | { type: "sharpness"; step: number; value: number }
  | { type: "done"; steps: number; stopped: boolean }
  | { type: "error"; message: string };
