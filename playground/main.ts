/**
 * The playground page: optimizer trajectories over 2-D test functions (computed on this thread,
 * they are cheap) and MNIST training in a worker. Everything the page computes is also published
 * on window.__descent, so the browser test can compare it with the same computation in Node.
 */
import {
  namedOptimizer,
  pathDiagnostics,
  runTrajectory,
  testFunction,
  testFunctions,
  type Trajectory,
} from "../src/landscape/index.ts";
import { availableCores, CATALOGUE, isStepEntry, threadsUnavailable } from "../src/index.ts";
import { fmt, heatMap, lineChart, marker, polyline, toPixel, type View } from "./draw.ts";
import type { FromWorker, TrainRequest } from "./protocol.ts";

interface FieldSpec {
  key: string;
  value: string;
}
interface OptimizerSpec {
  name: string;
  color: string;
  checked: boolean;
  fields: FieldSpec[];
}

// Every optimizer of the catalogue with landscape options, its fields and starting values from there.
const PALETTE = [
  "#ffffff",
  "#00e5ff",
  "#76ff03",
  "#ff4081",
  "#ffab00",
  "#b388ff",
  "#18ffff",
  "#eeff41",
  "#84ffff",
  "#ea80fc",
  "#ff9e80",
  "#c6ff00",
  "#ff6e40",
  "#64ffda",
  "#ffd180",
  "#8c9eff",
  "#f4ff81",
  "#a7ffeb",
];
// The featured ones first, in their order, checked; then the rest in catalogue order.
const OPTIMIZERS: OptimizerSpec[] = CATALOGUE.filter(isStepEntry)
  .flatMap((e) => (e.landscape ? [{ name: e.name, ...e.landscape }] : []))
  .sort((a, b) => (a.featured ?? Infinity) - (b.featured ?? Infinity))
  .map((o, i) => ({
    name: o.name,
    color: PALETTE[i % PALETTE.length],
    checked: o.featured !== undefined,
    fields: Object.entries(o.options).map(([key, value]) => ({ key, value: String(value) })),
  }));
/** Watched in the state table and trained in the worker until the user picks another. */
const DEFAULT_OPTIMIZER = "adam";
const colorOf = (name: string) => OPTIMIZERS.find((o) => o.name === name)?.color ?? "#fff";

/** What the page publishes on window.__descent; the browser test reads it. */
export interface Published {
  ready: boolean;
  landscapeRuns: number;
  animating: boolean;
  landscape: {
    fn: string;
    start: [number, number];
    steps: number;
    track: 0 | 1;
    runs: { name: string; options: Record<string, number>; result: Trajectory }[];
  } | null;
  errors: Record<string, string>;
  training: {
    request: TrainRequest | null;
    status: string;
    losses: number[];
    evals: { step: number; loss: number; accuracy: number }[];
    sharpness: { step: number; value: number }[];
    updateRatios: [number, number][];
    done: boolean;
    error: string | null;
    stepsPerSecond: number;
    dataReady: boolean;
    /** The threads the worker's engine trained on, as it reported them. */
    threads: number;
  };
}
const pub: Published = {
  ready: false,
  landscapeRuns: 0,
  animating: false,
  landscape: null,
  errors: {},
  training: {
    request: null,
    status: "loading digits…",
    losses: [],
    evals: [],
    sharpness: [],
    updateRatios: [],
    done: false,
    error: null,
    stepsPerSecond: 0,
    dataReady: false,
    threads: 0,
  },
};
(window as unknown as { __descent: Published }).__descent = pub;

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const el = <K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  text = "",
): HTMLElementTagNameMap[K] => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text) e.textContent = text;
  return e;
};

/** Reads a number field: empty or text gives NaN, so the validator names the field and the value. */
function readNumber(input: HTMLInputElement): number {
  const text = input.value.trim();
  return text === "" ? NaN : Number(text);
}

/**
 * The validator sees NaN for a field that holds no number; the user typed something else ("abc",
 * nothing): say what they typed, not "lr = NaN".
 */
