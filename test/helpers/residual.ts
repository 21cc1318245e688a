/** Residual helpers of the non-symmetric solver tests, independent of the solvers. */
import { vec, type LinearOperator } from "@krylov-ts/operators";

/** ‖b − Ax‖₂ with A applied through its operator. */
export function trueResidual(A: LinearOperator, x: ArrayLike<number>, b: ArrayLike<number>): number {
  const ax = A.apply(vec(Float64Array.from(x)));
  let s = 0;
  for (let i = 0; i < b.length; i++) s += ((b[i] as number) - (ax.data[i] as number)) ** 2;
  return Math.sqrt(s);
}

/** ‖b‖₂. */
export function norm2(b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < b.length; i++) s += (b[i] as number) ** 2;
  return Math.sqrt(s);
}
