/**
 * The playground's MNIST sample as one small binary file (dist/digits.bin), written at build time
 * from the `mnist` package and fetched by the training worker. Layout, all little-endian:
 *   "DGT1" | u32 n | u32 nTrain | n label bytes | n × 784 pixel bytes (round(255·v))
 * Rows [0, nTrain) are the training set, the rest the test set. The browser and the Node tests
 * decode the same bytes with decodeDigits, so both train on identical f32 inputs.
 */
export const DIGIT_PIXELS = 784;

export interface Digits {
  n: number;
  nTrain: number;
  /** n labels in 0..9. */
  labels: Uint8Array;
  /** n × 784 pixels, 0..255. */
  pixels: Uint8Array;
}

const MAGIC = [0x44, 0x47, 0x54, 0x31]; // "DGT1"

export function encodeDigits({ n, nTrain, labels, pixels }: Digits): Uint8Array {
  const out = new Uint8Array(12 + n + n * DIGIT_PIXELS);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, n, true);
  view.setUint32(8, nTrain, true);
  out.set(labels, 12);
  out.set(pixels, 12 + n);
  return out;
}

export function decodeDigits(bytes: Uint8Array): Digits {
  if (bytes.length < 12 || MAGIC.some((b, i) => bytes[i] !== b)) throw new Error("digits: not a DGT1 file");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = view.getUint32(4, true),
    nTrain = view.getUint32(8, true);
  if (bytes.length !== 12 + n * (1 + DIGIT_PIXELS) || nTrain > n)
    throw new Error(`digits: ${bytes.length} bytes do not hold ${n} digits (${nTrain} for training)`);
  return { n, nTrain, labels: bytes.subarray(12, 12 + n), pixels: bytes.subarray(12 + n) };
}

/** Rows `rows` of the digits as f32 features in [0, 1] and one-hot targets. */
export function digitBatch(
  d: Digits,
  rows: ArrayLike<number>,
): { x: Float32Array; onehot: Float32Array; labels: Int32Array } {
  const x = new Float32Array(rows.length * DIGIT_PIXELS);
  const onehot = new Float32Array(rows.length * 10);
  const labels = new Int32Array(rows.length);
  for (let r = 0; r < rows.length; r++) {
    const i = rows[r];
    for (let p = 0; p < DIGIT_PIXELS; p++) x[r * DIGIT_PIXELS + p] = d.pixels[i * DIGIT_PIXELS + p] / 255;
    labels[r] = d.labels[i];
    onehot[r * 10 + d.labels[i]] = 1;
  }
  return { x, onehot, labels };
}

/** One file's worth of digits from a train/test split (pixels in [0, 1]): training rows first, pixels quantized to bytes. */
export function sampleDigits(
  train: { x: Float32Array; y: ArrayLike<number>; n: number },
  test: { x: Float32Array; y: ArrayLike<number>; n: number },
): Digits {
  const n = train.n + test.n;
  const labels = new Uint8Array(n);
  const pixels = new Uint8Array(n * DIGIT_PIXELS);
  [train, test].forEach((part, k) => {
    const row0 = k === 0 ? 0 : train.n;
    for (let i = 0; i < part.n; i++) labels[row0 + i] = part.y[i];
    for (let i = 0; i < part.x.length; i++) pixels[row0 * DIGIT_PIXELS + i] = Math.round(part.x[i] * 255);
  });
  return { n, nTrain: train.n, labels, pixels };
}
