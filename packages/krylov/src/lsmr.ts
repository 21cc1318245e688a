/**
 * LSMR for min ‖Ax − b‖₂ (with optional damping) on a rectangular operator: MINRES on the
 * normal equations by Golub–Kahan bidiagonalization (Fong & Saunders 2011), with the
 * stopping rules verified on the true residual.
 *
 * @module
 */
import { type LinearOperator, type Vec, type VecLike } from "@krylov-ts/operators";
import { type Stats, type Status } from "./stats.js";
import { view } from "./solver-args.js";
import { axpyN, normN, owned, scaleN, subScaledNorm2, xpby } from "./kernels.js";
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

/** Options of `lsmr` (those of `lsqr`). */
export type LsmrOptions = LeastSquaresOptions;

/** The result of `lsmr`. */
export interface LsmrResult {
  /** The approximate solution (a new vector of length n). */
  x: Vec;
  /**
   * `residualNorm` is the true ‖r̄‖ = √(‖b − Ax‖² + λ²‖x‖²) at the returned x; `matvecs`
   * counts products with A and with Aᵀ (two per iteration, two more for each verification).
   */
  stats: Stats;
  /** Fong & Saunders' estimates, with ‖r̄‖, ‖Āᵀr̄‖ and ‖x‖ measured at the returned x. */
  estimates: LeastSquaresEstimates;
}

/**
 * Solves min ‖Ax − b‖₂² + λ²‖x‖₂² for an m×n operator A by LSMR (Fong & Saunders, SIAM J. Sci.
 * Comput. 33(5), 2011: Algorithm LSMR of §2.2–2.6 with the ‖r‖ estimate of §3.1 and the ‖A‖,
 * cond(A) estimates of §3.2–3.3). LSMR is MINRES applied to ĀᵀĀx = Āᵀb̄: ‖Āᵀr̄ₖ‖ decreases
 * monotonically (LSQR's ‖r̄ₖ‖ does), which makes it the safer method to stop early.
 *
 * Stopping rules (those of LSQR, `lsqr`), with ‖Ā‖ the Frobenius norm of the bidiagonal:
 *
 *     S1: ‖r̄‖ ≤ btol·‖b‖ + atol·‖Ā‖·‖x‖
 *     S2: ‖Āᵀr̄‖ ≤ atol·‖Ā‖·‖r̄‖      (verified with an allowance of 10ε·‖Ā‖(‖b‖ + ‖Ā‖‖x‖))
 *     S3: cond(Ā) ≥ conlim            (status 'illConditioned', not converged)
 *
 * As in `lsqr`, the recurrence estimates only trigger the tests; `'converged'` means S1 or S2
 * holds on r and Aᵀr computed from the returned x (two products, counted), and a failed check
 * tightens the triggers and lets the run go on (status `'stagnated'`, at the best point measured,
 * when three failed checks in a row do not lower the best excess by 10 %, as in `lsqr`). From x₀ = 0 the iterates lie in range(Aᵀ): the
 * limit on a rank-deficient problem is the minimum-norm solution. With x₀ the damping applies
 * to the correction (SciPy's meaning).
 *
 * Per iteration: one product with A, one with Aᵀ and seven vector passes; nothing is allocated
 * in the loop. No local reorthogonalization (Fong & Saunders' `localSize`).
 *
 * @param A - m×n operator with `applyTranspose`
 * @param b - right-hand side, length m
 * @returns `{ x, stats, estimates }`
 * @example
 * const { x, stats } = lsmr(dense([[1, 0], [0, 1], [1, 1]]), [1, 2, 4]);
 */
