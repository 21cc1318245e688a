/**
 * LSQR for min ‖Ax − b‖₂ (with optional damping) on a rectangular operator, by Golub–Kahan
 * bidiagonalization (Paige & Saunders 1982), with the stopping rules verified on the true
 * residual.
 *
 * @module
 */
import { type LinearOperator, type Vec, type VecLike } from "@krylov-ts/operators";
import { type Stats, type Status } from "./stats.js";
import { view } from "./solver-args.js";
import { axpyN, dotN, normN, owned, scaleN, subScaledNorm2, xpby } from "./kernels.js";
import { workspaceArrays } from "./simd/backend.js";
import {
  leastSquaresSetup,
  FailedChecks,
  stoppingTest,
  type StoppingState,
  trueResidual,
  type LeastSquaresEstimates,
  type LeastSquaresIteration,
  type LeastSquaresOptions,
  type TrueResidual,
} from "./least-squares-common.js";

/** Options of `lsqr` (those of `lsmr`). */
export type LsqrOptions = LeastSquaresOptions;

/** The result of `lsqr`. */
export interface LsqrResult {
  /** The approximate solution (a new vector of length n). */
  x: Vec;
  /**
   * `residualNorm` is the true ‖r̄‖ = √(‖b − Ax‖² + λ²‖x‖²) at the returned x; `matvecs`
   * counts products with A and with Aᵀ (two per iteration, two more for each verification).
   */
  stats: Stats;
  /** Paige & Saunders' estimates, with ‖r̄‖, ‖Āᵀr̄‖ and ‖x‖ measured at the returned x. */
  estimates: LeastSquaresEstimates;
}

/**
 * Solves min ‖Ax − b‖₂² + λ²‖x‖₂² for an m×n operator A (any m, n; rank deficient allowed)
 * by LSQR (Paige & Saunders, ACM TOMS 8(1), 1982: Algorithm LSQR of §4.1 with the damping of
 * §2.2, the estimates of §5 and the stopping rules of §6). Ā = [A; λI], r̄ = [b − Ax; −λx].
 *
 * Stopping rules (S1 and S2 of §6; SciPy's istop 1 and 2), with ‖Ā‖ the Frobenius norm of the
 * bidiagonal Bₖ (`estimates.normA`):
 *
 *     S1: ‖r̄‖ ≤ btol·‖b‖ + atol·‖Ā‖·‖x‖       (a compatible system is solved)
 *     S2: ‖Āᵀr̄‖ ≤ atol·‖Ā‖·‖r̄‖                (a least-squares solution; verified with an
 *                                               allowance of 10ε·‖Ā‖(‖b‖ + ‖Ā‖‖x‖) for the
 *                                               rounding error of evaluating Āᵀr̄)
 *     S3: cond(Ā) ≥ conlim                      (status 'illConditioned', not converged)
 *
 * The recurrences only trigger the tests: when one of S1/S2 holds on the estimates, r and
 * Aᵀr are computed from x (two products, counted) and `'converged'` is returned only when S1
 * or S2 holds on those true values. Otherwise the run goes on with the recurrence
 * tolerances tightened by the measured excess (`estimates.failedChecks` counts such checks);
 * when three failed checks in a row do not lower the best excess by 10 %, the tolerance is out
 * of reach in float64 and the run stops with status `'stagnated'` at the best point measured.
 * S3 is also checked on the true residual before `'illConditioned'` is reported.
 *
 * Rank-deficient problems: from x₀ = 0 every iterate lies in range(Aᵀ), so the limit is the
 * minimum-norm least-squares solution A⁺b (λ = 0). With a warm start x₀ the method solves for
 * the correction, and the damping applies to it: min ‖Ax − b‖² + λ²‖x − x₀‖² (SciPy's meaning).
 *
 * Per iteration: one product with A, one with Aᵀ and five vector passes (SIMD kernels over a
 * workspace in WebAssembly memory where available); nothing is allocated in the loop.
 *
 * @param A - m×n operator with `applyTranspose`
 * @param b - right-hand side, length m
 * @returns `{ x, stats, estimates }`
 * @example
 * const { x, stats } = lsqr(dense([[1, 0], [0, 1], [1, 1]]), [1, 2, 4]); // overdetermined
 * const ridge = lsqr(A, b, { damp: 0.1 }); // min ‖Ax − b‖² + 0.01‖x‖²
 */
