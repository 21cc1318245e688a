/**
 * The plain Lanczos process: an orthonormal Krylov basis and the tridiagonal T = VᵀAV.
 *
 * @module
 */
import { checkInteger, type Stats } from "../stats.js";
import { columnView, norm, orthogonalize, PowerOfTwoScaled, startVector, type Reorthogonalization } from "./common.js";
import { checkBoolean, checkFunction, checkSignal, LANCZOS_PROCESS_OPTIONS, oneOf, optionsObject, squareOperator, symmetryProbe } from "../solver-args.js";
import { cgsPass } from "./kernels.js";
import { OmegaEstimates } from "./partial.js";
import { workspaceArrays } from "../simd/backend.js";
import type { LinearOperator, Vec, VecLike } from "@krylov-ts/operators";

export type { Reorthogonalization } from "./common.js";

/** What the callback of `lanczosProcess` sees after each step. */
export interface LanczosStepInfo {
  /** Steps done (1-based). */
  iteration: number;
  /** α_j of the step. */
  alpha: number;
  /** β_j of the step (the norm of the new residual). */
  beta: number;
}

/** Options of `lanczosProcess`. */
export interface LanczosProcessOptions {
  /**
   * Number of Lanczos steps m (matrix–vector products). Default min(n, 30). At most n with `'full'` or `'partial'`
   * (no more than n vectors can be orthogonal); `'none'` runs any number (the bare recurrence, e.g. to study ghosts).
   */
  steps?: number;
  /** Start vector (normalized internally, never modified). Default: seeded standard normal. */
  v0?: VecLike;
  /** Seed of the random start vector. Default 0. */
  seed?: number;
  /**
   * - `'full'` (default): every new vector is orthogonalized against all previous ones by
   *   classical Gram–Schmidt, repeated once when it lost more than half its norm ("twice is
   *   enough", Kahan–Parlett; Daniel, Gragg, Kaufman & Stewart 1976);
   * - `'partial'`: Simon's (1984) partial reorthogonalization: the loss of orthogonality
   *   ω_{j+1,k} ≈ v_{j+1}ᵀv_k is estimated by its recurrence (the one of `lanczos`, partial.ts, with
   *   the rounding term ε√n·(β + ‖T‖est)), and only when max |ω| > √ε are the next two vectors
   *   orthogonalized against the basis (semi-orthogonality, enough for T to be exact to working
   *   precision);
   * - `'none'`: the bare three-term recurrence (ghost copies of converged eigenvalues appear).
   */
  reorthogonalization?: Reorthogonalization;
  /** Return the basis V (m + 1 vectors). Default false; with `'none'` the process then needs only O(n) memory. */
  basis?: boolean;
  /**
   * Relative breakdown threshold: the process stops with status `'breakdown'` when
   * β_j ≤ breakdownTolerance·‖T‖est (an invariant subspace was found). Default 1e-12.
   */
  breakdownTolerance?: number;
  /** Called after each step; returning `true` stops the process (status `'stopped'`). */
  callback?: (info: LanczosStepInfo) => boolean | void;
  /** Cancels the process (status `'stopped'`). */
  signal?: AbortSignal;
  /** Refuse a non-symmetric A (two extra products on random probes, counted in `stats.matvecs`). Default false. */
  checkSymmetric?: boolean;
}

/** Result of `lanczosProcess`. */
export interface LanczosProcessResult {
  /** α₁…α_j: the diagonal of T_j (j = steps done). */
  alpha: Float64Array;
  /** β₁…β_j: the off-diagonal of T_j, and last β_j = ‖r_j‖, the coupling to v_{j+1}. */
  beta: Float64Array;
  /**
   * With `basis: true`: v₁…v_{j+1} (j + 1 vectors; j on breakdown), so that
   * A·V_j = V_j·T_j + β_j·v_{j+1}·e_jᵀ.
   */
  basis?: Vec[];
  /**
   * `status`: `'converged'` when all the steps ran, `'breakdown'` when an invariant subspace
   * was found (then T's eigenvalues are eigenvalues of A, and `converged` is true) or when a
   * coefficient was not finite (`converged` false; the last α, β are that step's),
   * `'stopped'` by the callback or the signal. `residualNorm` is the last β.
   */
  stats: Stats;
}