function echoTyped(message: string | null, id: string): string | null {
  const m = message && /^(\w+: \w+) = NaN is outside the valid range (.*)$/.exec(message);
  if (!m) return message;
  const typed = (document.getElementById(id) as HTMLInputElement | null)?.value.trim() ?? "";
  return `${m[1]} = ${typed === "" ? "(empty)" : JSON.stringify(typed)} is not a number (valid range ${m[2]})`;
}

function setError(id: string, message: string | null): void {
  const slot = document.querySelector<HTMLElement>(`[data-error-for="${id}"]`);
  if (message) pub.errors[id] = message;
  else delete pub.errors[id];
  if (slot) slot.textContent = message ?? "";
  document.getElementById(id)?.classList.toggle("invalid", !!message);
}

/**
 * Builds the optimizer to check its hyperparameters; its RangeError, which names the field, is shown
 * next to it. Each field is checked alone first (so every bad field gets its message at once), then
 * all together for the rules that tie fields (sgd's nesterov needs momentum).
 */
function checkOptimizer(prefix: string, name: string, options: Record<string, number>, fields: string[]): boolean {
  const failure = (opts: Record<string, number>) => {
    try {
      namedOptimizer({ name, options: opts });
      return null;
    } catch (err) {
      return (err as Error).message;
    }
  };
  let ok = true;
  for (const key of fields) {
    const message = echoTyped(failure({ [key]: options[key] }), `${prefix}-${key}`);
    setError(`${prefix}-${key}`, message);
    ok &&= !message;
  }
  const together = ok ? failure(options) : null;
  const key = together ? /^\w+: (\w+) = /.exec(together)?.[1] : undefined;
  setError(`${prefix}-row`, together && !(key && fields.includes(key)) ? together : null);
  if (together && key && fields.includes(key)) setError(`${prefix}-${key}`, together);
  return ok && !together;
}

// ---------------------------------------------------------------- landscape

const contour = $<HTMLCanvasElement>("contour");
const view: View = { x0: 0, x1: 1, y0: 0, y1: 1, width: contour.width, height: contour.height };
const background = document.createElement("canvas");
background.width = contour.width;
background.height = contour.height;
let drawnFn = "";

function buildOptimizerTable(): void {
  const table = $("optimizers");
  for (const o of OPTIMIZERS) {
    const row = el("div", { class: "opt-row" });
    const label = el("label", { class: "opt-name" });
    const box = el("input", { type: "checkbox", id: `opt-${o.name}` });
    box.checked = o.checked;
    const swatch = el("span", { class: "swatch" });
    swatch.style.background = o.color;
    label.append(box, swatch, document.createTextNode(o.name));
    row.append(label);
    for (const field of o.fields) {
      const id = `opt-${o.name}-${field.key}`;
      const wrap = el("span", { class: "field" });
      wrap.append(
        el("label", { for: id }, field.key),
        el("input", { id, value: field.value, size: "6", inputmode: "decimal", "data-key": field.key }),
        el("span", { class: "error", "data-error-for": id }),
      );
      row.append(wrap);
    }
    row.append(el("span", { class: "error", "data-error-for": `opt-${o.name}-row` }));
    table.append(row);
  }
}

function fillFunctionSelects(): void {
  const select = $<HTMLSelectElement>("fn");
  for (const fn of testFunctions) select.append(el("option", { value: fn.name }, fn.label));
  select.value = "rosenbrock";
  onFunctionChange();
}

function onFunctionChange(): void {
  const fn = testFunction($<HTMLSelectElement>("fn").value);
  const starts = $<HTMLSelectElement>("start");
  starts.replaceChildren(...fn.starts.map(([x, y], k) => el("option", { value: String(k) }, `(${x}, ${y})`)));
  setStart(fn.starts[0]);
  $("formula").textContent = `f(x, y) = ${fn.formula}`;
}

function setStart([x, y]: readonly [number, number]): void {
  $<HTMLInputElement>("start-x").value = String(x);
  $<HTMLInputElement>("start-y").value = String(y);
}

let animation = 0;
let current: NonNullable<Published["landscape"]> | null = null;

