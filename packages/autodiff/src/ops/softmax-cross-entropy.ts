import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { logSoftmax } from "./log-softmax.js";
import { exp } from "./exp.js";
import { sub } from "./sub.js";
import { mul } from "./mul.js";
import { sum } from "./sum.js";
import { add } from "./add.js";

/**
 * The softmax cross-entropy of `logits` against `labels` (same shape, classes along the last
 * axis; every leading axis is batch): the MEAN over the B rows of −Σ_j labels·logSoftmax(logits),
 * a scalar. Labels are usually one-hot or probabilities, but any values are allowed.
 *
 * One fused kernel (stable log-softmax, one pass per row). With p = softmax(z) and
 * s = Σ_j labels (1 for probability labels): VJP z̄ = (p·s − labels)·g/B, ȳ = −logSoftmax(z)·g/B;
 * JVP Σ((p·s − labels)·ż − logSoftmax(z)·ẏ)/B.
 *
 * @example softmaxCrossEntropy(matmul(h, w2), oneHot)  // the classification loss
 */
export function softmaxCrossEntropy(logits: TensorLike, labels: TensorLike): Tensor {
  return makeNode("softmaxCrossEntropy", [
    toTensor("softmaxCrossEntropy", "logits", logits),
    toTensor("softmaxCrossEntropy", "labels", labels),
  ]);
}

/** The number of rows B (all axes but the last). */
function rows(shape: Shape): number {
  let b = 1;
  for (let i = 0; i < shape.length - 1; i++) b *= shape[i] as number;
  return b;
}

/** (p·s − labels)/B, the gradient with respect to the logits of the loss, as a graph. */
function logitsGradient(z: Tensor, y: Tensor): Tensor {
  const p = exp(logSoftmax(z, -1));
  return mul(sub(mul(p, sum(y, -1, true)), y), 1 / rows(z.shape));
}

registerOp({
  name: "softmaxCrossEntropy",
  shape: (s) => {
    const z = s[0] as Shape;
    const y = s[1] as Shape;
    if (z.length === 0) throw new RangeError(`softmaxCrossEntropy: logits must have at least 1 axis, got shape ${shapeStr(z)}`);
    if (z.length !== y.length || z.some((d, i) => d !== y[i])) {
      throw new RangeError(`softmaxCrossEntropy: logits has shape ${shapeStr(z)} but labels has shape ${shapeStr(y)} (they must be equal)`);
    }
    return [];
  },
  kernel: (inputs, inShapes, out) => {
    const z = inputs[0] as Float64Array;
    const y = inputs[1] as Float64Array;
    const shape = inShapes[0] as Shape;
    const c = shape[shape.length - 1] as number;
    const b = rows(shape);
    let loss = 0;
    for (let r = 0; r < b; r++) {
      const o = r * c;
      let m = -Infinity;
      for (let j = 0; j < c; j++) m = Math.max(m, z[o + j] as number);
      let s = 0;
      for (let j = 0; j < c; j++) s += Math.exp((z[o + j] as number) - m);
      const lse = m + Math.log(s);
      for (let j = 0; j < c; j++) loss -= (y[o + j] as number) * ((z[o + j] as number) - lse);
    }
    out[0] = b > 0 ? loss / b : 0;
  },
  vjp: (node, g) => {
    const [z, y] = node.inputs as [Tensor, Tensor];
    const gz = mul(logitsGradient(z, y), g);
    const gy = mul(logSoftmax(z, -1), mul(g, -1 / rows(z.shape)));
    return [gz, gy];
  },
  jvp: (node, [tz, ty]) => {
    const [z, y] = node.inputs as [Tensor, Tensor];
    const pz = tz ? sum(mul(logitsGradient(z, y), tz)) : null;
    const py = ty ? sum(mul(logSoftmax(z, -1), mul(ty, -1 / rows(z.shape)))) : null;
    return pz && py ? add(pz, py) : (pz ?? py);
  },
});
