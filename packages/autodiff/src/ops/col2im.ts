import { makeNode, registerOp, shapeStr, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { columnsShape, type Window, type WindowAttrs } from "./window.js";
import { im2col, windowAttrs, windowRuns } from "./im2col.js";

/**
 * The adjoint of `im2col`: columns [N·OH·OW, KH·KW·C] summed back into an image of `shape`
 * [N, H, W, C], each tap added where its window read it (taps in the padding dropped). The
 * gradient of a convolution with respect to its input.
 *
 * Linear: VJP im2col(g) with fill 0, JVP col2im(ċ).
 */
export function col2im(cols: TensorLike, window: Window, shape: readonly number[]): Tensor {
  return makeNode("col2im", [toTensor("col2im", "cols", cols)], { ...windowAttrs(window), fill: 0, input: [...shape] });
}

registerOp<WindowAttrs>({
  name: "col2im",
  shape: (s, attrs) => {
    const want = columnsShape("col2im", attrs, attrs.input);
    const got = s[0] as Shape;
    if (got.length !== 2 || got[0] !== want[0] || got[1] !== want[1]) {
      throw new RangeError(`col2im: cols has shape ${shapeStr(got)} but an image of shape ${shapeStr(attrs.input)} has columns ${shapeStr(want)}`);
    }
    return [...attrs.input];
  },
  kernel: (inputs, _inShapes, out, _outShape, attrs) => {
    out.fill(0);
    windowRuns(attrs, true, out, inputs[0] as Float64Array);
  },
  vjp: (node, g) => [im2col(g, node.attrs as unknown as Window, 0)],
  jvp: (node, [t]) => (t ? col2im(t, node.attrs as unknown as Window, node.attrs.input as readonly number[]) : null),
});
