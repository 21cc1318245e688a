/**
 * MINRES for symmetric (indefinite, possibly singular) systems, with a shift, a symmetric
 * positive definite preconditioner and a verified true residual.
 *
 * @module
 */
import { type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkNumber, type Stats, type Status } from "./stats.js";
import { callUnscaled, problemScale, solveSetup, unscale, view } from "./solver-args.js";
import { dotN, minresLanczos, minresUpdate, normFromSquares, normN, owned, releaseWorkspace, scaleN, shiftedResidual, subScaledNorm2, workspace } from "./kernels.js";

/**
 * γₖ ≤ 10ε·‖Tₖ‖_F counts as a zero pivot of the QR factor of T̄ₖ. Since every γ ≤ ‖Tₖ‖_F, this
 * is where the condition estimate max γ / min γ would reach SciPy's limit 0.1/ε (its istop 4).
 */
const DEFICIENT = 10 * Number.EPSILON;
const SQRT_EPS = Math.sqrt(Number.EPSILON);

/** What the callback of `minres` sees after each iteration (one object, updated in place). */
export interface MinresIteration {
  /** Lanczos steps done so far (1 after the first). */
  iteration: number;
  /** The current iterate (read it, do not write it). */
  x: Vec;
  /** The recurrence estimate of the residual norm (in the M⁻¹-norm with a preconditioner). */
  residualNorm: number;
}

/** Options of `minres`. */
export interface MinresOptions {
  /** Relative tolerance: converged when ‖b − (A − σI)x‖₂ ≤ max(rtol·‖b‖₂, atol). Default √ε ≈ 1.49e-8 (Krylov.jl's). */
  rtol?: number;
  /** Absolute tolerance of the same rule. Default 0 (SciPy's). */
  atol?: number;
  /** The shift σ: solve (A − σI)x = b. Default 0. */
  shift?: number;
  /** Budget of Lanczos steps (summed over restarts). Default 10·n, at least 1. */
  maxIterations?: number;
  /** Warm start x₀ (length n; not modified). Default 0. */
  x0?: VecLike;
  /** A symmetric positive definite preconditioner M ≈ (A − σI)⁻¹ in magnitude (applied as z = M r). */
  M?: LinearOperator;
  /** Record the recurrence residual estimate after every step in `stats.residualHistory`. */
  history?: boolean;
  /** Called after every step; returning `true` stops the run with status `'stopped'`. */
  callback?: (info: MinresIteration) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every product with A. */
  signal?: AbortSignal;
  /** Probe A for symmetry first (two products, counted) and throw when it is not. Default false. */
  checkSymmetric?: boolean;
}

const MINRES_OPTIONS = {
  rtol: true,
  atol: true,
  shift: true,
  maxIterations: true,
  x0: true,
  M: true,
  history: true,
  callback: true,
  signal: true,
  checkSymmetric: true,
} as const satisfies OptionKeys<MinresOptions>;

/** The result of `minres`. */
export interface MinresResult {
  /** The approximate solution (a new vector). */
  x: Vec;
  /** `residualNorm` is the true ‖b − (A − σI)x‖₂ at the returned x (its product counted). */
  stats: Stats;
  /**
   * `normA`: the Frobenius norm of the Lanczos tridiagonal Tₖ, the largest over the runs when restarted (a lower bound on ‖A − σI‖_F,
   * Paige–Saunders' Anorm); `restarts`: how often the true-residual check restarted the run;
   * `normAr`: ‖(A − σI)r‖, the optimality residual of the least-squares problem — measured at
   * the returned x (one product, counted) when the least-squares test was verified there (status
   * `'leastSquares'`, or a least-squares `'breakdown'`), else the
   * recurrence estimate φ̄ₖ₋₁·√(γ̄ₖ² + δ̄ₖ₊₁²) of the previous step (NaN before any step;
   * M-norms with a preconditioner); `cond`: Paige–Saunders' estimate max γₖ / min γₖ of
   * cond(A − σI) from the rotated diagonals (a lower bound; NaN before any step).
   */
  estimates: { normA: number; restarts: number; normAr: number; cond: number };
}

