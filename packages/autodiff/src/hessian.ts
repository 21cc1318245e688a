/**
 * `hessian(f, x0)`: the full n×n Hessian, materialized from H·e⁽ⁱ⁾.
 *
 * @module
 */
import ndarray from "ndarray";
import type { NdArray } from "ndarray";
import { asVec, len, type VecLike } from "@krylov-ts/operators";
import { HessianOperator } from "./hessian-operator.js";
import { resolveMode, type HvpOptions, type ScalarFunction } from "./hvp.js";

/**
 * The Hessian ∇²f(x0) as an n×n row-major `ndarray`.
 *
 * The H·v graph is compiled once with x as a fixed input, so the forward pass and the
 * gradient run once; then each column H·e⁽ⁱ⁾ is one run of the v-dependent part of the plan,
 * whose work is matrix products when f is built from them (an MLP's H·v is four to six
 * matmuls of the layer sizes). Since H is symmetric, H·e⁽ⁱ⁾ is written straight into row i
 * (no transposition, no allocation per column). Cost: n H·v products.
 *
 * @param f - from the flat parameter Tensor [n] to a scalar Tensor
 * @param x0 - the point, length n
 * @param options.mode - the H·v mode (default forward-over-reverse)
 * @example hessian((x) => sum(pow(x, 4)), [1, 2]).get(1, 1) // 12·2² = 48
 */
export function hessian(f: ScalarFunction, x0: VecLike, options?: HvpOptions): NdArray<Float64Array> {
  const mode = resolveMode("hessian", options);
  const x = asVec(x0, "hessian", "x0");
  const n = len(x);
  const H = new HessianOperator(f, x, mode);
  const data = new Float64Array(n * n);
  const e = ndarray(new Float64Array(n), [n]);
  for (let i = 0; i < n; i++) {
    e.data[i] = 1;
    H.apply(e, ndarray(data, [n], [1], i * n));
    e.data[i] = 0;
  }
  return ndarray(data, [n, n]);
}
