/**
 * The conjugate gradient method, with preconditioning, negative-curvature detection and
 * Steihaug's trust-region exit.
 *
 * @module
 */
import { type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkNumber, type Stats, type Status } from "./stats.js";
import { checkBoolean, solveSetup, view } from "./solver-args.js";
import { CoefficientLog, tridiagonalExtremes } from "./cg-estimates.js";
import { cgStep, dotN, normN, owned, workspace, xpby } from "./kernels.js";

/** What the callback of `cg` sees after each iteration (one object, updated in place). */
export interface CgIteration {
  /** Iterations done so far (1 after the first). */
  iteration: number;
  /** The current iterate (read it, do not write it). */
  x: Vec;
  /** The recurrence residual r = b − Ax (read it, do not write it). */
  residual: Vec;
  /** ‖r‖₂. */
  residualNorm: number;
  /** The step length α of this iteration. */
  alpha: number;
}

/** Options of `cg`. */
export interface CgOptions {
  /** Relative tolerance: stop when ‖r‖ ≤ max(rtol·‖b‖, atol). Default √ε ≈ 1.49e-8 (Krylov.jl's). */
  rtol?: number;
  /** Absolute tolerance of the same rule. Default 0 (SciPy's), so the rule is scale invariant. */
  atol?: number;
  /** Iteration budget. Default 10·n (SciPy's), at least 1. */
  maxIterations?: number;
  /** Warm start x₀ (length n; not modified). Default 0. */
  x0?: VecLike;
  /** A symmetric positive definite preconditioner M ≈ A⁻¹ (applied as z = M r). */
  M?: LinearOperator;
  /**
   * Trust-region radius Δ (Steihaug 1983, Toint 1981): the iterates stay in ‖x‖₂ ≤ Δ; the run
   * stops on the sphere when a step would leave it (`'boundary'`) or when negative curvature
   * is met (`'negativeCurvature'`, x moved along the direction to the sphere). With a
   * preconditioner the radius still bounds the Euclidean norm.
   */
  radius?: number;
  /** Record ‖r‖ after every iteration in `stats.residualHistory` (index 0: the initial residual). */
  history?: boolean;
  /** Called after every iteration; returning `true` stops the run with status `'stopped'`. */
  callback?: (info: CgIteration) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every product with A. */
  signal?: AbortSignal;
  /** Probe A for symmetry first (two products, counted) and throw when it is not. Default false. */
  checkSymmetric?: boolean;
  /** Compute the eigenvalue and condition estimates from the CG coefficients. Default true. */
  estimates?: boolean;
}

const CG_OPTIONS = {
  rtol: true,
  atol: true,
  maxIterations: true,
  x0: true,
  M: true,
  radius: true,
  history: true,
  callback: true,
  signal: true,
  checkSymmetric: true,
  estimates: true,
} as const satisfies OptionKeys<CgOptions>;

/** Extreme-eigenvalue estimates from the Lanczos tridiagonal hidden in the CG coefficients. */
export interface CgEstimates {
  /** Smallest Ritz value: an upper bound on λmin(A) (of MA with a preconditioner). */
  lambdaMin: number;
  /** Largest Ritz value: a lower bound on λmax(A) (of MA). */
  lambdaMax: number;
  /** lambdaMax / lambdaMin (∞ when lambdaMin ≤ 0): a lower bound on the condition number. */
  condition: number;
  /** Order of the tridiagonal (the CG steps whose α is known). */
  steps: number;
}

/** The result of `cg`. */
export interface CgResult {
  /** The approximate solution (a new vector). */
  x: Vec;
  /** Why and when the run stopped; `residualNorm` is the recurrence ‖r‖₂ at x. */
  stats: Stats;
  /** With status `'negativeCurvature'`: the direction p with pᵀAp ≤ 0 (a new vector). */
  direction?: Vec;
  /** With status `'negativeCurvature'`: the curvature pᵀAp / pᵀp of `direction`. */
  curvature?: number;
  /** Ritz-value estimates of the extreme eigenvalues (absent when `estimates: false` or no step was taken). */
  estimates?: CgEstimates;
}

