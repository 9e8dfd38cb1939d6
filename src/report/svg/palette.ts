/**
 * Series styles: a colour, a dash pattern and a marker shape, each cycling on its own (7, 8 and 6
 * long), so no two of the first 56 series share colour and dash. Lines that coincide exactly (Momentum and
 * Nesterov, Adam and AMSGrad early in training) stay distinguishable: the later one is dashed over
 * the earlier, and their hollow markers differ in shape.
 * Colours: the Okabe–Ito hues (Okabe & Ito 2008, "Color Universal Design"), distinguishable under
 * the common colour-vision deficiencies; its yellow is left out and its orange and sky blue
 * darkened, so every colour has at least WCAG's 3:1 contrast for graphics on white.
 */
export const COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#000000", "#A66E00", "#2A88C0"];
/** Only the first series is solid: a later line over it, even one exactly on top, shows both through its gaps. */
const DASHES = ["7 3", "2 2", "9 3 2 3", "4 4", "1 3", "12 4", "5 2 1 2", "3 2 3 6"];
export const MARKERS = ["circle", "square", "triangle", "diamond", "triangle-down", "plus"] as const;
export type Marker = (typeof MARKERS)[number];

export interface SeriesStyle {
  color: string;
  dash?: string;
  marker?: Marker;
}

export function seriesStyle(index: number): SeriesStyle {
  if (!Number.isInteger(index) || index < 0)
    throw new RangeError(`seriesStyle: index must be a non-negative integer, got ${index}`);
  return {
    color: COLOURS[index % COLOURS.length],
    dash: index === 0 ? undefined : DASHES[(index - 1) % DASHES.length],
    marker: MARKERS[index % MARKERS.length],
  };
}

/** The path of a hollow marker of radius r centred on (x, y). */
export function markerPath(shape: Marker, x: number, y: number, r = 3.5): string {
  const p = (a: number, b: number) => `${Math.round(a * 100) / 100} ${Math.round(b * 100) / 100}`;
  switch (shape) {
    case "circle":
      return `M${p(x - r, y)}A${r} ${r} 0 1 0 ${p(x + r, y)}A${r} ${r} 0 1 0 ${p(x - r, y)}Z`;
    case "square":
      return `M${p(x - r, y - r)}L${p(x + r, y - r)}L${p(x + r, y + r)}L${p(x - r, y + r)}Z`;
    case "triangle":
      return `M${p(x, y - r * 1.2)}L${p(x + r * 1.1, y + r * 0.8)}L${p(x - r * 1.1, y + r * 0.8)}Z`;
    case "triangle-down":
      return `M${p(x, y + r * 1.2)}L${p(x + r * 1.1, y - r * 0.8)}L${p(x - r * 1.1, y - r * 0.8)}Z`;
    case "diamond":
      return `M${p(x, y - r * 1.3)}L${p(x + r * 1.3, y)}L${p(x, y + r * 1.3)}L${p(x - r * 1.3, y)}Z`;
    case "plus":
      return `M${p(x - r * 1.2, y)}L${p(x + r * 1.2, y)}M${p(x, y - r * 1.2)}L${p(x, y + r * 1.2)}`;
  }
}

/** A grey ramp for contour levels: t = 0 (lowest level) dark, t = 1 light, so trajectories in colour stand out. */
export function levelGrey(t: number): string {
  const v = Math.round(40 + 150 * Math.min(1, Math.max(0, t)));
  const h = v.toString(16).padStart(2, "0");
  return `#${h}${h}${h}`;
}
