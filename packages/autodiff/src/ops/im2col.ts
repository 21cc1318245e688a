import { makeNode, registerOp, type Shape, type Tensor } from "../graph.js";
import { toTensor, type TensorLike } from "./util.js";
import { columnsShape, outputSize, type Window, type WindowAttrs } from "./window.js";
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
    windowRuns(attrs, false, inputs[0] as Float64Array, out);
  },
  vjp: (node, g) => [col2im(g, node.attrs as unknown as Window, node.attrs.input as readonly number[])],
  jvp: (node, [t]) => (t ? im2col(t, node.attrs as unknown as Window, 0) : null),
});

/**
 * The kernels of `im2col` (gather: cols ← the windows of x, `fill` in the padding) and `col2im`
 * (scatter: x += each tap of cols where its window read it; x zeroed by the caller), visiting
 * the taps in the order of `forEachTap` (batch, output row, output column, kernel row, kernel
 * column), so that col2im's sums are formed in the same order. Within one kernel row the taps
 * inside the image with dilation 1 are one contiguous run of KW·C entries of x, moved by one loop.
 */
export function windowRuns(w: WindowAttrs, scatter: boolean, x: Float64Array, cols: Float64Array): void {
  const [n, h, wd, c] = w.input as [number, number, number, number];
  const [kh, kw] = w.kernel;
  const [sh, sw] = w.stride;
  const [dh, dw] = w.dilation;
  const [pt, , pl] = w.padding;
  const [oh, ow] = outputSize("window", w, h, wd);
  const fill = w.fill;
  const run = kw * c;
  let col = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        const s0 = j * sw - pl;
        const inside = dw === 1 && s0 >= 0 && s0 + kw <= wd;
        for (let p = 0; p < kh; p++) {
          const r = i * sh + p * dh - pt;
          if (r < 0 || r >= h) {
            // a kernel row in the padding: fill read, nothing added
            if (!scatter) cols.fill(fill, col, col + run);
            col += run;
            continue;
          }
          const rowBase = (b * h + r) * wd;
          if (inside) {
            const at = (rowBase + s0) * c;
            if (scatter) for (let t = 0; t < run; t++) x[at + t] = (x[at + t] as number) + (cols[col + t] as number);
            else for (let t = 0; t < run; t++) cols[col + t] = x[at + t] as number;
            col += run;
            continue;
          }
          for (let q = 0; q < kw; q++, col += c) {
            const s = s0 + q * dw;
            if (s < 0 || s >= wd) {
              if (!scatter) cols.fill(fill, col, col + c);
              continue;
            }
            const at = (rowBase + s) * c;
            if (scatter) for (let t = 0; t < c; t++) x[at + t] = (x[at + t] as number) + (cols[col + t] as number);
            else for (let t = 0; t < c; t++) cols[col + t] = x[at + t] as number;
          }
        }
      }
    }
  }
}
