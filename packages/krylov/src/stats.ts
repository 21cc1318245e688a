/**
 * The statistics every method of this package returns, and the option checks they share.
 *
 * @module
 */

/**
 * Why a method stopped:
 * - `converged`: the stopping rule held;
 * - `maxIterations`: the iteration budget ran out first;
 * - `breakdown`: the process could not continue (a zero or non-finite coefficient; for MINRES also
 *   a stalled least-squares run whose rtol is out of reach);
 * - `negativeCurvature`: a direction with pᵀAp ≤ 0 was met (CG on an indefinite operator);
 * - `boundary`: the trust-region radius was reached (Steihaug CG);
 * - `stopped`: the callback asked to stop, or the `AbortSignal` fired;
 * - `leastSquares`: MINRES on a singular inconsistent system (b outside the range of A): the
 *   least-squares test ‖Ar‖ ≤ min(rtol, √ε)·‖A‖·‖r‖ held while ‖r‖ could not reach its target, so x is a
 *   least-squares solution (SciPy's istop 2);
 * - `illConditioned`: LSQR/LSMR stopped because the estimate of cond(Ā) passed `conlim` while
 *   neither stopping rule held on the true residual (SciPy's istop 3 and 6);
 * - `stagnated`: the true residual ‖b − Ax‖ stopped decreasing above its target while the recurrence
 *   residual met it: the tolerance is below the accuracy float64 attains on this problem (about
 *   ε·‖A‖·‖x‖ for CG); the best point met is returned with its true residual (MATLAB pcg's flag 3).
 *   LSQR/LSMR: three verifications in a row of their recurrence's stopping test failed without
 *   the measured ‖r̄‖ or ‖Āᵀr̄‖ getting 10 % closer to its bound. Lanczos: every pair reached the
 *   rounding floor 100ε√n·‖A‖ of a computed residual, but `tol` is below it.
 */
export type Status =
  | "converged" | "maxIterations" | "breakdown" | "negativeCurvature" | "boundary" | "stopped" | "leastSquares" | "illConditioned"
  | "stagnated";

/** What every method reports beside its result. */
export interface Stats {
  /** Iterations (Krylov steps) taken. */
  iterations: number;
  /** Applications of the operator (A·x products). */
  matvecs: number;
  /**
   * True when `status` is `'converged'` (or, for CG, a trust-region or curvature exit that solved its subproblem;
   * for MINRES, `'leastSquares'`: the least-squares problem is solved though b − Ax is not small).
   */
  converged: boolean;
  /** Why the method stopped. */
  status: Status;
  /** The final residual norm the stopping rule was tested on (method-specific; see each method). */
  residualNorm: number;
  /** Per-iteration residual norms, when `history: true` was asked. */
  residualHistory?: number[];
  /** Wall time in milliseconds. */
  timeMs: number;
  /** Human-readable detail (what broke down, the curvature met, …). */
  message?: string;
}

/** Throws unless `value` is a finite number ≥ `min` (or > `min` when `strict`). */
export function checkNumber(fn: string, name: string, value: unknown, min = 0, strict = false): number {
  if (typeof value !== "number" || !Number.isFinite(value) || (strict ? value <= min : value < min)) {
    throw new RangeError(`${fn}: ${name} must be a finite number ${strict ? ">" : "≥"} ${min}, got ${String(value)}`);
  }
  return value;
}

/** Throws unless `value` is an integer ≥ `min`. */
export function checkInteger(fn: string, name: string, value: unknown, min = 0): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new RangeError(`${fn}: ${name} must be an integer ≥ ${min}, got ${String(value)}`);
  }
  return value;
}
