import { checkOptions, type OptionKeys } from "@krylov-ts/operators";
import { shapeStr, type Tensor } from "../graph.js";
import { concat } from "../ops/concat.js";
import { im2col } from "../ops/im2col.js";
import { matmul } from "../ops/matmul.js";
import { reshape } from "../ops/reshape.js";
import { slice } from "../ops/slice.js";
import { toTensor, type TensorLike } from "../ops/util.js";
import { outputSize } from "../ops/window.js";
import { pair, resolveWindow, type Pair, type Padding } from "./window-options.js";

/** Options of `conv2d`. */
export interface Conv2dOptions {
  /** Default 1. */
  readonly stride?: Pair;
  /** Default `'valid'`. */
  readonly padding?: Padding;
  /** Default 1 (no dilation). */
  readonly dilation?: Pair;
  /** Channel groups: C and F are split into `groups` parts, part g of the output seeing part g of the input only (C: depthwise). Default 1. */
  readonly groups?: number;
}

/** The documented keys of `Conv2dOptions`. */
export const CONV2D_OPTIONS = { stride: true, padding: true, dilation: true, groups: true } as const satisfies OptionKeys<Conv2dOptions>;

/**
 * The 2-D convolution (cross-correlation, as in every deep-learning library) of x [N, H, W, C]
 * (NHWC, TensorFlow's layout) with a kernel w [KH, KW, C/groups, F]: y [N, OH, OW, F] with
 * y[n, i, j, f] = Σ_{p, q, c} x[n, i·sh + p·dh − top, j·sw + q·dw − left, c]·w[p, q, c, f].
 *
 * Built as im2col then one matrix product per group (Chellapilla, Puri & Simard 2006), so the work
 * runs on the fast matrix-product kernels and every derivative, of any order, comes from those of
 * im2col (linear) and matmul.
 *
 * @example conv2d(images, kernel, { padding: "same" })   // [N, 28, 28, 1] * [3, 3, 1, 8] → [N, 28, 28, 8]
 */
export function conv2d(x: TensorLike, w: TensorLike, options: Conv2dOptions = {}): Tensor {
  const xt = toTensor("conv2d", "x", x);
  const wt = toTensor("conv2d", "w", w);
  checkOptions("conv2d", options, CONV2D_OPTIONS);
  const groups = options.groups ?? 1;
  if (wt.rank !== 4) throw new RangeError(`conv2d: w must be 4-D [KH, KW, C/groups, F], got shape ${shapeStr(wt.shape)}`);
  const [kh, kw, cg, f] = wt.shape as [number, number, number, number];
  const window = resolveWindow("conv2d", xt.shape, [kh, kw], pair("conv2d", "stride", options.stride, 1), pair("conv2d", "dilation", options.dilation, 1), options.padding ?? "valid");
  const [n, h, wd, c] = xt.shape as [number, number, number, number];
  if (!Number.isInteger(groups) || groups < 1 || c % groups !== 0 || f % groups !== 0 || c / groups !== cg) {
    throw new RangeError(`conv2d: x has ${c} channels and w has shape ${shapeStr(wt.shape)}: with groups = ${groups}, w must be [KH, KW, ${c / groups}, F] with F divisible by ${groups}`);
  }
  const [oh, ow] = outputSize("conv2d", window, h, wd);
  const fg = f / groups;
  const parts: Tensor[] = [];
  for (let g = 0; g < groups; g++) {
    const xg = groups === 1 ? xt : slice(xt, [0, 0, 0, g * cg], [n, h, wd, cg]);
    const wg = groups === 1 ? wt : slice(wt, [0, 0, 0, g * fg], [kh, kw, cg, fg]);
    parts.push(matmul(im2col(xg, window), reshape(wg, [kh * kw * cg, fg])));
  }
  const y = parts.length === 1 ? (parts[0] as Tensor) : concat(parts, 1);
  return reshape(y, [n, oh, ow, f]);
}
