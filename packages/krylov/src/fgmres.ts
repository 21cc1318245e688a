/**
 * Flexible GMRES(m): restarted GMRES with a preconditioner that may change at every step.
 *
 * @module
 */
import type { LinearOperator, VecLike } from "@krylov-ts/operators";
import { restartedGmres, type GmresOptions, type GmresResult } from "./gmres-restart.js";

/**
 * Solves A x = b by flexible GMRES(m) (Saad 1993, Algorithm 2.2): right preconditioning where
 * M may differ at each step (an inner iterative solve, a preconditioner with state), so the
 * preconditioned vectors z_j = M_j v_j are kept (m more vectors than `gmres`) and
 * x ← x₀ + Z_j·R_j⁻¹γ₁…γ_j, the minimizer of ‖b − Ax‖ over x₀ + span(Z_j), with
 * A·Z_j = V_{j+1}·H̄_j. Each step calls `M.apply` once, in order, so a stateful M sees the
 * steps one by one. Without M it is `gmres`.
 *
 * Options, stopping rule (the TRUE residual ‖b − Ax‖₂ ≤ max(rtol·‖b‖₂, atol), measured at
 * every restart), breakdowns and statuses are those of `gmres`; `side` can only be `'right'`.
 *
 * @param A - n×n operator
 * @param b - right-hand side, length n
 * @returns `{ x, stats, restartResiduals }`
 * @example
 * // an inner GMRES(5) as the preconditioner of an outer FGMRES
 * const M = operator([n, n], (v, out) => { copy(gmres(A, v, { restart: 5, maxIterations: 5 }).x, out); });
 * const { x } = fgmres(A, b, { M });
 */
export function fgmres(A: LinearOperator, b: VecLike, options?: GmresOptions): GmresResult {
  return restartedGmres("fgmres", A, b, options, true);
}
