import type { Tensor } from "../graph.js";
import { toTensor, normalizeAxes, type TensorLike } from "./util.js";
import { sum } from "./sum.js";
import { mul } from "./mul.js";

/**
 * The mean over `axes` (all when omitted), as sum(x, axes, keepDims)·(1/count) — a composite,
 * so its derivatives are those of sum and mul.
 */
export function mean(x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor {
  const t = toTensor("mean", "x", x);
  const ax = normalizeAxes("mean", axes, t.rank);
  let count = 1;
  for (const a of ax) count *= t.shape[a] as number;
  return mul(sum(t, ax, keepDims), 1 / count);
}
