/**
 * The backward pass: order the recorded graph below the root, walk it in reverse, apply each
 * node's rule, and accumulate gradients with `add` (so fan-out needs no special case).
 * With createGraph, the rules record too, and the gradient can be differentiated again.
 */
import type { Tensor } from "../tensor/tensor.ts";
import { sameShape, shapeStr } from "../tensor/shape.ts";
import { ones } from "../tensor/create.ts";
import { withRecording } from "./node.ts";
import { add } from "./ops/arith.ts";

/** Tensors that carry a node, inputs before outputs. */
function topologicalOrder(root: Tensor): Tensor[] {
  const order: Tensor[] = [];
  const visited = new Set<Tensor>();
  const stack: { t: Tensor; next: number }[] = [{ t: root, next: 0 }];
  visited.add(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const inputs = top.t.node?.inputs ?? [];
    if (top.next < inputs.length) {
      const x = inputs[top.next++];
      if (x.node && !visited.has(x)) {
        visited.add(x);
        stack.push({ t: x, next: 0 });
      }
    } else {
      stack.pop();
      if (top.t.node) order.push(top.t);
    }
  }
  return order;
}

export interface BackwardOptions {
  createGraph?: boolean;
  seed?: Tensor;
}

/** ∂root/∂w for each w in wrt; null where root does not depend on w. */
export function backward(
  root: Tensor,
  wrt: readonly Tensor[],
  { createGraph = false, seed }: BackwardOptions = {},
): (Tensor | null)[] {
  const grads = new Map<Tensor, Tensor>([[root, seed ?? ones(root.shape)]]);
  const order = topologicalOrder(root);
  withRecording(createGraph, () => {
    for (let i = order.length - 1; i >= 0; i--) {
      const out = order[i];
      const g = grads.get(out);
      const node = out.node;
      if (!g || !node) continue;
      const needs = node.inputs.map((x) => x.requiresGrad);
      const gins = node.rule(g, { inputs: node.inputs, out, params: node.params, needs });
      node.inputs.forEach((x, k) => {
        const gx = gins[k];
        if (!gx || !needs[k]) return;
        if (!sameShape(gx.shape, x.shape)) {
          throw new Error(
            `backward: the ${node.name} rule gave a gradient of shape ${shapeStr(gx.shape)} for an input of shape ${shapeStr(x.shape)}`,
          );
        }
        const prev = grads.get(x);
        grads.set(x, prev ? add(prev, gx) : gx);
      });
    }
  });
  return wrt.map((w) => grads.get(w) ?? null);
}
