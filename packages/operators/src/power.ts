/**
 * `power(A, k)`: Aᵏ without materializing.
 *
 * @module
 */
import { BaseOperator, checkOperator, checkSquare, type LinearOperator } from "./operator.js";
import { applyInto, applyTransposeInto, hasTranspose } from "./operand.js";
import { vec, type Vec } from "./vec.js";

/** Aᵏ: k applications of A, alternating between two temporaries allocated once. */
export class PowerOperator extends BaseOperator {
  /** The exponent k ≥ 0 (A⁰ = I). */
  readonly k: number;
  /** The operator raised. */
  readonly inner: LinearOperator;
  private readonly t0: Vec;
  private readonly t1: Vec;

  /** @internal use `power(A, k)` */
  constructor(A: LinearOperator, k: number) {
    super("power", A.shape[0], A.shape[1], A.symmetric === true || k === 0, hasTranspose(A) || k === 0);
    this.k = k;
    this.inner = A;
    const n = k > 1 ? A.shape[0] : 0;
    this.t0 = vec(n);
    this.t1 = vec(k > 2 ? n : 0);
  }

  protected _apply(x: Vec, out: Vec): void {
    this.repeat(x, out, false);
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    this.repeat(x, out, true); // (Aᵏ)ᵀ = (Aᵀ)ᵏ
  }

  /** out = Aᵏ x: tⱼ = A tⱼ₋₁ for j = 1…k, t₀ = x, the last step written into out. */
  private repeat(x: Vec, out: Vec, transposed: boolean): void {
    const k = this.k;
    if (k === 0) {
      out.data.set(x.data.subarray(x.offset, x.offset + (x.shape[0] as number)), out.offset);
      return;
    }
    let src = x;
    for (let j = 1; j <= k; j++) {
      const dst = j === k ? out : j % 2 === 1 ? this.t0 : this.t1;
      if (transposed) applyTransposeInto(this.inner, src, dst);
      else applyInto(this.inner, src, dst);
      src = dst;
    }
  }
}

/**
 * Aᵏ for an integer k ≥ 0 (A⁰ = I, A¹ = A itself). A power of a power folds:
 * `power(power(A, j), k)` is `power(A, j·k)`. Symmetric when A is.
 *
 * @param A - square n×n
 * @param k - a non-negative integer
 * @example power(diagonal([2, 3]), 3).apply(vec([1, 1])) // [8, 27]
 */
export function power(A: LinearOperator, k: number): LinearOperator {
  checkOperator("power", "A", A);
  checkSquare("power", "A", A);
  if (typeof k !== "number" || !Number.isInteger(k) || k < 0) {
    throw new RangeError(`power: k must be a non-negative integer, got ${String(k)}`);
  }
  if (k === 1) return A;
  if (A instanceof PowerOperator) return new PowerOperator(A.inner, A.k * k);
  return new PowerOperator(A, k);
}
