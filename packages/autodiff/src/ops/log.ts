import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { div } from "./div.js";

function reciprocal(x: Tensor): Tensor {
  return div(1, x);
}

/**
 * Elementwise natural logarithm (NaN for x < 0, −∞ at 0).
 *
 * VJP g/x, JVP ẋ/x.
 */
export function log(x: TensorLike): Tensor {
  return makeNode("log", [toTensor("log", "x", x)]);
}

/** The derivative factor dlog/dx as a graph, from the input x and the output y. */
function derivative(x: Tensor, y: Tensor): Tensor {
  return reciprocal(x);
}

registerOp({
  name: "log",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.log(x[i] as number);
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