/**
 * Solves (A − σI) x = b for a symmetric A by MINRES (Paige & Saunders 1975; the recurrences
 * of SciPy's and Krylov.jl's `minres`, Choi, Paige & Saunders 2011, Table 3.1).
 *
 * Stopping rule: ‖b − (A − σI)x‖₂ ≤ max(rtol·‖b‖₂, atol) on the TRUE residual. The
 * recurrence estimate φ̄ₖ (which drifts from the true residual in floating point, by up to
 * about ε·cond² — Sleijpen, van der Vorst & Modersitzki 2000) only triggers the test: when
 * φ̄ₖ·s ≤ max(rtol·‖b‖, atol) (s = 1 without preconditioner; with one, the last measured ratio
 * of the 2-norm to the M⁻¹-norm) the residual is computed (one product, counted). If it is too
 * large, MINRES restarts from the current x with that true residual, which clears the drift.
 * This departs from Paige & Saunders, whose test is on φ̄ₖ / (‖A‖‖x‖ + ‖b‖) — the reason
 * SciPy's result can miss the requested relative residual by orders of magnitude.
 *
 * Singular systems. A consistent singular system (b in the range of A − σI) converges as
 * above. On an inconsistent one ‖r‖ never drops below ‖P_N b‖ (P_N the projector on the null
 * space), so a second test stops the run at a least-squares solution (Paige & Saunders 1975;
 * SciPy's istop 2; Choi, Paige & Saunders 2011, §3.2 for the estimate):
 *
 *     ‖(A − σI)r‖₂ ≤ min(rtol, √ε)·‖Tₖ‖_F·‖r‖₂      (status `'leastSquares'`, `converged` true)
 *
 * (its tolerance is at most √ε whatever rtol: at a loose rtol, say 0.01, the test would hold for any r near
 * the small eigenvalues of a nonsingular A with cond > 1/rtol, and stop it short of its residual target).
 * with ‖Tₖ‖_F the Frobenius norm of the Lanczos tridiagonal (`estimates.normA`, the largest over
 * the runs). The recurrence gives ‖(A − σI)rₖ₋₁‖ = φ̄ₖ₋₁·√(γ̄ₖ² + δ̄ₖ₊₁²) for free (one step
 * late); when that ratio passes √ε, the test is verified on the true r (two products,
 * counted: r and (A − σI)r; the measured value is `estimates.normAr`). `stats.residualNorm`
 * stays the true ‖b − (A − σI)x‖₂ (≈ ‖P_N b‖). A failed verification lowers the next trigger to
 * half the measured ratio and the run goes on — or, when the measured ratio is within 1000·min(rtol, √ε)
 * but 10× above the recurrence's (drift from lost orthogonality, typical once the Krylov space is
 * exhausted), it restarts from the true residual with the trigger 10× lower. Restarting on every
 * failure would cost ill-conditioned consistent runs their Krylov space (LFAT5 then misses its
 * budget). Stagnation: if at a failed verification ‖r‖ has not decreased since the previous one
 * and the measured ratio is ≤ √ε, or the ratio has grown 10× past the best one met (≤ √ε), or
 * ‖r‖ exceeds its initial value, rtol is out of reach — typically rtol ≪ √ε on an inconsistent
 * system, where further steps let x diverge along the null space (to ~10¹⁵ unchecked). The run
 * then stops with status `'breakdown'`, returning the best least-squares point it verified (kept
 * in one more workspace vector) and a message giving its ratio.
 * With a preconditioner both sides are in the M-norms: ‖M½(A − σI)M r‖ ≤ min(rtol, √ε)·‖Tₖ‖_F·‖M½r‖ (the
 * least-squares problem is then min ‖b − (A − σI)x‖_M, whose solutions have (A − σI)M r = 0).
 * A step whose rotated pivot γₖ is ≤ 10ε·‖Tₖ‖_F (T̄ₖ rank deficient: the Krylov space is invariant
 * and holds a null vector; cond ≥ 0.1/ε in Paige–Saunders' estimate) is skipped rather than
 * divided by — SciPy's `max(γ, ε)` would throw x along the null vector by ~1/ε — and the run
 * verifies, stops or restarts; if that happens on the first step after a restart, the status is
 * `'breakdown'`. From x₀ = 0 without M, the range part of x approximates A⁺b, but x also holds a
 * multiple of P_N b (K(A, b) contains b itself), so x is a least-squares solution, not the
 * minimum-norm one; x − (xᵀr / rᵀr)·r removes that part and approximates A⁺b (MINRES-QLP,
 * Choi, Paige & Saunders 2011, computes it directly).
 *
 * A zero b returns x = 0 at once, whatever x₀ (SciPy's convention).
 *
 * Per step: one product with A (and one with M) and three fused vector passes, SIMD kernels
 * over a workspace in WebAssembly memory where available (see kernels.ts); nothing is
 * allocated in the loop.
 *
 * @param A - n×n symmetric operator
 * @param b - right-hand side, length n
 * @returns `{ x, stats, estimates }`
 * @example
 * const { x, stats } = minres(dense([[1, 2], [2, 1]]), [1, 0]); // indefinite
 * const ls = minres(diagonal([0, 1, 2]), [1, 1, 1]); // singular, b ∉ range: status 'leastSquares', ‖r‖ = 1
 */
