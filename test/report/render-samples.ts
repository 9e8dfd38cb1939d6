/**
 * Writes sample charts as SVG to a directory so a person can look at them
 * (`npx tsx test/report/render-samples.ts /tmp/out`, then e.g. `rsvg-convert -o x.png x.svg`).
 * Not a test: vitest only runs *.test.ts.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { lineChart } from "../../src/report/svg/lineChart.ts";
import { contourPlot } from "../../src/report/svg/contourPlot.ts";
import { densityPlot, gaussianKde, histogramDensity } from "../../src/report/svg/density.ts";
import { Random } from "../../src/random.ts";

const rosenbrock = (x: number, y: number) => (1 - x) ** 2 + 100 * (y - x * x) ** 2;
const grad = (x: number, y: number): [number, number] => [-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)];

/** Plain gradient descent and heavy-ball momentum on Rosenbrock, the sample trajectories. */
function descend(lr: number, momentum: number, steps: number): [number, number][] {
  let x = -1.5,
    y = 2,
    vx = 0,
    vy = 0;
  const pts: [number, number][] = [[x, y]];
  for (let k = 0; k < steps; k++) {
    const [gx, gy] = grad(x, y);
    vx = momentum * vx - lr * gx;
    vy = momentum * vy - lr * gy;
    x += vx;
    y += vy;
    pts.push([x, y]);
  }
  return pts;
}

export function samples(): Record<string, string> {
  const rng = new Random(7);
  const epochs = Array.from({ length: 60 }, (_, i) => i);
  const curve = (rate: number, floor: number, noise: number) =>
    epochs.map((e): [number, number] => [e, floor + 2.3 * Math.exp(-rate * e) * (1 + noise * rng.normal())]);
  const diverged = epochs.map((e): [number, number] => [e, e < 23 ? 2.3 * Math.exp(0.08 * e) : NaN]);
  const eig = [...Array.from({ length: 2000 }, () => rng.normal() * 0.3 + 0.2), ...[4.1, 5.2, 7.8]];
  return {
    "line.svg": lineChart({
      title: "Training loss, MLP on MNIST",
      xLabel: "epoch",
      yLabel: "cross-entropy loss",
      logY: true,
      series: [
        { name: "SGD lr=0.1", points: curve(0.05, 0.02, 0.05) },
        { name: "SGD + momentum 0.9", points: curve(0.12, 0.01, 0.05) },
        { name: "Adam lr=1e-3", points: curve(0.2, 0.005, 0.08) },
        { name: "Adam lr=1 (diverged)", points: diverged },
      ],
    }),
    "contour.svg": contourPlot({
      title: "Rosenbrock: gradient descent vs momentum",
      f: rosenbrock,
      xRange: [-2, 2],
      yRange: [-1, 3],
      minimum: [1, 1],
      trajectories: [
        { name: "GD lr=1e-3", points: descend(1e-3, 0, 800) },
        { name: "momentum 0.9", points: descend(2e-4, 0.9, 4000) },
        {
          name: "GD lr=2.5e-3 (diverged)",
          points: descend(2.5e-3, 0, 40).map(([x, y]) => [Math.abs(x) > 1e6 ? NaN : x, y]),
        },
      ],
    }),
    "density.svg": densityPlot({
      title: "Hessian spectrum",
      xLabel: "eigenvalue",
      series: [
        { name: "KDE", points: gaussianKde(eig) },
        { name: "histogram", points: histogramDensity(eig, { bins: 60 }) },
      ],
    }),
    "density-log.svg": densityPlot({
      title: "Hessian spectrum (log density)",
      xLabel: "eigenvalue",
      logY: true,
      series: [{ name: "KDE", points: gaussianKde(eig) }],
    }),
  };
}

if (process.argv[1]?.endsWith("render-samples.ts")) {
  const dir = process.argv[2] ?? "report-samples";
  mkdirSync(dir, { recursive: true });
  for (const [name, svg] of Object.entries(samples())) writeFileSync(join(dir, name), svg);
}
