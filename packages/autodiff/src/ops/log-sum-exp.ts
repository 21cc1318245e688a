import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, normalizeAxis, type TensorLike } from "./util.js";
import { exp } from "./exp.js";
import { sub } from "./sub.js";
import { mul } from "./mul.js";
import { sum } from "./sum.js";
import { reshape } from "./reshape.js";
import { prod } from "./strided.js";

/**
 * log Σ exp(x) along `axis` (default the last), computed stably as m + log Σ exp(x − m) with m
 * the maximum. With `keepDims` the axis stays as a 1.
 *
 * With s = softmax(x) = exp(x − lse): VJP g·s (g broadcast along the axis), JVP Σ ẋ·s.
 */
export function logSumExp(x: TensorLike, axis = -1, keepDims = false): Tensor {
  const t = toTensor("logSumExp", "x", x);
  return makeNode("logSumExp", [t], { axis: normalizeAxis("logSumExp", axis, t.rank), keepDims });
}

/** x's shape with `axis` set to 1. */
function kept(shape: Shape, axis: number): number[] {
  return shape.map((d, i) => (i === axis ? 1 : d));
}

/** softmax(x) along the axis from the node's value, as a graph. */
function softmaxOf(node: Tensor): Tensor {
  const x = node.inputs[0] as Tensor;
  return exp(sub(x, reshape(node, kept(x.shape, node.attrs.axis as number))));
}

registerOp<{ axis: number; keepDims: boolean }>({
  name: "logSumExp",
  shape: (s, { axis, keepDims }) => {
    const shape = s[0] as Shape;
    normalizeAxis("logSumExp", axis, shape.length);
    return keepDims ? kept(shape, axis) : shape.filter((_d, i) => i !== axis);
  },
  kernel: (inputs, inShapes, out, _outShape, { axis }) => {
    const x = inputs[0] as Float64Array;
    const shape = inShapes[0] as Shape;
    const len = shape[axis] as number;
    const inner = prod(shape, axis + 1, shape.length);
    const outer = prod(shape, 0, axis);
    for (let o = 0; o < outer; o++) {
      for (let q = 0; q < inner; q++) {
        out[o * inner + q] = logSumExpAlong(x, o * len * inner + q, len, inner);
      }
    }
  },
  vjp: (node, g) => {
    const x = node.inputs[0] as Tensor;
    return [mul(reshape(g, kept(x.shape, node.attrs.axis as number)), softmaxOf(node))];
  },
  jvp: (node, [t]) => (t ? sum(mul(t, softmaxOf(node)), node.attrs.axis as number, node.attrs.keepDims as boolean) : null),
});

/**
 * log Σⱼ exp(x[base + j·stride]) for j < len, shifted by the maximum m so nothing overflows;
 * an infinite maximum is returned as it is.
 */
export function logSumExpAlong(x: Float64Array, base: number, len: number, stride: number): number {
  let m = -Infinity;
  for (let j = 0; j < len; j++) m = Math.max(m, x[base + j * stride] as number);
  if (m === -Infinity || m === Infinity) return m;
  let s = 0;
  for (let j = 0; j < len; j++) s += Math.exp((x[base + j * stride] as number) - m);
  return m + Math.log(s);
}
