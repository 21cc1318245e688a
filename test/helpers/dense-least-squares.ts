/**
 * Dense references for least squares and singular values, written for clarity: the
 * minimum-norm solution of min ‖Ax − b‖² + λ²‖x‖² from a one-sided Jacobi SVD (Hestenes 1958;
 * Demmel & Veselić 1992), which is accurate to working precision in the small singular values
 * too. Matrices are row-major m×n `Float64Array`s.
 */

/** The thin SVD A = U·diag(σ)·Vᵀ: σ descending (min(m, n) of them), U m×k and V n×k row-major, k = min(m, n). */
export interface DenseSvd {
  sigma: Float64Array;
  U: Float64Array;
  V: Float64Array;
  k: number;
}

/** The thin SVD by one-sided Jacobi rotations on the columns of A (of Aᵀ when m < n). */
export function denseSvd(a: Float64Array, m: number, n: number): DenseSvd {
  if (m < n) {
    const t = new Float64Array(n * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) t[j * m + i] = a[i * n + j] as number;
    const s = denseSvd(t, n, m);
    return { sigma: s.sigma, U: s.V, V: s.U, k: s.k };
  }
  // Columns of W = A·V are made orthogonal; then σⱼ = ‖wⱼ‖, uⱼ = wⱼ/σⱼ.
  const W = Float64Array.from(a);
  const V = new Float64Array(n * n);
  for (let j = 0; j < n; j++) V[j * n + j] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        let alpha = 0, beta = 0, gamma = 0;
        for (let i = 0; i < m; i++) {
          const wp = W[i * n + p] as number;
          const wq = W[i * n + q] as number;
          alpha += wp * wp;
          beta += wq * wq;
          gamma += wp * wq;
        }
        if (Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta) || gamma === 0) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = Math.sign(zeta || 1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < m; i++) {
          const wp = W[i * n + p] as number;
          const wq = W[i * n + q] as number;
          W[i * n + p] = c * wp - s * wq;
          W[i * n + q] = s * wp + c * wq;
        }
        for (let i = 0; i < n; i++) {
          const vp = V[i * n + p] as number;
          const vq = V[i * n + q] as number;
          V[i * n + p] = c * vp - s * vq;
          V[i * n + q] = s * vp + c * vq;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = Array.from({ length: n }, (_, j) => {
    let s = 0;
    for (let i = 0; i < m; i++) s += (W[i * n + j] as number) ** 2;
    return Math.sqrt(s);
  });
  const order = norms.map((_, j) => j).sort((i, j) => (norms[j] as number) - (norms[i] as number));
  const sigma = new Float64Array(n);
  const U = new Float64Array(m * n);
  const Vs = new Float64Array(n * n);
  order.forEach((src, dst) => {
    const s = norms[src] as number;
    sigma[dst] = s;
    for (let i = 0; i < m; i++) U[i * n + dst] = s > 0 ? (W[i * n + src] as number) / s : 0;
    for (let i = 0; i < n; i++) Vs[i * n + dst] = V[i * n + src] as number;
  });
  return { sigma, U, V: Vs, k: n };
}

/**
 * The minimum-norm solution of min ‖Ax − b‖² + λ²‖x‖² from the SVD; singular values at or
 * below rcond·σ₁ count as zero (they are the rounding of a rank deficiency).
 */
export function denseLeastSquares(a: Float64Array, m: number, n: number, b: ArrayLike<number>, damp = 0, rcond = 1e-12): Float64Array {
  const { sigma, U, V, k } = denseSvd(a, m, n);
  const x = new Float64Array(n);
  const s1 = sigma[0] ?? 0;
  for (let p = 0; p < k; p++) {
    const s = sigma[p] as number;
    if (s <= rcond * s1 || s === 0) continue;
    let c = 0;
    for (let i = 0; i < m; i++) c += (U[i * k + p] as number) * (b[i] as number);
    const f = (s / (s * s + damp * damp)) * c;
    for (let j = 0; j < n; j++) x[j] = (x[j] as number) + f * (V[j * k + p] as number);
  }
  return x;
}

/** y = A x for a row-major m×n A. */
export function matvecRect(a: Float64Array, m: number, n: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += (a[i * n + j] as number) * (x[j] as number);
    y[i] = s;
  }
  return y;
}

/** y = Aᵀ x for a row-major m×n A. */
export function matvecTransposeRect(a: Float64Array, m: number, n: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(n);
  for (let i = 0; i < m; i++) {
    const xi = x[i] as number;
    for (let j = 0; j < n; j++) y[j] = (y[j] as number) + (a[i * n + j] as number) * xi;
  }
  return y;
}
