// Soak: a long run in one process must neither grow nor slow down. 1,000,000 Adam updates of a
// small buffer, then 100,000 training steps of a small MLP through fit(). For each, the engine's
// memory (heap.inUse and the linear memory's capacity) at 10% and at 100% of the steps, and the
// time of the last 10% of the steps against the first 10% (a ratio ≤ ~1.1 means no slowdown).
import { heap } from "../src/wasm/module.ts";
import { f32View } from "../src/wasm/module.ts";
import { adam } from "../src/optim/index.ts";
import { freeState } from "../src/optim/state.ts";
import { Model, Sequential, Linear, Activation } from "../src/nn/index.ts";
import { fit } from "../src/train/index.ts";
import { makeBlobs } from "../src/data/synthetic.ts";
import { Random } from "../src/random.ts";
import { num, text, type Row, type Suite } from "./lib.ts";

const WARMUP_STEPS = 20_000;

/** Watches a run of `total` steps: the clock at each tenth, and the memory at the first tenth and at the end. */
class Tenths {
  private marks: number[] = [];
  memoryAt10 = { inUse: 0, capacity: 0 };
  memoryAt100 = { inUse: 0, capacity: 0 };
  constructor(readonly total: number) {
    this.marks.push(performance.now());
  }

  /** Call after step `done` (1-based) has finished. */
  step(done: number): void {
    if (done % (this.total / 10) !== 0) return;
    this.marks.push(performance.now());
    const memory = { inUse: heap.inUse, capacity: heap.capacity };
    if (done === this.total / 10) this.memoryAt10 = memory;
    if (done === this.total) this.memoryAt100 = memory;
  }

  row(workload: string): Row {
    const tenth = (i: number) => (this.marks[i + 1] - this.marks[i]) / 1000;
    const seconds = (this.marks[10] - this.marks[0]) / 1000;
    const flat =
      this.memoryAt10.inUse === this.memoryAt100.inUse && this.memoryAt10.capacity === this.memoryAt100.capacity;
    return {
      workload,
      steps: this.total,
      seconds,
      stepsPerSecond: this.total / seconds,
      first10: tenth(0),
      last10: tenth(9),
      ratio: tenth(9) / tenth(0),
      inUse10: this.memoryAt10.inUse,
      inUse100: this.memoryAt100.inUse,
      capacity10: this.memoryAt10.capacity,
      capacity100: this.memoryAt100.capacity,
      flat: flat ? "yes" : "NO",
    };
  }
}

function optimizerSoak(steps: number, n: number): Row {
  const rng = new Random(1);
  const opt = adam({ lr: 1e-3 });
  const state = opt.init(n);
  const params = { ptr: heap.alloc(n * 4), length: n },
    grads = { ptr: heap.alloc(n * 4), length: n };
  f32View(params.ptr, n).set(Float32Array.from({ length: n }, () => rng.normal()));
  const g = Float32Array.from({ length: n }, () => rng.normal());
  for (let s = 0; s < WARMUP_STEPS; s++) opt.update(params, grads, state); // untimed: let V8 tier the update up first
  const watch = new Tenths(steps);
  for (let s = 1; s <= steps; s++) {
    // A gradient that depends on the parameters (the quadratic ½‖w‖² plus fixed noise), refreshed every 100 steps.
    if (s % 100 === 1) {
      const w = f32View(params.ptr, n);
      const gv = f32View(grads.ptr, n);
      for (let i = 0; i < n; i++) gv[i] = w[i] + 0.1 * g[i];
    }
    opt.update(params, grads, state);
    watch.step(s);
  }
  freeState(state);
  heap.release(params.ptr);
  heap.release(grads.ptr);
  return watch.row(`Adam update, n = ${n}`);
}

async function trainingSoak(steps: number): Promise<Row> {
  const batch = 16,
    perEpoch = 10;
  const data = makeBlobs({ n: batch * perEpoch, classes: 3, features: 8, seed: 2 });
  const mlp = () =>
    new Model(new Sequential([new Linear(8, 32), new Activation("tanh"), new Linear(32, 3)]), { seed: 3 });
  const warm = mlp(); // untimed: a short run of the same step, so V8 has tiered it up before the clock starts
  await fit(warm, data, { optimizer: adam({ lr: 1e-3 }), epochs: WARMUP_STEPS / 2 / perEpoch, batch, seed: 4 });
  warm.free();
  const model = mlp();
  const watch = new Tenths(steps);
  let done = 0;
  await fit(model, data, {
    optimizer: adam({ lr: 1e-3 }),
    epochs: steps / perEpoch,
    batch,
    seed: 4,
    onStep: () => watch.step(++done),
  });
  model.free();
  if (done !== steps) throw new Error(`soak: the training run stopped after ${done} of ${steps} steps`);
  return watch.row(`fit: MLP 8-32-3, batch ${batch}`);
}

export const soakSuite: Suite = {
  name: "soak",
  about: "1M optimizer steps and 100k training steps: flat memory, last 10% vs first 10% time",
  async run(opts) {
    const scale = opts.quick ? 10 : 1;
    const rows = [optimizerSoak(1_000_000 / scale, 1024), await trainingSoak(100_000 / scale)];
    return {
      title: "Soak: memory at 10% and 100% of the steps, and the time of the last tenth over the first",
      columns: [
        text("workload", "workload"),
        num("steps", "steps", 0),
        num("s", "seconds", 1),
        num("steps/s", "stepsPerSecond", 0),
        num("first 10% s", "first10", 2),
        num("last 10% s", "last10", 2),
        num("last/first", "ratio", 3),
        num("inUse@10%", "inUse10", 0),
        num("inUse@100%", "inUse100", 0),
        num("capacity@10%", "capacity10", 0),
        num("capacity@100%", "capacity100", 0),
        text("flat", "flat"),
      ],
      rows,
      notes: [
        `both runs are preceded by an untimed warm-up (${WARMUP_STEPS} optimizer updates; ${WARMUP_STEPS / 2} training steps on another model), so the first tenth is steady state`,
        "memory is flat when heap.inUse and the linear memory's capacity are equal at 10% and at 100%",
      ],
    };
  },
};
