import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { rowMajorStrides, strideBuffer, stridedOffsets } from "./strided.js";

/**
 * Permutes the axes: output axis i is input axis perm[i]; the default perm reverses the axes
 * (the matrix transpose for 2-D).
 *
 * VJP transpose(g, perm⁻¹), JVP transpose(ẋ, perm).
 */
export function transpose(x: TensorLike, perm?: readonly number[]): Tensor {
  const t = toTensor("transpose", "x", x);
  const p = perm ? [...perm] : Array.from({ length: t.rank }, (_, i) => t.rank - 1 - i);
  return makeNode("transpose", [t], { perm: p });
}

function inverse(perm: readonly number[]): number[] {
  const inv = new Array<number>(perm.length);
  perm.forEach((p, i) => (inv[p] = i));
  return inv;
}

registerOp<{ perm: readonly number[] }>({
  name: "transpose",
  shape: (s, { perm }) => {
    const shape = s[0] as Shape;
    const ok = perm.length === shape.length && [...perm].sort((a, b) => a - b).every((p, i) => p === i);
    if (!ok) throw new RangeError(`transpose: perm ${shapeStr(perm)} is not a permutation of the axes of x, which has shape ${shapeStr(shape)}`);
    return perm.map((p) => shape[p] as number);
  },
  kernel: (inputs, inShapes, out, outShape, { perm }) => {
    const x = inputs[0] as Float64Array;
    const shape = inShapes[0] as Shape;
    if (shape.length === 2 && perm[0] === 1) {
      transpose2d(x, out, shape[0] as number, shape[1] as number);
      return;
    }
    const inStrides = rowMajorStrides(shape, 0);
    const strides = strideBuffer(1, perm.length);
    for (let d = 0; d < perm.length; d++) strides[d] = inStrides[perm[d] as number] as number;
    const off = stridedOffsets(outShape, strides, 0);
    for (let i = 0; i < out.length; i++) out[i] = x[off[i] as number] as number;
  },
  vjp: (node, g) => [transpose(g, inverse(node.attrs.perm as readonly number[]))],
  jvp: (node, [t]) => (t ? transpose(t, node.attrs.perm as readonly number[]) : null),
});

/** out (c×r) = xᵀ for x r×c, in 32×32 tiles. */
function transpose2d(x: Float64Array, out: Float64Array, r: number, c: number): void {
  const T = 32;
  for (let i0 = 0; i0 < r; i0 += T) {
    const i1 = Math.min(i0 + T, r);
    for (let j0 = 0; j0 < c; j0 += T) {
      const j1 = Math.min(j0 + T, c);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * r + i] = x[i * c + j] as number;
      }
    }
  }
}
