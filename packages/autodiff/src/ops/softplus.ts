import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { sigmoid } from "./sigmoid.js";

/**
 * Elementwise softplus log(1 + eˣ), computed without overflow.
 *
 * VJP g·σ(x), JVP ẋ·σ(x).
 */
export function softplus(x: TensorLike): Tensor {
  return makeNode("softplus", [toTensor("softplus", "x", x)]);
}

/** The derivative factor dsoftplus/dx as a graph, from the input x and the output y. */
function derivative(x: Tensor, _y: Tensor): Tensor {
  return sigmoid(x);
}

registerOp({
  name: "softplus",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = softplusValue(x[i] as number);
  },
  vjp: (node, g) => [mul(g, derivative(node.inputs[0] as Tensor, node))],
  jvp: (node, [t]) => (t ? mul(t, derivative(node.inputs[0] as Tensor, node)) : null),
});

/** log(1 + eˣ) without overflow: max(x, 0) + log1p(e^−|x|). */
function softplusValue(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}
