/**
 * Private helpers of `lanczosProcess`, `lanczos` and `slq`: start vectors and the Gram–Schmidt
 * kernels on a basis stored as consecutive columns of one `Float64Array` (their argument checks
 * are those of solver-args.ts, shared with every method).
 *
 * @module
 */
import { asVec, nrm2, rng, scal, type LinearOperator, type Vec, type VecLike } from "@krylov-ts/operators";
import { vectorCopy } from "../solver-args.js";
import { cgsPass, combineColumns, squaredNorm } from "./kernels.js";

/** How the Lanczos vectors are kept orthogonal. */
export type Reorthogonalization = "full" | "partial" | "none";

/**
 * Writes the normalized start vector into `out` (length n): a copy of `v0` when given (checked
 * for length and finiteness by `vectorCopy`, and for a nonzero norm), else a seeded standard
 * normal vector.
 */
export function startVector(fn: string, v0: VecLike | undefined, seed: number, A: LinearOperator, out: Float64Array): void {
  const n = A.shape[1];
  if (v0 === undefined) {
    const r = rng(seed);
    for (let i = 0; i < n; i++) out[i] = r.normal();
  } else {
    out.set(vectorCopy(fn, "options.v0", v0, A));
  }
  const nrm = norm(out, n);
  if (nrm === 0) throw new RangeError(`${fn}: options.v0 is the zero vector`);
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / nrm;
}

/**
 * ‖x[0…n)‖₂, safe from overflow and underflow: the plain sum of squares when it lies in
 * (1e-280, ∞), else the rescaled sum of `nrm2` (LAPACK's dnrm2 idea; never taken at ordinary scales).
 */
export function norm(x: Float64Array, n: number): number {
  const ss = squaredNorm(x, n);
  if (ss > 1e-280 && ss < Infinity) return Math.sqrt(ss);
  return nrm2(asVec(x.subarray(0, n)));
}

/**
 * A times 2^−e, e fixed on the first nonzero product so that ‖A·x‖/‖x‖ is of order 1 when it lies outside
 * [2^−64, 2^64] (else e = 0 and the products are A's, unchanged). The Lanczos methods run on it, so that
 * their sums of squares (norms, Gram–Schmidt coefficients, the small eigenproblems) neither overflow nor
 * underflow for A of norm 1e±300, and multiply their eigenvalue results by `scale` = 2^e: a power of two
 * scales exactly, so the results are those on the scaled operator to the last bit.
 */
export class PowerOfTwoScaled implements LinearOperator {
  readonly shape: readonly [number, number];
  readonly symmetric?: boolean;
  /** 2^e: A = scale·(this operator). 1 until the first product decides. */
  scale = 1;
  private inverse = 1;
  private decided = false;

  constructor(private readonly A: LinearOperator) {
    this.shape = A.shape;
    if (A.symmetric !== undefined) this.symmetric = A.symmetric;
  }

  apply(x: Vec, out?: Vec): Vec {
    const y = this.A.apply(x, out);
    if (!this.decided) {
      // Decided on the first product that is not exactly zero (a zero product is zero at any scale).
      const ratio = nrm2(y) / nrm2(x);
      this.decided = ratio !== 0;
      if (ratio > 0 && Number.isFinite(ratio) && (ratio < 2 ** -64 || ratio > 2 ** 64)) {
        const e = Math.round(Math.log2(ratio));
        this.scale = 2 ** e;
        this.inverse = 2 ** -e;
      }
    }
    if (this.inverse !== 1) scal(this.inverse, y);
    return y;
  }
}

/**
 * w ⟂ columns [from, to) of V by classical Gram–Schmidt with at most one repeated pass ("twice is
 * enough", Kahan–Parlett; the DGKS criterion: repeat when ‖w‖ drops below ‖w_before‖/√2).
 * `g` is a workspace of length ≥ to; when `h` is given the coefficients are added into it.
 * Returns ‖w‖.
 */
export function orthogonalize(
  V: Float64Array, from: number, to: number, n: number, w: Float64Array, g: Float64Array, h?: Float64Array,
): number {
  const before = norm(w, n);
  let after = cgsPass(V, from, to, n, w, g, h);
  if (after < before * Math.SQRT1_2) after = cgsPass(V, from, to, n, w, g, h);
  return after;
}

/**
 * The thick-restart transformation: V[:, c] ← V·S[:, keep_c] for the kept pairs (c < p),
 * V[:, p…p+open) ← v_used…v_{used+open−1} (the open columns, the residual directions), and the locked pairs' Ritz vectors V·S[:, lock_c]
 * appended to L from slot `lockedCount`. `S` is row-major `used`×`used`; `scratch` has length
 * ≥ (COMBINE_ROWS + used)·(keep + lock). One sweep over V (see `combineColumns`).
 */
export function restartBasis(
  V: Float64Array, n: number, used: number, S: Float64Array,
  keep: readonly number[], lock: readonly number[], L: Float64Array, lockedCount: number, scratch: Float64Array, open: number,
): void {
  const p = keep.length;
  combineColumns(V, n, used, S, used, [...keep, ...lock], scratch, (c, r0, block) => {
    if (c < p) V.set(block, c * n + r0);
    else L.set(block, (lockedCount + c - p) * n + r0);
  });
  V.copyWithin(p * n, used * n, (used + open) * n);
}

/** A contiguous `Vec` view of `length` entries of `data` from `offset` (no copy). */
export function columnView(data: Float64Array, offset: number, length: number): Vec {
  return asVec(data.subarray(offset, offset + length));
}
