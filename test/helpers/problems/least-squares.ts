/**
 * Rectangular least-squares problems with known solutions, built from a chosen singular value
 * decomposition A = U·diag(σ)·Vᵀ (U m×r, V n×r with orthonormal columns, seeded): the
 * minimum-norm solution of min ‖Ax − b‖² + λ²‖x‖² is V·diag(σ/(σ² + λ²))·Uᵀb, exactly.
 */
import { dense, rng, type DenseOperator, type Random } from "@krylov-ts/operators";

/** A least-squares problem and its reference answers. */
export interface LeastSquaresProblem {
  A: DenseOperator;
  /** Row-major entries of A (m·n). */
  a: Float64Array;
  m: number;
  n: number;
  b: Float64Array;
  /** The minimum-norm solution of min ‖Ax − b‖² + λ²‖x‖² (for the λ given to the generator). */
  x: Float64Array;
  /** ‖b − Ax‖ at that solution (without the damping term). */
  residualNorm: number;
  /** The singular values, descending (r of them: the rank). */
  sigma: Float64Array;
  /** U (m×r) and V (n×r), row-major: the singular vectors. */
  U: Float64Array;
  V: Float64Array;
}

/** k orthonormal columns of length rows, row-major rows×k, by Gram–Schmidt twice on Gaussian columns. */
export function orthonormalColumns(rows: number, k: number, r: Random): Float64Array {
  const q = new Float64Array(rows * k);
  const col = new Float64Array(rows);
  for (let j = 0; j < k; j++) {
    for (let i = 0; i < rows; i++) col[i] = r.normal();
    for (let pass = 0; pass < 2; pass++) {
      for (let p = 0; p < j; p++) {
        let d = 0;
        for (let i = 0; i < rows; i++) d += (q[i * k + p] as number) * (col[i] as number);
        for (let i = 0; i < rows; i++) col[i] = (col[i] as number) - d * (q[i * k + p] as number);
      }
    }
    let s = 0;
    for (let i = 0; i < rows; i++) s += (col[i] as number) ** 2;
    s = Math.sqrt(s);
    for (let i = 0; i < rows; i++) q[i * k + j] = (col[i] as number) / s;
  }
  return q;
}

/** Options of `leastSquaresProblem`. */
export interface LeastSquaresProblemOptions {
  /** Rank r ≤ min(m, n). Default min(m, n) (full rank). */
  rank?: number;
  /** Singular values (descending, r of them). Default geometric from 1 down to 1/cond. */
  sigma?: readonly number[];
  /** Condition number of the default singular values. Default 100. */
  cond?: number;
  /** ‖b − Ax*‖: the size of the part of b orthogonal to range(A). Default 0 (consistent). */
  inconsistency?: number;
  /** Damping λ of the reference solution. Default 0. */
  damp?: number;
  seed?: number;
}

/**
 * An m×n problem A = U·diag(σ)·Vᵀ of rank r with b = U c + g, g ⊥ range(A) of norm
 * `inconsistency` (needs r < m when nonzero), and its minimum-norm (damped) solution.
 */
export function leastSquaresProblem(m: number, n: number, options: LeastSquaresProblemOptions = {}): LeastSquaresProblem {
  const r = options.rank ?? Math.min(m, n);
  const cond = options.cond ?? 100;
  const damp = options.damp ?? 0;
  const g = rng(options.seed ?? 1);
  const sigma = Float64Array.from(options.sigma ?? Array.from({ length: r }, (_, i) => (r === 1 ? 1 : Math.pow(cond, -i / (r - 1)))));
  // U with r + 1 columns: the extra one carries the inconsistent part of b.
  const extra = (options.inconsistency ?? 0) > 0 ? 1 : 0;
  if (extra && r >= m) throw new RangeError("leastSquaresProblem: an inconsistent b needs rank < m");
  const Ux = orthonormalColumns(m, r + extra, g);
  const U = new Float64Array(m * r);
  for (let i = 0; i < m; i++) for (let j = 0; j < r; j++) U[i * r + j] = Ux[i * (r + extra) + j] as number;
  const V = orthonormalColumns(n, r, g);
  const a = new Float64Array(m * n);
  for (let p = 0; p < r; p++) {
    const s = sigma[p] as number;
    for (let i = 0; i < m; i++) {
      const us = s * (U[i * r + p] as number);
      for (let j = 0; j < n; j++) a[i * n + j] = (a[i * n + j] as number) + us * (V[j * r + p] as number);
    }
  }
  const c = Float64Array.from({ length: r }, () => g.normal());
  const b = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let p = 0; p < r; p++) s += (U[i * r + p] as number) * (c[p] as number);
    if (extra) s += (options.inconsistency as number) * (Ux[i * (r + 1) + r] as number);
    b[i] = s;
  }
  // x = V diag(σ/(σ² + λ²)) c, and b − Ax = U diag(λ²/(σ² + λ²)) c + g.
  const x = new Float64Array(n);
  let res2 = (options.inconsistency ?? 0) ** 2;
  for (let p = 0; p < r; p++) {
    const s = sigma[p] as number;
    const coef = (s / (s * s + damp * damp)) * (c[p] as number);
    res2 += ((damp * damp) / (s * s + damp * damp) * (c[p] as number)) ** 2;
    for (let j = 0; j < n; j++) x[j] = (x[j] as number) + coef * (V[j * r + p] as number);
  }
  return { A: dense(a, [m, n]), a, m, n, b, x, residualNorm: Math.sqrt(res2), sigma, U, V };
}
