/**
 * The SVD of a small dense square matrix by one-sided Jacobi rotations (Hestenes 1958; Demmel &
 * Veselić 1992): private to `svds`, for its projected bidiagonal-plus-arrow matrix.
 *
 * @module
 */

/** B = U·diag(σ)·Vᵀ, σ descending; U and V row-major p×p (column j is the j-th singular vector). */
export interface SmallSvd {
  sigma: Float64Array;
  U: Float64Array;
  V: Float64Array;
}

/**
 * The SVD of the p×p row-major matrix `b` (not modified). The columns of W = B·V are rotated
 * until pairwise orthogonal to working precision (|wᵢᵀwⱼ| ≤ ε·‖wᵢ‖‖wⱼ‖), then σⱼ = ‖wⱼ‖ and
 * uⱼ = wⱼ/σⱼ: small singular values come out with a small relative error, which the smallest-k
 * mode of `svds` needs. Columns of U for σⱼ = 0 are completed to an orthonormal basis.
 */
export function smallSvd(b: Float64Array, p: number): SmallSvd {
  const W = Float64Array.from(b.subarray(0, p * p));
  const V = new Float64Array(p * p);
  for (let j = 0; j < p; j++) V[j * p + j] = 1;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        let a = 0, c2 = 0, g = 0;
        for (let r = 0; r < p; r++) {
          const wi = W[r * p + i] as number;
          const wj = W[r * p + j] as number;
          a += wi * wi;
          c2 += wj * wj;
          g += wi * wj;
        }
        if (g === 0 || Math.abs(g) <= Number.EPSILON * Math.sqrt(a * c2)) continue;
        rotated = true;
        // The rotation that zeroes wᵢᵀwⱼ: ζ = (‖wⱼ‖² − ‖wᵢ‖²)/(2wᵢᵀwⱼ), t = sign(ζ)/(|ζ| + √(1 + ζ²)).
        const zeta = (c2 - a) / (2 * g);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let r = 0; r < p; r++) {
          const wi = W[r * p + i] as number;
          const wj = W[r * p + j] as number;
          W[r * p + i] = c * wi - s * wj;
          W[r * p + j] = s * wi + c * wj;
          const vi = V[r * p + i] as number;
          const vj = V[r * p + j] as number;
          V[r * p + i] = c * vi - s * vj;
          V[r * p + j] = s * vi + c * vj;
        }
      }
    }
    if (!rotated) break;
  }
  const norms = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    for (let r = 0; r < p; r++) s += (W[r * p + j] as number) ** 2;
    norms[j] = Math.sqrt(s);
  }
  const order = Array.from({ length: p }, (_, j) => j).sort((i, j) => (norms[j] as number) - (norms[i] as number));
  const sigma = new Float64Array(p);
  const U = new Float64Array(p * p);
  const Vs = new Float64Array(p * p);
  const tiny = (norms[order[0] ?? 0] ?? 0) * p * Number.EPSILON;
  const missing: number[] = [];
  order.forEach((src, dst) => {
    const s = norms[src] as number;
    sigma[dst] = s;
    for (let r = 0; r < p; r++) Vs[r * p + dst] = V[r * p + src] as number;
    if (s > tiny && s > 0) for (let r = 0; r < p; r++) U[r * p + dst] = (W[r * p + src] as number) / s;
    else missing.push(dst);
  });
  // Complete U: for each missing column, the unit vector least represented by the others, orthogonalized twice.
  for (const dst of missing) {
    let best = 0, bestNorm = -1;
    const col = new Float64Array(p);
    for (let e = 0; e < p; e++) {
      col.fill(0);
      col[e] = 1;
      const nrm = orthogonalize(U, p, dst, col);
      if (nrm > bestNorm) { bestNorm = nrm; best = e; }
    }
    col.fill(0);
    col[best] = 1;
    const nrm = orthogonalize(U, p, dst, col);
    for (let r = 0; r < p; r++) U[r * p + dst] = (col[r] as number) / nrm;
  }
  return { sigma, U, V: Vs };
}

/** col ← col minus its projection on the nonzero columns of U other than `skip` (twice); returns ‖col‖. */
function orthogonalize(U: Float64Array, p: number, skip: number, col: Float64Array): number {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < p; j++) {
      if (j === skip) continue;
      let d = 0, nn = 0;
      for (let r = 0; r < p; r++) {
        d += (U[r * p + j] as number) * (col[r] as number);
        nn += (U[r * p + j] as number) ** 2;
      }
      if (nn === 0) continue;
      for (let r = 0; r < p; r++) col[r] = (col[r] as number) - d * (U[r * p + j] as number);
    }
  }
  let s = 0;
  for (let r = 0; r < p; r++) s += (col[r] as number) ** 2;
  return Math.sqrt(s);
}
