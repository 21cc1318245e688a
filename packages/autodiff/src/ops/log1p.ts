import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { div } from "./div.js";
import { add } from "./add.js";

/**
 * Elementwise log(1 + x), accurate for small x.
 *
 * VJP g/(1 + x), JVP ẋ/(1 + x).
 */
export function log1p(x: TensorLike): Tensor {
  return makeNode("log1p", [toTensor("log1p", "x", x)]);
}

registerOp({
  name: "log1p",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.log1p(x[i] as number);
  },
  vjp: (node, g) => [div(g, add(node.inputs[0] as Tensor, 1))],
  jvp: (node, [t]) => (t ? div(t, add(node.inputs[0] as Tensor, 1)) : null),
});
