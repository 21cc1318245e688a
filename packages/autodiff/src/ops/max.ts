import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { normalizeAxis, toTensor, type TensorLike } from "./util.js";
import { broadcastTo } from "./broadcast-to.js";
import { greaterEqual } from "./compare.js";
import { reshape } from "./reshape.js";
import { div } from "./div.js";
import { mul } from "./mul.js";
import { sum } from "./sum.js";

/**
 * The maximum along one axis (negative counts from the end); with `keepDims` the axis stays as 1.
 * The reduction of max pooling.
 *
 * With m the mask [x = max] along the axis, the VJP spreads g evenly over the maxima:
 * m ⊙ g / Σm (one maximum takes it all; ties share it, the subgradient PyTorch's `amax` uses);
 * JVP Σ(m ⊙ ẋ)/Σm. The mask is piecewise constant, so second derivatives are 0 almost everywhere.
 *
 * @example max(x, -1)   // the largest entry of each row
 */
export function max(x: TensorLike, axis: number, keepDims = false): Tensor {
  const t = toTensor("max", "x", x);
  return makeNode("max", [t], { axis: normalizeAxis("max", axis, t.rank), keepDims });
}

/** x's shape with `axis` set to 1. */
function kept(shape: Shape, axis: number): number[] {
  return shape.map((d, i) => (i === axis ? 1 : d));
}

/** [x = max(x)] along the axis, as 0/1, and the number of maxima (kept shape). */
function maxima(node: Tensor): { mask: Tensor; count: Tensor } {
  const x = node.inputs[0] as Tensor;
  const axis = node.attrs.axis as number;
  const m = broadcastTo(reshape(node, kept(x.shape, axis)), x.shape);
  const mask = greaterEqual(x, m);
  return { mask, count: sum(mask, axis, true) };
}

registerOp<{ axis: number; keepDims: boolean }>({
  name: "max",
  shape: (s, { axis, keepDims }) => {
    const shape = s[0] as Shape;
    normalizeAxis("max", axis, shape.length);
    if ((shape[axis] as number) === 0) throw new RangeError(`max: axis ${axis} of x is empty`);
    return keepDims ? kept(shape, axis) : shape.filter((_d, i) => i !== axis);
  },
  kernel: (inputs, inShapes, out, _outShape, { axis }) => {
    const x = inputs[0] as Float64Array;
    const shape = inShapes[0] as Shape;
    let outer = 1;
    for (let i = 0; i < axis; i++) outer *= shape[i] as number;
    let inner = 1;
    for (let i = axis + 1; i < shape.length; i++) inner *= shape[i] as number;
    const len = shape[axis] as number;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < inner; j++) {
        let best = -Infinity;
        for (let k = 0, at = o * len * inner + j; k < len; k++, at += inner) {
          const v = x[at] as number;
          if (v > best || Number.isNaN(v)) best = v;
          if (Number.isNaN(v)) break;
        }
        out[o * inner + j] = best;
      }
    }
  },
  vjp: (node, g) => {
    const x = node.inputs[0] as Tensor;
    const { mask, count } = maxima(node);
    const gk = broadcastTo(reshape(div(g, reshape(count, g.shape)), kept(x.shape, node.attrs.axis as number)), x.shape);
    return [mul(mask, gk)];
  },
  jvp: (node, [t]) => {
    if (!t) return null;
    const { mask, count } = maxima(node);
    const axis = node.attrs.axis as number;
    const s = div(sum(mul(mask, t), axis, true), count);
    return node.attrs.keepDims === true ? s : reshape(s, node.shape);
  },
});
