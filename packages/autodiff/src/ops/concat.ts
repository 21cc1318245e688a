import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { prod } from "./strided.js";
import { toTensor, normalizeAxis, zeros, type TensorLike } from "./util.js";
import { slice } from "./slice.js";

/**
 * The tensors joined along `axis` (default 0); all other extents must agree.
 *
 * VJP: the slices of g that each input occupies; JVP concat of the tangents (zeros for inputs
 * without one).
 */
export function concat(xs: readonly TensorLike[], axis = 0): Tensor {
  if (!Array.isArray(xs) || xs.length === 0) throw new RangeError("concat: xs must be a non-empty list of tensors");
  const ts = xs.map((x, i) => toTensor("concat", `xs[${i}]`, x));
  const rank = (ts[0] as Tensor).rank;
  return makeNode("concat", ts, { axis: normalizeAxis("concat", axis, rank) });
}

registerOp<{ axis: number }>({
  name: "concat",
  shape: (s, { axis }) => {
    const first = s[0] as Shape;
    let total = 0;
    s.forEach((shape, i) => {
      const ok = shape.length === first.length && shape.every((d, k) => k === axis || d === first[k]);
      if (!ok) {
        throw new RangeError(`concat: xs[0] has shape ${shapeStr(first)} but xs[${i}] has shape ${shapeStr(shape)} (only axis ${axis} may differ)`);
      }
      total += shape[axis] as number;
    });
    return first.map((d, k) => (k === axis ? total : d));
  },
  kernel: (inputs, inShapes, out, outShape, { axis }) => {
    // out is `outer` rows; each input contributes a contiguous chunk of shape[axis]·inner per row.
    const outer = prod(outShape, 0, axis);
    const inner = prod(outShape, axis + 1, outShape.length);
    const rowLen = (outShape[axis] as number) * inner;
    let col = 0;
    inputs.forEach((x, i) => {
      const chunk = ((inShapes[i] as Shape)[axis] as number) * inner;
      for (let r = 0; r < outer; r++) out.set(x.subarray(r * chunk, (r + 1) * chunk), r * rowLen + col);
      col += chunk;
    });
  },
  vjp: (node, g) => {
    const axis = node.attrs.axis as number;
    let at = 0;
    return node.inputs.map((x) => {
      const begin = x.shape.map((_d, k) => (k === axis ? at : 0));
      at += x.shape[axis] as number;
      return slice(g, begin, x.shape);
    });
  },
  jvp: (node, ts) => {
    if (ts.every((t) => t === null)) return null;
    return concat(
      node.inputs.map((x, i) => ts[i] ?? zeros(x.shape)),
      node.attrs.axis as number,
    );
  },
});
