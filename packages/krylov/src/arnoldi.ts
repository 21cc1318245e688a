/**
 * The Arnoldi process: an orthonormal basis of the Krylov space K_m(A, v₁) of a general square
 * operator and the Hessenberg matrix H̄_m with A·V_m = V_{m+1}·H̄_m; and the Gram–Schmidt step
 * that `gmres`, `fgmres` and `eigs` share.
 *
 * @module
 */
import type { LinearOperator, OptionKeys, Vec, VecLike } from "@krylov-ts/operators";
import { checkInteger, type Stats } from "./stats.js";
import { checkSignal, oneOf, optionsObject, squareOperator } from "./solver-args.js";
import { columnView, orthogonalize, startVector } from "./lanczos/common.js";
import { axpyN, dotN, normN } from "./kernels.js";
import { workspaceArrays } from "./simd/backend.js";

/**
 * How a new Arnoldi vector is orthogonalized against the basis:
 * - `'mgs'`: modified Gram–Schmidt, one column at a time, with a second full pass when the
 *   vector lost more than 1/√2 of its norm (Daniel, Gragg, Kaufman & Stewart 1976's
 *   criterion; "twice is enough", Kahan–Parlett);
 * - `'cgs2'`: classical Gram–Schmidt (one sweep over the basis for all the coefficients, then
 *   one for the update: half the memory traffic of MGS) with the same conditional second
 *   pass, which makes it as orthogonal as MGS twice (Giraud, Langou & Rozložník 2005).
 */
export type Orthogonalization = "mgs" | "cgs2";

export const ORTHOGONALIZATIONS: readonly Orthogonalization[] = ["mgs", "cgs2"];

/** The columns of a basis V (column c of length n at offset c·n) as arrays, made once before a loop. */
export function basisColumns(V: Float64Array, n: number, count: number): Float64Array[] {
  return Array.from({ length: count }, (_, c) => V.subarray(c * n, (c + 1) * n));
}

/**
 * w ⟂ v₀…v_{k−1} (columns of V, each of length n; `cols` holds them as arrays, from
 * {@link basisColumns}), the coefficients vᵢᵀw added into h[0…k) (`g` is a workspace of length
 * ≥ k for 'cgs2'). Returns ‖w‖ after the last pass. Allocates nothing.
 */
export function arnoldiOrthogonalize(
  V: Float64Array, cols: readonly Float64Array[], k: number, n: number, w: Float64Array, h: Float64Array, g: Float64Array, method: Orthogonalization,
): number {
  if (method === "cgs2") return orthogonalize(V, 0, k, n, w, g, h);
  const before = normN(w, n);
  mgsPass(cols, k, n, w, h);
  let after = normN(w, n);
  if (after < before * Math.SQRT1_2) {
    mgsPass(cols, k, n, w, h); // the second pass, when cancellation lost more than half the norm
    after = normN(w, n);
  }
  return after;
}

/** One modified Gram–Schmidt pass: for i < k, hᵢ += vᵢᵀw, w ← w − (vᵢᵀw)·vᵢ. */
function mgsPass(cols: readonly Float64Array[], k: number, n: number, w: Float64Array, h: Float64Array): void {
  for (let i = 0; i < k; i++) {
    const vi = cols[i] as Float64Array;
    const hi = dotN(vi, w, n); // hᵢ = vᵢᵀw
    h[i] = (h[i] as number) + hi;
    axpyN(-hi, vi, w, n); // w ← w − hᵢvᵢ
  }
}

/** Options of `arnoldi`. */
export interface ArnoldiOptions {
  /** Number of Arnoldi steps m (products with A). Default min(n, 30). */
  steps?: number;
  /** Start vector (normalized internally, never modified). Default: seeded standard normal. */
  v0?: VecLike;
  /** Seed of the random start vector. Default 0. */
  seed?: number;
  /** Gram–Schmidt variant (see {@link Orthogonalization}). Default `'mgs'`. */
  orthogonalization?: Orthogonalization;
  /**
   * Relative breakdown threshold: the process stops with status `'breakdown'` when
   * h_{j+1,j} ≤ breakdownTolerance·‖A v_j‖ (K_j is invariant under A). Default 1e-12.
   */
  breakdownTolerance?: number;
  /** Cancels the process (status `'stopped'`). */
  signal?: AbortSignal;
}

const ARNOLDI_OPTIONS = {
  steps: true,
  v0: true,
  seed: true,
  orthogonalization: true,
  breakdownTolerance: true,
  signal: true,
} as const satisfies OptionKeys<ArnoldiOptions>;

