/**
 * IDR(s) with biorthogonalization for general (non-symmetric) square systems.
 *
 * @module
 */
import { rng, type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats, type Status } from "./stats.js";
import { solveSetup, view } from "./solver-args.js";
import { axpyN, dotN, normN, owned, subScaledNorm2 } from "./kernels.js";
import { releaseWorkspace, workspaceArrays } from "./simd/backend.js";

/** What the callback of `idrs` sees after each step (one object, updated in place). */
export interface IdrsIteration {
  /** Steps done so far (one product with A each). */
  iteration: number;
  /** The current iterate (read it, do not write it). */
  x: Vec;
  /** The recurrence residual norm ‖r‖₂. */
  residualNorm: number;
}

/** Options of `idrs`. */
export interface IdrsOptions {
  /** The dimension s of the shadow space (s ≤ n). Default min(4, n). */
  s?: number;
  /** Converged when the TRUE residual ‖b − Ax‖₂ ≤ max(rtol·‖b‖₂, atol). Default √ε ≈ 1.49e-8. */
  rtol?: number;
  /** Absolute tolerance of the same rule. Default 0. */
  atol?: number;
  /** Budget of steps (products with A). Default max(10·n, 1). */
  maxIterations?: number;
  /** Warm start x₀ (length n; not modified). Default 0. */
  x0?: VecLike;
  /** A right preconditioner M ≈ A⁻¹ (applied once per step; any operator). */
  M?: LinearOperator;
  /**
   * κ of "maintaining the convergence" (Sleijpen & van der Vorst 1995): ω = tᵀr/tᵀt is enlarged
   * to ω·κ/|cos∠(t, r)| when that cosine is below κ. Default 0.7 (the paper's); 0 turns it off.
   */
  angle?: number;
  /** Seed of the random shadow space P. Default 0. */
  seed?: number;
  /** Record the recurrence ‖r‖ after every step in `stats.residualHistory` (index 0: the initial residual). */
  history?: boolean;
  /** Called after every step; returning `true` stops the run with status `'stopped'`. */
  callback?: (info: IdrsIteration) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every product with A. */
  signal?: AbortSignal;
}

const IDRS_OPTIONS = {
  s: true,
  rtol: true,
  atol: true,
  maxIterations: true,
  x0: true,
  M: true,
  angle: true,
  seed: true,
  history: true,
  callback: true,
  signal: true,
} as const satisfies OptionKeys<IdrsOptions>;

/** The result of `idrs`. */
export interface IdrsResult {
  /** The approximate solution (a new vector). */
  x: Vec;
  /** `residualNorm` is the true ‖b − Ax‖₂ at the returned x (measured, counted in `matvecs`). */
  stats: Stats;
  /** How often the recurrence residual was replaced by the true one after a failed convergence check. */
  replacements: number;
}