/**
 * Solves A x = b for a symmetric positive definite A by the (preconditioned) conjugate
 * gradient method (Hestenes & Stiefel 1952; Golub & Van Loan, Algorithm 11.5.1).
 *
 * Stopping rule: ‖r‖₂ ≤ max(rtol·‖b‖₂, atol) on the recurrence residual r = b − Ax.
 *
 * Each iteration costs one product with A (and one with M). Curvature pᵀAp ≤ 0 stops the run
 * with status `'negativeCurvature'` and returns p as `direction`. With a `radius`, this is
 * Steihaug–Toint truncated CG: status `'boundary'` or `'negativeCurvature'` with ‖x‖ = Δ
 * (both count as `converged`, since they solve the trust-region subproblem). The CG
 * coefficients α, β define the Lanczos tridiagonal (Golub & Van Loan §11.5.3):
 * T₁₁ = 1/α₀, Tⱼⱼ = 1/αⱼ + βⱼ₋₁/αⱼ₋₁, Tⱼ,ⱼ₊₁ = √βⱼ/αⱼ, whose extreme eigenvalues
 * (by Sturm bisection) are reported in `estimates`.
 *
 * A zero b returns x = 0 at once, whatever x₀ (SciPy's convention).
 *
 * Nothing is allocated inside the loop (the coefficient log grows by doubling, `history`
 * pushes to an array); `b` and `x0` are never modified. The vectors x, r, p, Ap (and z) live
 * in one workspace, in WebAssembly memory when SIMD is available, where the vector passes run
 * as SIMD kernels (bit-identical to their JavaScript loops; see kernels.ts); A and M read and
 * write them as ordinary vectors.
 *
 * @param A - n×n symmetric operator
 * @param b - right-hand side, length n
 * @returns `{ x, stats, direction?, curvature?, estimates? }`
 * @example
 * const { x, stats } = cg(dense([[4, 1], [1, 3]]), [1, 2]);
 * stats.status; // 'converged'
 */
