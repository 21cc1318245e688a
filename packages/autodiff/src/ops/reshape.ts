import { makeNode, registerOp, checkShapeList, shapeStr, sizeOf, type Shape, type Tensor } from "../graph.js";
import { toTensor, sameShape, type TensorLike } from "./util.js";

/**
 * The same elements (row-major order) under a new shape; one entry of `shape` may be −1 and is
 * then inferred. Returns `x` itself when the shape does not change.
 *
 * VJP reshape(g, x.shape), JVP reshape(ẋ, shape).
 *
 * @example reshape(x, [-1]) // flattens
 */
export function reshape(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor("reshape", "x", x);
  const s = inferShape(t.shape, shape);
  if (sameShape(s, t.shape)) return t;
  return makeNode("reshape", [t], { shape: s });
}

function inferShape(from: Shape, shape: readonly number[]): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new RangeError(`reshape: shape must be a list of integers ≥ −1, got ${JSON.stringify(shape)}`);
  }
  const s = [...shape];
  const k = s.indexOf(-1);
  if (k !== s.lastIndexOf(-1)) throw new RangeError(`reshape: shape ${shapeStr(shape)} has more than one −1`);
  if (k >= 0) {
    const rest = s.reduce((p, d, i) => (i === k ? p : p * d), 1);
    if (rest === 0 || sizeOf(from) % rest !== 0) {
      throw new RangeError(`reshape: cannot reshape ${shapeStr(from)} to ${shapeStr(shape)}`);
    }
    s[k] = sizeOf(from) / rest;
  }
  return s;
}

registerOp<{ shape: readonly number[] }>({
  name: "reshape",
  shape: (s, attrs) => {
    const from = s[0] as Shape;
    const to = checkShapeList("reshape", "shape", attrs.shape);
    if (sizeOf(from) !== sizeOf(to)) {
      throw new RangeError(`reshape: x has shape ${shapeStr(from)} (${sizeOf(from)} elements) but the new shape ${shapeStr(to)} has ${sizeOf(to)}`);
    }
    return to;
  },
  kernel: (inputs, _inShapes, out) => {
    out.set(inputs[0] as Float64Array);
  },
  vjp: (node, g) => [reshape(g, (node.inputs[0] as Tensor).shape)],
  jvp: (node, [t]) => (t ? reshape(t, node.shape) : null),
});
