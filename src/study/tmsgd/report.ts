/** The tm-sgd report's parts for the added tasks: their names, and the GAN's own table and curve. */
import { lineChart } from "../../report/svg/lineChart.ts";
import type { Table } from "../../report/table.ts";
import type { StudyReport } from "../study.ts";
import { numberOrStat } from "../common/seeds.ts";
import { RING, type GanEpoch } from "./gan.ts";

export const TASK_LABELS: Record<string, string> = {
  cnn: "Image task: CNN on MNIST",
  text: "Text task: LSTM over token embeddings on generated sentences",
  ctr: "Click-through task: field embeddings + MLP on generated Avazu-like data",
  gan: "GAN task: generator and discriminator MLPs on a 2-D mixture of Gaussians",
};

interface GanRun {
  lr: number;
  diverged: string | null;
  gan?: GanEpoch[];
  ganBefore?: number;
}
interface GanGroup<S> {
  key: string;
  spec: S;
  results: GanRun[];
}

export function ganSection<S extends { id: string; switchEpoch: number | null; optimizer: string }>(
  groups: GanGroup<S>[],
  description: string,
  metrics: StudyReport["metrics"],
  nameOf: (spec: S) => string,
  label: Record<string, string>,
): StudyReport["sections"][number] {
  const last = (r: GanRun) => r.gan?.at(-1);
  const stat = (rs: GanRun[], f: (e: GanEpoch) => number) =>
    numberOrStat(
      rs.map((r) => {
        const e = last(r);
        return e ? f(e) : NaN;
      }),
    );
  const seeds = groups[0]?.results.length ?? 1;
  const table: Table & { caption: string } = {
    caption: `${TASK_LABELS.gan}: after the last epoch${seeds > 1 ? `; mean ± std over ${seeds} seeds` : ""}`,
    columns: [
      "Optimizer",
      "Switch epoch",
      "Learning rate",
      `Modes covered (of ${RING.modes})`,
      "High-quality samples",
      "Energy distance",
      "Energy distance untrained",
      "Final discriminator loss",
      "Final generator loss",
      "Diverged",
    ],
    rows: groups.map(({ spec, results: rs }) => [
      label[spec.optimizer],
      spec.switchEpoch === null ? "—" : String(spec.switchEpoch),
      [...new Set(rs.map((r) => String(Number(r.lr.toPrecision(3)))))].join(", "),
      stat(rs, (e) => e.modesCovered),
      stat(rs, (e) => e.highQuality),
      stat(rs, (e) => e.energyDistance),
      numberOrStat(rs.map((r) => r.ganBefore ?? NaN)),
      stat(rs, (e) => e.discriminatorLoss),
      stat(rs, (e) => e.generatorLoss),
      rs.some((r) => r.diverged) ? rs.map((r) => r.diverged ?? "no").join("; ") : "no",
    ]),
  };
  for (const g of groups)
    for (const e of g.results[0].gan ?? [])
      metrics.push({
        run: g.spec.id,
        step: e.epoch,
        discriminatorLoss: e.discriminatorLoss,
        generatorLoss: e.generatorLoss,
        modesCovered: e.modesCovered,
        highQuality: e.highQuality,
        energyDistance: e.energyDistance,
      });
  const chart = lineChart({
    title: "GAN: energy distance to the true mixture per epoch",
    xLabel: "epoch",
    yLabel: "energy distance",
    logY: true,
    series: groups.map((g) => ({
      name: nameOf(g.spec),
      points: (g.results[0].gan ?? []).map((e) => [e.epoch, Math.max(e.energyDistance, 1e-6)] as [number, number]),
    })),
  });
  return {
    heading: TASK_LABELS.gan,
    markdown: `${description} With --tune, each optimizer's rate is the one with the lowest energy distance after the trial. Curves: seed of the first repeat.`,
    tables: [table],
    svgs: [{ name: "tm-sgd-gan-energy", svg: chart }],
  };
}
