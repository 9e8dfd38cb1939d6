/**
 * Contour lines by marching squares (Lorensen & Cline's marching cubes in two dimensions):
 * every grid cell whose corners straddle the level gets one or two segments, placed on the cell's
 * edges by linear interpolation; segments sharing an edge crossing are then joined into polylines.
 */

export interface Contour {
  /** Points in grid coordinates: (i, j) is the node values[j * nx + i]; crossings fall between nodes. */
  points: [number, number][];
  /** True when the line returns to its start (a loop); open lines end at the grid border or at a cell left out. */
  closed: boolean;
}

/**
 * The contour lines of `level` over a grid of nx × ny node values (row-major, row j holds y index j).
 * A node counts as "above" when value >= level. Cells with a non-finite corner are left out.
 * Saddle cells (diagonal corners alike) are split by the cell's mean value.
 */
export function marchingSquares(values: ArrayLike<number>, nx: number, ny: number, level: number): Contour[] {
  if (!Number.isInteger(nx) || !Number.isInteger(ny) || nx < 2 || ny < 2)
    throw new RangeError(`marchingSquares: need integer nx, ny >= 2, got ${nx} x ${ny}`);
  if (values.length !== nx * ny)
    throw new RangeError(`marchingSquares: ${values.length} values for a ${nx} x ${ny} grid (expected ${nx * ny})`);
  if (!Number.isFinite(level)) throw new RangeError(`marchingSquares: level must be finite, got ${level}`);

  // Each edge crossing gets an id: horizontal edge (i,j)-(i+1,j) -> j*(nx-1)+i, vertical (i,j)-(i,j+1) -> H + j*nx+i.
  const H = ny * (nx - 1);
  const position = new Map<number, [number, number]>();
  const links = new Map<number, number[]>();
  const crossing = (id: number, i0: number, j0: number, v0: number, i1: number, j1: number, v1: number): number => {
    if (!position.has(id)) {
      const t = (level - v0) / (v1 - v0);
      position.set(id, [i0 + t * (i1 - i0), j0 + t * (j1 - j0)]);
    }
    return id;
  };
  const link = (a: number, b: number) => {
    (links.get(a) ?? links.set(a, []).get(a)!).push(b);
    (links.get(b) ?? links.set(b, []).get(b)!).push(a);
  };

  for (let j = 0; j + 1 < ny; j++) {
    for (let i = 0; i + 1 < nx; i++) {
      const a = values[j * nx + i],
        b = values[j * nx + i + 1];
      const c = values[(j + 1) * nx + i + 1],
        d = values[(j + 1) * nx + i];
      if (!Number.isFinite(a) || !Number.isFinite(b) || !Number.isFinite(c) || !Number.isFinite(d)) continue;
      const A = a >= level,
        B = b >= level,
        C = c >= level,
        D = d >= level;
      // The edges this cell's corners straddle, walking a -> b -> c -> d around the cell.
      const bottom = A !== B ? crossing(j * (nx - 1) + i, i, j, a, i + 1, j, b) : -1;
      const right = B !== C ? crossing(H + j * nx + i + 1, i + 1, j, b, i + 1, j + 1, c) : -1;
      const top = D !== C ? crossing((j + 1) * (nx - 1) + i, i, j + 1, d, i + 1, j + 1, c) : -1;
      const left = A !== D ? crossing(H + j * nx + i, i, j, a, i, j + 1, d) : -1;
      const crossed = [bottom, right, top, left].filter((e) => e >= 0);
      if (crossed.length === 2) link(crossed[0], crossed[1]);
      else if (crossed.length === 4) {
        // Saddle: a and c alike, b and d alike. If the centre sides with a, the a-c diagonal is
        // connected and the b and d corners are cut off; otherwise a and c are.
        const centreAbove = (a + b + c + d) / 4 >= level;
        if (centreAbove === A) {
          link(bottom, right);
          link(top, left);
        } else {
          link(bottom, left);
          link(right, top);
        }
      }
    }
  }
  return joinSegments(links, position);
}

/** Walk the segment graph (every crossing has one or two neighbours) into polylines. */
function joinSegments(links: Map<number, number[]>, position: Map<number, [number, number]>): Contour[] {
  const seen = new Set<number>();
  const contours: Contour[] = [];
  const walk = (start: number): number[] => {
    const chain = [start];
    seen.add(start);
    let prev = -1,
      cur = start;
    for (;;) {
      const next = links.get(cur)!.find((n) => n !== prev && !seen.has(n));
      if (next === undefined) return chain;
      seen.add(next);
      chain.push(next);
      prev = cur;
      cur = next;
    }
  };
  // Open lines first, from one of their ends, so no open line is started in its middle.
  for (const [id, ns] of links)
    if (ns.length === 1 && !seen.has(id))
      contours.push({ points: walk(id).map((k) => position.get(k)!), closed: false });
  for (const id of links.keys())
    if (!seen.has(id)) contours.push({ points: walk(id).map((k) => position.get(k)!), closed: true });
  return contours;
}
