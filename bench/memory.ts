// Memory bandwidth: a plain copy inside linear memory (AssemblyScript memory.copy, in the benchmark
// build's memory), with the JavaScript engine's own typed-array copy over the same bytes as the peer.
import { bench, copyBuffers } from "./kernels.ts";
import { measure, rate, rateFields, spread, text, timingOptions, type Row, type Suite } from "./lib.ts";

export const memorySuite: Suite = {
  name: "memory",
  about: "copy bandwidth in GB/s (bytes read + written)",
  async run(opts) {
    const timing = timingOptions(opts);
    const rows: Row[] = [];
    for (const bytes of [4e6, 4e7]) {
      const [dst, src] = copyBuffers(bytes);
      const traffic = 2 * bytes;
      const ours = rate(
        measure(() => bench.copyBytes(dst, src, bytes), timing),
        traffic,
      );
      const js = rate(
        measure(() => {
          const buffer = bench.memory.buffer;
          new Uint8Array(buffer, dst, bytes).set(new Uint8Array(buffer, src, bytes));
        }, timing),
        traffic,
      );
      rows.push({
        size: `${bytes / 1e6} MB`,
        bytes,
        ...rateFields("copy", ours, 1e9),
        ...rateFields("jsSet", js, 1e9),
      });
    }
    return {
      title: "Copy bandwidth, GB/s (read + write) median (min–max)",
      columns: [text("size", "size"), spread("copyBytes (memory.copy)", "copy"), spread("Uint8Array.set", "jsSet")],
      rows,
      notes: ["two 4 MB buffers fit in the L3 cache; two 40 MB ones do not, so that row is DRAM bandwidth"],
    };
  },
};
