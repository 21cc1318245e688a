/**
 * Power iteration with deflation: the dominant eigenpairs of a symmetric operator, the way
 * PyHessian finds the top Hessian eigenvalues (and the baseline Lanczos must beat).
 *
 * @module
 */
import { rng, type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats, type Status } from "./stats.js";
import {
  checkFunction,
  checkSignal,
  optionsObject,
  squareOperator,
  symmetryProbe,
  vectorCopy,
  view,
} from "./solver-args.js";
import { axpyN, dotN, normalizeN, normFromSquares, normN, owned, subScaledNorm2, workspace } from "./kernels.js";

/** What the callback of `powerIteration` sees after each iteration (one object, updated in place). */
export interface PowerIteration {
  /** Index of the eigenpair being computed (0 for the dominant one). */
  pair: number;
  /** Iterations on this pair so far. */
  iteration: number;
  /** The Rayleigh quotient λ = vᵀAv. */
  value: number;
  /** The eigen-residual ‖Av − λv‖₂. */
  residualNorm: number;
}

/** Options of `powerIteration`. */
export interface PowerOptions {
  /** Number of eigenpairs, 1 ≤ k ≤ n. Default 1. */
  k?: number;
  /** Tolerance of the stopping rule ‖Av − λv‖₂ ≤ tol·|λ|. Default 1e-6. */
  tol?: number;
  /** Iterations allowed per eigenpair. Default 1000. */
  maxIterations?: number;
  /** Start vector of the first pair (length n, not modified). Default: seeded Gaussian. */
  v0?: VecLike;
  /** Seed of the random start vectors. Default 0. */
  seed?: number;
  /** Called after every iteration; returning `true` stops the run with status `'stopped'`. */
  callback?: (info: PowerIteration) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every product with A. */
  signal?: AbortSignal;
  /** Probe A for symmetry first (two products, counted) and throw when it is not. Default false. */
  checkSymmetric?: boolean;
}

const POWER_OPTIONS = {
  k: true,
  tol: true,
  maxIterations: true,
  v0: true,
  seed: true,
  callback: true,
  signal: true,
  checkSymmetric: true,
} as const satisfies OptionKeys<PowerOptions>;

/** The result of `powerIteration`. */
export interface PowerResult {
  /** Eigenvalue estimates (Rayleigh quotients), in the order found: decreasing |λ|. */
  values: Float64Array;
  /** Unit eigenvector estimates, one per value (new vectors). */
  vectors: Vec[];
  /** ‖Avᵢ − λᵢvᵢ‖₂ for each pair. */
  residualNorms: Float64Array;
  /** `residualNorm` is the largest of `residualNorms`; `iterations` sums over the pairs. */
  stats: Stats;
}

/**
 * The k eigenpairs of largest |λ| of a symmetric operator by power iteration with deflation
 * (von Mises 1929; Golub & Van Loan §8.2.1; PyHessian, Yao et al. 2020, Algorithm 1).
 *
 * Each iteration: w = Av, λ = vᵀw, w ← (I − UUᵀ)w (twice) against the unit vectors U already
 * found, stop when ‖w − λv‖₂ ≤ tol·|λ|, otherwise v ← w/‖w‖. For the first pair this is the
 * eigen-residual ‖Av − λv‖ itself; for the deflated pairs it is the residual within the
 * deflated space, because the true one cannot fall below the error left in the pairs found
 * before (about their own residuals). `residualNorms` always reports the true ‖Avᵢ − λᵢvᵢ‖₂.
 * One product per iteration; convergence is linear in |λⱼ₊₁/λⱼ| and slow for close eigenvalues.
 * The vector passes run as SIMD kernels over a workspace in WebAssembly memory where
 * available (see kernels.ts); the returned vectors are copied out of it.
 *
 * A pair that misses the tolerance within `maxIterations` ends the run (status
 * `'maxIterations'`), and the pairs found so far, that one included, are returned. A
 * remaining space on which A vanishes gives λ = 0 with a zero residual (converged).
 *
 * @param A - n×n symmetric operator
 * @returns `{ values, vectors, residualNorms, stats }`
 * @example
 * const { values } = powerIteration(diagonal([1, -5, 3]), { k: 2 }); // [-5, 3]
 */
