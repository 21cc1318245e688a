/**
 * Private: eigenpairs of a small dense symmetric matrix (the projected matrix of thick-restart
 * Lanczos, tridiagonal plus an arrowhead), by Householder reduction to tridiagonal form
 * followed by the implicit QL of `tridiagonalEigen`.
 *
 * @module
 */
import { tridiagonalEigen } from "../tridiagonal.js";

/**
 * Eigenvalues (ascending) and eigenvectors of the symmetric m×m matrix `a` (row-major; only read).
 *
 * Householder tridiagonalization Qᵀ·A·Q = T (Golub & Van Loan, Algorithm 8.3.1), then T = Z·Λ·Zᵀ,
 * and the eigenvectors are Q·Z. A column already zero below its subdiagonal needs no reflection
 * (the projected matrix of plain Lanczos steps is tridiagonal: then Q = I and the eigenvectors are Z).
 *
 * @returns `values` ascending; `vectors` row-major m×m whose column j belongs to `values[j]`
 */
export function smallSymmetricEigen(a: Float64Array, m: number): { values: Float64Array; vectors: Float64Array } {
  const A = a.slice(0, m * m);
  const Q = new Float64Array(m * m);
  for (let i = 0; i < m; i++) Q[i * m + i] = 1;
  const v = new Float64Array(m);
  const p = new Float64Array(m);
  let reflected = false;
  for (let k = 0; k + 2 < m; k++) {
    // v: the Householder vector that zeroes A[k+2…m−1, k] (none when they are zero already).
    let below = 0;
    for (let i = k + 2; i < m; i++) below += (A[i * m + k] as number) ** 2;
    if (below === 0) continue;
    const xNorm = Math.sqrt(below + (A[(k + 1) * m + k] as number) ** 2);
    const x0 = A[(k + 1) * m + k] as number;
    const alpha = x0 >= 0 ? -xNorm : xNorm;
    v.fill(0);
    for (let i = k + 1; i < m; i++) v[i] = A[i * m + k] as number;
    v[k + 1] = x0 - alpha;
    let vv = 0;
    for (let i = k + 1; i < m; i++) vv += (v[i] as number) ** 2;
    if (vv === 0) continue;
    reflected = true;
    // A ← H A H with H = I − 2vvᵀ/vᵀv:  p = 2Av/vᵀv,  q = p − (pᵀv/vᵀv)v,  A ← A − vqᵀ − qvᵀ
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = k + 1; j < m; j++) s += (A[i * m + j] as number) * (v[j] as number);
      p[i] = (2 * s) / vv;
    }
    let pv = 0;
    for (let i = k + 1; i < m; i++) pv += (p[i] as number) * (v[i] as number);
    const K = pv / vv;
    for (let i = 0; i < m; i++) p[i] = (p[i] as number) - K * (v[i] as number);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < m; j++) {
        A[i * m + j] = (A[i * m + j] as number) - (v[i] as number) * (p[j] as number) - (p[i] as number) * (v[j] as number);
      }
    }
    // Q ← Q H
    for (let i = 0; i < m; i++) {
      let s = 0;
      for (let j = k + 1; j < m; j++) s += (Q[i * m + j] as number) * (v[j] as number);
      s = (2 * s) / vv;
      for (let j = k + 1; j < m; j++) Q[i * m + j] = (Q[i * m + j] as number) - s * (v[j] as number);
    }
  }
  const alpha = new Float64Array(m);
  const beta = new Float64Array(Math.max(m - 1, 0));
  for (let i = 0; i < m; i++) alpha[i] = A[i * m + i] as number;
  for (let i = 0; i + 1 < m; i++) beta[i] = A[(i + 1) * m + i] as number;
  const eig = tridiagonalEigen(alpha, beta, { vectors: true });
  const Z = eig.vectors as Float64Array;
  if (!reflected) return { values: eig.values, vectors: Z };
  const vectors = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let s = 0;
      for (let l = 0; l < m; l++) s += (Q[i * m + l] as number) * (Z[l * m + j] as number);
      vectors[i * m + j] = s;
    }
  }
  return { values: eig.values, vectors };
}
