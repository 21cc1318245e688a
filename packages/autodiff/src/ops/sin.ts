import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { cos } from "./cos.js";

/**
 * Elementwise sine.
 *
 * VJP g·cos x, JVP ẋ·cos x.
 */
export function sin(x: TensorLike): Tensor {
  return makeNode("sin", [toTensor("sin", "x", x)]);
}

/** The derivative factor dsin/dx as a graph, from the input x and the output y. */
function derivative(x: Tensor, _y: Tensor): Tensor {
  return cos(x);
}

registerOp({
  name: "sin",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.sin(x[i] as number);
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