function runLandscape(): void {
  const fn = testFunction($<HTMLSelectElement>("fn").value);
  const x = readNumber($("start-x")),
    y = readNumber($("start-y")),
    steps = readNumber($("steps"));
  let ok = true;
  for (const [id, v] of [
    ["start-x", x],
    ["start-y", y],
  ] as const) {
    const bad = !Number.isFinite(v) || Math.abs(v) > 1e6;
    setError(
      id,
      bad ? `start ${id.slice(-1)} = ${$<HTMLInputElement>(id).value || "(empty)"} must be a finite number` : null,
    );
    ok &&= !bad;
  }
  const badSteps = !Number.isInteger(steps) || steps < 1 || steps > 20000;
  setError(
    "steps",
    badSteps ? `steps = ${$<HTMLInputElement>("steps").value || "(empty)"} must be an integer in [1, 20000]` : null,
  );
  ok &&= !badSteps;
  const track = Number($<HTMLSelectElement>("track-coord").value) as 0 | 1;
  const runs: NonNullable<Published["landscape"]>["runs"] = [];
  for (const o of OPTIMIZERS) {
    const inputs = o.fields.map((fl) => $<HTMLInputElement>(`opt-${o.name}-${fl.key}`));
    const options: Record<string, number> = {};
    inputs.forEach((input, k) => (options[o.fields[k].key] = readNumber(input)));
    const valid = checkOptimizer(
      `opt-${o.name}`,
      o.name,
      options,
      o.fields.map((fl) => fl.key),
    );
    if (!ok || !valid || !$<HTMLInputElement>(`opt-${o.name}`).checked) continue;
    const result = runTrajectory({ fn, optimizer: { name: o.name, options }, start: [x, y], steps, track });
    runs.push({ name: o.name, options, result });
  }
  if (!ok) return;
  current = { fn: fn.name, start: [x, y], steps, track, runs };
  microscope = [];
  pub.landscape = current;
  pub.landscapeRuns++;
  if (drawnFn !== fn.name) {
    [view.x0, view.x1] = fn.view.x;
    [view.y0, view.y1] = fn.view.y;
    heatMap(background.getContext("2d")!, fn, view);
    drawnFn = fn.name;
  }
  refreshTrackSelect();
  const slider = $<HTMLInputElement>("state-step");
  slider.max = String(steps);
  slider.value = String(steps);
  animate();
}

/** Reveals the paths over ~1.2 s, as if they were being run live. */
function animate(): void {
  cancelAnimationFrame(animation);
  const t0 = performance.now();
  pub.animating = true;
  const frame = () => {
    const shown = Math.min(1, (performance.now() - t0) / 1200);
    drawLandscape(shown);
    if (shown < 1) animation = requestAnimationFrame(frame);
    else {
      pub.animating = false;
      drawState();
    }
  };
  animation = requestAnimationFrame(frame);
}

function drawLandscape(shown: number): void {
  if (!current) return;
  const fn = testFunction(current.fn);
  const ctx = contour.getContext("2d")!;
  ctx.drawImage(background, 0, 0);
  for (const m of fn.minima) marker(ctx, toPixel(view, m[0], m[1]), "star", "#fff");
  const upTo = Math.round(shown * current.steps);
  const legend: string[] = [];
  for (const { name, result } of current.runs) {
    const pts = result.points.slice(0, upTo + 1).map(([x, y]) => toPixel(view, x, y));
    polyline(ctx, pts, colorOf(name));
    marker(ctx, pts[pts.length - 1], "dot", colorOf(name), 4);
    const last = result.losses[Math.min(upTo, result.losses.length - 1)];
    legend.push(
      `${name}: ${result.divergedAt !== null && upTo >= result.divergedAt ? `diverged at step ${result.divergedAt}` : `f = ${fmt(last)}`}`,
    );
  }
  marker(ctx, toPixel(view, current.start[0], current.start[1]), "ring", "#fff", 6);
  ctx.fillStyle = "rgba(0,0,0,0.55)";
  ctx.fillRect(0, contour.height - 20, 190, 20);
  ctx.fillStyle = "#fff";
  ctx.font = "11px system-ui, sans-serif";
  ctx.fillText(`x ∈ [${view.x0}, ${view.x1}], y ∈ [${view.y0}, ${view.y1}]`, 6, contour.height - 6);
  const losses = current.runs.map(({ name, result }) => ({
    label: name,
    color: colorOf(name) === "#ffffff" ? "#444" : colorOf(name),
    y: result.losses.slice(0, upTo + 1),
  }));
  lineChart($("loss-chart"), losses, { title: "loss f(x, y) per step (log scale when positive)", logY: true });
  drawMicroscope(fn, upTo);
  $("legend").replaceChildren(
    ...current.runs.map(({ name }, k) => {
      const item = el("li");
      const sw = el("span", { class: "swatch" });
      sw.style.background = colorOf(name);
      item.append(sw, document.createTextNode(legend[k]));
      return item;
    }),
  );
}

