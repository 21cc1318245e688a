import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { neg } from "./neg.js";
import { sin } from "./sin.js";

/**
 * Elementwise cosine.
 *
 * VJP −g·sin x, JVP −ẋ·sin x.
 */
export function cos(x: TensorLike): Tensor {
  return makeNode("cos", [toTensor("cos", "x", x)]);
}

/** The derivative factor dcos/dx as a graph, from the input x and the output y. */
function derivative(x: Tensor, _y: Tensor): Tensor {
  return neg(sin(x));
}

registerOp({
  name: "cos",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.cos(x[i] as number);
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});
