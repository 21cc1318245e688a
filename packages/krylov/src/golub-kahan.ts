/**
 * The Golub–Kahan bidiagonalization of a rectangular operator from a start vector: the process
 * under LSQR and LSMR, exposed with its bases (Golub & Kahan 1965; Paige & Saunders 1982, §2.1).
 *
 * @module
 */
import { asVec, checkOperator, len, shapeText, type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, type Stats, type Status } from "./stats.js";
import { checkBoolean, optionsObject, view } from "./solver-args.js";
import { normN } from "./kernels.js";

/** Options of `golubKahan`. */
export interface GolubKahanOptions {
  /** Steps k (columns of Vₖ). Default min(m, n, 20). */
  steps?: number;
  /** Orthogonalize each new u against Uⱼ and each v against Vⱼ (two Gram–Schmidt passes). Default true. */
  reorthogonalize?: boolean;
}

const GOLUB_KAHAN_OPTIONS = { steps: true, reorthogonalize: true } as const satisfies OptionKeys<GolubKahanOptions>;

/** The result of `golubKahan`. */
export interface GolubKahanResult {
  /** u₁ … uₖ₊₁ (length m each), β₁u₁ = b. */
  U: Vec[];
  /** v₁ … vₖ₊₁ (length n each); vₖ₊₁ is zero when αₖ₊₁ = 0. */
  V: Vec[];
  /** α₁ … αₖ₊₁: the diagonal of Bₖ and αₖ₊₁. */
  alpha: Float64Array;
  /** β₁ … βₖ₊₁: β₁ = ‖b‖, then the subdiagonal of Bₖ. */
  beta: Float64Array;
  /** `iterations`: the steps k done (fewer than asked when some β or α vanished: `'breakdown'`, an invariant subspace); `matvecs` counts A and Aᵀ. */
  stats: Stats;
}

/**
 * k steps of the lower bidiagonalization of an m×n operator A from b (Paige & Saunders 1982,
 * eqs. 3.1–3.2): β₁u₁ = b, α₁v₁ = Aᵀu₁, then for i = 1…k
 *
 *     βᵢ₊₁uᵢ₊₁ = A vᵢ − αᵢuᵢ,      αᵢ₊₁vᵢ₊₁ = Aᵀuᵢ₊₁ − βᵢ₊₁vᵢ,
 *
 * so that A·Vₖ = Uₖ₊₁·Bₖ and Aᵀ·Uₖ₊₁ = Vₖ·Bₖᵀ + αₖ₊₁vₖ₊₁eₖ₊₁ᵀ, with Bₖ the (k+1)×k lower
 * bidiagonal matrix of diagonal α₁…αₖ and subdiagonal β₂…βₖ₊₁. In floating point U and V lose
 * orthogonality as singular values converge unless `reorthogonalize` (the default) keeps them
 * orthonormal; LSQR and LSMR run the process without it.
 *
 * @param A - m×n operator with `applyTranspose`
 * @param b - start vector, length m (not modified; nonzero)
 * @example
 * const { U, V, alpha, beta } = golubKahan(A, b, { steps: 10 });
 */
