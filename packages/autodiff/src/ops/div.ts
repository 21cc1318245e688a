import { makeNode, registerOp, broadcastShapes, type Shape, type Tensor } from "../graph.js";
import { binaryLayout, broadcastStrides, stridedOffsets } from "./strided.js";
import { toTensor, sumTo, type TensorLike } from "./util.js";
import { mul } from "./mul.js";
import { sub } from "./sub.js";
import { neg } from "./neg.js";

/**
 * Elementwise a / b with NumPy broadcasting.
 *
 * With q = a/b: VJP (sumTo(g/b, a), −sumTo(g·q/b, b)); JVP (ȧ − q·ḃ)/b.
 */
export function div(a: TensorLike, b: TensorLike): Tensor {
  return makeNode("div", [toTensor("div", "a", a), toTensor("div", "b", b)]);
}

registerOp({
  name: "div",
  shape: (s) => broadcastShapes("div", s[0] as Shape, s[1] as Shape),
  kernel: divKernel,
  vjp: (node, g) => {
    const [a, b] = node.inputs as [Tensor, Tensor];
    const gb = div(g, b);
    return [sumTo(gb, a.shape), neg(sumTo(mul(gb, node), b.shape))];
  },
  jvp: (node, [ta, tb]) => {
    const b = node.inputs[1] as Tensor;
    if (ta && tb) return div(sub(ta, mul(node, tb)), b);
    if (ta) return div(ta, b);
    return tb ? neg(div(mul(node, tb), b)) : null;
  },
});

/**
 * The div kernel: inline loops for equal shapes, a scalar operand, a trailing (bias `[B, H] + [H]`)
 * operand and a leading (`[B, C] · [B, 1]`) operand; a strided walk otherwise.
 */
function divKernel(inputs: readonly Float64Array[], inShapes: readonly Shape[], out: Float64Array, outShape: Shape): void {
  const a = inputs[0] as Float64Array;
  const b = inputs[1] as Float64Array;
  const n = out.length;
  switch (binaryLayout(inShapes[0] as Shape, inShapes[1] as Shape, outShape)) {
    case "same":
      for (let i = 0; i < n; i++) out[i] = (a[i] as number) / (b[i] as number);
      return;
    case "aScalar": {
      const x = a[0] as number;
      for (let i = 0; i < n; i++) out[i] = x / (b[i] as number);
      return;
    }
    case "bScalar": {
      const y = b[0] as number;
      for (let i = 0; i < n; i++) out[i] = (a[i] as number) / y;
      return;
    }
    case "bTrailing": {
      const m = b.length;
      for (let r = 0; r < n; r += m) {
        for (let j = 0; j < m; j++) out[r + j] = (a[r + j] as number) / (b[j] as number);
      }
      return;
    }
    case "aTrailing": {
      const m = a.length;
      for (let r = 0; r < n; r += m) {
        for (let j = 0; j < m; j++) out[r + j] = (a[j] as number) / (b[r + j] as number);
      }
      return;
    }
    case "bLeading": {
      const rep = n / b.length;
      for (let r = 0, i = 0; r < b.length; r++) {
        const y = b[r] as number;
        for (let j = 0; j < rep; j++, i++) out[i] = (a[i] as number) / y;
      }
      return;
    }
    case "aLeading": {
      const rep = n / a.length;
      for (let r = 0, i = 0; r < a.length; r++) {
        const x = a[r] as number;
        for (let j = 0; j < rep; j++, i++) out[i] = x / (b[i] as number);
      }
      return;
    }
    case "general": {
      const oa = stridedOffsets(outShape, broadcastStrides(inShapes[0] as Shape, outShape, 0), 0);
      const ob = stridedOffsets(outShape, broadcastStrides(inShapes[1] as Shape, outShape, 1), 1);
      for (let i = 0; i < n; i++) out[i] = (a[oa[i] as number] as number) / (b[ob[i] as number] as number);
      return;
    }
  }
}
