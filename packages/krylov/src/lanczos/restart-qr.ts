/**
 * Private to `lanczos`: re-orthonormalization of a thick-restarted basis whose vectors are not
 * orthonormal (after `'none'` or `'selective'` reorthogonalization), keeping the Lanczos relation.
 *
 * @module
 */
import { cgsPass, squaredNorm } from "./kernels.js";

/** Workspaces of `reorthonormalizeBasis`, allocated once by `lanczos`. */
export interface RestartQrWork {
  /** cap·cap: R of V = Q·R, row-major with `cap` columns. */
  R: Float64Array;
  /** cap·cap: R·H[:, closed′], then the new coupling block. */
  M: Float64Array;
  /** cap: Gram–Schmidt coefficients of one column. */
  g: Float64Array;
}

/**
 * Replaces columns [0, cols) of V by an orthonormal basis Q of their span (orthogonal to the
 * locked vectors too) and rewrites the projected matrix H so that the Lanczos relation holds for
 * the new basis, without any product with A.
 *
 * The relation before: A·V_c = V·H[0:cols, 0:closed] for the `closed` first columns V_c (up to
 * the components on the locked vectors, which every step removes). Each column is projected off
 * the locked vectors L (those just locked: V is orthogonal to the others already), then
 * Gram–Schmidt (classical, a second pass when the first removed more than 1 − 1/√2 of the norm,
 * the coefficients accumulated) gives (I − LLᵀ)V = Q·R with R upper triangular; with (I − LLᵀ)V_c = Q_c·R_cc,
 * A·Q_c = Q·(R·H[:, 0:closed]·R_cc⁻¹) + (terms in span L) + (the locked pairs' residuals)·‖LᵀV_c‖·‖R_cc⁻¹‖:
 * the new H is that (cols′×closed′) block, whose closed block Q_cᵀAQ_c is symmetric up to those
 * errors and is stored symmetrized. In a basis that lost orthogonality a kept Ritz vector can lie
 * mostly in the span of the locked vectors or of the kept ones before it (the partner of a ghost):
 * a closed column that loses more than half of its norm is dropped with its column of H (at a
 * thick restart its row of H[:, closed] holds only its own Ritz value, so the others' relation does
 * not involve it), which bounds ‖R_cc⁻¹‖ by 2/‖v‖. An open column whose part left is below 1e-10 of
 * its norm is dropped too; its coefficients stay in R, so the relation is kept. Cost ≈
 * 2·(cols + just locked)·cols·n flops a pass.
 *
 * @param V - columns [0, cols) of length n at c·n; overwritten by Q (columns [0, cols′))
 * @param H - cap×cap row-major; entries H[i][j] with j < closed are read, all are rewritten
 * @param L - the locked vectors, orthonormal; V is orthogonal to those before `lockedFrom` already (every
 *   step orthogonalizes against them), and is projected off those in [lockedFrom, lockedTo), the ones just
 *   locked from this basis
 * @returns the new numbers of closed and of all columns
 */
