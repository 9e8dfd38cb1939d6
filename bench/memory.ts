// Memory bandwidth: a plain copy inside linear memory (AssemblyScript memory.copy), with the
// JavaScript engine's own typed-array copy over the same bytes as the peer.
import { heap, kernels } from "../src/wasm/module.ts";
import { measure, rate, rateFields, spread, text, timingOptions, type Row, type Suite } from "./lib.ts";

export const memorySuite: Suite = {
  name: "memory",
  about: "copy bandwidth in GB/s (bytes read + written)",
  async run(opts) {
    const timing = timingOptions(opts);
    const rows: Row[] = [];
    for (const bytes of [4e6, 4e7]) {
      const src = heap.alloc(bytes), dst = heap.alloc(bytes);
      try {
        new Uint8Array(kernels.memory.buffer, src, bytes).fill(7);
        const traffic = 2 * bytes;
        const ours = rate(measure(() => kernels.copyBytes(dst, src, bytes), timing), traffic);
        const js = rate(measure(() => {
          const buffer = kernels.memory.buffer;
          new Uint8Array(buffer, dst, bytes).set(new Uint8Array(buffer, src, bytes));
        }, timing), traffic);
        rows.push({ size: `${bytes / 1e6} MB`, bytes, ...rateFields("copy", ours, 1e9), ...rateFields("jsSet", js, 1e9) });
      } finally {
        heap.release(src); heap.release(dst);
      }
    }
    return {
      title: "Copy bandwidth, GB/s (read + write) median (min–max)",
      columns: [text("size", "size"), spread("copyBytes (memory.copy)", "copy"), spread("Uint8Array.set", "jsSet")],
      rows,
      notes: ["two 4 MB buffers fit in the L3 cache; two 40 MB ones do not, so that row is DRAM bandwidth"],
    };
  },
};
