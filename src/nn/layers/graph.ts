/**
 * Graph convolution (Kipf & Welling 2017, "Semi-supervised classification with graph
 * convolutional networks"): H' = Â·H·W + b, with Â = D^-1/2 (A+I) D^-1/2 given densely in the
 * forward context (one graph, full batch: the rows of H are the graph's nodes).
 */
import { tensor, type Tensor } from "../../tensor/tensor.ts";
import { shapeStr } from "../../tensor/shape.ts";
import { add, matmul } from "../ops.ts";
import type { Builder, Slot } from "../parameters.ts";
import { checkInit, type Init } from "../init.ts";
import { checkCount, expectShape, type ForwardContext, type Layer, type LayerConfig } from "../layer.ts";

/** Â = D^-1/2 (A+I) D^-1/2 from a dense adjacency A [V, V] (row-major, symmetric), computed in f64. */
export function normalizeAdjacency(a: ArrayLike<number>, nodes: number): Tensor {
  if (a.length !== nodes * nodes)
    throw new RangeError(`normalizeAdjacency: ${a.length} values for ${nodes} nodes (expected ${nodes * nodes})`);
  const degree = new Float64Array(nodes);
  const at = (i: number, j: number) => a[i * nodes + j] + (i === j ? 1 : 0);
  for (let i = 0; i < nodes; i++) for (let j = 0; j < nodes; j++) degree[i] += at(i, j);
  const out = new Float32Array(nodes * nodes);
  for (let i = 0; i < nodes; i++)
    for (let j = 0; j < nodes; j++) {
      const d = degree[i] * degree[j];
      out[i * nodes + j] = d > 0 ? at(i, j) / Math.sqrt(d) : 0;
    }
  return tensor(out, [nodes, nodes]);
}

export class GraphConv implements Layer {
  readonly bias: boolean;
  readonly init: Init;
  private w: Slot | null = null;
  private b: Slot | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    { bias = true, init = "glorotUniform" }: { bias?: boolean; init?: Init } = {},
  ) {
    checkCount("GraphConv", "inFeatures", inFeatures);
    checkCount("GraphConv", "outFeatures", outFeatures);
    this.bias = bias;
    checkInit(init, "GraphConv");
    this.init = init;
  }

  declare(b: Builder): void {
    const owner = String(this);
    this.w = b.param("weight", [this.inFeatures, this.outFeatures], {
      init: this.init,
      fans: { fanIn: this.inFeatures, fanOut: this.outFeatures },
      decay: true,
      owner,
    });
    this.b = this.bias ? b.param("bias", [this.outFeatures], { init: "zeros", decay: false, owner }) : null;
  }

  forward(x: Tensor, { adjacency }: ForwardContext): Tensor {
    expectShape(this, x, [null, this.inFeatures], "[nodes, features]");
    const v = x.shape[0];
    if (!adjacency)
      throw new Error(`${this}: the forward context needs the normalized adjacency (adjacency: [${v},${v}])`);
    if (adjacency.rank !== 2 || adjacency.shape[0] !== v || adjacency.shape[1] !== v) {
      throw new RangeError(
        `${this}: adjacency has shape ${shapeStr(adjacency.shape)}, expected [${v},${v}] for ${v} nodes`,
      );
    }
    // (Â·X)·W or Â·(X·W): the same product; X·W first keeps the V×V product on the narrower side when out < in.
    const y =
      this.outFeatures <= this.inFeatures
        ? matmul(adjacency, matmul(x, this.w!.tensor))
        : matmul(matmul(adjacency, x), this.w!.tensor);
    return this.b ? add(y, this.b.tensor) : y;
  }

  toConfig(): LayerConfig {
    return {
      type: "graphConv",
      inFeatures: this.inFeatures,
      outFeatures: this.outFeatures,
      bias: this.bias,
      init: this.init,
    };
  }
  static fromConfig(c: LayerConfig): GraphConv {
    return new GraphConv(c.inFeatures as number, c.outFeatures as number, {
      bias: c.bias as boolean,
      init: c.init as Init,
    });
  }
  toString(): string {
    return `GraphConv(${this.inFeatures}→${this.outFeatures})`;
  }
}
