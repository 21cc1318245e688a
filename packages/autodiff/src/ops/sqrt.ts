import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { div } from "./div.js";

/**
 * Elementwise square root (NaN for x < 0).
 *
 * VJP g/(2y), JVP ẋ/(2y) with y = √x (the node itself); infinite at 0.
 */
export function sqrt(x: TensorLike): Tensor {
  return makeNode("sqrt", [toTensor("sqrt", "x", x)]);
}

/** The derivative factor dsqrt/dx as a graph, from the input x and the output y. */
function derivative(_x: Tensor, y: Tensor): Tensor {
  return div(0.5, y);
}

registerOp({
  name: "sqrt",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(x[i] as number);
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
