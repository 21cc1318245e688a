import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { sub } from "./sub.js";
import { square } from "./square.js";

/**
 * Elementwise hyperbolic tangent.
 *
 * VJP g·(1 − y²), JVP ẋ·(1 − y²) with y = tanh x (the node itself).
 */
export function tanh(x: TensorLike): Tensor {
  return makeNode("tanh", [toTensor("tanh", "x", x)]);
}

/** The derivative factor dtanh/dx as a graph, from the input x and the output y. */
function derivative(_x: Tensor, y: Tensor): Tensor {
  return sub(1, square(y));
}

registerOp({
  name: "tanh",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.tanh(x[i] as number);
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