/** The microscope along each path, computed once per run: sharpness (with 2/lr for plain SGD) and the update/weight ratio. */
let microscope: {
  name: string;
  options: Record<string, number>;
  color: string;
  d: ReturnType<typeof pathDiagnostics>;
}[] = [];
function drawMicroscope(fn: ReturnType<typeof testFunction>, upTo: number): void {
  if (
    microscope.length !== current!.runs.length ||
    microscope.some(
      (m, k) => m.name !== current!.runs[k].name || m.d.sharpness.length !== current!.runs[k].result.points.length,
    )
  ) {
    microscope = current!.runs.map(({ name, options, result }) => ({
      name,
      options,
      color: colorOf(name) === "#ffffff" ? "#444" : colorOf(name),
      d: pathDiagnostics(fn, result.points),
    }));
  }
  // 2/lr is the stability threshold of plain gradient steps: a gradient-step method without momentum.
  const plain = (name: string) => CATALOGUE.some((e) => isStepEntry(e) && e.name === name && e.step === "gradient");
  const gd = microscope.find((r) => plain(r.name) && !r.options.momentum),
    sgdLr = gd?.options.lr;
  lineChart(
    $("sharpness-chart"),
    [
      ...microscope.map((r) => ({ label: r.name, color: r.color, y: r.d.sharpness.slice(0, upTo + 1) })),
      ...(sgdLr ? [{ label: `2/lr (${gd?.name})`, color: "#9e9e9e", y: [2 / sgdLr, 2 / sgdLr], x: [0, upTo] }] : []),
    ],
    { title: "sharpness λmax of the Hessian per step (grey: 2/lr of plain gradient steps)" },
  );
  lineChart(
    $("ratio-chart"),
    microscope.map((r) => ({
      label: r.name,
      color: r.color,
      y: r.d.updateRatio.slice(0, upTo),
      x: r.d.updateRatio.slice(0, upTo).map((_, k) => k + 1),
    })),
    { title: "update/weight ratio ‖Δw‖/‖w‖ per step", logY: true },
  );
}

// The optimizer whose state the user chose to watch; kept while it is unchecked or invalid.
let watched = DEFAULT_OPTIMIZER;
function refreshTrackSelect(): void {
  const select = $<HTMLSelectElement>("track-opt");
  const names = current?.runs.map((r) => r.name) ?? [];
  select.replaceChildren(...names.map((n) => el("option", { value: n }, n)));
  select.value = names.includes(watched) ? watched : (names[0] ?? "");
}

/** The chosen optimizer's state for the tracked coordinate: numbers at the slider's step, and a chart. */
function drawState(): void {
  const run = current?.runs.find((r) => r.name === $<HTMLSelectElement>("track-opt").value);
  const body = $("state-values");
  if (!run || !run.result.states) {
    body.replaceChildren(el("tr", {}, "no optimizer selected"));
    return;
  }
  const states = run.result.states;
  const step = Math.min(Number($<HTMLInputElement>("state-step").value), states.length - 1);
  $("state-step-label").textContent =
    `step ${step}${states.length - 1 < current!.steps ? ` (run ended at ${states.length - 1})` : ""}`;
  const coord = current!.track === 0 ? "x" : "y";
  const names = Object.keys(states[0]);
  const rows = [
    [coord, String(run.result.points[step][current!.track])],
    [
      `∂f/∂${coord}`,
      String(Math.fround(testFunction(current!.fn).gradient(...run.result.points[step])[current!.track])),
    ],
    ...names.map((n) => [n, String(states[step][n])]),
  ];
  body.replaceChildren(
    ...rows.map(([k, v]) => {
      const tr = el("tr");
      tr.append(el("th", {}, k), el("td", {}, v));
      return tr;
    }),
  );
  if (names.length === 0) body.append(el("tr", {}, `${run.name} keeps no state with these options`));
  // One small chart per buffer: m and v differ by orders of magnitude, one shared axis would flatten m.
  const charts = $("state-charts");
  charts.replaceChildren(
    ...names.map((n) => {
      const canvas = el("canvas", { width: "420", height: "110", "data-buffer": n });
      lineChart(canvas, [{ label: n, color: "#1565c0", y: states.map((s) => s[n]) }], {
        title: `${run.name}: ${n} of ${coord}`,
        marker: step,
      });
      return canvas;
    }),
  );
}