export function lsmr(A: LinearOperator, b: VecLike, options?: LsmrOptions): LsmrResult {
  const fn = "lsmr";
  const t0 = performance.now();
  const s = leastSquaresSetup(fn, A, b, options);
  const { m, n, b: bb, x0, damp, atol, btol, conlim, maxIterations, history, callback, signal, applyTranspose } = s;
  const dampSq = damp * damp;

  // Workspace, allocated once: u, Av (m); v, h, h̄, x, Aᵀu (n).
  const [u, tm, v, h, hbar, x, tn, xBest] = workspaceArrays(Math.max(m, n), [m, m, n, n, n, n, n, n]) as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  const uV = view(u), tmV = view(tm), vV = view(v), tnV = view(tn), xV = view(x);
  const info: LeastSquaresIteration = { iteration: 0, x: xV, residualNorm: 0, normAr: 0 };
  let matvecs = 0;

  const bNorm = normN(bb, m);
  // β₁u₁ = b − Ax₀, α₁v₁ = Aᵀu₁ (§2.2).
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
  h.set(v); // h₁ = v₁, h̄₀ = 0
  // The two QR factorizations (§2.3–2.5): ζ̄₁ = α₁β₁, ᾱ₁ = α₁, ρ₀ = ρ̄₀ = c̄₀ = 1, s̄₀ = 0.
  let zetabar = alpha * beta, alphabar = alpha, rho = 1, rhobar = 1, cbar = 1, sbar = 0, zeta = 0;
  // The ‖r‖ estimate (§3.1): β̈₁ = β₁, β̇₀ = 0, ρ̇₀ = 1, τ̃₋₁ = 0, θ̃₀ = 0, d = 0.
  let betadd = beta, betad = 0, rhodold = 1, tautildeold = 0, thetatilde = 0, dsum = 0;
  // ‖Ā‖ and cond(Ā) (§3.2–3.3).
  let normA2 = alpha * alpha;
  let normA = Math.sqrt(normA2);
  let maxrbar = 0, minrbar = Infinity, condA = 1;
  let normr = beta;
  let normar = alpha * beta;
  history?.push(normr);

  let status: Status = "maxIterations";
  let converged = false;
  let message: string | undefined;
  let measured: TrueResidual | undefined;
  let rule: 0 | 1 | 2 = 0;
  // Paige–Saunders' test across the run: the tightening after failed verifications, the best point, stagnation.
  const stopping: StoppingState = { atol, btol, conlim, bNorm, tighten: 1, failed: new FailedChecks(xBest, n) };
  const failed = stopping.failed;
  let k = 0;
  // The stable plane rotation [c s; −s c]·[a; b] = [r; 0] (Fong & Saunders' SymOrtho), written into `rot`.
  const rot = new Float64Array(3);
  const symOrtho = (a: number, bv: number): void => {
    const r = Math.hypot(a, bv);
    if (r === 0) { rot[0] = 1; rot[1] = 0; rot[2] = 0; return; }
    rot[0] = a / r; rot[1] = bv / r; rot[2] = r;
  };

  const verify = (): TrueResidual => {
    const t = trueResidual(A, applyTranspose, bb, x, x0, damp, tm, tn);
    matvecs += 2;
    measured = t;
    return t;
  };

  if (!Number.isFinite(beta) || !Number.isFinite(alpha)) {
    status = "breakdown";
    message = "the initial residual or Aᵀr is not finite";
  } else if (normar === 0) {
    rule = beta === 0 ? 1 : 2; // x₀ (0 without one) already solves it
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
      // Bidiagonalization: βu ← Av − αu, αv ← Aᵀu − βv.
      A.apply(vV, tmV);
      matvecs++;
      beta = Math.sqrt(subScaledNorm2(tm, alpha, u, u, m)); // u ← Av − αu
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
      // Q̂ₖ eliminates the damping: α̂ = √(ᾱ² + λ²) (§2.6).
      symOrtho(alphabar, damp);
      const chat = rot[0] as number, shat = rot[1] as number, alphahat = rot[2] as number;
      // Qₖ: ρₖ = √(α̂² + β²), θₖ₊₁ = sαₖ₊₁, ᾱₖ₊₁ = cαₖ₊₁ (§2.3).
      const rhoold = rho;
      symOrtho(alphahat, beta);
      const c = rot[0] as number, sn = rot[1] as number;
      rho = rot[2] as number;
      const thetanew = sn * alpha;
      alphabar = c * alpha;
      // Q̄ₖ: θ̄ₖ = s̄ρₖ, ρ̄ₖ = √((c̄ρₖ)² + θₖ₊₁²), ζₖ = c̄ζ̄ₖ, ζ̄ₖ₊₁ = −s̄ζ̄ₖ (§2.4).
      const rhobarold = rhobar;
      const zetaold = zeta;
      const thetabar = sbar * rho;
      const rhotemp = cbar * rho;
      symOrtho(cbar * rho, thetanew);
      cbar = rot[0] as number;
      sbar = rot[1] as number;
      rhobar = rot[2] as number;
      zeta = cbar * zetabar;
      zetabar = -sbar * zetabar;
      // h̄ ← h − (θ̄ρ/(ρ₋₁ρ̄₋₁))h̄, x ← x + (ζ/(ρρ̄))h̄, h ← v − (θ/ρ)h (§2.5).
      xpby(h, -(thetabar * rho) / (rhoold * rhobarold), hbar, n);
      axpyN(zeta / (rho * rhobar), hbar, x, n);
      xpby(v, -thetanew / rho, h, n);
      // ‖r̄ₖ‖ by the rotations applied to β̈ (§3.1).
      const betaacute = chat * betadd;
      const betacheck = -shat * betadd;
      const betahat = c * betaacute;
      betadd = -sn * betaacute;
      const thetatildeold = thetatilde;
      symOrtho(rhodold, thetabar);
      const ctildeold = rot[0] as number, stildeold = rot[1] as number, rhotildeold = rot[2] as number;
      thetatilde = stildeold * rhobar;
      rhodold = ctildeold * rhobar;
      betad = -stildeold * betad + ctildeold * betahat;
      tautildeold = (zetaold - thetatildeold * tautildeold) / rhotildeold;
      const taud = (zeta - thetatilde * tautildeold) / rhodold;
      dsum += betacheck * betacheck;
      normr = Math.sqrt(dsum + (betad - taud) ** 2 + betadd * betadd);
      // ‖Ā‖_F of the bidiagonal (with λ), cond(Ā) ≈ max ρ̄ / min ρ̄ (§3.2–3.3).
      normA2 += beta * beta + dampSq;
      normA = Math.sqrt(normA2);
      normA2 += alpha * alpha;
      maxrbar = Math.max(maxrbar, rhobarold);
      if (k > 0) minrbar = Math.min(minrbar, rhobarold);
      condA = Math.max(maxrbar, rhotemp) / Math.min(minrbar, rhotemp);
      normar = Math.abs(zetabar); // ‖Āᵀr̄ₖ‖ = |ζ̄ₖ₊₁|
      const normx = normN(x, n);
      k++;
      history?.push(normr);
      measured = undefined;

      if (callback !== undefined) {
        info.iteration = k;
        info.residualNorm = normr;
        info.normAr = normar;
        if (callback(info) === true) {
          status = "stopped";
          message = "stopped by the callback";
          break;
        }
      }
      const stop = stoppingTest(stopping, normr, normar, normA, normx, condA, verify, x);
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
    estimates: { normA, condA, normR: t.normR, normAr: t.normAr, normX: t.normX, rule, failedChecks: failed.count },
  };
}
