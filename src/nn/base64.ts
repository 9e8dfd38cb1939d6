/** f32 arrays as base64 of their little-endian bytes: portable JSON for weights, with no Node built-ins. */

export function encodeF32(data: Float32Array): string {
  const bytes = new Uint8Array(data.length * 4);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
  let text = "";
  const CHUNK = 0x8000; // String.fromCharCode takes its arguments on the stack
  for (let i = 0; i < bytes.length; i += CHUNK) text += String.fromCharCode(...bytes.subarray(i, i + CHUNK));
  return btoa(text);
}

export function decodeF32(text: string, where: string): Float32Array {
  let binary: string;
  try {
    binary = atob(text);
  } catch {
    throw new RangeError(`${where}: the data is not valid base64`);
  }
  if (binary.length % 4 !== 0)
    throw new RangeError(`${where}: ${binary.length} bytes is not a whole number of f32 values`);
  const view = new DataView(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) view.setUint8(i, binary.charCodeAt(i));
  const out = new Float32Array(binary.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = view.getFloat32(i * 4, true);
  return out;
}
