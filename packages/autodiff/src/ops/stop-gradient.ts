import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";

/**
 * The value of x, seen as a constant by differentiation: no gradient flows back through it
 * (VJP null) and its tangent is zero (JVP null).
 *
 * Use it for a direction v computed from x when forming H·v = ∇ₓ⟨∇ₓf, v⟩ (v must be held
 * constant; Christianson 1992).
 */
export function stopGradient(x: TensorLike): Tensor {
  return makeNode("stopGradient", [toTensor("stopGradient", "x", x)]);
}

registerOp({
  name: "stopGradient",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    out.set(inputs[0] as Float64Array);
  },
  vjp: () => [null],
  jvp: () => null,
});
