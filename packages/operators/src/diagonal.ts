/**
 * Diagonal operators: `diagonal(d)`, `identity(n)` and `zero(m, n)`.
 *
 * @module
 */
import { BaseOperator } from "./operator.js";
import { asVec, checkLength, len, type Vec, type VecLike } from "./vec.js";

/** diag(d) as an operator. */
export class DiagonalOperator extends BaseOperator {
  /** The diagonal (a private copy). */
  readonly diagonal: Float64Array;

  /** @internal use `diagonal(d)` */
  constructor(d: Float64Array, name = "diagonal") {
    super(name, d.length, d.length, true, true);
    this.diagonal = d;
  }

  protected _apply(x: Vec, out: Vec): void {
    const d = this.diagonal;
    const xd = x.data;
    const od = out.data;
    const xo = x.offset;
    const oo = out.offset;
    for (let i = 0; i < d.length; i++) od[oo + i] = (d[i] as number) * (xd[xo + i] as number);
  }
}

/**
 * diag(d): out = d ⊙ x. The entries are copied.
 *
 * @example diagonal([1, 2, 3]).apply(vec([1, 1, 1])) // [1, 2, 3]
 */
export function diagonal(d: VecLike): DiagonalOperator {
  const v = asVec(d, "diagonal", "d");
  const n = len(v);
  const c = new Float64Array(n);
  for (let i = 0; i < n; i++) c[i] = v.get(i);
  return new DiagonalOperator(c);
}

/** The n×n identity. */
export class IdentityOperator extends BaseOperator {
  /** @internal use `identity(n)` */
  constructor(n: number) {
    super("identity", n, n, true, true);
  }

  protected _apply(x: Vec, out: Vec): void {
    const n = this.shape[0];
    out.data.set(x.data.subarray(x.offset, x.offset + n), out.offset);
  }
}

/** The n×n identity operator. */
export function identity(n: number): IdentityOperator {
  checkLength("identity", "n", n);
  return new IdentityOperator(n);
}

/** The m×n zero operator. */
export class ZeroOperator extends BaseOperator {
  /** @internal use `zero(m, n)` */
  constructor(m: number, n: number) {
    super("zero", m, n, m === n, true);
  }

  protected _apply(_x: Vec, out: Vec): void {
    out.data.fill(0, out.offset, out.offset + this.shape[0]);
  }

  protected override _applyTranspose(_x: Vec, out: Vec): void {
    out.data.fill(0, out.offset, out.offset + this.shape[1]);
  }
}

/** The m×n zero operator (n defaults to m). */
export function zero(m: number, n: number = m): ZeroOperator {
  checkLength("zero", "m", m);
  checkLength("zero", "n", n);
  return new ZeroOperator(m, n);
}