export function minres(A: LinearOperator, b: VecLike, options?: MinresOptions): MinresResult {
  const fn = "minres";
  const t0 = performance.now();
  const setup = solveSetup<MinresIteration, MinresOptions>(fn, A, b, options, MINRES_OPTIONS); // the options shared with cg
  const { n, o, b: bb, rtol, atol, maxIterations, M, history, callback, signal, x0 } = setup;
  const sigma = o.shift === undefined ? 0 : checkNumber(fn, "options.shift", o.shift, -Infinity);
  let matvecs = setup.matvecs; // the symmetry probe's products (checkSymmetric)

  // Workspace, allocated once (in WebAssembly memory with the SIMD kernels, see kernels.ts);
  // buffers rotate by reference.
  const ws = workspace(n, M === undefined ? 10 : 11, A) as Float64Array[]; // hosted by a CSR matrix in a shared memory
  const [x, v, r1a, r2a, w1a, w2a, Av, bw, rt, xBest] = ws as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
  const rtV = view(rt); // the true residual of a least-squares check, which must not disturb the run
  const bNorm = normN(bb, n);
  // The problem is solved scaled by f (a power of two, so exactly): b ← f·b, x ← f·x, so that β² = rᵀMr
  // can neither overflow nor underflow; norms of residuals are reported divided by f.
  const f = problemScale(bNorm);
  if (f !== 1) for (let i = 0; i < n; i++) bb[i] = (bb[i] as number) * f;
  if (x0 !== undefined) for (let i = 0; i < n; i++) x[i] = (x0[i] as number) * f;
  bw.set(bb); // b, beside the other vectors for the true-residual kernel
  const xv = view(x);
  const vV = view(v);
  let r1V = view(r1a);
  let r2V = view(r2a);
  const yM = M === undefined ? undefined : view(ws[10] as Float64Array); // y = M r₂ (r₂ itself without M)
  let w1 = w1a;
  let w2 = w2a;
  const AvV = view(Av);
  const info: MinresIteration = { iteration: 0, x: xv, residualNorm: 0 };

  const target = Math.max(rtol * bNorm, atol) * f; // the stopping rule's bound, scaled

  /** r ← b − (A − σI)x into `out`; returns ‖r‖₂. */
  const trueResidual = (out: Float64Array): number => {
    A.apply(xv, AvV);
    matvecs++;
    return normFromSquares(shiftedResidual(bw, Av, x, sigma, out, n), out, n); // r ← (b − Ax) + σx
  };

  let rNorm = bNorm * f; // the true residual norm last computed
  if (bNorm === 0) x.fill(0); // b = 0: x = 0 solves it exactly (SciPy's convention), whatever x₀ was
  if (x0 === undefined || bNorm === 0) r1V.data.set(bb);
  else rNorm = trueResidual(r1V.data);

  const r0Norm = rNorm; // ‖r‖ never grows in exact arithmetic: a least-squares point above it has diverged
  let status: Status = "maxIterations";
  let converged = false;
  let message: string | undefined;
  let k = 0;
  let restarts = 0;
  let tnorm = 0; // ‖Tₖ‖_F of the current run (since the last restart), accumulated by hypot (safe at any scale)
  let normT = 0; // the largest ‖Tₖ‖_F over the runs: the ‖A − σI‖ of the least-squares test
  let scale = 1;
  let normAr = NaN; // ‖(A − σI)r‖: the recurrence estimate, or the measured value once the least-squares test was verified
  let gmax = 0; // extreme rotated diagonals γₖ of the QR factor of Tₖ: cond(A) ≳ gmax/gmin (Paige–Saunders' Acond)
  let gmin = Infinity;
  // The recurrence ratio ‖Ār‖/(‖Tₖ‖_F‖r‖) at which the least-squares test is verified: √ε, even when rtol is
  // smaller (a run with a tiny rtol is checked before the Krylov space turns
  // invariant and Lanczos rounding takes over); after a failed check, half the measured ratio (10× lower on a drift restart).
  let lsCheck = SQRT_EPS;
  const lsTol = Math.min(rtol, SQRT_EPS); // the least-squares test's tolerance: a looser one stops ill-conditioned nonsingular runs
  let lsRatio = NaN; // the last measured ‖Ār‖/(‖Tₖ‖_F‖r‖)
  let lsFailedAt = Infinity; // ‖r‖ at the last failed least-squares verification
  // The best least-squares point met (smallest measured ratio): x in xBest, its ‖r‖ and ‖Ār‖.
  let bestRatio = Infinity, bestRNorm = Infinity, bestNormAr = NaN;

  /**
   * The least-squares test on the true residual r (in `rV`, ‖r‖₂ = rNorm):
   * ‖(A − σI)r‖ ≤ min(rtol, √ε)·‖Tₖ‖_F·‖r‖, in the M-norms with a preconditioner (‖r‖_M = √(rᵀMr),
   * ‖·‖ of M½(A − σI)M½ applied to M½r). One product with A (and two with M) over Av and y,
   * free after the step, and the spare vector rt. Sets normAr and lsRatio.
   */
  const leastSquaresHolds = (rV: Vec): boolean => {
    const r = rV.data;
    let rr = rNorm;
    if (M === undefined || yM === undefined) {
      A.apply(rV, AvV);
      for (let i = 0; i < n; i++) Av[i] = (Av[i] as number) - sigma * (r[i] as number); // (A − σI)r
      normAr = normN(Av, n); // ‖(A − σI)r‖
    } else {
      M.apply(rV, yM); // z = M r
      const z = yM.data;
      rr = Math.sqrt(Math.max(dotN(r, z, n), 0)); // ‖r‖_M
      A.apply(yM, AvV);
      for (let i = 0; i < n; i++) Av[i] = (Av[i] as number) - sigma * (z[i] as number); // (A − σI)z
      M.apply(AvV, rtV); // M (A − σI) z, over the spare vector (r, if it was there, is no longer needed)
      normAr = Math.sqrt(Math.max(dotN(Av, rt, n), 0));
    }
    matvecs++;
    lsRatio = normAr === 0 ? 0 : normAr / (normT * rr); // ‖Ār‖ = 0 solves the least-squares problem, even when Tₖ = 0
    return lsRatio <= lsTol;
  };

  // Lanczos and rotation state (set by the (re)start below).
  let beta = 0, oldBeta = 0, dbar = 0, epsln = 0, cs = -1, sn = 0, phibar = 0, step = 0;
  let start = true;
  history?.push(rNorm / f);

  if (!Number.isFinite(rNorm)) {
    status = "breakdown";
    message = "the initial residual is not finite";
  } else if (rNorm <= target) {
    status = "converged";
    converged = true;
  } else {
    for (;;) {
      if (start) {
        // (Re)start from r₁ = b − (A − σI)x: β₁ = √(r₁ᵀMr₁), r₂ = r₁, w₁ = w₂ = 0.
        r2V.data.set(r1V.data);
        if (M !== undefined && yM !== undefined) M.apply(r1V, yM);
        const b1 = yM === undefined ? rNorm * rNorm : dotN(r1V.data, yM.data, n);
        if (!(b1 > 0) || !Number.isFinite(b1)) {
          status = "breakdown";
          message = `rᵀMr = ${b1} ≤ 0: the preconditioner is not positive definite`;
          break;
        }
        beta = Math.sqrt(b1);
        if (M !== undefined) scale = rNorm / beta;
        const y0 = yM === undefined ? r1V.data : yM.data;
        const s0 = 1 / beta;
        scaleN(s0, y0, v, n); // v ← y / β
        oldBeta = 0; dbar = 0; epsln = 0; cs = -1; sn = 0; phibar = beta; step = 0; tnorm = 0;
        w1.fill(0);
        w2.fill(0);
        start = false;
      }
      if (k >= maxIterations) break;
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
        break;
      }
      let r1 = r1V.data;
      let r2 = r2V.data;
      A.apply(vV, AvV); // Av (the only product of the step)
      matvecs++;
      const c1 = step > 0 ? beta / oldBeta : 0;
      const alpha = minresLanczos(Av, v, r1, sigma, c1, n); // y ← (A − σI)v − (β/β₋₁)r₁ over Av; α = vᵀy
      const c2 = alpha / beta;
      // y ← y − (α/β)r₂ written over r₁, with ‖y‖²; then r₁ ← r₂, r₂ ← y (by reference).
      const yy = subScaledNorm2(Av, c2, r2, r1, n);
      const tmp = r1V;
      r1V = r2V;
      r2V = tmp;
      r1 = r1V.data;
      r2 = r2V.data;
      if (M !== undefined && yM !== undefined) M.apply(r2V, yM); // y ← M r₂
      oldBeta = beta;
      const bb2 = yM === undefined ? yy : dotN(r2, yM.data, n);
      beta = yM === undefined ? normFromSquares(yy, r2, n) : Math.sqrt(bb2); // β = ‖r₂‖ (safe at any scale), or √(r₂ᵀMr₂)
      if (!(beta >= 0) || !Number.isFinite(beta)) {
        status = "breakdown";
        message = M === undefined
          ? `‖r₂‖ = ${beta} is not finite: a product with A overflowed or gave NaN`
          : `r₂ᵀMr₂ = ${bb2}: the preconditioner is not positive definite or a value is not finite`;
        break;
      }
      // ‖T̄ₖ‖_F² gains αₖ² + βₖ² + βₖ₊₁²; β₁ = ‖r₀‖ is the right-hand side β₁e₁, not an entry of T̄ₖ (SciPy's tnorm2
      // sums it in, which makes the estimate, and the least-squares test, depend on the scale of b).
      tnorm = Math.hypot(tnorm, alpha, step > 0 ? oldBeta : 0, beta);
      normT = Math.max(normT, tnorm);
      // Apply the previous rotation Qₖ₋₁, then the new one to annihilate β.
      const oldEps = epsln;
      const delta = cs * dbar + sn * alpha;
      const gbar = sn * dbar - cs * alpha;
      epsln = sn * beta;
      dbar = -cs * beta;
      // ‖(A − σI)rₖ₋₁‖ = φ̄ₖ₋₁·√(γ̄ₖ² + δ̄ₖ₊₁²) (Choi, Paige & Saunders 2011, §3.2; lagged one step).
      const root = Math.hypot(gbar, dbar);
      normAr = Math.abs(phibar) * root; // in the M-norms with a preconditioner
      const gamma = Math.hypot(gbar, beta);
      // γₖ ≈ 0 (so βₖ₊₁ ≈ 0 too): T̄ₖ is rank deficient, the Krylov space is invariant and holds a
      // null vector of A − σI. The step carries no information and 1/γₖ would throw x along that
      // null vector by ~1/ε, so it is skipped: x stays xₖ₋₁ and the run verifies, stops or restarts.
      const deficient = gamma <= DEFICIENT * normT;
      if (!deficient) {
        if (gamma > gmax) gmax = gamma;
        if (gamma < gmin) gmin = gamma;
        cs = gbar / gamma;
        sn = beta / gamma;
        const phi = cs * phibar;
        phibar = sn * phibar;
        // w ← (v − ε₋₁w₁ − δw₂)/γ written over w₁; x ← x + φw; then w₁ ← w₂, w₂ ← w;
        // and the next Lanczos vector v ← y/β in the same pass.
        const ig = 1 / gamma;
        const yNext = yM === undefined ? r2 : yM.data;
        const sNext = beta > 0 ? 1 / beta : 0;
        minresUpdate(v, w1, w2, x, yNext, oldEps, delta, ig, phi, sNext, n);
        const wt = w1;
        w1 = w2;
        w2 = wt;
      }
      k++;
      step++;
      const estimate = Math.abs(phibar);
      history?.push(estimate / f);

      if (callback !== undefined) {
        info.iteration = k;
        info.residualNorm = estimate / f;
        if (callUnscaled(callback, info, f, n, x) === true) {
          status = "stopped";
          message = "stopped by the callback";
          break;
        }
      }
      // The least-squares test ‖Ārₖ₋₁‖ ≤ min(rtol, √ε)·‖Tₖ‖_F·‖rₖ₋₁‖ (SciPy's istop 2, at rtol), on the recurrence.
      const lsTrigger = root <= lsCheck * normT;
      const restart = estimate * scale <= target || beta === 0 || deficient; // the run goes on only from a true residual
      if (restart || lsTrigger) {
        // Verify on the true residual: into r₁ when the run restarts anyway, else aside (the run goes on).
        const rV = restart ? r1V : rtV;
        rNorm = trueResidual(rV.data);
        if (rNorm <= target) {
          status = "converged";
          converged = true;
          break;
        }
        if (!Number.isFinite(rNorm)) {
          status = "breakdown";
          message = "the residual is not finite";
          break;
        }
        const lsVerify = lsTrigger || beta === 0 || deficient;
        if (lsVerify && leastSquaresHolds(rV) && rNorm <= r0Norm) {
          status = "leastSquares";
          converged = true;
          message =
            `least-squares solution: ‖Ar‖/(‖A‖‖r‖) = ${lsRatio.toExponential(3)} ≤ ${lsTol.toExponential(3)} while ‖r‖ = ${(rNorm / f).toExponential(3)} > ` +
            `${(target / f).toExponential(3)}: b is not in the range of A${sigma === 0 ? "" : " − σI"} to this tolerance (singular, inconsistent system)`;
          break;
        }
        let drift = false;
        if (lsVerify) {
          // Stagnation: at a least-squares point to √ε, ‖r‖ has not decreased since the last failed
          // check, or the ratio has grown 10× past the best one met (x starting to diverge along
          // the null space once Lanczos has lost orthogonality). rtol is out of reach: stop, with
          // the best point met.
          const stalled = rNorm >= (1 - 1e-6) * Math.min(lsFailedAt, bestRNorm);
          const diverged = rNorm > r0Norm;
          if (diverged || (stalled && (lsRatio <= SQRT_EPS || (bestRatio <= SQRT_EPS && lsRatio > 10 * bestRatio)))) {
            if (bestRatio < Infinity && (bestRatio < lsRatio || diverged)) {
              x.set(xBest.subarray(0, n));
              rNorm = bestRNorm;
              normAr = bestNormAr;
              lsRatio = bestRatio;
            }
            status = "breakdown";
            message =
              `least-squares stagnation: ‖Ar‖/(‖A‖‖r‖) = ${lsRatio.toExponential(3)} > ${lsTol.toExponential(3)} = min(rtol, √ε) while ‖r‖ = ` +
              `${(rNorm / f).toExponential(3)} no longer decreases: this rtol is below the attainable accuracy of MINRES on ` +
              `this singular inconsistent system (x is the best least-squares point met)`;
            break;
          }
          if (lsRatio < bestRatio) {
            bestRatio = lsRatio;
            bestRNorm = rNorm;
            bestNormAr = normAr;
            xBest.set(x.subarray(0, n));
          }
          lsFailedAt = rNorm;
          // A measured ratio 10× above the recurrence's, on a plateau of φ̄ (b ∉ range reached), is
          // drift from lost orthogonality: restart from the true residual (next check 10× lower).
          // Else the run goes on (a restart would cost an ill-conditioned consistent run its
          // Krylov space), checked again once the ratio has halved.
          drift = lsTrigger && lsRatio > 10 * (root / normT) && lsRatio <= 1000 * lsTol;
          lsCheck = Math.max(lsTol, Math.min(lsCheck, lsRatio) / (drift ? 10 : 2));
        }
        if (deficient && step === 1) {
          status = "breakdown";
          message =
            `γ₁ ≈ 0 right after a restart: the residual lies in the null space of A${sigma === 0 ? "" : " − σI"} to working ` +
            `precision, and ‖Ar‖/(‖A‖‖r‖) = ${lsRatio.toExponential(3)} cannot be brought below min(rtol, √ε) = ${lsTol.toExponential(3)}`;
          break;
        }
        if (drift && !restart) {
          if (M === undefined) r1.set(rt); // the true residual, still in rt without a preconditioner
          else rNorm = trueResidual(r1); // rt was overwritten by the check
        }
        if (restart || drift) {
          restarts++;
          start = true; // restart from the true residual (now in r₁)
        }
      }
    }
  }
  if (!converged) rNorm = trueResidual(r1V.data);
  const stats: Stats = { iterations: k, matvecs, converged, status, residualNorm: rNorm / f, timeMs: 0 };
  if (history !== undefined) stats.residualHistory = history;
  if (message !== undefined) stats.message = message;
  else if (restarts > 0) stats.message = `restarted ${restarts} time(s) from the true residual`;
  stats.timeMs = performance.now() - t0;
  const xOut = unscale(owned(x), f); // copied out of a workspace memory
  releaseWorkspace(x);
  return {
    x: view(xOut),
    stats,
    estimates: { normA: normT, restarts, normAr: normAr / f, cond: gmax > 0 ? gmax / gmin : NaN },
  };
}
