import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { greater } from "./compare.js";

/**
 * Elementwise max(x, 0).
 *
 * Subgradient: relu′(x) = 1 for x > 0 and 0 for x ≤ 0, so relu′(0) = 0 (the mask
 * `greater(x, 0)`, which has no derivative of its own). VJP g·[x > 0], JVP ẋ·[x > 0].
 */
export function relu(x: TensorLike): Tensor {
  return makeNode("relu", [toTensor("relu", "x", x)]);
}

/** The derivative factor drelu/dx as a graph, from the input x and the output y. */
function derivative(x: Tensor, _y: Tensor): Tensor {
  return greater(x, 0);
}

registerOp({
  name: "relu",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = (x[i] as number) > 0 ? (x[i] as number) : 0;
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
