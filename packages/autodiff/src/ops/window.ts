/**
 * The geometry of a sliding 2-D window over an NHWC tensor, shared by `im2col` and `col2im` (and
 * through them by conv2d and the pooling layers).
 *
 * @module
 */
import { shapeStr, type Shape } from "../graph.js";

/** A window: its size, stride, dilation and zero padding (top, bottom, left, right). */
export interface Window {
  readonly kernel: readonly [number, number];
  readonly stride: readonly [number, number];
  readonly dilation: readonly [number, number];
  readonly padding: readonly [number, number, number, number];
}

/** The attributes of im2col/col2im: the window, the value read outside x, and x's shape. */
export interface WindowAttrs extends Window {
  /** What a window position outside x reads: 0 (convolution, average pooling) or −∞ (max pooling). */
  readonly fill: number;
  /** x's shape [N, H, W, C]. */
  readonly input: readonly number[];
  readonly [k: string]: string | number | boolean | readonly number[] | null;
}

/** Output height and width of the window sliding over an H×W image (throws naming `fn` when empty). */
export function outputSize(fn: string, w: Window, h: number, wd: number): [number, number] {
  const [kh, kw] = w.kernel;
  const [sh, sw] = w.stride;
  const [dh, dw] = w.dilation;
  const [pt, pb, pl, pr] = w.padding;
  for (const [name, v, min] of [["kernel", kh, 1], ["kernel", kw, 1], ["stride", sh, 1], ["stride", sw, 1], ["dilation", dh, 1], ["dilation", dw, 1], ["padding", Math.min(pt, pb, pl, pr), 0]] as const) {
    if (!Number.isInteger(v) || v < min) throw new RangeError(`${fn}: ${name} must hold integers ≥ ${min}, got ${v}`);
  }
  const oh = Math.floor((h + pt + pb - dh * (kh - 1) - 1) / sh) + 1;
  const ow = Math.floor((wd + pl + pr - dw * (kw - 1) - 1) / sw) + 1;
  if (oh < 1 || ow < 1) {
    throw new RangeError(`${fn}: a ${kh}×${kw} window (dilation ${dh}×${dw}) does not fit an image of ${h}×${wd} padded by ${pt},${pb},${pl},${pr}`);
  }
  return [oh, ow];
}

/** The columns' shape [N·OH·OW, KH·KW·C] of x [N, H, W, C]. */
export function columnsShape(fn: string, w: Window, x: Shape): [number, number] {
  if (x.length !== 4) throw new RangeError(`${fn}: x must be 4-D [N, H, W, C], got shape ${shapeStr(x)}`);
  const [n, h, wd, c] = x as [number, number, number, number];
  const [oh, ow] = outputSize(fn, w, h, wd);
  return [n * oh * ow, w.kernel[0] * w.kernel[1] * c];
}

/**
 * Visits every (window position, kernel tap) pair: `visit(colOffset, xOffset)` with the offset of
 * the C-long run in the columns and in x, xOffset −1 where the tap falls in the padding.
 */
export function forEachTap(w: Window, x: readonly number[], visit: (col: number, at: number) => void): void {
  const [n, h, wd, c] = x as [number, number, number, number];
  const [kh, kw] = w.kernel;
  const [sh, sw] = w.stride;
  const [dh, dw] = w.dilation;
  const [pt, , pl] = w.padding;
  const [oh, ow] = outputSize("window", w, h, wd);
  let col = 0;
  for (let b = 0; b < n; b++) {
    for (let i = 0; i < oh; i++) {
      for (let j = 0; j < ow; j++) {
        for (let p = 0; p < kh; p++) {
          const r = i * sh + p * dh - pt;
          for (let q = 0; q < kw; q++) {
            const s = j * sw + q * dw - pl;
            visit(col, r >= 0 && r < h && s >= 0 && s < wd ? ((b * h + r) * wd + s) * c : -1);
            col += c;
          }
        }
      }
    }
  }
}
