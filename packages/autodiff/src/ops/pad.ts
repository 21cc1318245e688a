import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { rowMajorStrides, stridedOffsets } from "./strided.js";
import { toTensor, type TensorLike } from "./util.js";
import { slice } from "./slice.js";

/**
 * x surrounded by zeros: `before[i]` zeros ahead of and `after[i]` zeros behind axis i. The
 * adjoint of `slice`.
 *
 * VJP slice(g, before, x.shape), JVP pad(ẋ, before, after).
 */
export function pad(x: TensorLike, before: readonly number[], after: readonly number[]): Tensor {
  return makeNode("pad", [toTensor("pad", "x", x)], { before: [...before], after: [...after] });
}

registerOp<{ before: readonly number[]; after: readonly number[] }>({
  name: "pad",
  shape: (s, { before, after }) => {
    const shape = s[0] as Shape;
    const ok =
      before.length === shape.length &&
      after.length === shape.length &&
      [...before, ...after].every((p) => Number.isInteger(p) && p >= 0);
    if (!ok) throw new RangeError(`pad: before ${shapeStr(before)} and after ${shapeStr(after)} must be non-negative integers, one per axis of x, which has shape ${shapeStr(shape)}`);
    return shape.map((d, i) => d + (before[i] as number) + (after[i] as number));
  },
  kernel: (inputs, inShapes, out, outShape, { before }) => {
    const x = inputs[0] as Float64Array;
    const strides = rowMajorStrides(outShape, 0);
    let base = 0;
    for (let d = 0; d < outShape.length; d++) base += (before[d] as number) * (strides[d] as number);
    out.fill(0);
    if (outShape.length === 1) {
      out.set(x, base);
      return;
    }
    const off = stridedOffsets(inShapes[0] as Shape, strides, 0, base);
    for (let i = 0; i < x.length; i++) out[off[i] as number] = x[i] as number;
  },
  vjp: (node, g) => [slice(g, node.attrs.before as readonly number[], (node.inputs[0] as Tensor).shape)],
  jvp: (node, [t]) => (t ? pad(t, node.attrs.before as readonly number[], node.attrs.after as readonly number[]) : null),
});
