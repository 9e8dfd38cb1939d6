/** First byte the host may use: everything below holds the module's static data. */
export function heapBase(): usize {
  return __heap_base;
}

/** dst[0..n) = src[0..n), bytes; the regions may overlap. The bench's memory-bandwidth probe. */
export function copyBytes(dst: usize, src: usize, n: usize): void {
  memory.copy(dst, src, n);
}
