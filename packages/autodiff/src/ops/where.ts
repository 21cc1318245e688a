import { makeNode, registerOp, broadcastShapes, shapeStr, type Shape, type Tensor } from "../graph.js";
import { broadcastStrides, stridedOffsets } from "./strided.js";
import { toTensor, sumTo, type TensorLike } from "./util.js";

/**
 * Elementwise choice: a where cond ≠ 0, else b, all three broadcast together.
 *
 * No gradient flows to cond (it only selects). VJP (null, sumTo(where(cond, g, 0), a),
 * sumTo(where(cond, 0, g), b)), JVP where(cond, ȧ, ḃ).
 */
export function where(cond: TensorLike, a: TensorLike, b: TensorLike): Tensor {
  return makeNode("where", [toTensor("where", "cond", cond), toTensor("where", "a", a), toTensor("where", "b", b)]);
}

registerOp({
  name: "where",
  shape: (s) => {
    const [c, a, b] = s as [Shape, Shape, Shape];
    try {
      return broadcastShapes("where", broadcastShapes("where", c, a), b);
    } catch {
      throw new RangeError(`where: cond has shape ${shapeStr(c)}, a has shape ${shapeStr(a)} and b has shape ${shapeStr(b)}, which do not broadcast`);
    }
  },
  kernel: (inputs, inShapes, out, outShape) => {
    const [c, a, b] = inputs as [Float64Array, Float64Array, Float64Array];
    const n = out.length;
    if (c.length === n && a.length === n && b.length === n) {
      for (let i = 0; i < n; i++) out[i] = (c[i] as number) !== 0 ? (a[i] as number) : (b[i] as number);
      return;
    }
    const oc = stridedOffsets(outShape, broadcastStrides(inShapes[0] as Shape, outShape, 0), 0);
    const oa = stridedOffsets(outShape, broadcastStrides(inShapes[1] as Shape, outShape, 1), 1);
    const ob = stridedOffsets(outShape, broadcastStrides(inShapes[2] as Shape, outShape, 2), 2);
    for (let i = 0; i < n; i++) {
      out[i] = (c[oc[i] as number] as number) !== 0 ? (a[oa[i] as number] as number) : (b[ob[i] as number] as number);
    }
  },
  vjp: (node, g) => {
    const [c, a, b] = node.inputs as [Tensor, Tensor, Tensor];
    return [null, sumTo(where(c, g, 0), a.shape), sumTo(where(c, 0, g), b.shape)];
  },
  jvp: (node, [, ta, tb]) => {
    if (!ta && !tb) return null;
    return where(node.inputs[0] as Tensor, ta ?? 0, tb ?? 0);
  },
});
