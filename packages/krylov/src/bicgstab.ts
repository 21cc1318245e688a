/**
 * BiCGSTAB for general (non-symmetric) square systems, with right preconditioning.
 *
 * @module
 */
import type { LinearOperator, OptionKeys, Vec, VecLike } from "@krylov-ts/operators";
import type { Stats, Status } from "./stats.js";
import { solveSetup, view } from "./solver-args.js";
import { axpyN, dotN, normN, owned, releaseWorkspace, subScaledNorm2, workspace } from "./kernels.js";

/** What the callback of `bicgstab` sees after each iteration (one object, updated in place). */
export interface BicgstabIteration {
  /** Iterations done so far (1 after the first; each is two products with A). */
  iteration: number;
  /** The current iterate (read it, do not write it). */
  x: Vec;
  /** The recurrence residual norm ‖r‖₂. */
  residualNorm: number;
  /** The coefficients of the iteration. */
  alpha: number;
  omega: number;
}

/** Options of `bicgstab`. */
export interface BicgstabOptions {
  /** Converged when the TRUE residual ‖b − Ax‖₂ ≤ max(rtol·‖b‖₂, atol). Default √ε ≈ 1.49e-8. */
  rtol?: number;
  /** Absolute tolerance of the same rule. Default 0. */
  atol?: number;
  /** Iteration budget (each iteration is two products with A). Default max(10·n, 1). */
  maxIterations?: number;
  /** Warm start x₀ (length n; not modified). Default 0. */
  x0?: VecLike;
  /** A right preconditioner M ≈ A⁻¹ (applied as p̂ = M p; any operator). */
  M?: LinearOperator;
  /** Record the recurrence ‖r‖ after every iteration in `stats.residualHistory` (index 0: the initial residual). */
  history?: boolean;
  /** Called after every iteration; returning `true` stops the run with status `'stopped'`. */
  callback?: (info: BicgstabIteration) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every iteration. */
  signal?: AbortSignal;
}

const BICGSTAB_OPTIONS = {
  rtol: true,
  atol: true,
  maxIterations: true,
  x0: true,
  M: true,
  history: true,
  callback: true,
  signal: true,
} as const satisfies OptionKeys<BicgstabOptions>;

/** The result of `bicgstab`. */
export interface BicgstabResult {
  /** The approximate solution (a new vector). */
  x: Vec;
  /** `residualNorm` is the true ‖b − Ax‖₂ at the returned x (measured, counted in `matvecs`). */
  stats: Stats;
  /** How often the recurrence residual was replaced by the true one after a failed convergence check. */
  replacements: number;
  /** How often the shadow residual r̂₀ was reset to r after ρ or r̂₀ᵀv vanished (cosine below ε). */
  shadowRestarts: number;
}

/**
 * Solves A x = b for a general square A by BiCGSTAB (van der Vorst 1992, Algorithm 1; Saad
 * 2003, Algorithm 7.7), right-preconditioned as in SciPy and the Templates (Barrett et al. 1994):
 *
 *     ρ = r̂₀ᵀr,  β = (ρ/ρ₋)(α/ω),  p ← r + β(p − ωv),  v = A M p,  α = ρ / r̂₀ᵀv,
 *     s = r − αv,  t = A M s,  ω = tᵀs / tᵀt,  x ← x + αMp + ωMs,  r ← s − ωt
 *
 * with the shadow residual r̂₀ = r₀.
 *
 * Stopping rule: ‖b − Ax‖₂ ≤ max(rtol·‖b‖₂, atol) on the TRUE residual. When the recurrence
 * ‖r‖ (or ‖s‖ at the half step) meets the target, b − Ax is measured (one product, counted); if
 * it misses, r is replaced by the true residual (van der Vorst & Ye 2000's reliable update,
 * `replacements` counts them) and the iteration goes on.
 *
 * Breakdowns, with cosines below ε counting as zero. ρ = r̂₀ᵀr = 0 (r ⟂ r̂₀: the Lanczos part
 * breaks down) or r̂₀ᵀv = 0 (a pivot breakdown) restart the method with the shadow r̂₀ = r
 * (counted in `shadowRestarts`): BiCGSTAB's residual often recovers from such a phase (2-D
 * convection–diffusion at Péclet 100 passes through a cosine of 1e-17). Status `'breakdown'`
 * (never thrown) is left for r̂₀ᵀv = 0 right after such a restart (rᵀAMr = 0), for
 * tᵀs = 0 so ω = 0 (the minimal-residual part stagnates: the classic failure on a skew-symmetric
 * A, where sᵀAs = 0 for every s), or a non-finite coefficient. The returned x is the last iterate
 * and `residualNorm` its true residual.
 *
 * A zero b returns x = 0 at once, whatever x₀ (SciPy's convention). Only `A.apply` is used.
 * Nothing is allocated inside the loop (the vectors live in one workspace, WebAssembly memory
 * with SIMD kernels when available); `b` and `x0` are never modified.
 *
 * @param A - n×n operator
 * @param b - right-hand side, length n
 * @returns `{ x, stats, replacements }`
 * @example
 * const { x, stats } = bicgstab(dense([[4, 1], [-2, 3]]), [1, 2]);
 */
