import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { rowMajorStrides, stridedOffsets } from "./strided.js";
import { toTensor, type TensorLike } from "./util.js";
import { pad } from "./pad.js";

/**
 * The block of x starting at `begin` with extent `size` along each axis (the TF.js convention:
 * a size of −1 runs to the end of the axis; `begin`/`size` shorter than the rank leave the
 * remaining axes whole).
 *
 * VJP pad(g, begin, x.shape − begin − size) (zeros outside the block), JVP slice(ẋ, begin, size).
 *
 * @example slice(theta, [10], [6])  // elements 10..15 of a vector
 */
export function slice(x: TensorLike, begin: readonly number[] | number, size?: readonly number[] | number): Tensor {
  const t = toTensor("slice", "x", x);
  const b = typeof begin === "number" ? [begin] : [...begin];
  const s = size === undefined ? [] : typeof size === "number" ? [size] : [...size];
  if (b.length > t.rank || s.length > t.rank) {
    throw new RangeError(`slice: begin ${shapeStr(b)} or size ${shapeStr(s)} is longer than the rank of x, which has shape ${shapeStr(t.shape)}`);
  }
  const fullBegin = t.shape.map((_d, i) => b[i] ?? 0);
  const fullSize = t.shape.map((d, i) => {
    const si = s[i] ?? -1;
    return si === -1 ? d - (fullBegin[i] as number) : si;
  });
  return makeNode("slice", [t], { begin: fullBegin, size: fullSize });
}

registerOp<{ begin: readonly number[]; size: readonly number[] }>({
  name: "slice",
  shape: (s, { begin, size }) => {
    const shape = s[0] as Shape;
    const ok =
      begin.length === shape.length &&
      size.length === shape.length &&
      shape.every((d, i) => {
        const b = begin[i] as number;
        const n = size[i] as number;
        return Number.isInteger(b) && Number.isInteger(n) && b >= 0 && n >= 0 && b + n <= d;
      });
    if (!ok) throw new RangeError(`slice: begin ${shapeStr(begin)} and size ${shapeStr(size)} do not fit in x, which has shape ${shapeStr(shape)}`);
    return size;
  },
  kernel: (inputs, inShapes, out, outShape, { begin }) => {
    const x = inputs[0] as Float64Array;
    const shape = inShapes[0] as Shape;
    const strides = rowMajorStrides(shape, 0);
    let base = 0;
    for (let d = 0; d < shape.length; d++) base += (begin[d] as number) * (strides[d] as number);
    if (shape.length === 1) {
      out.set(x.subarray(base, base + out.length));
      return;
    }
    const off = stridedOffsets(outShape, strides, 0, base);
    for (let i = 0; i < out.length; i++) out[i] = x[off[i] as number] as number;
  },
  vjp: (node, g) => {
    const x = node.inputs[0] as Tensor;
    const begin = node.attrs.begin as readonly number[];
    const size = node.attrs.size as readonly number[];
    return [pad(g, begin, x.shape.map((d, i) => d - (begin[i] as number) - (size[i] as number)))];
  },
  jvp: (node, [t]) => (t ? slice(t, node.attrs.begin as readonly number[], node.attrs.size as readonly number[]) : null),
});
