// Elementwise kernels in GB/s (bytes read + written), next to a plain copy of the same element
// count in the same run: memory-bound kernels should sit near the copy; exp, with its polynomial,
// shows where arithmetic starts to count.
import { Binary, Unary } from "../src/wasm/abi.ts";
import { f32View, heap, kernels } from "../src/wasm/module.ts";
import { bench, copyBuffers } from "./kernels.ts";
import { measure, pct, rate, rateFields, spread, text, timingOptions, type Row, type Suite } from "./lib.ts";

interface Kernel {
  name: string;
  bytesPerElement: number;
  run(out: number, a: number, b: number, n: number): void;
}

const KERNELS: Kernel[] = [
  // In the benchmark build's own memory (bench/kernels.ts), over buffers of the same size.
  {
    name: "copy (memory.copy)",
    bytesPerElement: 8,
    run: (_out, _a, _b, n) => {
      const [dst, src] = copyBuffers(4 * n);
      bench.copyBytes(dst, src, 4 * n);
    },
  },
  { name: "add  out = a + b", bytesPerElement: 12, run: (out, a, b, n) => kernels.binary(Binary.Add, out, a, b, n) },
  { name: "exp  out = exp(a)", bytesPerElement: 8, run: (out, a, _b, n) => kernels.unary(Unary.Exp, out, a, n, 0) },
  { name: "relu out = max(a, 0)", bytesPerElement: 8, run: (out, a, _b, n) => kernels.unary(Unary.Relu, out, a, n, 0) },
  // y += αx with α = 0: the values stay put however many times it runs.
  { name: "axpy y += α·x", bytesPerElement: 12, run: (out, a, _b, n) => kernels.axpy(out, 0, a, n) },
];

export const elementwiseSuite: Suite = {
  name: "elementwise",
  about: "add, exp, relu, axpy in GB/s next to a plain copy",
  async run(opts) {
    const timing = timingOptions(opts);
    const rows: Row[] = [];
    for (const n of [1e6, 1e7]) {
      const a = heap.alloc(4 * n),
        b = heap.alloc(4 * n),
        out = heap.alloc(4 * n);
      try {
        const va = f32View(a, n);
        for (let i = 0; i < n; i++) va[i] = ((i % 97) - 48) / 16;
        f32View(b, n).fill(0.5);
        f32View(out, n).fill(0);
        let copy = 0;
        for (const k of KERNELS) {
          const r = rate(
            measure(() => k.run(out, a, b, n), timing),
            k.bytesPerElement * n,
          );
          if (copy === 0) copy = r.median;
          rows.push({
            n: n.toExponential(0),
            kernel: k.name,
            bytesPerElement: k.bytesPerElement,
            ...rateFields("gbs", r, 1e9),
            ofCopy: r.median / copy,
            elementsPerNs: r.median / k.bytesPerElement / 1e9,
          });
        }
      } finally {
        heap.release(a);
        heap.release(b);
        heap.release(out);
      }
    }
    return {
      title: "Elementwise kernels, GB/s (bytes read + written) median (min–max)",
      columns: [
        text("n", "n"),
        text("kernel", "kernel"),
        text("B/elem", "bytesPerElement"),
        spread("GB/s", "gbs"),
        pct("of copy", "ofCopy"),
      ],
      rows,
      notes: [
        "copy moves 8 bytes an element (4 read, 4 written); add and axpy 12; exp and relu 8",
        "1e6 elements: 4 MB an array, cache-resident; 1e7: 40 MB an array, DRAM",
      ],
    };
  },
};