export function reorthonormalizeBasis(
  V: Float64Array, n: number, closed: number, cols: number, H: Float64Array, cap: number,
  L: Float64Array, lockedFrom: number, lockedTo: number, work: RestartQrWork,
): { closed: number; cols: number } {
  const { R, M, g } = work;
  R.fill(0, 0, cap * cap);
  const closedKept: number[] = []; // original indices of the closed columns kept (their q index is their position)
  let nq = 0;
  for (let c = 0; c < cols; c++) {
    const x = V.subarray(c * n, (c + 1) * n); // in place: the Q columns so far are [0, nq), nq ≤ c
    const before = Math.sqrt(squaredNorm(x, n));
    let after = before;
    for (let pass = 0; pass < 2; pass++) {
      const was = after;
      // against L's slots [lockedFrom, lockedTo) as a block from 0: g holds `cap` coefficients, fewer than the locked slots may number
      if (lockedTo > lockedFrom) after = cgsPass(L.subarray(lockedFrom * n, lockedTo * n), 0, lockedTo - lockedFrom, n, x, g);
      if (nq > 0) {
        after = cgsPass(V, 0, nq, n, x, g);
        for (let i = 0; i < nq; i++) R[i * cap + c] = (R[i * cap + c] as number) + (g[i] as number);
      }
      if (after >= was * Math.SQRT1_2) break; // twice is enough, once when little was removed (DGKS)
    }
    if (after > (c < closed ? 0.5 : 1e-10) * before && after > 0) {
      for (let i = 0; i < n; i++) x[i] = (x[i] as number) / after;
      if (nq < c) V.copyWithin(nq * n, c * n, (c + 1) * n); // q_nq, after a dropped column
      R[nq * cap + c] = after;
      if (c < closed) closedKept.push(c);
      nq++;
    } else if (c < closed) {
      for (let i = 0; i < nq; i++) R[i * cap + c] = 0; // dropped with its column of H
    }
  }
  const p = closedKept.length;
  // M = R·H[0:cols, closedKept] (nq × p).
  for (let i = 0; i < nq; i++) {
    for (let jj = 0; jj < p; jj++) {
      const j = closedKept[jj] as number;
      let s = 0;
      for (let l = i; l < cols; l++) s += (R[i * cap + l] as number) * (H[l * cap + j] as number);
      M[i * cap + jj] = s;
    }
  }
  // M ← M·R_cc⁻¹, R_cc = R[0:p, closedKept] upper triangular (forward over its columns).
  for (let jj = 0; jj < p; jj++) {
    const j = closedKept[jj] as number;
    const d = R[jj * cap + j] as number;
    for (let i = 0; i < nq; i++) {
      let s = M[i * cap + jj] as number;
      for (let t = 0; t < jj; t++) s -= (M[i * cap + t] as number) * (R[t * cap + j] as number);
      M[i * cap + jj] = s / d;
    }
  }
  H.fill(0);
  for (let jj = 0; jj < p; jj++) {
    for (let i = 0; i < nq; i++) {
      // The closed block is symmetric in exact arithmetic (Q_cᵀAQ_c): store its mean with its transpose.
      const v = i < p ? 0.5 * ((M[i * cap + jj] as number) + (M[jj * cap + i] as number)) : (M[i * cap + jj] as number);
      H[i * cap + jj] = v;
      H[jj * cap + i] = v;
    }
  }
  return { closed: p, cols: nq };
}


/**
 * Orthonormalizes the `count` Ritz vectors y = V·s just locked (slots [from, from + count) of L)
 * against the locked ones before them, two classical Gram–Schmidt passes each, and drops those
 * whose norm ‖V·s‖ is below ½ (unit in an orthonormal basis) or that lose more than half of it
 * doing so. In a basis that lost orthogonality the copies of a converged pair (ghosts) share its
 * eigenvector, each with a part of it: ‖V·s‖ < 1, and the residual of y/‖y‖ is ‖E·s‖/‖V·s‖, not the
 * estimate ‖E·s‖; the copies after the first are in the span of the locked vectors, their part
 * orthogonal to them noise and no eigenvector. Either kind, locked, would make the removal of the
 * locked components from later vectors more than a rounding-sized correction, breaking the
 * Lanczos relation. The kept ones have residuals within twice their estimates.
 * The vectors kept are moved down to stay contiguous. Returns, for each of the `count` slots,
 * whether it was kept.
 */
export function orthonormalizeNewLocked(L: Float64Array, n: number, from: number, count: number, g: Float64Array): boolean[] {
  const kept: boolean[] = [];
  let to = from;
  for (let c = from; c < from + count; c++) {
    if (to < c) L.copyWithin(to * n, c * n, (c + 1) * n);
    const x = L.subarray(to * n, (to + 1) * n);
    const before = Math.sqrt(squaredNorm(x, n));
    for (let pass = 0; pass < 2; pass++) cgsPass(L, 0, to, n, x, g);
    const after = Math.sqrt(squaredNorm(x, n));
    const keep = before >= 0.5 && after > 0.5 * before;
    if (keep) {
      for (let i = 0; i < n; i++) x[i] = (x[i] as number) / after;
      to++;
    }
    kept.push(keep);
  }
  return kept;
}
