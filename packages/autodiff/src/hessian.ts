/**
 * `hessian(f, x0)`: the full n×n Hessian, materialized from H·e⁽ⁱ⁾ in blocks of columns.
 *
 * @module
 */
import type { NdArray } from "ndarray";
import { asVec, len, view, type OptionKeys, type VecLike } from "@krylov-ts/operators";
import { input } from "./graph.js";
import { HVP_OPTIONS, hvpGraph, resolveMode, type HvpOptions, type ScalarFunction } from "./hvp.js";
import { optimize } from "./simplify.js";
import { Plan } from "./plan.js";
import { BatchedStage } from "./plan-batched.js";

/** Options of `hessian`. */
export interface HessianOptions extends HvpOptions {
  /** Columns H·e⁽ⁱ⁾ computed together (default 32, at most n). */
  blockSize?: number;
}

const HESSIAN_OPTIONS = { ...HVP_OPTIONS, blockSize: true } as const satisfies OptionKeys<HessianOptions>;

/**
 * The Hessian ∇²f(x0) as an n×n row-major `ndarray`.
 *
 * The H·v graph is optimized once and its v-independent part (forward pass, gradient) runs
 * once. Then blocks of k unit vectors [e⁽ⁱ⁾ … e⁽ⁱ⁺ᵏ⁻¹⁾] go through the v-dependent part
 * together (`BatchedStage`): every product of a matrix with a v-dependent vector or matrix
 * becomes one product with k times as many columns, so that for an f built on matrix-vector
 * products (½xᵀAx, least squares) matrix products do the work. Since H is symmetric, the
 * block's results are rows i … i+k−1.
 *
 * The unit vectors' structure is used, found from the graph alone (`UnitBlocks`): when x
 * reaches f through parameter views (`slice`, `reshape`), the views of the parameters outside
 * the block's range are zero, so the nodes fed only by them are skipped, and a product with
 * the view of the block's parameter (one 1 per column) copies a row or column of the other
 * operand instead of multiplying (X·Ẇ₁ costs O(B) per column instead of O(B·d·h)); the
 * products with that result, nonzero in one column, are outer products. And since H is
 * symmetric, a block needs only its entries j ≥ i: the parts of the reverse pass that feed
 * only the rows before i are skipped or cut (Xᵀ·Ȧ computes only the rows of W₁ from i on), and
 * the lower triangle is copied from the upper one, so the result is exactly symmetric.
 * Cost: at most n H·v products' flops, n/k runs.
 *
 * @param f - from the flat parameter Tensor [n] to a scalar Tensor
 * @param x0 - the point, length n
 * @param options.mode - the H·v mode (default forward-over-reverse)
 * @param options.blockSize - columns per block (default 32)
 * @example hessian((x) => sum(pow(x, 4)), [1, 2]).get(1, 1) // 12·2² = 48
 */
export function hessian(f: ScalarFunction, x0: VecLike, options: HessianOptions = {}): NdArray<Float64Array> {
  const mode = resolveMode("hessian", options, HESSIAN_OPTIONS);
  const x = asVec(x0, "hessian", "x0");
  const n = len(x);
  const blockSize = options.blockSize ?? 32;
  if (!Number.isInteger(blockSize) || blockSize < 1) {
    throw new RangeError(`hessian: options.blockSize must be a positive integer, got ${String(blockSize)}`);
  }
  const k = Math.max(1, Math.min(blockSize, n));
  const xi = input([n], "x");
  const vi = input([n], "v");
  const { hv } = hvpGraph(f, xi, vi, mode, "hessian");
  const opt = optimize([hv]);
  const xN = opt.nodes.find((nd) => nd.source === xi);
  const vN = opt.nodes.find((nd) => nd.source === vi);
  const plan = new Plan(opt.nodes, opt.outputs, vN === undefined ? [] : [vN], xN === undefined ? [] : [xN]);
  const point = Float64Array.from({ length: n }, (_, i) => x.get(i));
  plan.runFixed(xN === undefined ? [] : [point]);
  const batch = new BatchedStage(opt.nodes, opt.outputs[0] as (typeof opt.outputs)[number], vN, plan, k);
  const data = new Float64Array(n * n);
  for (let i = 0; i < n; i += k) {
    const cols = Math.min(k, n - i);
    // column j of the block is e⁽ⁱ⁺ʲ⁾; only its entries from i on are computed (H's upper triangle)
    batch.runUnit(i, cols, i);
    data.set(batch.output.subarray(0, cols * n), i * n);
  }
  mirrorUpper(data, n);
  return view(data, [n, n]);
}

/** H[r, c] = H[c, r] for c < r: the lower triangle from the upper, in tiles of 64 × 64. */
function mirrorUpper(H: Float64Array, n: number): void {
  const t = 64;
  for (let r0 = 0; r0 < n; r0 += t) {
    for (let c0 = 0; c0 <= r0; c0 += t) {
      const r1 = Math.min(n, r0 + t);
      for (let r = r0; r < r1; r++) {
        const c1 = Math.min(r, c0 + t);
        for (let c = c0; c < c1; c++) H[r * n + c] = H[c * n + r] as number;
      }
    }
  }
}
