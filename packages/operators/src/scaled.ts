/**
 * `scaled(alpha, A)`: αA without materializing.
 *
 * @module
 */
import { BaseOperator, checkOperator, type LinearOperator } from "./operator.js";
import { applyInto, applyTransposeInto, hasTranspose } from "./operand.js";
import type { Vec } from "./vec.js";

/** αA: A applied, then scaled in place. */
export class ScaledOperator extends BaseOperator {
  /** The factor α. */
  readonly alpha: number;
  /** The operator scaled. */
  readonly inner: LinearOperator;

  /** @internal use `scaled(alpha, A)` */
  constructor(alpha: number, A: LinearOperator) {
    super("scaled", A.shape[0], A.shape[1], A.symmetric === true, hasTranspose(A));
    this.alpha = alpha;
    this.inner = A;
  }

  protected _apply(x: Vec, out: Vec): void {
    applyInto(this.inner, x, out);
    scaleInPlace(this.alpha, out); // out ← α A x
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    applyTransposeInto(this.inner, x, out);
    scaleInPlace(this.alpha, out); // out ← α Aᵀ x
  }
}

function scaleInPlace(alpha: number, out: Vec): void {
  const d = out.data;
  const end = out.offset + (out.shape[0] as number);
  for (let i = out.offset; i < end; i++) d[i] = alpha * (d[i] as number);
}

/**
 * αA. A scale of a scale folds: `scaled(a, scaled(b, A))` is `scaled(a·b, A)`. Symmetric
 * when A is.
 *
 * @param alpha - a finite number
 * @param A - m×n
 * @example scaled(2, identity(2)).apply(vec([1, 2])) // [2, 4]
 */
export function scaled(alpha: number, A: LinearOperator): LinearOperator {
  if (typeof alpha !== "number") throw new TypeError(`scaled: alpha must be a number, got ${typeof alpha}`);
  if (!Number.isFinite(alpha)) throw new RangeError(`scaled: alpha must be finite, got ${alpha}`);
  checkOperator("scaled", "A", A);
  if (A instanceof ScaledOperator) return new ScaledOperator(alpha * A.alpha, A.inner);
  return new ScaledOperator(alpha, A);
}