export function golubKahan(A: LinearOperator, b: VecLike, options?: GolubKahanOptions): GolubKahanResult {
  const fn = "golubKahan";
  const t0 = performance.now();
  checkOperator(fn, "A", A);
  const applyT = A.applyTranspose;
  if (typeof applyT !== "function") throw new TypeError(`${fn}: A (${shapeText(A)}) must have applyTranspose (Aᵀ products are needed)`);
  const [m, n] = A.shape;
  const o = optionsObject(fn, options, GOLUB_KAHAN_OPTIONS);
  const k = checkInteger(fn, "options.steps", o.steps ?? Math.min(m, n, 20), 1);
  if (k > Math.min(m, n)) throw new RangeError(`${fn}: options.steps is ${k} but A (${shapeText(A)}) allows at most ${Math.min(m, n)}`);
  const reorth = checkBoolean(fn, "options.reorthogonalize", o.reorthogonalize, true);
  if (b === undefined || b === null) throw new TypeError(`${fn}: b is required`);
  const bv = asVec(b, fn, "b");
  if (len(bv) !== m) throw new RangeError(`${fn}: b has length ${len(bv)} but A is ${shapeText(A)}`);

  const U = new Float64Array(m * (k + 1));
  const V = new Float64Array(n * (k + 1));
  const uCol = Array.from({ length: k + 1 }, (_, j) => view(U.subarray(j * m, (j + 1) * m)));
  const vCol = Array.from({ length: k + 1 }, (_, j) => view(V.subarray(j * n, (j + 1) * n)));
  const alpha = new Float64Array(k + 1);
  const beta = new Float64Array(k + 1);
  let matvecs = 0;
  let status: Status = "converged";
  let message: string | undefined;

  /** Column j of `Q` (columns of length `size`) ← itself minus its components on columns 0…j−1, twice; scaled to norm 1; returns the norm. */
  const finish = (Q: Float64Array, size: number, j: number): number => {
    const col = Q.subarray(j * size, (j + 1) * size);
    const norm0 = normN(col, size); // scaled where the squares would overflow or underflow (A at 1e±300)
    if (reorth) {
      for (let pass = 0; pass < 2; pass++) {
        for (let p = 0; p < j; p++) {
          let c = 0;
          for (let i = 0; i < size; i++) c += (Q[p * size + i] as number) * (Q[j * size + i] as number);
          for (let i = 0; i < size; i++) Q[j * size + i] = (Q[j * size + i] as number) - c * (Q[p * size + i] as number);
        }
      }
    }
    let nrm = normN(col, size);
    // With reorthogonalization, what is left of a vector in the span of the basis is rounding:
    // the new direction is zero (the bases have exhausted the space, or an invariant subspace).
    if (reorth && nrm <= 1e-12 * norm0) {
      Q.fill(0, j * size, (j + 1) * size);
      nrm = 0;
    }
    if (nrm > 0) for (let i = 0; i < size; i++) Q[j * size + i] = (Q[j * size + i] as number) / nrm;
    return nrm;
  };

  for (let i = 0; i < m; i++) U[i] = bv.get(i);
  beta[0] = finish(U, m, 0); // β₁u₁ = b
  if (!(beta[0] > 0)) throw new RangeError(`${fn}: b must be nonzero`);
  applyT.call(A, uCol[0] as Vec, vCol[0] as Vec); // α₁v₁ = Aᵀu₁
  matvecs++;
  alpha[0] = finish(V, n, 0);
  let steps = 0;
  for (let i = 0; i < k; i++) {
    if (alpha[i] === 0) { status = "breakdown"; message = `α${i + 1} = 0: Aᵀuᵢ lies in span(V) (an invariant subspace)`; break; }
    // βᵢ₊₁uᵢ₊₁ = A vᵢ − αᵢuᵢ
    A.apply(vCol[i] as Vec, uCol[i + 1] as Vec);
    matvecs++;
    const a = alpha[i] as number;
    for (let t = 0; t < m; t++) U[(i + 1) * m + t] = (U[(i + 1) * m + t] as number) - a * (U[i * m + t] as number);
    beta[i + 1] = finish(U, m, i + 1);
    steps++;
    if (beta[i + 1] === 0) { status = "breakdown"; message = `β${i + 2} = 0: A vᵢ lies in span(U) (b is in an invariant subspace)`; break; }
    // αᵢ₊₁vᵢ₊₁ = Aᵀuᵢ₊₁ − βᵢ₊₁vᵢ
    applyT.call(A, uCol[i + 1] as Vec, vCol[i + 1] as Vec);
    matvecs++;
    const bb = beta[i + 1] as number;
    for (let t = 0; t < n; t++) V[(i + 1) * n + t] = (V[(i + 1) * n + t] as number) - bb * (V[i * n + t] as number);
    alpha[i + 1] = finish(V, n, i + 1);
  }
  const stats: Stats = { iterations: steps, matvecs, converged: status === "converged", status, residualNorm: beta[steps] as number, timeMs: performance.now() - t0 };
  if (message !== undefined) stats.message = message;
  return { U: uCol.slice(0, steps + 1), V: vCol.slice(0, steps + 1), alpha: alpha.slice(0, steps + 1), beta: beta.slice(0, steps + 1), stats };
}
