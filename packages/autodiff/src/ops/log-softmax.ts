import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, normalizeAxis, type TensorLike } from "./util.js";
import { exp } from "./exp.js";
import { sub } from "./sub.js";
import { mul } from "./mul.js";
import { sum } from "./sum.js";
import { prod } from "./strided.js";
import { logSumExpAlong } from "./log-sum-exp.js";

/**
 * log softmax along `axis` (default the last): y = x − logΣexp(x), computed stably.
 *
 * With s = exp(y) (from the node itself): VJP g − s·Σg, JVP ẋ − Σ(s·ẋ) (sums along the axis,
 * kept as 1s and broadcast back).
 */
export function logSoftmax(x: TensorLike, axis = -1): Tensor {
  const t = toTensor("logSoftmax", "x", x);
  return makeNode("logSoftmax", [t], { axis: normalizeAxis("logSoftmax", axis, t.rank) });
}

/**
 * softmax along `axis` (default the last), as exp(logSoftmax(x, axis)) — a composite of two ops,
 * so its derivatives follow from theirs.
 */
export function softmax(x: TensorLike, axis = -1): Tensor {
  return exp(logSoftmax(x, axis));
}

registerOp<{ axis: number }>({
  name: "logSoftmax",
  shape: (s, { axis }) => {
    const shape = s[0] as Shape;
    normalizeAxis("logSoftmax", axis, shape.length);
    return shape;
  },
  kernel: (inputs, inShapes, out, _outShape, { axis }) => logSoftmaxKernel(inputs[0] as Float64Array, inShapes[0] as Shape, out, axis),
  vjp: (node, g) => {
    const axis = node.attrs.axis as number;
    return [sub(g, mul(exp(node), sum(g, axis, true)))];
  },
  jvp: (node, [t]) => {
    if (!t) return null;
    const axis = node.attrs.axis as number;
    return sub(t, sum(mul(exp(node), t), axis, true));
  },
});

/** y = x − log Σ exp(x) along the axis (the sum shifted by the maximum; −∞/+∞ maxima pass through). */
export function logSoftmaxKernel(x: Float64Array, shape: Shape, out: Float64Array, axis: number): void {
  const len = shape[axis] as number;
  const inner = prod(shape, axis + 1, shape.length);
  const outer = prod(shape, 0, axis);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * len * inner + q;
      const c = logSumExpAlong(x, base, len, inner);
      for (let j = 0; j < len; j++) out[base + j * inner] = (x[base + j * inner] as number) - c;
    }
  }
}
