import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";

/**
 * Elementwise x².
 *
 * VJP 2g·x, JVP 2ẋ·x.
 */
export function square(x: TensorLike): Tensor {
  return makeNode("square", [toTensor("square", "x", x)]);
}

/** The derivative factor dsquare/dx as a graph, from the input x and the output y. */
function derivative(x: Tensor, _y: Tensor): Tensor {
  return mul(x, 2);
}

registerOp({
  name: "square",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = (x[i] as number) * (x[i] as number);
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
