import { checkOptions, type OptionKeys } from "@krylov-ts/operators";
import { constant, shapeStr, type Tensor } from "../graph.js";
import { div } from "../ops/div.js";
import { im2col } from "../ops/im2col.js";
import { maxPool } from "../ops/max-pool.js";
import { reshape } from "../ops/reshape.js";
import { sum } from "../ops/sum.js";
import { toTensor, type TensorLike } from "../ops/util.js";
import { outputSize, type Window } from "../ops/window.js";
import { pair, resolveWindow, type Pair, type Padding } from "./window-options.js";

/** Options of the pooling layers. */
export interface PoolOptions {
  /** Default: the window size (non-overlapping windows). */
  readonly stride?: Pair;
  /** Default `'valid'`. */
  readonly padding?: Padding;
}

/** The documented keys of `PoolOptions`. */
export const POOL_OPTIONS = { stride: true, padding: true } as const satisfies OptionKeys<PoolOptions>;

/** The windows of x as [N·OH·OW, KH·KW, C], with the geometry. */
function windows(fn: string, x: Tensor, size: Pair, options: PoolOptions, fill: number) {
  const window = poolWindow(fn, x, size, options);
  const kernel = window.kernel;
  const [n, h, w, c] = x.shape as [number, number, number, number];
  const [oh, ow] = outputSize(fn, window, h, w);
  return { cols: reshape(im2col(x, window, fill), [n * oh * ow, kernel[0] * kernel[1], c]), window, n, h, w, c, oh, ow };
}

/**
 * Max pooling of x [N, H, W, C] over `size` windows (padding reads −∞, so it never wins):
 * y [N, OH, OW, C]. Its gradient goes to each window's maximum (shared among ties).
 *
 * @example maxPool2d(x, 2)   // 2×2 windows, stride 2
 */
export function maxPool2d(x: TensorLike, size: Pair, options: PoolOptions = {}): Tensor {
  const t = toTensor("maxPool2d", "x", x);
  return maxPool(t, poolWindow("maxPool2d", t, size, options));
}

/** The pooling window of x [N, H, W, C] (stride defaulting to the size, padding to 'valid'). */
function poolWindow(fn: string, x: Tensor, size: Pair, options: PoolOptions): Window {
  checkOptions(fn, options, POOL_OPTIONS);
  if (x.rank !== 4) throw new RangeError(`${fn}: x must be 4-D [N, H, W, C], got shape ${shapeStr(x.shape)}`);
  const kernel = pair(fn, "size", size, 1);
  const window = resolveWindow(fn, x.shape, kernel, pair(fn, "stride", options.stride ?? size, 1), [1, 1], options.padding ?? "valid");
  outputSize(fn, window, x.shape[1] as number, x.shape[2] as number);
  return window;
}

/**
 * Average pooling of x [N, H, W, C] over `size` windows: y [N, OH, OW, C], each the mean of the
 * window's pixels inside x (padding is not counted, as in TensorFlow and PyTorch's
 * `count_include_pad=False`).
 */
export function avgPool2d(x: TensorLike, size: Pair, options: PoolOptions = {}): Tensor {
  const t = toTensor("avgPool2d", "x", x);
  const { cols, window, n, h, w, c, oh, ow } = windows("avgPool2d", t, size, options, 0);
  const counts = windowCounts(window, h, w, oh, ow);
  return div(reshape(sum(cols, 1), [n, oh, ow, c]), constant(counts, [1, oh, ow, 1]));
}

/** How many taps of each output position's window fall inside the H×W image. */
function windowCounts(w: Window, h: number, wd: number, oh: number, ow: number): Float64Array {
  const counts = new Float64Array(oh * ow);
  const inside = (start: number, k: number, stride: number, size: number, at: number): number => {
    let c = 0;
    for (let p = 0; p < k; p++) {
      const r = at * stride + p - start;
      if (r >= 0 && r < size) c++;
    }
    return c;
  };
  for (let i = 0; i < oh; i++) {
    for (let j = 0; j < ow; j++) {
      counts[i * ow + j] = inside(w.padding[0], w.kernel[0], w.stride[0], h, i) * inside(w.padding[2], w.kernel[1], w.stride[1], wd, j);
    }
  }
  return counts;
}