// ---------------------------------------------------------------- MNIST worker

// The page's query goes on to the worker: ?descent-wasm-build=plain makes both load that build.
const worker = new Worker(new URL(`./worker.mjs${location.search}`, import.meta.url), { type: "module" });
const T = pub.training;

function fillTrainOptimizers(): void {
  const select = $<HTMLSelectElement>("train-opt");
  for (const o of OPTIMIZERS) select.append(el("option", { value: o.name }, o.name));
  select.value = DEFAULT_OPTIMIZER;
}

/** Most threads the control offers; a default of at most 4 leaves the page's own thread some room. */
const MAX_THREADS = 16;
const DEFAULT_THREADS = 4;

/** The threads control: a default for this machine, or 1 and disabled, with the reason, where threads cannot run. */
function setUpThreads(): void {
  const input = $<HTMLInputElement>("train-threads");
  const reason = threadsUnavailable();
  const cores = availableCores();
  input.value = String(reason === null ? Math.min(cores, DEFAULT_THREADS) : 1);
  input.disabled = reason !== null;
  $("train-threads-note").textContent =
    reason === null
      ? `the engine can train on several threads here (${cores} cores reported); every thread count gives the same numbers`
      : `one thread only: ${reason}`;
}

function startTraining(): void {
  const name = $<HTMLSelectElement>("train-opt").value;
  const lr = readNumber($("train-lr"));
  let ok = checkOptimizer("train", name, { lr }, ["lr"]);
  const ints: [string, number, number][] = [
    ["train-hidden", 1, 512],
    ["train-batch", 1, 3000],
    ["train-steps", 1, 100000],
    ["train-seed", 0, 2 ** 31 - 1],
    ["train-every", 1, 100000],
    ["train-sharpness-every", 1, 100000],
    ["train-threads", 1, MAX_THREADS],
  ];
  const values: Record<string, number> = {};
  for (const [id, lo, hi] of ints) {
    const v = readNumber($(id));
    const bad = !Number.isInteger(v) || v < lo || v > hi;
    setError(
      id,
      bad
        ? `${id.slice(6)} = ${$<HTMLInputElement>(id).value || "(empty)"} must be an integer in [${lo}, ${hi}]`
        : null,
    );
    ok &&= !bad;
    values[id] = v;
  }
  if (!ok) return;
  const req: TrainRequest = {
    type: "train",
    optimizer: { name, options: { lr } },
    hidden: values["train-hidden"],
    batch: values["train-batch"],
    seed: values["train-seed"],
    steps: values["train-steps"],
    evalEvery: values["train-every"],
    sharpnessEvery: values["train-sharpness-every"],
    threads: values["train-threads"],
  };
  Object.assign(T, {
    request: req,
    losses: [],
    evals: [],
    sharpness: [],
    updateRatios: [],
    done: false,
    error: null,
    threads: 0,
    status: "starting…",
  });
  worker.postMessage(req);
  $<HTMLButtonElement>("train-stop").disabled = false;
}