/**
 * Runs m steps of the symmetric Lanczos process from v₁ = v0/‖v0‖:
 *
 *     w ← A v_j − α_j v_j − β_{j−1} v_{j−1},   α_j = v_jᵀ A v_j,   β_j = ‖w‖,   v_{j+1} = w / β_j
 *
 * so that A·V_m = V_m·T_m + β_m·v_{m+1}·e_mᵀ with T_m = tridiag(β, α, β) (Lanczos 1950; Paige
 * 1972 for the rounding behaviour). It stops early on breakdown, β_j ≤ tol·‖T‖est with
 * ‖T‖est = max_i (|β_{i−1}| + |α_i| + |β_i|). Each step costs one product with A plus the
 * reorthogonalization chosen.
 *
 * @param A - a symmetric n×n operator
 * @returns the coefficients α, β, optionally the basis, and stats
 * @example
 * const { alpha, beta } = lanczosProcess(A, { steps: 40, seed: 1 });
 * tridiagonalEigen(alpha, beta.subarray(0, alpha.length - 1)).values // Ritz values
 */
export function lanczosProcess(A: LinearOperator, options?: LanczosProcessOptions): LanczosProcessResult {
  const fn = "lanczosProcess";
  const o = optionsObject(fn, options, LANCZOS_PROCESS_OPTIONS);
  const n = squareOperator(fn, "A", A);
  const probeProducts = symmetryProbe(fn, A, o.checkSymmetric); // first, as every method (two products)
  const steps = checkInteger(fn, "options.steps", o.steps ?? Math.min(n, 30), 1);
  if (n === 0) throw new RangeError(`${fn}: A is 0×0`);
  const reorth = oneOf<Reorthogonalization>(fn, "options.reorthogonalization", o.reorthogonalization, ["full", "partial", "none"], "full");
  if (steps > n && reorth !== "none") {
    throw new RangeError(`${fn}: options.steps is ${steps} but A is ${n}×${n} (at most n orthogonal vectors; 'none' runs longer)`);
  }
  const keepBasis = checkBoolean(fn, "options.basis", o.basis, false);
  const tolB = o.breakdownTolerance ?? 1e-12;
  if (!(typeof tolB === "number" && tolB >= 0 && Number.isFinite(tolB))) {
    throw new RangeError(`${fn}: options.breakdownTolerance must be a finite number ≥ 0, got ${String(tolB)}`);
  }
  const seed = o.seed ?? 0;
  if (!Number.isFinite(seed)) throw new RangeError(`${fn}: options.seed must be a finite number, got ${String(seed)}`);
  const callback = checkFunction(fn, "options.callback", o.callback);
  const signal = checkSignal(fn, o.signal);
  const start = performance.now();

  // Storage: all m + 1 vectors when they are needed (reorthogonalization or basis), else 3.
  const store = keepBasis || reorth !== "none";
  const cols = store ? steps + 1 : 3;
  // V, w and g in one workspace (WebAssembly memory with the SIMD backend); g: Gram–Schmidt coefficients
  const [V, w, g] = workspaceArrays(n, [cols * n, n, steps + 1]) as [Float64Array, Float64Array, Float64Array];
  startVector(fn, o.v0, seed, A, V);
  const wVec = columnView(w, 0, n);
  const As = new PowerOfTwoScaled(A); // A/2^e for ‖A‖ far from 1: α, β are multiplied by 2^e at the end
  const alpha = new Float64Array(steps);
  const beta = new Float64Array(steps);
  // 'partial': Simon's ω estimates (partial.ts, shared with `lanczos`) on T stored as the projected matrix H of the band
  // form (column c at c·(steps + 1)), with the coefficients each step subtracts (β_{j−1}, α_j) in gStep.
  const partial = reorth === "partial";
  const capP = partial ? steps + 1 : 0;
  const omega = partial ? new OmegaEstimates(capP, Number.EPSILON * Math.sqrt(n), Math.sqrt(Number.EPSILON)) : undefined;
  const H = new Float64Array(capP * capP);
  const gStep = new Float64Array(capP);
  omega?.setRow(0, true);

  let status: Stats["status"] = "converged";
  let message: string | undefined;
  let tNorm = 0;
  let finite = true; // false once a coefficient is NaN or ±∞ (a breakdown that is not an invariant subspace)
  let j = 0;
  const col = (c: number): number => (store ? c : c % 3) * n;
  for (; j < steps; j++) {
    if (signal?.aborted) {
      status = "stopped";
      message = "aborted by the signal";
      break;
    }
    const vj = col(j);
    // w ← A v_j
    As.apply(columnView(V, vj, n), wVec);
    const betaPrev = j > 0 ? (beta[j - 1] as number) : 0;
    // α_j = v_jᵀ w;  w ← w − α_j v_j − β_{j−1} v_{j−1}
    let a = 0;
    for (let i = 0; i < n; i++) a += (V[vj + i] as number) * (w[i] as number);
    if (j > 0) {
      const vp = col(j - 1);
      for (let i = 0; i < n; i++) w[i] = (w[i] as number) - a * (V[vj + i] as number) - betaPrev * (V[vp + i] as number);
    } else {
      for (let i = 0; i < n; i++) w[i] = (w[i] as number) - a * (V[vj + i] as number);
    }
    let b: number;
    let swept = false; // 'partial': w was orthogonalized against the basis
    if (reorth === "full") {
      // w ⟂ v_1…v_j (the correction to α_j is folded in by the first pass).
      const before = norm(w, n);
      const corr = gramSchmidtPass1(V, j, n, w, g);
      a += corr;
      b = norm(w, n);
      if (b < before * Math.SQRT1_2) {
        a += gramSchmidtPass1(V, j, n, w, g);
        b = norm(w, n);
      }
    } else {
      b = norm(w, n);
      if (omega !== undefined) {
        // T's column j in H; the step subtracted β_{j−1} v_{j−1} and α_j v_j.
        H[j * capP + j] = a;
        if (j > 0) gStep[j - 1] = betaPrev;
        gStep[j] = a;
        // Past n − 1 steps the basis spans the space: the new vector is orthogonalized against it whatever the
        // estimates say, so that the exhausted Krylov space shows as a breakdown instead of rounding noise.
        const estimated = b > 0 && omega.step(j, j + 1, Math.max(j - 1, 0), H, gStep, b, Math.max(tNorm, betaPrev + Math.abs(a) + b));
        if (estimated || (b > 0 && j + 1 >= n)) {
          b = orthogonalize(V, 0, j + 1, n, w, g);
          swept = true;
        }
      }
    }
    alpha[j] = a;
    beta[j] = b;
    tNorm = Math.max(tNorm, betaPrev + Math.abs(a) + b);
    if (!Number.isFinite(a) || !Number.isFinite(b)) {
      status = "breakdown";
      finite = false;
      message = `non-finite coefficient at step ${j + 1} (α = ${a * As.scale}, β = ${b * As.scale})`;
      j++;
      break;
    }
    if (b <= tolB * tNorm) {
      status = "breakdown";
      message = `invariant subspace of dimension ${j + 1} found (β = ${(b * As.scale).toExponential(2)})`;
      beta[j] = 0;
      j++;
      break;
    }
    // v_{j+1} ← w / β_j
    const vn = col(j + 1);
    for (let i = 0; i < n; i++) V[vn + i] = (w[i] as number) / b;
    if (omega !== undefined) {
      omega.setRow(j + 1, swept);
      H[(j + 1) * capP + j] = b;
      H[j * capP + j + 1] = b;
    }
    if (callback?.({ iteration: j + 1, alpha: a * As.scale, beta: b * As.scale }) === true) {
      status = "stopped";
      message = "stopped by the callback";
      j++;
      break;
    }
  }
  const scale = As.scale;
  const result: LanczosProcessResult = {
    alpha: alpha.slice(0, j).map((x) => x * scale),
    beta: beta.slice(0, j).map((x) => x * scale),
    stats: {
      iterations: j,
      matvecs: j + probeProducts,
      converged: status === "converged" || (status === "breakdown" && finite),
      status,
      residualNorm: j > 0 ? (beta[j - 1] as number) * scale : 0,
      timeMs: performance.now() - start,
      ...(message !== undefined ? { message } : {}),
    },
  };
  if (keepBasis) {
    const count = status === "breakdown" ? j : j + 1;
    const basis: Vec[] = [];
    for (let c = 0; c < count; c++) {
      const copyC = V.slice(c * n, (c + 1) * n);
      basis.push(columnView(copyC, 0, n));
    }
    result.basis = basis;
  }
  return result;
}

/** One classical Gram–Schmidt pass of w against v_0…v_j; returns the coefficient on v_j (the α correction). */
function gramSchmidtPass1(V: Float64Array, j: number, n: number, w: Float64Array, g: Float64Array): number {
  cgsPass(V, 0, j + 1, n, w, g);
  return g[j] as number;
}
