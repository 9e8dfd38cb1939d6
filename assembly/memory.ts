/** First byte the host may use: everything below holds the module's static data. */
export function heapBase(): usize {
  return __heap_base;
}
