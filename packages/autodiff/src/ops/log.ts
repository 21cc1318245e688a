import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { div } from "./div.js";

/**
 * Elementwise natural logarithm (NaN for x < 0, −∞ at 0).
 *
 * VJP g/x, JVP ẋ/x.
 */
export function log(x: TensorLike): Tensor {
  return makeNode("log", [toTensor("log", "x", x)]);
}

registerOp({
  name: "log",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.log(x[i] as number);
  },
  vjp: (node, g) => [div(g, node.inputs[0] as Tensor)],
  jvp: (node, [t]) => (t ? div(t, node.inputs[0] as Tensor) : null),
});
