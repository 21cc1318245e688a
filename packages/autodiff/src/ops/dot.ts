import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { add } from "./add.js";

/**
 * The inner product Σ a·b of two tensors of the same shape (vectors or any rank), a scalar.
 *
 * VJP (g·b, g·a), JVP ⟨ȧ, b⟩ + ⟨a, ḃ⟩.
 */
export function dot(a: TensorLike, b: TensorLike): Tensor {
  return makeNode("dot", [toTensor("dot", "a", a), toTensor("dot", "b", b)]);
}

registerOp({
  name: "dot",
  shape: (s) => {
    const a = s[0] as Shape;
    const b = s[1] as Shape;
    if (a.length !== b.length || a.some((d, i) => d !== b[i])) {
      throw new RangeError(`dot: a has shape ${shapeStr(a)} but b has shape ${shapeStr(b)} (they must be equal)`);
    }
    return [];
  },
  kernel: (inputs, _inShapes, out) => {
    const a = inputs[0] as Float64Array;
    const b = inputs[1] as Float64Array;
    let s = 0;
    for (let i = 0; i < a.length; i++) s += (a[i] as number) * (b[i] as number);
    out[0] = s;
  },
  vjp: (node, g) => {
    const [a, b] = node.inputs as [Tensor, Tensor];
    return [mul(g, b), mul(g, a)];
  },
  jvp: (node, [ta, tb]) => {
    const [a, b] = node.inputs as [Tensor, Tensor];
    const pa = ta ? dot(ta, b) : null;
    const pb = tb ? dot(a, tb) : null;
    return pa && pb ? add(pa, pb) : (pa ?? pb);
  },
});
