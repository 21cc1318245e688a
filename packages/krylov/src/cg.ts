/**
 * The conjugate gradient method, with preconditioning, negative-curvature detection and
 * Steihaug's trust-region exit.
 *
 * @module
 */
import { type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkNumber, type Stats, type Status } from "./stats.js";
import { callUnscaled, checkBoolean, problemScale, solveSetup, unscale, view } from "./solver-args.js";
import { CoefficientLog, tridiagonalExtremes } from "./cg-estimates.js";
import { cgStep, dotN, normFromSquares, normN, owned, releaseWorkspace, workspace, xpby } from "./kernels.js";

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
  /** Why and when the run stopped; `residualNorm` is the true ‖b − Ax‖₂ at the returned x. */
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
 * Stopping rule: ‖b − Ax‖₂ ≤ max(rtol·‖b‖₂, atol) on the true residual. The recurrence
 * residual r (updated as r ← r − αAp) decides when to look: once it meets the rule, b − Ax is
 * computed (one product) and `'converged'` is returned only when the true residual meets it
 * too. Otherwise rounding has made r drift from b − Ax (ill-conditioned A, small rtol): CG
 * restarts from the true residual (p ← M r). When the true residual has not halved since the last
 * restart, rtol lies below the
 * accuracy float64 can attain on this system (about ε·‖A‖·‖x‖): the run stops with status
 * `'stagnated'`, returning the best point met and its true residual. Every exit reports the true ‖b − Ax‖₂ in `stats.residualNorm` (one product
 * more at the end), but an abort by the signal, which reports the recurrence residual;
 * `residualHistory` and the callback see the recurrence residual.
 *
 * Each iteration costs one product with A (and one with M). Curvature pᵀAp ≤ 0 stops the run
 * with status `'negativeCurvature'` and returns p as `direction`. With a `radius`, this is
 * Steihaug–Toint truncated CG: status `'boundary'` or `'negativeCurvature'` with ‖x‖ = Δ
 * (both count as `converged`, since they solve the trust-region subproblem). The CG
 * coefficients α, β up to the first restart define the Lanczos tridiagonal (Golub & Van Loan §11.5.3):
 * T₁₁ = 1/α₀, Tⱼⱼ = 1/αⱼ + βⱼ₋₁/αⱼ₋₁, Tⱼ,ⱼ₊₁ = √βⱼ/αⱼ, whose extreme eigenvalues
 * (by Sturm bisection) are reported in `estimates`.
 *
 * Scale: ρ = rᵀr and pᵀAp are squares of the vectors' scale, so a b with ‖b‖ outside
 * [2⁻⁶⁴, 2⁶⁴] is first scaled by a power of two (exactly) to ‖b‖ ≈ 1, and x back at the end:
 * cg(s·A, s·b) returns the x of cg(A, b) for any s from 1e-300 to 1e300. A product that
 * returns NaN or ∞ ends the run with status `'breakdown'` and a NaN or ∞ residual.
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
  // A CSR operator in a shared memory hosts it, so that its products copy nothing.
  const [x, r, q, p, zM] = workspace(n, M === undefined ? 4 : 5, A) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array?];
  const bNorm = normN(bb, n);
  // The problem is solved scaled by f (a power of two, so exactly): b ← f·b, x ← f·x.
  const f = problemScale(bNorm);
  if (f !== 1) for (let i = 0; i < n; i++) bb[i] = (bb[i] as number) * f;
  if (x0 !== undefined && bNorm > 0) for (let i = 0; i < n; i++) x[i] = (x0[i] as number) * f; // b = 0: x = 0 (SciPy's convention)
  const delta = radius === undefined ? Infinity : radius * f; // Δ in the scaled problem
  let xx = 0; // ‖x‖²
  if (radius !== undefined) {
    xx = normN(x, n) ** 2;
    if (xx > delta * delta * (1 + 1e-12)) throw new RangeError(`cg: options.x0 has norm ${Math.sqrt(xx) / f} but options.radius is ${radius}`);
  }
  const target = Math.max(rtol * bNorm, atol) * f; // the stopping rule's bound, scaled

  const xv = view(x);
  const rv = view(r);
  const qv = view(q);
  const z = zM ?? r;
  const zv = view(z);
  const pv = view(p);
  const log = wantEstimates ? new CoefficientLog(Math.min(maxIterations, 256)) : undefined;
  const info: CgIteration = { iteration: 0, x: xv, residual: rv, residualNorm: 0, alpha: 0 };

  /** r ← b − Ax (one product); returns ‖r‖₂. */
  const trueResidual = (): number => {
    A.apply(xv, qv);
    matvecs++;
    for (let i = 0; i < n; i++) r[i] = (bb[i] as number) - (q[i] as number);
    return normN(r, n);
  };

  let rNorm = bNorm * f;
  r.set(bb);
  if (x0 !== undefined && bNorm > 0 && normN(x, n) > 0) rNorm = trueResidual(); // r ← b − A x₀
  history?.push(rNorm / f);

  let status: Status = "maxIterations";
  let converged = false;
  let message: string | undefined;
  let direction: Vec | undefined;
  let curvature: number | undefined;
  let k = 0;
  let restarts = 0;
  let best = rNorm; // the smallest true residual met, at xBest (x itself until a restart cycle fails)
  let xBest: Float64Array | undefined;
  let verified = Number.isFinite(rNorm); // rNorm is the true residual of x

  if (!Number.isFinite(rNorm)) {
    status = "breakdown";
    message = "the initial residual is not finite";
  } else if (rNorm <= target) {
    status = "converged";
    converged = true;
  } else {
    let rho = rNorm * rNorm; // ρ = rᵀz
    if (M !== undefined) {
      M.apply(rv, zv); // z ← M r
      rho = dotN(r, z, n);
    }
    p.set(z); // p ← z
    if (!(rho > 0)) {
      status = "breakdown";
      message = `rᵀMr = ${rho} ≤ 0: the preconditioner is not positive definite`;
    }
    while (k < maxIterations && status === "maxIterations") {
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
        verified = false; // report ‖b − Ax‖ as the operator gives it (NaN when it returns NaN)
        break;
      }
      if (pAp <= 0) {
        // Negative (or zero) curvature along p.
        if (radius === undefined) pp = normN(p, n) ** 2;
        curvature = pAp / pp;
        direction = view(Float64Array.from(p.subarray(0, n), (v) => v / f));
        status = "negativeCurvature";
        message = `pᵀAp / pᵀp = ${curvature.toExponential(3)} ≤ 0 at iteration ${k + 1}`;
        if (radius !== undefined) {
          boundaryMove(x, r, p, q, boundaryStep(xx, xp, pp, delta), n); // x ← x + τp with ‖x‖ = Δ
          verified = false;
          converged = true;
          k++;
          history?.push(normN(r, n) / f);
        }
        break;
      }
      const alpha = rho / pAp; // α = ρ / pᵀAp
      if (restarts === 0) log?.pushAlpha(alpha);
      if (radius !== undefined && xx + 2 * alpha * xp + alpha * alpha * pp >= delta * delta) {
        boundaryMove(x, r, p, q, boundaryStep(xx, xp, pp, delta), n); // stop on the sphere ‖x + τp‖ = Δ
        verified = false;
        status = "boundary";
        converged = true;
        message = `‖x‖ reached the radius ${radius} at iteration ${k + 1}`;
        k++;
        history?.push(normN(r, n) / f);
        break;
      }
      const rr = cgStep(x, r, p, q, alpha, n); // x ← x + αp, r ← r − αAp; rr = ‖r‖²
      verified = false;
      if (radius !== undefined) xx = xx + 2 * alpha * xp + alpha * alpha * pp;
      k++;
      rNorm = normFromSquares(rr, r, n);
      history?.push(rNorm / f);
      let rhoNext = rr;
      if (M !== undefined) {
        M.apply(rv, zv); // z ← M r
        rhoNext = dotN(r, z, n);
      }
      if (callback !== undefined) {
        info.iteration = k;
        info.residualNorm = rNorm / f;
        info.alpha = alpha;
        if (callUnscaled(callback, info, f, n, x, r) === true && !(rNorm <= target)) {
          status = "stopped";
          message = "stopped by the callback";
          break;
        }
      }
      if (!Number.isFinite(rNorm)) {
        status = "breakdown";
        message = "the residual is not finite";
        break;
      }
      if (rNorm <= target || (M === undefined && !(rhoNext > 0))) {
        // The recurrence meets the rule (or ρ underflowed): verify on the true residual.
        rNorm = trueResidual(); // r ← b − Ax
        verified = true;
        if (rNorm <= target) {
          status = "converged";
          converged = true;
          break;
        }
        if (!Number.isFinite(rNorm)) {
          status = "breakdown";
          message = "the true residual is not finite";
          break;
        }
        if (rNorm > 0.5 * best) {
          // The true residual did not halve since the last restart: the attainable accuracy is reached.
          if (xBest !== undefined && best < rNorm) {
            x.set(xBest); // the best point met, whose true residual is `best`
            rNorm = best;
          }
          status = "stagnated";
          message =
            `the true residual ‖b − Ax‖ = ${(rNorm / f).toExponential(3)} no longer decreases while the recurrence ` +
            `meets the rule (${restarts} restart(s) from it): rtol = ${rtol.toExponential(3)} is below the ` +
            `accuracy float64 attains on this system`;
          break;
        }
        best = rNorm;
        xBest ??= new Float64Array(n); // allocated at the first restart only
        xBest.set(x.subarray(0, n));
        // Restart from the true residual, now in r: z ← M r, ρ = rᵀz, p ← z. (Keeping p, van der Vorst &
        // Ye's residual replacement, fails here: b − Ax differs from r by far more than ‖r‖, so β would
        // blow the old direction up.)
        restarts++;
        rhoNext = rNorm * rNorm;
        if (M !== undefined) {
          M.apply(rv, zv);
          rhoNext = dotN(r, z, n);
        }
        if (rhoNext > 0) {
          rho = rhoNext;
          p.set(z);
          continue;
        }
      }
      if (!(rhoNext > 0)) {
        status = "breakdown";
        message = `rᵀMr = ${rhoNext} ≤ 0: the preconditioner is not positive definite`;
        break;
      }
      const beta = rhoNext / rho; // β = ρₖ₊₁ / ρₖ
      rho = rhoNext;
      if (restarts === 0) log?.pushBeta(beta);
      xpby(z, beta, p, n); // p ← z + βp
    }
  }
  // Every exit reports the true ‖b − Ax‖, but an abort: no product after the signal.
  if (!verified && bNorm > 0 && !signal?.aborted) rNorm = trueResidual();
  if (xBest !== undefined && best < rNorm && !converged) {
    x.set(xBest); // the run ended farther from b than a point it verified: return that point
    rNorm = best;
  }

  const stats: Stats = { iterations: k, matvecs, converged, status, residualNorm: rNorm / f, timeMs: 0 };
  if (history !== undefined) stats.residualHistory = history;
  if (message !== undefined) stats.message = message;
  else if (restarts > 0) stats.message = `restarted ${restarts} time(s) from the true residual b − Ax (the recurrence residual had drifted from it)`;
  const result: CgResult = { x: view(unscale(owned(x), f)), stats }; // copied out of a workspace memory
  releaseWorkspace(x);
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

/** x ← x + τp, r ← r − τAp (the last step of Steihaug's CG, onto the sphere). */
function boundaryMove(x: Float64Array, r: Float64Array, p: Float64Array, q: Float64Array, tau: number, n: number): void {
  for (let i = 0; i < n; i++) {
    x[i] = (x[i] as number) + tau * (p[i] as number);
    r[i] = (r[i] as number) - tau * (q[i] as number);
  }
}

/** τ ≥ 0 with ‖x + τp‖ = Δ, given ‖x‖², xᵀp, ‖p‖² and ‖x‖ ≤ Δ (cancellation-free root). */
function boundaryStep(xx: number, xp: number, pp: number, radius: number): number {
  const gap = Math.max(radius * radius - xx, 0);
  const disc = Math.sqrt(xp * xp + pp * gap);
  return xp >= 0 ? gap / (xp + disc) : (disc - xp) / pp;
}