export function lsqr(A: LinearOperator, b: VecLike, options?: LsqrOptions): LsqrResult {
  const fn = "lsqr";
  const t0 = performance.now();
  const s = leastSquaresSetup(fn, A, b, options);
  const { m, n, b: bb, x0, damp, atol, btol, conlim, maxIterations, history, callback, signal, applyTranspose } = s;
  const dampSq = damp * damp;

  // Workspace, allocated once: u, Av (m); v, w, x, Aᵀu (n).
  const [u, tm, v, w, x, tn, xBest] = workspaceArrays(Math.max(m, n), [m, m, n, n, n, n, n]) as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  const uV = view(u), tmV = view(tm), vV = view(v), tnV = view(tn), xV = view(x);
  const info: LeastSquaresIteration = { iteration: 0, x: xV, residualNorm: 0, normAr: 0 };
  let matvecs = 0;

  const bNorm = normN(bb, m);
  // β₁u₁ = b − Ax₀, α₁v₁ = Aᵀu₁ (§4.1, step 1).
  if (x0 !== undefined) {
    x.set(x0);
    A.apply(xV, uV);
    matvecs++;
    for (let i = 0; i < m; i++) u[i] = (bb[i] as number) - (u[i] as number);
  } else {
    u.set(bb);
  }
  let beta = normN(u, m);
  let alpha = 0;
  if (beta > 0) {
    scaleN(1 / beta, u, u, m);
    applyTranspose(uV, vV);
    matvecs++;
    alpha = normN(v, n);
    if (alpha > 0) scaleN(1 / alpha, v, v, n);
  }
  w.set(v); // w₁ = v₁
  let phibar = beta; // φ̄₁ = β₁
  let rhobar = alpha; // ρ̄₁ = α₁
  let anorm = 0, acond = 0, ddnorm = 0, res2 = 0, xxnorm = 0, xnorm = 0, z = 0, cs2 = -1, sn2 = 0;
  let rnorm = beta;
  let arnorm = alpha * beta;
  history?.push(rnorm);

  let status: Status = "maxIterations";
  let converged = false;
  let message: string | undefined;
  let measured: TrueResidual | undefined; // the last verification, valid while x has not moved since
  let rule: 0 | 1 | 2 = 0;
  // Paige–Saunders' test across the run: the tightening after failed verifications, the best point, stagnation.
  const stopping: StoppingState = { atol, btol, conlim, bNorm, tighten: 1, failed: new FailedChecks(xBest, n) };
  const failed = stopping.failed;
  let k = 0;

  /** Measures the true residual at x (two products) into `measured`; returns the rule it meets. */
  const verify = (): TrueResidual => {
    const t = trueResidual(A, applyTranspose, bb, x, x0, damp, tm, tn);
    matvecs += 2;
    measured = t;
    return t;
  };

  if (!Number.isFinite(beta) || !Number.isFinite(alpha)) {
    status = "breakdown";
    message = "the initial residual or Aᵀr is not finite";
  } else if (arnorm === 0) {
    // r₀ = 0 (S1) or Aᵀr₀ = 0 (S2): x₀ is already a solution (a zero b returns x = 0 without x₀).
    rule = beta === 0 ? 1 : 2;
    status = "converged";
    converged = true;
  } else {
    for (;;) {
      if (k >= maxIterations) break;
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
        break;
      }
      // Bidiagonalization (§4.1, step 3): βu ← Av − αu, then αv ← Aᵀu − βv.
      A.apply(vV, tmV);
      matvecs++;
      beta = Math.sqrt(subScaledNorm2(tm, alpha, u, u, m)); // u ← Av − αu
      anorm = Math.sqrt(anorm * anorm + alpha * alpha + beta * beta + dampSq); // ‖Bₖ‖_F with λ (§5.1)
      if (beta > 0) {
        scaleN(1 / beta, u, u, m);
        applyTranspose(uV, tnV);
        matvecs++;
        alpha = Math.sqrt(subScaledNorm2(tn, beta, v, v, n)); // v ← Aᵀu − βv
        if (alpha > 0) scaleN(1 / alpha, v, v, n);
      }
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        status = "breakdown";
        message = `α = ${alpha}, β = ${beta}: a product with A or Aᵀ overflowed or gave NaN`;
        break;
      }
      // The rotation eliminating the damping from the lower bidiagonal (§2.2): ρ̄₁ = √(ρ̄² + λ²).
      let rhobar1 = rhobar;
      let psi = 0;
      if (dampSq > 0) {
        rhobar1 = Math.hypot(rhobar, damp);
        const cs1 = rhobar / rhobar1;
        const sn1 = damp / rhobar1;
        psi = sn1 * phibar; // ψ = s₁φ̄
        phibar = cs1 * phibar; // φ̄ ← c₁φ̄
      }
      // The plane rotation Qₖ (§4.1, step 4): ρ = √(ρ̄² + β²), c = ρ̄/ρ, s = β/ρ.
      const rho = Math.hypot(rhobar1, beta);
      const cs = rhobar1 / rho;
      const sn = beta / rho;
      const theta = sn * alpha; // θₖ₊₁ = sαₖ₊₁
      rhobar = -cs * alpha; // ρ̄ₖ₊₁ = −cαₖ₊₁
      const phi = cs * phibar; // φₖ = cφ̄ₖ
      phibar = sn * phibar; // φ̄ₖ₊₁ = sφ̄ₖ
      const tau = sn * phi; // τₖ₊₁ = sφₖ (for ‖Āᵀr̄‖)
      // x ← x + (φ/ρ)w, w ← v − (θ/ρ)w (§4.1, step 5); ‖Dₖ‖_F² += ‖w/ρ‖² for cond(Ā) (§5.1).
      const t1 = phi / rho;
      const t2 = -theta / rho;
      ddnorm += dotN(w, w, n) / (rho * rho);
      axpyN(t1, w, x, n);
      xpby(v, t2, w, n);
      // ‖x‖ estimate by a second rotation on Rₖᵀ (§5.2): x = Vₖ zₖ with Lₖzₖ = fₖ.
      const delta = sn2 * rho;
      const gambar = -cs2 * rho;
      const rhs = phi - delta * z;
      const zbar = rhs / gambar;
      xnorm = Math.sqrt(xxnorm + zbar * zbar);
      const gamma = Math.hypot(gambar, theta);
      cs2 = gambar / gamma;
      sn2 = theta / gamma;
      z = rhs / gamma;
      xxnorm += z * z;
      // Estimates (§5.1, §5.3): cond(Ā) ≈ ‖Ā‖‖Dₖ‖, ‖r̄‖ = √(φ̄² + Σψ²), ‖Āᵀr̄‖ = α|τ|.
      acond = anorm * Math.sqrt(ddnorm);
      res2 += psi * psi;
      rnorm = Math.sqrt(phibar * phibar + res2);
      arnorm = alpha * Math.abs(tau);
      k++;
      history?.push(rnorm);
      measured = undefined;

      if (callback !== undefined) {
        info.iteration = k;
        info.residualNorm = rnorm;
        info.normAr = arnorm;
        if (callback(info) === true) {
          status = "stopped";
          message = "stopped by the callback";
          break;
        }
      }
      const stop = stoppingTest(stopping, rnorm, arnorm, anorm, xnorm, acond, verify, x);
      if (stop !== undefined) {
        ({ status, rule } = stop);
        converged = status === "converged";
        if (stop.message !== undefined) message = stop.message;
        if (stop.measured !== undefined) measured = stop.measured;
        break;
      }
    }
  }
  const t = measured ?? verify(); // the reported norms are always the true ones
  if (!converged && message === undefined && status === "maxIterations" && failed.count > 0) {
    message = `${failed.count} verification(s) of the recurrence's stopping test failed on the true residual`;
  }
  const stats: Stats = { iterations: k, matvecs, converged, status, residualNorm: t.normR, timeMs: 0 };
  if (history !== undefined) stats.residualHistory = history;
  if (message !== undefined) stats.message = message;
  stats.timeMs = performance.now() - t0;
  return {
    x: view(owned(x)),
    stats,
    estimates: { normA: anorm, condA: acond, normR: t.normR, normAr: t.normAr, normX: t.normX, rule, failedChecks: failed.count },
  };
}
