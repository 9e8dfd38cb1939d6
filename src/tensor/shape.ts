/** Shapes: arrays of non-negative integer dimensions, row-major. */
export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

export function shapeStr(shape: Shape): string {
  return `[${shape.join(",")}]`;
}

export function sameShape(a: Shape, b: Shape): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Throws unless every dimension is a non-negative integer. */
export function checkShape(op: string, shape: Shape): void {
  if (!Array.isArray(shape)) throw new TypeError(`${op}: shape must be an array of dimensions, got ${String(shape)}`);
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0)
      throw new RangeError(`${op}: dimensions must be non-negative integers, got ${shapeStr(shape)}`);
  }
}

/** Resolves a possibly negative axis against a rank; throws naming the op when out of range. */
export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new RangeError(`${op}: axis ${axis} is out of range for a tensor of rank ${rank}`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** A shape viewed as [outer, len, inner] around one axis: how every axis kernel sees it. */
export function splitAt(shape: Shape, axis: number): { outer: number; len: number; inner: number } {
  return { outer: sizeOf(shape.slice(0, axis)), len: shape[axis], inner: sizeOf(shape.slice(axis + 1)) };
}

/**
 * How `small` broadcasts to `big`: left-pad `small` with ones, then the dimensions where they
 * differ (small has 1) must form one contiguous block. Returns big as [outer, len, inner] with
 * that block as len, or null when the shapes do not broadcast that way.
 */
export function broadcastBlock(small: Shape, big: Shape): { outer: number; len: number; inner: number } | null {
  if (small.length > big.length) return null;
  const padded = [...Array(big.length - small.length).fill(1), ...small];
  let first = -1,
    last = -1;
  for (let i = 0; i < big.length; i++) {
    if (padded[i] === big[i]) continue;
    if (padded[i] !== 1) return null;
    if (first < 0) first = i;
    else if (last !== i - 1) {
      // a second block is allowed only if everything between is 1 in big as well
      for (let j = last + 1; j < i; j++) if (big[j] !== 1) return null;
    }
    last = i;
  }
  if (first < 0) return { outer: sizeOf(big), len: 1, inner: 1 };
  return {
    outer: sizeOf(big.slice(0, first)),
    len: sizeOf(big.slice(first, last + 1)),
    inner: sizeOf(big.slice(last + 1)),
  };
}

/** The shape two operands broadcast to, or null. */
export function broadcastShapes(a: Shape, b: Shape): Shape | null {
  if (broadcastBlock(b, a)) return a;
  if (broadcastBlock(a, b)) return b;
  return null;
}
