/**
 * `shift(A, sigma)`: A + σI without materializing.
 *
 * @module
 */
import { BaseOperator, checkOperator, checkSquare, type LinearOperator } from "./operator.js";
import { applyInto, applyTransposeInto, hasTranspose } from "./operand.js";
import type { Vec } from "./vec.js";

/** A + σI: A applied, then σx added. */
export class ShiftOperator extends BaseOperator {
  /** The shift σ. */
  readonly sigma: number;
  /** The operator shifted. */
  readonly inner: LinearOperator;

  /** @internal use `shift(A, sigma)` */
  constructor(A: LinearOperator, sigma: number) {
    super("shift", A.shape[0], A.shape[1], A.symmetric === true, hasTranspose(A));
    this.sigma = sigma;
    this.inner = A;
  }

  protected _apply(x: Vec, out: Vec): void {
    applyInto(this.inner, x, out);
    addShift(this.sigma, x, out); // out ← A x + σ x
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    applyTransposeInto(this.inner, x, out);
    addShift(this.sigma, x, out); // out ← Aᵀ x + σ x
  }
}

function addShift(sigma: number, x: Vec, out: Vec): void {
  const xd = x.data;
  const od = out.data;
  const xo = x.offset;
  const oo = out.offset;
  const n = out.shape[0] as number;
  for (let i = 0; i < n; i++) od[oo + i] = (od[oo + i] as number) + sigma * (xd[xo + i] as number);
}

/**
 * A + σI. A shift of a shift folds: `shift(shift(A, a), b)` is `shift(A, a + b)`. Symmetric
 * when A is.
 *
 * @param A - square n×n
 * @param sigma - a finite number
 * @example shift(diagonal([1, 2]), 10).apply(vec([1, 1])) // [11, 12]
 */
export function shift(A: LinearOperator, sigma: number): LinearOperator {
  checkOperator("shift", "A", A);
  checkSquare("shift", "A", A);
  if (typeof sigma !== "number") throw new TypeError(`shift: sigma must be a number, got ${typeof sigma}`);
  if (!Number.isFinite(sigma)) throw new RangeError(`shift: sigma must be finite, got ${sigma}`);
  if (A instanceof ShiftOperator) return new ShiftOperator(A.inner, A.sigma + sigma);
  return new ShiftOperator(A, sigma);
}