/** The result of `arnoldi`. */
export interface ArnoldiResult {
  /** v₁…v_{j+1} (j + 1 new vectors; j on breakdown), with A·V_j = V_{j+1}·H̄_j. */
  basis: Vec[];
  /** H̄_j, row-major (j + 1)×j (the last row holds h_{j+1,j} only; zero on breakdown). */
  H: Float64Array;
  /** j, the steps done. */
  steps: number;
  /**
   * `status`: `'converged'` when all the steps ran, `'breakdown'` when an invariant subspace
   * was found (`converged` true: H_j's eigenvalues are eigenvalues of A) or a coefficient was
   * not finite (`converged` false), `'stopped'` by the signal. `residualNorm` is the last
   * h_{j+1,j}.
   */
  stats: Stats;
}

/**
 * Runs m steps of the Arnoldi process (Arnoldi 1951; Saad 2003, Algorithm 6.2 with the
 * Gram–Schmidt variants above) from v₁ = v0/‖v0‖:
 *
 *     h_{ij} = vᵢᵀ A v_j,   h_{j+1,j} v_{j+1} = A v_j − Σ_{i≤j} h_{ij} vᵢ
 *
 * so that A·V_m = V_{m+1}·H̄_m and V_{m+1}ᵀV_{m+1} = I to working precision. Only `apply` of
 * A is used; A need not be symmetric.
 *
 * @param A - n×n operator
 * @returns the basis, the Hessenberg matrix H̄ and stats
 * @example
 * const { basis, H } = arnoldi(A, { steps: 10, v0: b });
 */
export function arnoldi(A: LinearOperator, options?: ArnoldiOptions): ArnoldiResult {
  const fn = "arnoldi";
  const t0 = performance.now();
  const n = squareOperator(fn, "A", A);
  const o = optionsObject(fn, options, ARNOLDI_OPTIONS);
  const m = Math.min(checkInteger(fn, "options.steps", o.steps ?? Math.min(n, 30), 1), n);
  const seed = checkInteger(fn, "options.seed", o.seed ?? 0, 0);
  const method = oneOf(fn, "options.orthogonalization", o.orthogonalization, ORTHOGONALIZATIONS, "mgs");
  const tol = o.breakdownTolerance ?? 1e-12;
  if (typeof tol !== "number" || !(tol >= 0) || !Number.isFinite(tol)) {
    throw new RangeError(`${fn}: options.breakdownTolerance must be a finite number ≥ 0, got ${String(tol)}`);
  }
  const signal = checkSignal(fn, o.signal);
  const [V, h, g] = workspaceArrays(n, [(m + 1) * n, m + 1, m + 1]) as [Float64Array, Float64Array, Float64Array];
  startVector(fn, o.v0, seed, A, V.subarray(0, n));
  const H = new Float64Array((m + 1) * m);
  const columns: Vec[] = [];
  for (let c = 0; c <= m; c++) columns.push(columnView(V, c * n, n)); // views made once, outside the loop
  const arrays = basisColumns(V, n, m + 1);
  let status: Stats["status"] = "converged";
  let converged = true;
  let message: string | undefined;
  let j = 0;
  let last = 0;
  for (; j < m; j++) {
    if (signal?.aborted) {
      status = "stopped";
      converged = false;
      message = "aborted by the signal";
      break;
    }
    const w = arrays[j + 1] as Float64Array;
    A.apply(columns[j] as Vec, columns[j + 1] as Vec); // w ← A v_j
    const normAv = normN(w, n);
    h.fill(0);
    const beta = arnoldiOrthogonalize(V, arrays, j + 1, n, w, h, g, method); // w ← w − Σ h_{ij} vᵢ
    for (let i = 0; i <= j; i++) H[i * m + j] = h[i] as number;
    last = beta;
    if (!Number.isFinite(beta)) {
      status = "breakdown";
      converged = false;
      message = `h(${j + 2},${j + 1}) = ${beta} is not finite`;
      j++;
      break;
    }
    if (beta <= tol * normAv) {
      status = "breakdown"; // K_{j+1} is invariant under A
      message = `invariant subspace of dimension ${j + 1} (h(${j + 2},${j + 1}) = ${beta.toExponential(2)})`;
      H[(j + 1) * m + j] = 0;
      j++;
      break;
    }
    H[(j + 1) * m + j] = beta; // h_{j+1,j} = ‖w‖
    for (let i = 0; i < n; i++) w[i] = (w[i] as number) / beta; // v_{j+1} = w / h_{j+1,j}
  }
  const vectors = status === "breakdown" && converged ? j : j + 1;
  const basis: Vec[] = [];
  for (let c = 0; c < vectors; c++) basis.push(columnView(V.slice(c * n, (c + 1) * n), 0, n));
  const Hout = new Float64Array((j + 1) * j);
  for (let r = 0; r <= j; r++) for (let c = 0; c < j; c++) Hout[r * j + c] = H[r * m + c] as number;
  const stats: Stats = { iterations: j, matvecs: j, converged, status, residualNorm: last, timeMs: performance.now() - t0 };
  if (message !== undefined) stats.message = message;
  return { basis, H: Hout, steps: j, stats };
}
