/**
 * The locked block of `eigs`: orthonormal Schur vectors L (columns of a workspace, column c at
 * c·n) with their explicit products OP·L, the small algebra of a Rayleigh–Ritz step on them, and
 * the Ritz pairs of the block, copies of a multiple eigenvalue given independent eigenvectors.
 *
 * @module
 */
import { axpyN, dotN } from "../kernels.js";
import { eigenvector, type EigenvectorWork } from "./small-schur.js";

/** A complex number (a real one has im = 0). */
export interface Complex {
  re: number;
  im: number;
}

/** G ← Uᵀ·(AU), row-major u×u, for the u columns of U and of AU from column `s0`. */
export function projectedMatrix(U: Float64Array, AU: Float64Array, s0: number, u: number, n: number): Float64Array {
  const G = new Float64Array(u * u);
  for (let i = 0; i < u; i++) {
    const ui = U.subarray((s0 + i) * n, (s0 + i + 1) * n);
    for (let j = 0; j < u; j++) G[i * u + j] = dotN(ui, AU.subarray((s0 + j) * n, (s0 + j + 1) * n), n); // gᵢⱼ = uᵢᵀ(A uⱼ)
  }
  return G;
}

/**
 * Columns [dst, dst + p) of X ← X[:, s0…s0+u)·Y[:, 0…p) (Y row-major u×u), through `tmp` (length
 * ≥ p·n), so the two ranges may overlap.
 */
export function rotateColumns(X: Float64Array, s0: number, u: number, n: number, Y: Float64Array, p: number, tmp: Float64Array, dst: number): void {
  tmp.fill(0, 0, p * n);
  for (let c = 0; c < p; c++) {
    const out = tmp.subarray(c * n, (c + 1) * n);
    for (let i = 0; i < u; i++) axpyN(Y[i * u + c] as number, X.subarray((s0 + i) * n, (s0 + i + 1) * n), out, n);
  }
  X.set(tmp.subarray(0, p * n), dst * n);
}

/** Whether values[i] is the −im conjugate of values[i − 1]. */
export function isConjugate(values: readonly Complex[], i: number): boolean {
  const a = values[i - 1];
  const b = values[i];
  return a !== undefined && b !== undefined && b.im < 0 && a.im === -b.im && a.re === b.re;
}

/**
 * Unit eigenvectors y (real and imaginary parts, length u) of the row-major u×u G for the given
 * eigenvalues, in their order; a conjugate gets ȳ of the value before it. Copies of one eigenvalue
 * (values within `cluster` of each other) get independent vectors: inverse iteration with the
 * earlier copies' vectors projected out after each solve, i.e. orthonormal vectors of the
 * eigenspace (any vector in it is an eigenvector; one Gaussian elimination alone would return the
 * same vector for every copy).
 */
export function eigenvectors(G: Float64Array, u: number, values: readonly Complex[], cluster: number, work: EigenvectorWork): { re: Float64Array; im: Float64Array }[] {
  const out: { re: Float64Array; im: Float64Array }[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i] as Complex;
    if (isConjugate(values, i)) {
      const prev = out[i - 1] as { re: Float64Array; im: Float64Array };
      out.push({ re: Float64Array.from(prev.re), im: Float64Array.from(prev.im, (x) => -x) });
      continue;
    }
    const against = out.filter((_, j) => Math.hypot((values[j] as Complex).re - v.re, (values[j] as Complex).im - v.im) <= cluster);
    const yr = new Float64Array(u);
    const yi = new Float64Array(u);
    eigenvector(G, u, v.re, v.im, yr, yi, work, against, against.length);
    out.push({ re: yr, im: yi });
  }
  return out;
}
