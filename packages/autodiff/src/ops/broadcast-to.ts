import { makeNode, registerOp, checkShapeList, shapeStr, type Shape, type Tensor } from "../graph.js";
import { toTensor, sameShape, sumTo, type TensorLike } from "./util.js";
import { broadcastStrides, stridedOffsets } from "./strided.js";

/**
 * x repeated to `shape` by NumPy broadcasting (x's shape right-aligned; its 1s stretch). Returns
 * `x` itself when the shape does not change.
 *
 * VJP sumTo(g, x.shape) (the sum over the broadcast axes), JVP broadcastTo(ẋ, shape).
 */
export function broadcastTo(x: TensorLike, shape: readonly number[]): Tensor {
  const t = toTensor("broadcastTo", "x", x);
  checkShapeList("broadcastTo", "shape", shape);
  if (sameShape(t.shape, shape)) return t;
  return makeNode("broadcastTo", [t], { shape: [...shape] });
}

registerOp<{ shape: readonly number[] }>({
  name: "broadcastTo",
  shape: (s, attrs) => {
    const from = s[0] as Shape;
    const to = attrs.shape;
    const lead = to.length - from.length;
    const ok = lead >= 0 && from.every((d, i) => d === 1 || d === to[lead + i]);
    if (!ok) throw new RangeError(`broadcastTo: x has shape ${shapeStr(from)} which does not broadcast to ${shapeStr(to)}`);
    return to;
  },
  kernel: (inputs, inShapes, out, outShape) => {
    const x = inputs[0] as Float64Array;
    const n = out.length;
    const m = x.length;
    if (m === 1) {
      out.fill(x[0] as number);
      return;
    }
    if (isTrailing(inShapes[0] as Shape, outShape)) {
      for (let r = 0; r < n; r += m) out.set(x, r);
      return;
    }
    const off = stridedOffsets(outShape, broadcastStrides(inShapes[0] as Shape, outShape, 0), 0);
    for (let i = 0; i < n; i++) out[i] = x[off[i] as number] as number;
  },
  vjp: (node, g) => [sumTo(g, (node.inputs[0] as Tensor).shape)],
  jvp: (node, [t]) => (t ? broadcastTo(t, node.shape) : null),
});

/** True when `from` without leading 1s equals the trailing axes of `to` (x is repeated whole). */
function isTrailing(from: Shape, to: Shape): boolean {
  let start = 0;
  while (start < from.length && from[start] === 1) start++;
  const k = from.length - start;
  for (let i = 0; i < k; i++) if (from[start + i] !== to[to.length - k + i]) return false;
  return true;
}
