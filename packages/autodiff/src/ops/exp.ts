import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";

/**
 * Elementwise eˣ.
 *
 * VJP g·y, JVP ẋ·y (y = eˣ, the node itself).
 */
export function exp(x: TensorLike): Tensor {
  return makeNode("exp", [toTensor("exp", "x", x)]);
}

/** The derivative factor dexp/dx as a graph, from the input x and the output y. */
function derivative(_x: Tensor, y: Tensor): Tensor {
  return y;
}

registerOp({
  name: "exp",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.exp(x[i] as number);
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
