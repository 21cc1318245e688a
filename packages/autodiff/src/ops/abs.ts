import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { sign } from "./sign.js";

/**
 * Elementwise |x|.
 *
 * Subgradient: abs′(x) = sign(x), so abs′(0) = 0. VJP g·sign(x), JVP ẋ·sign(x).
 */
export function abs(x: TensorLike): Tensor {
  return makeNode("abs", [toTensor("abs", "x", x)]);
}

/** The derivative factor dabs/dx as a graph, from the input x and the output y. */
function derivative(x: Tensor, _y: Tensor): Tensor {
  return sign(x);
}

registerOp({
  name: "abs",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.abs(x[i] as number);
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
