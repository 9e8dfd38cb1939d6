/**
 * Series colours: the Okabe–Ito palette (Okabe & Ito 2008, "Color Universal Design"), which stays
 * distinguishable under the common colour-vision deficiencies. Ordered for a white background
 * (the pale yellow last). Past eight series the colours repeat with a different dash pattern, so
 * every series still differs from every other.
 */
const OKABE_ITO = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"];
const DASHES = [undefined, "6 3", "2 2", "8 3 2 3"];

export interface SeriesStyle { color: string; dash?: string }

export function seriesStyle(index: number): SeriesStyle {
  if (!Number.isInteger(index) || index < 0) throw new RangeError(`seriesStyle: index must be a non-negative integer, got ${index}`);
  const n = OKABE_ITO.length;
  return { color: OKABE_ITO[index % n], dash: DASHES[Math.floor(index / n) % DASHES.length] };
}

/** A grey ramp for contour levels: t = 0 (lowest level) dark, t = 1 light, so trajectories in colour stand out. */
export function levelGrey(t: number): string {
  const v = Math.round(40 + 150 * Math.min(1, Math.max(0, t)));
  const h = v.toString(16).padStart(2, "0");
  return `#${h}${h}${h}`;
}
