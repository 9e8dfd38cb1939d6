/**
 * The tape: every recorded op leaves a Node on its output, pointing back at its inputs.
 * An op is declared once, with its forward and its derivative rule side by side (defineOp);
 * the backward pass only looks rules up here and never knows op names.
 */
import type { Tensor, Rule } from "../tensor/tensor.ts";
import { shapeStr } from "../tensor/shape.ts";

// The tape's types live beside the Tensor that holds its node, so the two modules do not import each other.
export type { Node, Rule, RuleContext } from "../tensor/tensor.ts";

/** A differentiable op as callers see it: inputs, then the op's own parameters. */
export type Op<P> = (inputs: Tensor[], params: P) => Tensor;

let recording = true;

/** Runs fn with recording switched on or off: the backward pass records only to build a graph of the gradient. */
export function withRecording<T>(on: boolean, fn: () => T): T {
  const before = recording;
  recording = on;
  try {
    return fn();
  } finally {
    recording = before;
  }
}

/**
 * Declares a differentiable op. `forward` validates and computes the output from live inputs;
 * the result records a Node when any input carries a gradient.
 */
export function defineOp<P = undefined>(
  name: string,
  forward: (inputs: Tensor[], params: P) => Tensor,
  rule: Rule<P>,
): Op<P> {
  return (inputs, params) => {
    for (let i = 0; i < inputs.length; i++) {
      if (inputs[i].freed) throw new Error(`${name}: input ${i} of shape ${shapeStr(inputs[i].shape)} was freed`);
    }
    const out = forward(inputs, params);
    if (recording && inputs.some((t) => t.requiresGrad)) out.node = { name, inputs, params, rule };
    return out;
  };
}
