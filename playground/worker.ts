/**
 * The training worker: fetches the digits, trains the MLP in slices of ~40 ms and posts the losses
 * after each slice, yielding between slices so a "stop" message gets through.
 *
 * With more than one thread the engine's memory is a SharedArrayBuffer, which postMessage shares
 * rather than copies: so nothing posted from here is a view of engine memory, only plain numbers
 * (MlpTrainer's arrays are copies already).
 */
import { setThreads, threadCount } from "../src/index.ts";
import { decodeDigits, type Digits } from "./digits.ts";
import { MlpTrainer } from "./mlp.ts";
import type { FromWorker, ToWorker, TrainRequest } from "./protocol.ts";

const post = (m: FromWorker) => (self as unknown as Worker).postMessage(m);
let digits: Digits | null = null;
let run = 0; // a new request or a stop bumps it; a running loop sees the change and ends
/** setThreads calls, one after another in request order, so the last request's count is the one that holds. */
let threadsSet: Promise<void> = Promise.resolve();

async function train(req: TrainRequest, id: number): Promise<void> {
  let trainer: MlpTrainer;
  try {
    const ready = threadsSet.then(() => setThreads(req.threads));
    threadsSet = ready.catch(() => {});
    await ready;
    if (id !== run) return; // stopped or replaced while the threads started
    trainer = new MlpTrainer(digits!, {
      hidden: req.hidden,
      batch: req.batch,
      seed: req.seed,
      optimizer: req.optimizer,
    });
  } catch (err) {
    post({ type: "error", message: (err as Error).message });
    return;
  }
  post({ type: "started", parameters: trainer.n, optimizer: trainer.optimizerName, threads: threadCount() });
  try {
    while (trainer.step < req.steps && id === run) {
      const t0 = performance.now(),
        from = trainer.step + 1,
        losses: number[] = [],
        updateRatios: [number, number][] = [];
      while (trainer.step < req.steps && performance.now() - t0 < 40) {
        losses.push(trainer.trainStep());
        updateRatios.push(trainer.updateRatio);
        if (
          trainer.step % req.evalEvery === 0 ||
          trainer.step === req.steps ||
          trainer.step % (req.sharpnessEvery ?? 100) === 0
        )
          break;
      }
      post({
        type: "progress",
        from,
        losses,
        updateRatios,
        stepsPerSecond: (losses.length * 1000) / Math.max(1e-3, performance.now() - t0),
      });
      if (trainer.step % req.evalEvery === 0 || trainer.step === req.steps)
        post({ type: "eval", step: trainer.step, ...trainer.evaluate() });
      if (trainer.step % (req.sharpnessEvery ?? 100) === 0)
        post({ type: "sharpness", step: trainer.step, value: trainer.sharpness() });
      await new Promise((r) => setTimeout(r, 0));
    }
    post({ type: "done", steps: trainer.step, stopped: trainer.step < req.steps });
  } catch (err) {
    post({ type: "error", message: (err as Error).message });
  } finally {
    trainer.dispose();
  }
}

self.onmessage = (e: MessageEvent<ToWorker>) => {
  const m = e.data;
  run++;
  if (m.type === "train") void train(m, run);
};

fetch(new URL("../digits.bin", import.meta.url))
  .then((r) => {
    if (!r.ok) throw new Error(`digits.bin: HTTP ${r.status}`);
    return r.arrayBuffer();
  })
  .then((b) => {
    digits = decodeDigits(new Uint8Array(b));
    post({ type: "ready", nTrain: digits.nTrain, nTest: digits.n - digits.nTrain });
  })
  .catch((err) => post({ type: "error", message: `could not load the digits: ${(err as Error).message}` }));
