import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { columnsShape, forEachTap, type Window, type WindowAttrs } from "./window.js";
import { col2im } from "./col2im.js";

/**
 * The windows of an NHWC image as the rows of a matrix ("im2col"): x [N, H, W, C] →
 * [N·OH·OW, KH·KW·C], row (n, i, j) holding the window at output position (i, j), taps in
 * (kh, kw, c) order; taps in the padding read `fill` (0, or −∞ for max pooling). A convolution is
 * then one matrix product with the kernel reshaped to [KH·KW·C, F] (Chellapilla, Puri & Simard
 * 2006), which runs on the fast matrix-product kernels.
 *
 * Linear in x (for fill 0): VJP col2im(g) (its adjoint, a scatter-add), JVP im2col(ẋ) with fill 0.
 */
export function im2col(x: TensorLike, window: Window, fill = 0): Tensor {
  const t = toTensor("im2col", "x", x);
  return makeNode("im2col", [t], { ...windowAttrs(window), fill, input: [...t.shape] });
}

/** The window's fields alone, as plain arrays (graph attributes). */
export function windowAttrs(w: Window): Window {
  return { kernel: [...w.kernel] as [number, number], stride: [...w.stride] as [number, number], dilation: [...w.dilation] as [number, number], padding: [...w.padding] as [number, number, number, number] };
}

registerOp<WindowAttrs>({
  name: "im2col",
  shape: (s, attrs) => columnsShape("im2col", attrs, s[0] as Shape),
  kernel: (inputs, _inShapes, out, _outShape, attrs) => {
    const x = inputs[0] as Float64Array;
    const c = attrs.input[3] as number;
    const fill = attrs.fill;
    forEachTap(attrs, attrs.input, (col, at) => {
      if (at < 0) out.fill(fill, col, col + c);
      else for (let k = 0; k < c; k++) out[col + k] = x[at + k] as number;
    });
  },
  vjp: (node, g) => [col2im(g, node.attrs as unknown as Window, node.attrs.input as readonly number[])],
  jvp: (node, [t]) => (t ? im2col(t, node.attrs as unknown as Window, 0) : null),
});