export function bicgstab(A: LinearOperator, b: VecLike, options?: BicgstabOptions): BicgstabResult {
  const fn = "bicgstab";
  const t0 = performance.now();
  const setup = solveSetup<BicgstabIteration, BicgstabOptions>(fn, A, b, options, BICGSTAB_OPTIONS);
  const { n, b: bb, rtol, atol, maxIterations, M, history, callback, signal, x0 } = setup;
  let matvecs = setup.matvecs;

  // Workspace, allocated once: x, r, r̂₀, p, v, s, t, b, and p̂ = M p, ŝ = M s with a preconditioner.
  // (A CSR operator in a shared memory hosts it, so that its products copy nothing.)
  const [x, r, rHat, p, v, s, t, bw, pHatM, sHatM] = workspace(n, M === undefined ? 8 : 10, A) as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array?, Float64Array?,
  ];
  const pHat = pHatM ?? p;
  const sHat = sHatM ?? s;
  const [xv, pv, vv, sv, tv, pHatv, sHatv] = [x, p, v, s, t, pHat, sHat].map(view) as [Vec, Vec, Vec, Vec, Vec, Vec, Vec];
  bw.set(bb);
  const bNorm = normN(bw, n);
  const target = Math.max(rtol * bNorm, atol);
  if (x0 !== undefined && bNorm > 0) x.set(x0); // b = 0: x = 0 solves it exactly (SciPy's convention)
  let rIsTrue = true; // r holds the measured b − Ax of the current x
  let rNorm = residual(); // r ← b − Ax₀
  history?.push(rNorm);
  rHat.set(r); // the shadow residual r̂₀ = r₀
  let rHatNorm = rNorm;
  let shadowIsR = true; // r̂₀ = r (the shadow was just set; a vanishing pivot is then a true breakdown)
  let shadowRestarts = 0;

  let status: Status = "maxIterations";
  let converged = false;
  let message: string | undefined;
  let replacements = 0;
  let k = 0;
  let rhoPrev = 1;
  let alpha = 1;
  let omega = 1;
  let fresh = true; // p = r at the first iteration and after a residual replacement
  const info: BicgstabIteration = { iteration: 0, x: xv, residualNorm: rNorm, alpha: 0, omega: 0 };

  if (!Number.isFinite(rNorm)) {
    status = "breakdown";
    message = "the initial residual is not finite";
  } else if (rNorm <= target) {
    status = "converged";
    converged = true;
  }
  while (!converged && k < maxIterations) {
    if (signal?.aborted) {
      status = "stopped";
      message = "aborted by the signal";
      break;
    }
    let rho = dotN(rHat, r, n); // ρ = r̂₀ᵀr
    if (!Number.isFinite(rho)) {
      status = "breakdown";
      message = `ρ = r̂₀ᵀr = ${rho}`;
      break;
    }
    if (!(Math.abs(rho) > Number.EPSILON * rHatNorm * rNorm)) {
      restartShadow(); // r ⟂ r̂₀ to working precision: the Lanczos part broke down, start again with r̂₀ = r
      rho = rNorm * rNorm;
    }
    if (fresh) {
      p.set(r); // p = r
      fresh = false;
    } else {
      const beta = (rho / rhoPrev) * (alpha / omega); // β = (ρ/ρ₋)(α/ω)
      for (let i = 0; i < n; i++) p[i] = (r[i] as number) + beta * ((p[i] as number) - omega * (v[i] as number)); // p ← r + β(p − ωv)
    }
    if (M !== undefined) M.apply(pv, pHatv); // p̂ = M p
    A.apply(pHatv, vv); // v = A p̂
    matvecs++;
    const rHatV = dotN(rHat, v, n);
    if (!(Math.abs(rHatV) > Number.EPSILON * rHatNorm * normN(v, n))) {
      k++;
      if (!shadowIsR) {
        restartShadow(); // a pivot breakdown of the current shadow: start again with r̂₀ = r
        continue;
      }
      status = "breakdown";
      message = `r̂₀ᵀv = r̂₀ᵀAM r̂₀ = ${rHatV.toExponential(2)} with r̂₀ = r: the pivot of α vanished (e.g. a skew-symmetric AM)`;
      break;
    }
    alpha = rho / rHatV; // α = ρ / r̂₀ᵀv
    shadowIsR = false;
    const sNorm = Math.sqrt(subScaledNorm2(r, alpha, v, s, n)); // s = r − αv
    k++;
    if (sNorm <= target) {
      axpyN(alpha, pHat, x, n); // x ← x + αp̂: the half step may already solve it
      rNorm = residual();
      history?.push(rNorm);
      if (rNorm <= target) {
        status = "converged";
        converged = true;
        report(alpha, NaN);
        break;
      }
      replacements++; // the recurrence drifted: start again from the true residual
      fresh = true;
      if (report(alpha, NaN)) break;
      continue;
    }
    if (M !== undefined) M.apply(sv, sHatv); // ŝ = M s
    A.apply(sHatv, tv); // t = A ŝ
    matvecs++;
    const tt = dotN(t, t, n);
    const ts = dotN(t, s, n);
    if (!(Math.abs(ts) > Number.EPSILON * Math.sqrt(tt) * sNorm)) {
      axpyN(alpha, pHat, x, n); // keep the half step's progress
      rIsTrue = false;
      status = "breakdown";
      message = `ω = tᵀs / tᵀt = ${(ts / tt).toExponential(2)}: the minimal-residual step stagnates (tᵀs ≈ 0, e.g. a skew-symmetric A)`;
      break;
    }
    omega = ts / tt; // ω = tᵀs / tᵀt
    axpyN(alpha, pHat, x, n); // x ← x + αp̂ + ωŝ
    axpyN(omega, sHat, x, n);
    rNorm = Math.sqrt(subScaledNorm2(s, omega, t, r, n)); // r = s − ωt
    rIsTrue = false;
    history?.push(rNorm);
    rhoPrev = rho;
    if (!Number.isFinite(rNorm)) {
      status = "breakdown";
      message = "the residual is not finite";
      break;
    }
    if (rNorm <= target) {
      rNorm = residual();
      if (rNorm <= target) {
        status = "converged";
        converged = true;
        report(alpha, omega);
        break;
      }
      replacements++; // the recurrence residual drifted from the true one: start again from it
      fresh = true;
    }
    if (report(alpha, omega)) break;
  }
  if (!rIsTrue) rNorm = residual(); // stats.residualNorm is the true residual of the returned x
  if (status === "maxIterations") message = `the budget of ${maxIterations} iterations ran out at ‖b − Ax‖ = ${rNorm.toExponential(3)}`;

  const stats: Stats = { iterations: k, matvecs, converged, status, residualNorm: rNorm, timeMs: 0 };
  if (history !== undefined) stats.residualHistory = history;
  if (message !== undefined) stats.message = message;
  stats.timeMs = performance.now() - t0;
  const xOut = owned(x);
  releaseWorkspace(x);
  return { x: view(xOut), stats, replacements, shadowRestarts };

  /** r̂₀ ← r and p ← r at the next step (recovery from a Lanczos or pivot breakdown of the old shadow). */
  function restartShadow(): void {
    rHat.set(r);
    rHatNorm = rNorm;
    shadowIsR = true;
    fresh = true;
    shadowRestarts++;
  }

  /** Calls the callback; true when it asks to stop (then status is set). */
  function report(a: number, w: number): boolean {
    if (callback === undefined) return false;
    info.iteration = k;
    info.residualNorm = rNorm;
    info.alpha = a;
    info.omega = w;
    if (callback(info) === true && !converged) {
      status = "stopped";
      message = "stopped by the callback";
      return true;
    }
    return false;
  }

  /** r ← b − Ax (one product, counted; none while x = 0); returns ‖r‖. */
  function residual(): number {
    let nonzero = false;
    for (let i = 0; i < n && !nonzero; i++) nonzero = x[i] !== 0;
    if (!nonzero) {
      rIsTrue = true;
      r.set(bw);
      return normN(r, n);
    }
    A.apply(xv, tv);
    matvecs++;
    rIsTrue = true;
    return Math.sqrt(subScaledNorm2(bw, 1, t, r, n)); // r ← b − Ax
  }
}
