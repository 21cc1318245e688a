/**
 * `transpose(A)`: Aᵀ as a view of A, nothing copied.
 *
 * @module
 */
import { BaseOperator, checkOperator, type LinearOperator } from "./operator.js";
import { applyInto, applyTransposeInto, hasTranspose } from "./operand.js";
import type { Vec } from "./vec.js";

/** Aᵀ: `apply` is A's `applyTranspose` and `applyTranspose` is A's `apply`. */
export class TransposeOperator extends BaseOperator {
  /** The operator transposed. */
  readonly inner: LinearOperator;

  /** @internal use `transpose(A)` */
  constructor(A: LinearOperator) {
    super("transpose", A.shape[1], A.shape[0], false, true);
    this.inner = A;
  }

  protected _apply(x: Vec, out: Vec): void {
    applyTransposeInto(this.inner, x, out); // out = Aᵀ x
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    applyInto(this.inner, x, out); // out = (Aᵀ)ᵀ x = A x
  }
}

/**
 * Aᵀ without copying: for a CSR matrix the view applies by scatter over the same arrays.
 * The transpose of a transpose is the original operator itself, and a symmetric operator is
 * its own transpose.
 *
 * @param A - m×n, with `applyTranspose` (or symmetric)
 * @returns an n×m operator
 * @throws TypeError when A has no transpose
 * @example transpose(csr([0], [1], [5], [2, 2])).apply(vec([1, 0])) // [0, 5]
 */
export function transpose(A: LinearOperator): LinearOperator {
  checkOperator("transpose", "A", A);
  if (A instanceof TransposeOperator) return A.inner;
  if (A.symmetric === true) return A;
  if (!hasTranspose(A)) {
    throw new TypeError(`transpose: A (${A.shape[0]}×${A.shape[1]}) has no applyTranspose and is not symmetric`);
  }
  return new TransposeOperator(A);
}

/** True when P = Qᵀ is known structurally: P is Q symmetric, or one is the transpose view of the other. */
export function isTransposeOf(P: LinearOperator, Q: LinearOperator): boolean {
  return (
    (P === Q && P.symmetric === true) ||
    (P instanceof TransposeOperator && P.inner === Q) ||
    (Q instanceof TransposeOperator && Q.inner === P)
  );
}