/**
 * Solves A x = b for a general square A by IDR(s) (Sonneveld & van Gijzen 2008) in the
 * biorthogonal variant of van Gijzen & Sonneveld 2011 (Algorithm 2, "IDR(s) with
 * bi-orthogonalization"; TOMS Algorithm 913), right-preconditioned. With a random
 * orthonormal P (n×s), each cycle makes s steps in the space G_j, keeping G = A·U with
 * PᵀG lower triangular (the matrix M of the paper, here `Mpg`), then one dimension-reduction step:
 *
 *     f = Pᵀr;  for k = 1…s:  solve M(k:s, k:s)·c = f(k:s);  v = r − G(:, k:s)·c;
 *       U(:, k) ← U(:, k:s)·c + ω·M v;  G(:, k) = A U(:, k);
 *       for i < k:  α = pᵢᵀG(:, k) / M(i, i);  G(:, k) −= α G(:, i);  U(:, k) −= α U(:, i)
 *       M(k:s, k) = P(:, k:s)ᵀG(:, k);  β = f(k) / M(k, k);  r −= β G(:, k);  x += β U(:, k);
 *       f(k+1:s) −= β M(k+1:s, k)
 *     v = M r;  t = A v;  ω = tᵀr / tᵀt (enlarged when the angle is poor);  r −= ω t;  x += ω v
 *
 * so s + 1 products with A advance the solution through one space G_j. IDR(1) is
 * mathematically BiCGSTAB; larger s trades memory (3s + 6 vectors) for fewer products.
 *
 * Stopping rule: ‖b − Ax‖₂ ≤ max(rtol·‖b‖₂, atol) on the TRUE residual: when the recurrence
 * ‖r‖ meets the target, b − Ax is measured (one product, counted); a miss replaces r by it
 * (`replacements`) and the run goes on.
 *
 * Breakdowns (status `'breakdown'`, never thrown): M(k, k) = pₖᵀG(:, k) = 0 (relative to ε),
 * ω = 0 (tᵀr = 0: the dimension reduction stagnates, as on a skew-symmetric A), or a non-finite
 * coefficient. `stats.residualNorm` is always the true residual of the returned x.
 *
 * A zero b returns x = 0 at once, whatever x₀. Only `A.apply` is used. Nothing is allocated
 * inside the loop; `b` and `x0` are never modified.
 *
 * @param A - n×n operator
 * @param b - right-hand side, length n
 * @returns `{ x, stats, replacements }`
 * @example
 * const { x, stats } = idrs(A, b, { s: 4 });
 */
