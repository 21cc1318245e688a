import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { negWasm } from "./elementwise-wasm.js";
import { toTensor, type TensorLike } from "./util.js";

/**
 * Elementwise −x.
 *
 * VJP −g, JVP −ẋ.
 */
export function neg(x: TensorLike): Tensor {
  return makeNode("neg", [toTensor("neg", "x", x)]);
}

registerOp({
  name: "neg",
  shape: (s) => s[0] as Shape,
  kernel: (inputs, _inShapes, out) => {
    const x = inputs[0] as Float64Array;
    if (negWasm(x, out)) return;
    for (let i = 0; i < out.length; i++) out[i] = -(x[i] as number);
  },
  vjp: (_node, g) => [neg(g)],
  jvp: (_node, [t]) => (t ? neg(t) : null),
});