export function cg(A: LinearOperator, b: VecLike, options?: CgOptions): CgResult {
  const fn = "cg";
  const t0 = performance.now();
  const setup = solveSetup<CgIteration, CgOptions>(fn, A, b, options, CG_OPTIONS); // the options shared with minres
  const { n, o, b: bb, rtol, atol, maxIterations, M, history, callback, signal, x0 } = setup;
  const radius = o.radius === undefined ? undefined : checkNumber(fn, "options.radius", o.radius, 0, true);
  const wantEstimates = checkBoolean(fn, "options.estimates", o.estimates, true);
  let matvecs = setup.matvecs; // the symmetry probe's products (checkSymmetric)

  // Workspace, allocated once (in WebAssembly memory with the SIMD kernels, see kernels.ts).
  const [x, r, q, p, zM] = workspace(n, M === undefined ? 4 : 5) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array?];
  if (x0 !== undefined) x.set(x0);
  let xx = 0; // ‖x‖²
  for (let i = 0; i < n; i++) xx += (x[i] as number) ** 2;
  if (radius !== undefined && xx > radius * radius * (1 + 1e-12)) {
    throw new RangeError(`cg: options.x0 has norm ${Math.sqrt(xx)} but options.radius is ${radius}`);
  }

  const xv = view(x);
  r.set(bb);
  const rv = view(r);
  const qv = view(q);
  const z = zM ?? r;
  const zv = view(z);
  const log = wantEstimates ? new CoefficientLog(Math.min(maxIterations, 256)) : undefined;

  let bNorm = 0;
  for (let i = 0; i < n; i++) bNorm += (bb[i] as number) ** 2;
  bNorm = Math.sqrt(bNorm);
  if (bNorm === 0) {
    x.fill(0); // b = 0: x = 0 solves it exactly (SciPy's convention), whatever x₀ was
    xx = 0;
  }
  if (xx > 0) {
    A.apply(xv, qv); // r ← b − A x₀
    matvecs++;
    for (let i = 0; i < n; i++) r[i] = (bb[i] as number) - (q[i] as number);
  }
  let rr = 0;
  for (let i = 0; i < n; i++) rr += (r[i] as number) ** 2;
  let rNorm = Math.sqrt(rr);
  history?.push(rNorm);
  const target = Math.max(rtol * bNorm, atol);

  let status: Status = "maxIterations";
  let converged = false;
  let message: string | undefined;
  let direction: Vec | undefined;
  let curvature: number | undefined;
  let k = 0;
  let rho = rr; // ρ = rᵀz
  if (M !== undefined) {
    M.apply(rv, zv); // z ← M r
    rho = dotN(r, z, n);
  }
  p.set(z); // p ← z
  const pv = view(p);
  const info: CgIteration = { iteration: 0, x: xv, residual: rv, residualNorm: rNorm, alpha: 0 };

  if (!Number.isFinite(rNorm)) {
    status = "breakdown";
    message = "the initial residual is not finite";
  } else if (rNorm <= target) {
    status = "converged";
    converged = true;
  } else if (!(rho > 0)) {
    status = "breakdown";
    message = `rᵀMr = ${rho} ≤ 0: the preconditioner is not positive definite`;
  } else {
    while (k < maxIterations) {
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
        break;
      }
      A.apply(pv, qv); // q ← A p
      matvecs++;
      let pAp = 0, pp = 0, xp = 0;
      if (radius === undefined) {
        pAp = dotN(p, q, n); // pᵀAp
      } else {
        for (let i = 0; i < n; i++) {
          const pi = p[i] as number;
          pAp += pi * (q[i] as number);
          pp += pi * pi;
          xp += (x[i] as number) * pi;
        }
      }
      if (!Number.isFinite(pAp)) {
        status = "breakdown";
        message = `pᵀAp = ${pAp} is not finite`;
        break;
      }
      if (pAp <= 0) {
        // Negative (or zero) curvature along p.
        if (radius === undefined) for (let i = 0; i < n; i++) pp += (p[i] as number) ** 2;
        curvature = pAp / pp;
        direction = view(Float64Array.from(p));
        status = "negativeCurvature";
        message = `pᵀAp / pᵀp = ${curvature.toExponential(3)} ≤ 0 at iteration ${k + 1}`;
        if (radius !== undefined) {
          const tau = boundaryStep(xx, xp, pp, radius); // x ← x + τp with ‖x‖ = Δ
          for (let i = 0; i < n; i++) {
            x[i] = (x[i] as number) + tau * (p[i] as number);
            r[i] = (r[i] as number) - tau * (q[i] as number);
          }
          rNorm = normN(r, n);
          converged = true;
          k++;
          history?.push(rNorm);
        }
        break;
      }
      const alpha = rho / pAp; // α = ρ / pᵀAp
      log?.pushAlpha(alpha);
      if (radius !== undefined && xx + 2 * alpha * xp + alpha * alpha * pp >= radius * radius) {
        const tau = boundaryStep(xx, xp, pp, radius); // stop on the sphere ‖x + τp‖ = Δ
        for (let i = 0; i < n; i++) {
          x[i] = (x[i] as number) + tau * (p[i] as number);
          r[i] = (r[i] as number) - tau * (q[i] as number);
        }
        rNorm = normN(r, n);
        status = "boundary";
        converged = true;
        message = `‖x‖ reached the radius ${radius} at iteration ${k + 1}`;
        k++;
        history?.push(rNorm);
        break;
      }
      rr = cgStep(x, r, p, q, alpha, n); // x ← x + αp, r ← r − αAp
      if (radius !== undefined) xx = xx + 2 * alpha * xp + alpha * alpha * pp;
      k++;
      rNorm = Math.sqrt(rr);
      history?.push(rNorm);
      let rhoNext = rr;
      if (M !== undefined) {
        M.apply(rv, zv); // z ← M r
        rhoNext = dotN(r, z, n);
      }
      if (rNorm <= target) {
        status = "converged";
        converged = true;
      }
      if (callback !== undefined) {
        info.iteration = k;
        info.residualNorm = rNorm;
        info.alpha = alpha;
        if (callback(info) === true && !converged) {
          status = "stopped";
          message = "stopped by the callback";
          break;
        }
      }
      if (converged) break;
      if (!Number.isFinite(rNorm) || !(rhoNext > 0)) {
        status = "breakdown";
        message = Number.isFinite(rNorm)
          ? `rᵀMr = ${rhoNext} ≤ 0: the preconditioner is not positive definite`
          : "the residual is not finite";
        break;
      }
      const beta = rhoNext / rho; // β = ρₖ₊₁ / ρₖ
      rho = rhoNext;
      log?.pushBeta(beta);
      xpby(z, beta, p, n); // p ← z + βp
    }
  }

  const stats: Stats = { iterations: k, matvecs, converged, status, residualNorm: rNorm, timeMs: 0 };
  if (history !== undefined) stats.residualHistory = history;
  if (message !== undefined) stats.message = message;
  const result: CgResult = { x: view(owned(x)), stats }; // copied out of a workspace memory
  if (direction !== undefined) {
    result.direction = direction;
    result.curvature = curvature as number;
  }
  if (log !== undefined && log.steps > 0) {
    const { lambdaMin, lambdaMax, steps } = tridiagonalExtremes(log);
    result.estimates = { lambdaMin, lambdaMax, condition: lambdaMin > 0 ? lambdaMax / lambdaMin : Infinity, steps };
  }
  stats.timeMs = performance.now() - t0;
  return result;
}

/** τ ≥ 0 with ‖x + τp‖ = Δ, given ‖x‖², xᵀp, ‖p‖² and ‖x‖ ≤ Δ (cancellation-free root). */
function boundaryStep(xx: number, xp: number, pp: number, radius: number): number {
  const gap = Math.max(radius * radius - xx, 0);
  const disc = Math.sqrt(xp * xp + pp * gap);
  return xp >= 0 ? gap / (xp + disc) : (disc - xp) / pp;
}
