import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";

/**
 * Elementwise sign: −1, 0 or 1 (0 at 0, NaN for NaN).
 *
 * Piecewise constant: its derivative is taken as 0 everywhere (also at 0), so the VJP passes no
 * gradient and the JVP is zero.
 */
export function sign(x: TensorLike): Tensor {
  return makeNode("sign", [toTensor("sign", "x", x)]);
}

registerOp({
  name: "sign",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    for (let i = 0; i < out.length; i++) out[i] = Math.sign(x[i] as number);
  },
  vjp: () => [null],
  jvp: () => null,
});