let chartPending = false;
function drawTraining(): void {
  if (chartPending) return;
  chartPending = true;
  requestAnimationFrame(() => {
    chartPending = false;
    lineChart(
      $("train-loss"),
      [
        { label: "batch loss", color: "#90a4ae", y: T.losses, x: T.losses.map((_, k) => k + 1) },
        { label: "test loss", color: "#c62828", y: T.evals.map((e) => e.loss), x: T.evals.map((e) => e.step) },
      ],
      { title: "cross-entropy: batch (grey), test (red)", logY: true },
    );
    lineChart(
      $("train-acc"),
      [{ label: "test accuracy", color: "#2e7d32", y: T.evals.map((e) => e.accuracy), x: T.evals.map((e) => e.step) }],
      {
        title: "test accuracy (1,000 held-out digits)",
        yFormat: (v) => v.toFixed(2), // a fraction, as in the reports and on the command line
      },
    );
    lineChart(
      $("train-sharpness"),
      [{ label: "sharpness", color: "#6a1b9a", y: T.sharpness.map((e) => e.value), x: T.sharpness.map((e) => e.step) }],
      {
        title: `sharpness λmax of the batch loss, every ${T.request?.sharpnessEvery ?? 100} steps (power iteration on HVPs)`,
      },
    );
    lineChart(
      $("train-ratio"),
      [0, 1].map((l) => ({
        label: `layer ${l + 1}`,
        color: l ? "#ef6c00" : "#1565c0",
        y: T.updateRatios.map((r) => r[l]),
        x: T.updateRatios.map((_, k) => k + 1),
      })),
      { title: "update/weight ratio: layer 1 (blue), layer 2 (orange)", logY: true },
    );
    $("train-status").textContent = T.status;
  });
}

worker.onmessage = (e: MessageEvent<FromWorker>) => {
  const m = e.data;
  if (m.type === "ready") {
    T.dataReady = true;
    T.status = `${m.nTrain} training and ${m.nTest} test digits loaded`;
    $<HTMLButtonElement>("train-start").disabled = false;
  } else if (m.type === "started") {
    T.threads = m.threads;
    T.status = `training ${m.parameters.toLocaleString("en")} parameters with ${m.optimizer} on ${m.threads} thread${m.threads === 1 ? "" : "s"}…`;
  } else if (m.type === "progress") {
    T.losses.push(...m.losses);
    T.updateRatios.push(...m.updateRatios);
    T.stepsPerSecond = m.stepsPerSecond;
    T.status = `step ${T.losses.length}, batch loss ${fmt(m.losses[m.losses.length - 1])}, ${m.stepsPerSecond.toFixed(0)} steps/s`;
  } else if (m.type === "eval") T.evals.push({ step: m.step, loss: m.loss, accuracy: m.accuracy });
  else if (m.type === "sharpness") T.sharpness.push({ step: m.step, value: m.value });
  else if (m.type === "done") {
    T.done = true;
    const last = T.evals.at(-1);
    T.status = `${m.stopped ? "stopped" : "done"} after ${m.steps} steps${last ? `: test accuracy ${last.accuracy.toFixed(3)}, test loss ${fmt(last.loss)}` : ""}`;
    $<HTMLButtonElement>("train-stop").disabled = true;
  } else if (m.type === "error") {
    T.error = m.message;
    T.done = true;
    T.status = `error: ${m.message}`;
  }
  drawTraining();
};
worker.onerror = (e) => {
  T.error = e.message;
  T.status = `worker error: ${e.message}`;
  drawTraining();
};

// ---------------------------------------------------------------- wiring

buildOptimizerTable();
fillFunctionSelects();
fillTrainOptimizers();
setUpThreads();
let pending = 0;
const schedule = () => {
  clearTimeout(pending);
  pending = window.setTimeout(runLandscape, 120);
};
$("landscape-controls").addEventListener("input", schedule);
$("landscape-controls").addEventListener("change", (e) => {
  const target = e.target as HTMLElement;
  if (target.id === "fn") onFunctionChange();
  if (target.id === "start")
    setStart(testFunction($<HTMLSelectElement>("fn").value).starts[Number((target as HTMLSelectElement).value)]);
  schedule();
});
$("track-opt").addEventListener("change", () => {
  watched = $<HTMLSelectElement>("track-opt").value;
  drawState();
});
$("state-step").addEventListener("input", drawState);
$("run").addEventListener("click", () => runLandscape());
$("train-start").addEventListener("click", startTraining);
$("train-stop").addEventListener("click", () => worker.postMessage({ type: "stop" }));
runLandscape();
drawTraining();
pub.ready = true;
