/**
 * The symmetric tridiagonal eigenproblem: implicit QL with Wilkinson shifts.
 *
 * @module
 */
import { checkOptions, type OptionKeys } from "@krylov-ts/operators";

/** Options of `tridiagonalEigen`. */
export interface TridiagonalEigenOptions {
  /**
   * Which eigenvector entries to accumulate:
   * - `false` (default): none, eigenvalues only (O(k²) work);
   * - `true`: the full k×k eigenvector matrix (O(k³));
   * - `'first'` / `'last'`: only the first / last component of every eigenvector (O(k²)),
   *   which is all that Gauss quadrature (first) and Ritz residual bounds (last) need.
   */
  vectors?: boolean | "first" | "last";
  /** At most this many QL sweeps per eigenvalue before giving up. Default 60. */
  maxSweeps?: number;
}

/** Result of `tridiagonalEigen`. */
export interface TridiagonalEigenResult {
  /** The k eigenvalues, ascending. */
  values: Float64Array;
  /**
   * With `vectors: true`: the eigenvectors as the columns of a row-major k×k matrix: component i
   * of eigenvector j is `vectors[i·k + j]`, matching `values[j]`.
   */
  vectors?: Float64Array;
  /** With `vectors: 'first'`: component 0 of eigenvector j at index j. */
  first?: Float64Array;
  /** With `vectors: 'last'`: component k−1 of eigenvector j at index j. */
  last?: Float64Array;
  /** False when an eigenvalue needed more than `maxSweeps` sweeps (the values are then unreliable). */
  converged: boolean;
}

/**
 * Eigenvalues and (optionally) eigenvectors of the symmetric tridiagonal matrix T with diagonal
 * `alpha` (length k) and off-diagonal `beta` (length k − 1, or longer: extra entries are ignored).
 *
 * The implicit QL algorithm with Wilkinson-type shifts of EISPACK `tql2` (Bowdler, Martin, Reinsch
 * & Wilkinson 1968; the JAMA transcription), as LAPACK `dsteqr` does in its QL branch: for each
 * l, find the first negligible off-diagonal |e_m| ≤ ε·max_{i≤l}(|d_i| + |e_i|) at or below l,
 * and chase a shifted QL bulge through d_l…d_m until e_l is negligible. The shift is the eigenvalue
 * of the leading 2×2 block nearer d_l. Plane rotations are applied to the requested rows of the
 * eigenvector matrix. Eigenvalues are accurate to a few ε·‖T‖ in absolute terms.
 *
 * Departure from tql2: eigenvectors may be restricted to their first or last row, which keeps
 * the cost O(k²) for Gauss quadrature weights and Ritz residual estimates.
 *
 * The inputs are not modified.
 *
 * @param alpha - the diagonal α₁…α_k
 * @param beta - the off-diagonal β₁…β_{k−1}
 * @returns ascending `values`, plus the requested eigenvector entries
 * @example
 * tridiagonalEigen([2, 2, 2], [-1, -1]).values // 2 − √2, 2, 2 + √2
 */
export function tridiagonalEigen(
  alpha: ArrayLike<number>,
  beta: ArrayLike<number>,
  options: TridiagonalEigenOptions = {},
): TridiagonalEigenResult {
  checkOptions("tridiagonalEigen", options, { vectors: true, maxSweeps: true } satisfies OptionKeys<TridiagonalEigenOptions>);
  const k = checkInputs(alpha, beta);
  const mode = options.vectors ?? false;
  if (mode !== true && mode !== false && mode !== "first" && mode !== "last") {
    throw new TypeError(`tridiagonalEigen: options.vectors must be true, false, 'first' or 'last', got ${String(mode)}`);
  }
  const maxSweeps = options.maxSweeps ?? 60;
  if (!Number.isInteger(maxSweeps) || maxSweeps < 1) {
    throw new RangeError(`tridiagonalEigen: options.maxSweeps must be an integer ≥ 1, got ${String(maxSweeps)}`);
  }

  const d = new Float64Array(k);
  const e = new Float64Array(k);
  for (let i = 0; i < k; i++) d[i] = alpha[i] as number;
  for (let i = 0; i + 1 < k; i++) e[i] = beta[i] as number;

  // Z holds the accumulated rows of the eigenvector matrix: `rows` rows of k entries each.
  const rows = mode === true ? k : mode === false ? 0 : 1;
  const z = new Float64Array(rows * k);
  if (mode === true) for (let i = 0; i < k; i++) z[i * k + i] = 1;
  else if (mode === "first" && k > 0) z[0] = 1;
  else if (mode === "last" && k > 0) z[k - 1] = 1;

  const converged = ql(d, e, z, rows, k, maxSweeps);

  // Sort ascending, permuting the eigenvector columns along.
  const order = Array.from({ length: k }, (_, i) => i).sort((a, b) => (d[a] as number) - (d[b] as number));
  const values = new Float64Array(k);
  for (let j = 0; j < k; j++) values[j] = d[order[j] as number] as number;
  const result: TridiagonalEigenResult = { values, converged };
  if (rows > 0) {
    const zs = new Float64Array(rows * k);
    for (let r = 0; r < rows; r++) {
      for (let j = 0; j < k; j++) zs[r * k + j] = z[r * k + (order[j] as number)] as number;
    }
    if (mode === true) result.vectors = zs;
    else if (mode === "first") result.first = zs;
    else result.last = zs;
  }
  return result;
}

