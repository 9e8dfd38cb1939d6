/**
 * CRC-32C (Castagnoli, Koopman & Ishai 1993), the checksum of TFRecord framing: reflected
 * polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF. Check value: "123456789" -> 0xE3069283.
 */

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** The CRC-32C of bytes[start, end) as an unsigned 32-bit integer. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * TFRecord (like LevelDB) stores CRCs masked, rotated right by 15 and offset, because a CRC of
 * data that itself contains CRCs is weak.
 */
export function maskCrc(crc: number): number {
  return (((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0;
}
