// The memory-bandwidth yardstick of the benchmarks (benchmark build only: assembly/bench.ts).

/** dst[0..n) = src[0..n), bytes; the regions may overlap. The benchmarks' memory-bandwidth probe. */
export function copyBytes(dst: usize, src: usize, n: usize): void {
  memory.copy(dst, src, n);
}
