import { makeNode, registerOp, broadcastShapes, type Shape, type Tensor } from "../graph.js";
import { binaryWasm } from "./elementwise-wasm.js";
import { binaryLayout, broadcastStrides, stridedOffsets } from "./strided.js";
import { toTensor, sumTo, type TensorLike } from "./util.js";
import { broadcastTo } from "./broadcast-to.js";
import { neg } from "./neg.js";

/**
 * Elementwise a − b with NumPy broadcasting.
 *
 * VJP: (sumTo(g, a), −sumTo(g, b)); JVP: ȧ − ḃ.
 */
export function sub(a: TensorLike, b: TensorLike): Tensor {
  return makeNode("sub", [toTensor("sub", "a", a), toTensor("sub", "b", b)]);
}

registerOp({
  name: "sub",
  shape: (s) => broadcastShapes("sub", s[0] as Shape, s[1] as Shape),
  kernel: subKernel,
  vjp: (node, g) => {
    const [a, b] = node.inputs as [Tensor, Tensor];
    return [sumTo(g, a.shape), neg(sumTo(g, b.shape))];
  },
  jvp: (node, [ta, tb]) => {
    if (ta && tb) return sub(ta, tb);
    if (ta) return broadcastTo(ta, node.shape);
    return tb ? broadcastTo(neg(tb), node.shape) : null;
  },
});

/**
 * The sub kernel: inline loops for equal shapes, a scalar operand, a trailing (bias `[B, H] + [H]`)
 * operand and a leading (`[B, C] · [B, 1]`) operand; a strided walk otherwise.
 */
function subKernel(inputs: readonly Float64Array[], inShapes: readonly Shape[], out: Float64Array, outShape: Shape): void {
  const a = inputs[0] as Float64Array;
  const b = inputs[1] as Float64Array;
  const n = out.length;
  const layout = binaryLayout(inShapes[0] as Shape, inShapes[1] as Shape, outShape);
  if (binaryWasm("sub", layout, a, b, out)) return;
  switch (layout) {
    case "same":
      for (let i = 0; i < n; i++) out[i] = (a[i] as number) - (b[i] as number);
      return;
    case "aScalar": {
      const x = a[0] as number;
      for (let i = 0; i < n; i++) out[i] = x - (b[i] as number);
      return;
    }
    case "bScalar": {
      const y = b[0] as number;
      for (let i = 0; i < n; i++) out[i] = (a[i] as number) - y;
      return;
    }
    case "bTrailing": {
      const m = b.length;
      for (let r = 0; r < n; r += m) {
        for (let j = 0; j < m; j++) out[r + j] = (a[r + j] as number) - (b[j] as number);
      }
      return;
    }
    case "aTrailing": {
      const m = a.length;
      for (let r = 0; r < n; r += m) {
        for (let j = 0; j < m; j++) out[r + j] = (a[j] as number) - (b[r + j] as number);
      }
      return;
    }
    case "bLeading": {
      const rep = n / b.length;
      for (let r = 0, i = 0; r < b.length; r++) {
        const y = b[r] as number;
        for (let j = 0; j < rep; j++, i++) out[i] = (a[i] as number) - y;
      }
      return;
    }
    case "aLeading": {
      const rep = n / a.length;
      for (let r = 0, i = 0; r < a.length; r++) {
        const x = a[r] as number;
        for (let j = 0; j < rep; j++, i++) out[i] = x - (b[i] as number);
      }
      return;
    }
    case "general": {
      const oa = stridedOffsets(outShape, broadcastStrides(inShapes[0] as Shape, outShape, 0), 0);
      const ob = stridedOffsets(outShape, broadcastStrides(inShapes[1] as Shape, outShape, 1), 1);
      for (let i = 0; i < n; i++) out[i] = (a[oa[i] as number] as number) - (b[ob[i] as number] as number);
      return;
    }
  }
}
