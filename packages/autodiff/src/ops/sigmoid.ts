import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { sub } from "./sub.js";

/**
 * Elementwise logistic sigmoid σ(x) = 1/(1 + e⁻ˣ).
 *
 * VJP g·y(1 − y), JVP ẋ·y(1 − y) with y = σ(x) (the node itself).
 */
export function sigmoid(x: TensorLike): Tensor {
  return makeNode("sigmoid", [toTensor("sigmoid", "x", x)]);
}

/** The derivative factor dsigmoid/dx as a graph, from the input x and the output y. */
function derivative(_x: Tensor, y: Tensor): Tensor {
  return mul(y, sub(1, y));
}

registerOp({
  name: "sigmoid",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = 1 / (1 + Math.exp(-(x[i] as number)));
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