export function idrs(A: LinearOperator, b: VecLike, options?: IdrsOptions): IdrsResult {
  const fn = "idrs";
  const t0 = performance.now();
  const setup = solveSetup<IdrsIteration, IdrsOptions>(fn, A, b, options, IDRS_OPTIONS);
  const { n, o, b: bb, rtol, atol, maxIterations, M, history, callback, signal, x0 } = setup;
  const s = checkInteger(fn, "options.s", o.s ?? Math.max(1, Math.min(4, n)), 1);
  if (s > Math.max(n, 1)) throw new RangeError(`${fn}: options.s is ${s} but A is ${n}×${n} (s ≤ n)`);
  const kappa = checkNumber(fn, "options.angle", o.angle ?? 0.7);
  if (kappa >= 1) throw new RangeError(`${fn}: options.angle must be < 1, got ${kappa}`);
  const seed = checkInteger(fn, "options.seed", o.seed ?? 0, 0);
  let matvecs = setup.matvecs;

  // Workspace, allocated once: P, G, U (s columns each), x, r, v, t, b (and M v).
  const [P, G, U, x, r, v, t, bw, mvM] = workspaceArrays(n, [s * n, s * n, s * n, n, n, n, n, n, M === undefined ? 0 : n], A) as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  const mv = M === undefined ? v : mvM;
  const Mpg = new Float64Array(s * s); // M = PᵀG, lower triangular (row-major)
  const f = new Float64Array(s);
  const c = new Float64Array(s);
  // Column arrays and views made once, outside the loop.
  const column = (W: Float64Array, k: number): Float64Array => W.subarray(k * n, (k + 1) * n);
  const Pc = Array.from({ length: s }, (_, k) => column(P, k));
  const Gc = Array.from({ length: s }, (_, k) => column(G, k));
  const Uc = Array.from({ length: s }, (_, k) => column(U, k));
  const gCols = Gc.map(view);
  const uCols = Uc.map(view);
  const [xv, rv, vv, tv, mvv] = [x, r, v, t, mv].map(view) as [Vec, Vec, Vec, Vec, Vec];
  shadowSpace(P, n, s, seed);
  for (let i = 0; i < s; i++) Mpg[i * s + i] = 1; // M = I, G = U = 0

  bw.set(bb);
  const bNorm = normN(bw, n);
  const target = Math.max(rtol * bNorm, atol);
  if (x0 !== undefined && bNorm > 0) x.set(x0); // b = 0: x = 0 solves it exactly
  let rIsTrue = true;
  let rNorm = residual();
  history?.push(rNorm);

  let status: Status = "maxIterations";
  let converged = false;
  let message: string | undefined;
  let replacements = 0;
  let steps = 0;
  let omega = 1;
  const info: IdrsIteration = { iteration: 0, x: xv, residualNorm: rNorm };

  if (!Number.isFinite(rNorm)) {
    status = "breakdown";
    message = "the initial residual is not finite";
  } else if (rNorm <= target) {
    status = "converged";
    converged = true;
  }
  outer: while (!converged && steps < maxIterations) {
    for (let i = 0; i < s; i++) f[i] = dotN(Pc[i] as Float64Array, r, n); // f = Pᵀr
    for (let k = 0; k < s; k++) {
      if (steps >= maxIterations) break outer;
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
        break outer;
      }
      // Solve the lower triangular M(k:s, k:s)·c = f(k:s).
      for (let i = k; i < s; i++) {
        let sum = f[i] as number;
        for (let j = k; j < i; j++) sum -= (Mpg[i * s + j] as number) * (c[j] as number);
        c[i] = sum / (Mpg[i * s + i] as number);
      }
      v.set(r.subarray(0, n)); // v = r − G(:, k:s)·c
      for (let i = k; i < s; i++) axpyN(-(c[i] as number), Gc[i] as Float64Array, v, n);
      if (M !== undefined) M.apply(vv, mvv); // M v
      const uk = Uc[k] as Float64Array;
      for (let j = 0; j < n; j++) uk[j] = omega * (mv[j] as number) + (c[k] as number) * (uk[j] as number); // U(:,k) ← ωMv + U(:,k:s)·c
      for (let i = k + 1; i < s; i++) axpyN(c[i] as number, Uc[i] as Float64Array, uk, n);
      A.apply(uCols[k] as Vec, gCols[k] as Vec); // G(:,k) = A U(:,k)
      matvecs++;
      steps++;
      const gk = Gc[k] as Float64Array;
      for (let i = 0; i < k; i++) {
        // biorthogonalize: G(:,k) ⟂ p₁…p_{k−1}
        const alpha = dotN(Pc[i] as Float64Array, gk, n) / (Mpg[i * s + i] as number); // α = pᵢᵀG(:,k) / M(i,i)
        axpyN(-alpha, Gc[i] as Float64Array, gk, n); // G(:,k) −= α G(:,i)
        axpyN(-alpha, Uc[i] as Float64Array, uk, n); // U(:,k) −= α U(:,i)
      }
      for (let i = k; i < s; i++) Mpg[i * s + k] = dotN(Pc[i] as Float64Array, gk, n); // M(k:s, k) = P(:, k:s)ᵀG(:,k)
      const mkk = Mpg[k * s + k] as number;
      if (!(Math.abs(mkk) > Number.EPSILON * normN(gk, n))) {
        status = "breakdown";
        message = `M(${k + 1},${k + 1}) = p${k + 1}ᵀG(:,${k + 1}) = ${mkk.toExponential(2)}: the new direction is orthogonal to the shadow space`;
        break outer;
      }
      const beta = (f[k] as number) / mkk; // β = f(k) / M(k,k)
      rNorm = Math.sqrt(subScaledNorm2(r, beta, gk, r, n)); // r ← r − βG(:,k)
      axpyN(beta, uk, x, n); // x ← x + βU(:,k)
      rIsTrue = false;
      history?.push(rNorm);
      for (let i = k + 1; i < s; i++) f[i] = (f[i] as number) - beta * (Mpg[i * s + k] as number); // f(k+1:s) −= β M(k+1:s, k)
      if (checkStep()) break outer;
    }
    if (steps >= maxIterations) break;
    if (signal?.aborted) {
      status = "stopped";
      message = "aborted by the signal";
      break;
    }
    // The dimension-reduction step into G_{j+1}: v = M r, t = A v, r ← r − ωt, x ← x + ωv.
    if (M !== undefined) M.apply(rv, mvv);
    else v.set(r.subarray(0, n));
    A.apply(mvv, tv);
    matvecs++;
    steps++;
    const tt = dotN(t, t, n);
    const tr = dotN(t, r, n);
    const tNorm = Math.sqrt(tt);
    omega = tr / tt; // ω = tᵀr / tᵀt minimizes ‖r − ωt‖
    const rho = Math.abs(tr) / (tNorm * rNorm); // |cos∠(t, r)|
    if (!(rho > Number.EPSILON)) {
      status = "breakdown";
      message = `ω = tᵀr / tᵀt = ${omega.toExponential(2)}: the dimension reduction stagnates (tᵀr ≈ 0)`;
      break;
    }
    if (rho < kappa) omega *= kappa / rho; // maintain the convergence (Sleijpen & van der Vorst 1995)
    rNorm = Math.sqrt(subScaledNorm2(r, omega, t, r, n)); // r ← r − ωt
    axpyN(omega, mv, x, n); // x ← x + ωM r
    rIsTrue = false;
    history?.push(rNorm);
    if (checkStep()) break;
  }
  if (!rIsTrue) rNorm = residual(); // stats.residualNorm is the true residual of the returned x
  if (status === "maxIterations") message = `the budget of ${maxIterations} steps ran out at ‖b − Ax‖ = ${rNorm.toExponential(3)}`;

  const stats: Stats = { iterations: steps, matvecs, converged, status, residualNorm: rNorm, timeMs: 0 };
  if (history !== undefined) stats.residualHistory = history;
  if (message !== undefined) stats.message = message;
  stats.timeMs = performance.now() - t0;
  const xOut = owned(x);
  releaseWorkspace(x); // a CSR matrix in a shared memory hosted the workspace (its products copy nothing)
  return { x: view(xOut), stats, replacements };

  /** After a step: the non-finite check, the true-residual check, the callback. True to stop. */
  function checkStep(): boolean {
    if (!Number.isFinite(rNorm)) {
      status = "breakdown";
      message = "the residual is not finite";
      return true;
    }
    if (rNorm <= target) {
      rNorm = residual();
      if (rNorm <= target) {
        status = "converged";
        converged = true;
      } else {
        replacements++; // the recurrence drifted: go on from the true residual
        for (let i = 0; i < s; i++) f[i] = dotN(Pc[i] as Float64Array, r, n); // and keep f = Pᵀr consistent with it
      }
    }
    if (callback !== undefined) {
      info.iteration = steps;
      info.residualNorm = rNorm;
      if (callback(info) === true && !converged) {
        status = "stopped";
        message = "stopped by the callback";
        return true;
      }
    }
    return converged;
  }

  /** r ← b − Ax (one product, counted; none while x = 0); returns ‖r‖. */
  function residual(): number {
    rIsTrue = true;
    let nonzero = false;
    for (let i = 0; i < n && !nonzero; i++) nonzero = x[i] !== 0;
    if (!nonzero) {
      r.set(bw);
      return normN(r, n);
    }
    A.apply(xv, tv);
    matvecs++;
    return Math.sqrt(subScaledNorm2(bw, 1, t, r, n));
  }
}

/** P: s seeded Gaussian columns, orthonormalized by modified Gram–Schmidt twice. */
function shadowSpace(P: Float64Array, n: number, s: number, seed: number): void {
  const random = rng(seed);
  for (let k = 0; k < s; k++) {
    const pk = P.subarray(k * n, (k + 1) * n);
    for (let j = 0; j < n; j++) pk[j] = random.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < k; i++) axpyN(-dotN(P.subarray(i * n, (i + 1) * n), pk, n), P.subarray(i * n, (i + 1) * n), pk, n);
    }
    const nrm = normN(pk, n);
    for (let j = 0; j < n; j++) pk[j] = (pk[j] as number) / nrm;
  }
}
