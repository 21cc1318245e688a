/**
 * `toDense(A)`: an operator materialized as a matrix, one column per unit vector.
 *
 * @module
 */
import type { NdArray } from "ndarray";
import { checkOperator, type LinearOperator } from "./operator.js";
import { applyInto } from "./operand.js";
import { vec } from "./vec.js";
import { view } from "./view.js";

/**
 * The m×n matrix of `A`, built from A·e⁽ʲ⁾ for j = 1…n (n applications).
 *
 * @returns a row-major m×n ndarray
 */
export function toDense(A: LinearOperator): NdArray<Float64Array> {
  checkOperator("toDense", "A", A);
  const [m, n] = A.shape;
  const data = new Float64Array(m * n);
  const e = vec(n);
  const col = vec(m);
  for (let j = 0; j < n; j++) {
    e.data[j] = 1;
    applyInto(A, e, col); // col = A e⁽ʲ⁾, whether A writes into col or returns another vector
    e.data[j] = 0;
    for (let i = 0; i < m; i++) data[i * n + j] = col.data[i] as number;
  }
  return view(data, [m, n]);
}