export function powerIteration(A: LinearOperator, options?: PowerOptions): PowerResult {
  const fn = "powerIteration";
  const t0 = performance.now();
  const n = squareOperator(fn, "A", A);
  const o = optionsObject(fn, options, POWER_OPTIONS);
  const k = checkInteger(fn, "options.k", o.k ?? 1, 1);
  if (k > n) throw new RangeError(`${fn}: options.k is ${k} but A is ${n}×${n}`);
  const tol = checkNumber(fn, "options.tol", o.tol ?? 1e-6);
  const maxIterations = checkInteger(fn, "options.maxIterations", o.maxIterations ?? 1000, 1);
  const seed = checkNumber(fn, "options.seed", o.seed ?? 0, -Infinity);
  const v0 = o.v0 === undefined ? undefined : vectorCopy(fn, "options.v0", o.v0, A);
  const callback = checkFunction(fn, "options.callback", o.callback);
  const signal = checkSignal(fn, o.signal);
  let matvecs = symmetryProbe(fn, A, o.checkSymmetric); // its products are counted

  const random = rng(seed);
  // Workspace: v, w, a scratch d and the k vectors to find (in WebAssembly memory with the
  // SIMD kernels, see kernels.ts).
  const ws = workspace(n, 3 + k);
  const [v, w, d] = ws as [Float64Array, Float64Array, Float64Array];
  const vV = view(v);
  const wV = view(w);
  const found: Float64Array[] = [];
  const values: number[] = [];
  const residuals: number[] = [];
  const info: PowerIteration = { pair: 0, iteration: 0, value: 0, residualNorm: 0 };
  let status: Status = "converged";
  let message: string | undefined;
  let iterations = 0;

  pairs: for (let j = 0; j < k; j++) {
    // Start vector: v₀ for the first pair, seeded Gaussian otherwise; deflated and normalized.
    if (j === 0 && v0 !== undefined) v.set(v0);
    else random.normalVec(n, vV);
    deflate(v, found, n);
    let vNorm = normN(v, n);
    if (!(vNorm > 0)) {
      random.normalVec(n, vV);
      deflate(v, found, n);
      vNorm = normN(v, n);
    }
    normalizeN(v, vNorm, v, n);
    let lambda = 0;
    let res = Infinity;
    let done = false;
    for (let it = 0; it < maxIterations; it++) {
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
        break pairs;
      }
      A.apply(vV, wV); // w ← Av
      matvecs++;
      iterations++;
      lambda = dotN(v, w, n); // λ ← vᵀAv
      res = normFromSquares(subScaledNorm2(w, lambda, v, d, n), d, n); // ‖Av − λv‖ (safe at any scale)
      let tested = res;
      if (j > 0) {
        deflate(w, found, n); // w ← (I − UUᵀ)Av, and the rule on ‖(I − UUᵀ)Av − λv‖
        tested = normFromSquares(subScaledNorm2(w, lambda, v, d, n), d, n);
      }
      done = tested <= tol * Math.abs(lambda);
      if (callback !== undefined) {
        info.pair = j;
        info.iteration = it + 1;
        info.value = lambda;
        info.residualNorm = res;
        if (callback(info) === true && !done) {
          status = "stopped";
          message = "stopped by the callback";
          record(j, lambda, res);
          break pairs;
        }
      }
      if (done || it === maxIterations - 1) break; // keep v the vector λ and the residual belong to
      const wNorm = normN(w, n);
      if (!(wNorm > 0) || !Number.isFinite(wNorm)) {
        // A vanishes on the deflated space (or overflowed): nothing more to find.
        done = wNorm === 0 && tested <= tol * Math.abs(lambda);
        if (!done) {
          status = "breakdown";
          message = `‖(I − UUᵀ)Av‖ = ${wNorm} for pair ${j}`;
          record(j, lambda, res);
          break pairs;
        }
        break;
      }
      normalizeN(w, wNorm, v, n); // v ← w / ‖w‖
    }
    record(j, lambda, res);
    if (!done) {
      status = "maxIterations";
      message = `pair ${j} reached ‖Av − λv‖ = ${res.toExponential(3)} > tol·|λ| after ${maxIterations} iterations`;
      break;
    }
  }

  function record(j: number, lambda: number, res: number): void {
    if (values.length > j) return;
    values.push(lambda);
    residuals.push(res);
    const u = ws[3 + j] as Float64Array;
    u.set(v);
    found.push(u);
  }

  const residualNorms = Float64Array.from(residuals);
  const stats: Stats = {
    iterations,
    matvecs,
    converged: status === "converged",
    status,
    residualNorm: residuals.reduce((a, b) => Math.max(a, b), 0),
    timeMs: performance.now() - t0,
  };
  if (message !== undefined) stats.message = message;
  // The vectors are copied out of a workspace memory.
  return { values: Float64Array.from(values), vectors: found.map((u) => view(owned(u))), residualNorms, stats };
}

/** x ← (I − UUᵀ)x, two passes of modified Gram–Schmidt ("twice is enough"). */
function deflate(x: Float64Array, U: readonly Float64Array[], n: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const u of U) {
      axpyN(-dotN(u, x, n), u, x, n); // x ← x − (uᵀx)u
    }
  }
}
