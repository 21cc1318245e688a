import { makeNode, registerOp, broadcastShapes, type Shape, type Tensor } from "../graph.js";
import { binaryMap } from "./strided.js";
import { toTensor, sumTo, type TensorLike } from "./util.js";
import { greaterEqual } from "./compare.js";
import { where } from "./where.js";

/**
 * Elementwise max(a, b) with broadcasting.
 *
 * Subgradient at a tie a = b: the whole gradient goes to a (the mask is [a ≥ b]); b gets none.
 * VJP (sumTo(where(a ≥ b, g, 0), a), sumTo(where(a ≥ b, 0, g), b)), JVP where(a ≥ b, ȧ, ḃ).
 */
export function maximum(a: TensorLike, b: TensorLike): Tensor {
  return makeNode("maximum", [toTensor("maximum", "a", a), toTensor("maximum", "b", b)]);
}

const max = (x: number, y: number): number => (x >= y ? x : y);

registerOp({
  name: "maximum",
  shape: (s) => broadcastShapes("maximum", s[0] as Shape, s[1] as Shape),
  kernel: (inputs, inShapes, out, outShape) =>
    binaryMap(inputs[0] as Float64Array, inShapes[0] as Shape, inputs[1] as Float64Array, inShapes[1] as Shape, out, outShape, max),
  vjp: (node, g) => {
    const [a, b] = node.inputs as [Tensor, Tensor];
    const mask = greaterEqual(a, b);
    return [sumTo(where(mask, g, 0), a.shape), sumTo(where(mask, 0, g), b.shape)];
  },
  jvp: (node, [ta, tb]) => {
    const [a, b] = node.inputs as [Tensor, Tensor];
    return where(greaterEqual(a, b), ta ?? 0, tb ?? 0);
  },
});
