/**
 * `restrict(A, rows, cols)`: the sub-block A(rows, cols) without materializing.
 *
 * @module
 */
import { BaseOperator, checkOperator, type LinearOperator } from "./operator.js";
import { applyInto, applyTransposeInto, hasTranspose } from "./operand.js";
import { vec, type Vec } from "./vec.js";

/**
 * A(rows, cols) = Rᵀ A C, where C scatters a short vector into the coordinates `cols` and
 * Rᵀ gathers the coordinates `rows`. Repeated indices act as the selection matrices say
 * (a repeated column sums, a repeated row copies).
 */
export class RestrictOperator extends BaseOperator {
  /** The operator restricted. */
  readonly inner: LinearOperator;
  /** Row indices kept, in order. */
  readonly rows: Int32Array;
  /** Column indices kept, in order. */
  readonly cols: Int32Array;
  /** Full-length temporaries: length n (A's columns) and m (A's rows). */
  private readonly full: Vec;
  private readonly fullOut: Vec;

  /** @internal use `restrict(A, rows, cols)` */
  constructor(A: LinearOperator, rows: Int32Array, cols: Int32Array) {
    const sameSets = rows.length === cols.length && rows.every((r, i) => r === cols[i]);
    super("restrict", rows.length, cols.length, A.symmetric === true && sameSets, hasTranspose(A));
    this.inner = A;
    this.rows = rows;
    this.cols = cols;
    this.full = vec(A.shape[1]);
    this.fullOut = vec(A.shape[0]);
  }

  protected _apply(x: Vec, out: Vec): void {
    // out = A(rows, cols) x: scatter x into cols of a length-n zero vector, apply A, gather rows.
    scatter(x, this.cols, this.full);
    applyInto(this.inner, this.full, this.fullOut);
    gather(this.fullOut, this.rows, out);
  }

  protected override _applyTranspose(x: Vec, out: Vec): void {
    // out = A(rows, cols)ᵀ x: scatter x into rows, apply Aᵀ, gather cols.
    scatter(x, this.rows, this.fullOut);
    applyTransposeInto(this.inner, this.fullOut, this.full);
    gather(this.full, this.cols, out);
  }
}

/** full ← 0, then full[idx[j]] += x[j]. */
function scatter(x: Vec, idx: Int32Array, full: Vec): void {
  const fd = full.data;
  const xd = x.data;
  const xo = x.offset;
  fd.fill(0);
  for (let j = 0; j < idx.length; j++) {
    const p = idx[j] as number;
    fd[p] = (fd[p] as number) + (xd[xo + j] as number);
  }
}

/** out[i] = full[idx[i]]. */
function gather(full: Vec, idx: Int32Array, out: Vec): void {
  const fd = full.data;
  const od = out.data;
  const oo = out.offset;
  for (let i = 0; i < idx.length; i++) od[oo + i] = fd[idx[i] as number] as number;
}

/**
 * The sub-block A(rows, cols) by index sets (0-based), e.g. the free variables of a
 * bound-constrained problem. Symmetric when A is and `rows` equals `cols` (same indices, same
 * order). The index arrays are copied.
 *
 * @param A - m×n
 * @param rows - indices in 0…m−1
 * @param cols - indices in 0…n−1 (default: `rows`)
 * @returns a rows.length × cols.length operator
 * @example restrict(diagonal([1, 2, 3]), [0, 2]).apply(vec([1, 1])) // [1, 3]
 */
export function restrict(A: LinearOperator, rows: ArrayLike<number>, cols: ArrayLike<number> = rows): LinearOperator {
  checkOperator("restrict", "A", A);
  const r = indexArray(rows, "rows", A.shape[0], A);
  const c = indexArray(cols, "cols", A.shape[1], A);
  return new RestrictOperator(A, r, c);
}

function indexArray(idx: ArrayLike<number>, name: string, size: number, A: LinearOperator): Int32Array {
  if (idx === null || typeof idx !== "object" || typeof idx.length !== "number") {
    throw new TypeError(`restrict: ${name} must be an array of indices`);
  }
  const out = new Int32Array(idx.length);
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k];
    if (typeof i !== "number" || !Number.isInteger(i) || i < 0 || i >= size) {
      throw new RangeError(
        `restrict: ${name}[${k}] = ${String(i)} is out of range for A ${A.shape[0]}×${A.shape[1]} ` +
          `(${name} must be integers in 0…${size - 1})`,
      );
    }
    out[k] = i;
  }
  return out;
}
