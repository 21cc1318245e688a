/**
 * Restarted GMRES(m) for general (non-symmetric) square systems.
 *
 * @module
 */
import type { LinearOperator, VecLike } from "@krylov-ts/operators";
import { restartedGmres, type GmresOptions, type GmresResult } from "./gmres-restart.js";

export type { GmresIteration, GmresOptions, GmresResult } from "./gmres-restart.js";

/**
 * Solves A x = b for a general square A by restarted GMRES(m) (Saad & Schultz 1986; Saad 2003,
 * Algorithm 6.9): each cycle builds the Arnoldi basis V_{j+1} of K_j(A, r₀) with
 * A·V_j = V_{j+1}·H̄_j (classical Gram–Schmidt, or modified with `orthogonalization: 'mgs'`,
 * each with a second pass when needed),
 * reduces H̄_j to triangular R_j by Givens rotations as it grows (γ = Qᵀ·β e₁, the
 * least-squares residual |γ_{j+1}| for free at each step), and ends with
 * x ← x₀ + V_j·R_j⁻¹γ₁…γ_j, the minimizer of ‖b − Ax‖ over x₀ + K_j.
 *
 * Stopping rule: ‖b − Ax‖₂ ≤ max(rtol·‖b‖₂, atol) on the TRUE residual, measured at the end of
 * every cycle (one product with A, counted in `stats.matvecs` and listed in
 * `restartResiduals`). A cycle ends after m steps or when |γ_{j+1}| reaches the target; when
 * the measured residual misses a target that γ claimed (rounding drift), the next cycle aims
 * lower. Left preconditioning (M A x = M b) minimizes ‖M r‖, so its cycles aim at the target
 * scaled by ‖M r₀‖/‖r₀‖; convergence is still decided on ‖b − Ax‖.
 *
 * Breakdowns (status `'breakdown'`, never thrown): h_{j+1,j} = 0 is the lucky breakdown
 * (K_j is invariant: the cycle's x is exact up to rounding, and the true residual decides
 * `converged`); a rotated diagonal ρ_j = 0 (A singular on the Krylov space), a non-finite
 * coefficient, or stagnation (a whole cycle left the minimized residual unchanged, so every
 * later cycle would repeat it; e.g. GMRES(m) on some skew-symmetric or cyclic-shift operators).
 *
 * A zero b returns x = 0 at once, whatever x₀ (SciPy's convention). Only `A.apply` is used.
 * Scale: A, M and b run as A·2^−e, M·2^−g and b·2^−f (e and g fixed on their first products, f
 * from a safe ‖b‖; all 0 unless a norm lies outside 2^±64), so operators and right-hand sides of
 * norm 1e±300 give the same x and statuses as at norm 1 (with x₀ and A far from norm 1, one
 * product more: the one with x₀ fixes e).
 * Nothing is allocated inside the loop: V (m + 1 columns), x, r and the small arrays live in one
 * workspace (WebAssembly memory with SIMD kernels when available); `b` and `x0` are never modified.
 *
 * @param A - n×n operator
 * @param b - right-hand side, length n
 * @returns `{ x, stats, restartResiduals }`
 * @example
 * const { x, stats } = gmres(dense([[2, 1], [-1, 3]]), [1, 2], { restart: 30 });
 * stats.status; // 'converged'
 */
export function gmres(A: LinearOperator, b: VecLike, options?: GmresOptions): GmresResult {
  return restartedGmres("gmres", A, b, options, false);
}
