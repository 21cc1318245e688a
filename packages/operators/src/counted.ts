/**
 * `counted(A)`: A instrumented, counting its applications and their time.
 *
 * @module
 */
import { BaseOperator, checkOperator, type LinearOperator } from "./operator.js";
import { applyInto, applyTransposeInto, hasTranspose } from "./operand.js";
import type { Vec } from "./vec.js";

/** The same operator as A, counting calls and the wall-clock time spent inside A. */
export class CountedOperator extends BaseOperator {
  /** The operator counted. */
  readonly inner: LinearOperator;
  /** Calls of `apply` so far. */
  applies = 0;
  /** Calls of `applyTranspose` so far. */
  transposeApplies = 0;
  /** Milliseconds spent inside A's `apply` and `applyTranspose` so far. */
  timeMs = 0;

  /** @internal use `counted(A)` */
  constructor(A: LinearOperator) {
    super("counted", A.shape[0], A.shape[1], A.symmetric === true, hasTranspose(A));
    this.inner = A;
  }

  /** All applications so far: `applies + transposeApplies`. */
  get count(): number {
    return this.applies + this.transposeApplies;
  }

  /** Sets the counts and the time back to zero. */
  reset(): void {
    this.applies = 0;
    this.transposeApplies = 0;
    this.timeMs = 0;
  }

  protected _apply(x: Vec, out: Vec): void {
    const t0 = performance.now();
    applyInto(this.inner, x, out);
    this.timeMs += performance.now() - t0;
    this.applies++;
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    const t0 = performance.now();
    applyTransposeInto(this.inner, x, out);
    this.timeMs += performance.now() - t0;
    this.transposeApplies++;
  }
}

/**
 * A wrapped so that its applications are counted and timed: `C.count`, `C.applies`,
 * `C.transposeApplies`, `C.timeMs`, `C.reset()`. Same shape, symmetry and transpose as A.
 * (For a symmetric A, `applyTranspose` is counted as an `apply`.)
 *
 * @example const C = counted(A); cg(C, b); C.count // matrix-vector products used
 */
export function counted(A: LinearOperator): CountedOperator {
  checkOperator("counted", "A", A);
  return new CountedOperator(A);
}