function checkInputs(alpha: ArrayLike<number>, beta: ArrayLike<number>): number {
  if (alpha === null || typeof alpha !== "object" || typeof alpha.length !== "number") {
    throw new TypeError("tridiagonalEigen: alpha must be an array of numbers");
  }
  if (beta === null || typeof beta !== "object" || typeof beta.length !== "number") {
    throw new TypeError("tridiagonalEigen: beta must be an array of numbers");
  }
  const k = alpha.length;
  if (k > 0 && beta.length < k - 1) {
    throw new RangeError(`tridiagonalEigen: beta has length ${beta.length} but alpha has length ${k} (need ${k - 1})`);
  }
  for (let i = 0; i < k; i++) {
    const a = alpha[i];
    if (typeof a !== "number" || !Number.isFinite(a)) {
      throw new RangeError(`tridiagonalEigen: alpha[${i}] must be a finite number, got ${String(a)}`);
    }
  }
  for (let i = 0; i + 1 < k; i++) {
    const b = beta[i];
    if (typeof b !== "number" || !Number.isFinite(b)) {
      throw new RangeError(`tridiagonalEigen: beta[${i}] must be a finite number, got ${String(b)}`);
    }
  }
  return k;
}

/**
 * tql2 on d (diagonal, overwritten by the eigenvalues) and e (off-diagonal in e[0…k−2],
 * destroyed), applying the rotations to the `rows` rows of z (row-major rows×k).
 */
function ql(d: Float64Array, e: Float64Array, z: Float64Array, rows: number, k: number, maxSweeps: number): boolean {
  const eps = Number.EPSILON;
  let f = 0;
  let tst1 = 0;
  let converged = true;
  for (let l = 0; l < k; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l] as number) + Math.abs(e[l] as number));
    // Find the first negligible off-diagonal element at or after l.
    let m = l;
    while (m < k - 1 && Math.abs(e[m] as number) > eps * tst1) m++;
    if (m > l) {
      let sweeps = 0;
      do {
        if (++sweeps > maxSweeps) {
          converged = false;
          break;
        }
        // Shift: the eigenvalue of the leading 2×2 block [d_l e_l; e_l d_{l+1}] nearer d_l.
        let g = d[l] as number;
        let p = ((d[l + 1] as number) - g) / (2 * (e[l] as number));
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = (e[l] as number) / (p + r);
        d[l + 1] = (e[l] as number) * (p + r);
        const dl1 = d[l + 1] as number;
        let h = g - (d[l] as number);
        for (let i = l + 2; i < k; i++) d[i] = (d[i] as number) - h;
        f += h;
        // Implicit QL sweep from m up to l: chase the bulge with plane rotations (c, s).
        p = d[m] as number;
        let c = 1;
        let c2 = 1;
        let c3 = 1;
        const el1 = e[l + 1] as number;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * (e[i] as number);
          h = c * p;
          r = Math.hypot(p, e[i] as number);
          e[i + 1] = s * r;
          s = (e[i] as number) / r;
          c = p / r;
          p = c * (d[i] as number) - s * g;
          d[i + 1] = h + s * (c * g + s * (d[i] as number));
          for (let row = 0; row < rows; row++) {
            const o = row * k;
            const zi1 = z[o + i + 1] as number;
            const zi = z[o + i] as number;
            z[o + i + 1] = s * zi + c * zi1;
            z[o + i] = c * zi - s * zi1;
          }
        }
        p = (-s * s2 * c3 * el1 * (e[l] as number)) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l] as number) > eps * tst1);
    }
    d[l] = (d[l] as number) + f;
    e[l] = 0;
  }
  return converged;
}
