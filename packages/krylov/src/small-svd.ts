/**
 * The SVD of a small dense square matrix by one-sided Jacobi rotations (Hestenes 1958; Demmel &
 * Veselić 1992): private to `svds`, for its projected bidiagonal-plus-arrow matrix.
 *
 * @module
 */

/**
 * B = U·diag(σ)·Vᵀ, σ descending; U and V row-major p×p (column j is the j-th singular vector),
 * in arrays allocated once for the largest p (`smallSvdWorkspace`) and overwritten by each call.
 */
export interface SmallSvd {
  /** The size of the last decomposition. */
  p: number;
  sigma: Float64Array;
  U: Float64Array;
  V: Float64Array;
  /** Scratch: W = B·V while rotating, the rotations, column norms, the order, a column. */
  readonly W: Float64Array; // column-major
  readonly Vr: Float64Array; // column-major
  readonly norms: Float64Array;
  readonly order: Int32Array;
  readonly col: Float64Array;
}

/** The arrays of `smallSvd` for matrices up to pMax×pMax (allocated once, outside a solver's loop). */
export function smallSvdWorkspace(pMax: number): SmallSvd {
  const q = pMax * pMax;
  return {
    p: 0,
    sigma: new Float64Array(pMax),
    U: new Float64Array(q),
    V: new Float64Array(q),
    W: new Float64Array(q),
    Vr: new Float64Array(q),
    norms: new Float64Array(pMax),
    order: new Int32Array(pMax),
    col: new Float64Array(pMax),
  };
}

/**
 * The SVD of the leading p×p block of the row-major matrix `b` (leading dimension `ld`, not
 * modified), into `ws` (from `smallSvdWorkspace(≥ p)`; nothing allocated). The columns of
 * W = B·V are rotated until pairwise orthogonal to working precision (|wᵢᵀwⱼ| ≤ ε·‖wᵢ‖‖wⱼ‖), then
 * σⱼ = ‖wⱼ‖ and uⱼ = wⱼ/σⱼ: small singular values come out with a small relative error, which
 * the smallest-k mode of `svds` needs. Columns of U for σⱼ = 0 are completed to an orthonormal
 * basis. U, V of the result are p×p row-major (leading dimension p).
 */
export function smallSvd(b: Float64Array, p: number, ld: number, ws: SmallSvd): SmallSvd {
  const { W, Vr: V, norms, order, col } = ws;
  // W = B/max|bᵢⱼ|: the sums of squares below neither overflow nor underflow whatever B's scale.
  let bMax = 0;
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) bMax = Math.max(bMax, Math.abs(b[r * ld + c] as number));
  const scale = bMax > 0 && Number.isFinite(bMax) ? bMax : 1;
  for (let r = 0; r < p; r++) for (let c = 0; c < p; c++) W[c * p + r] = (b[r * ld + c] as number) / scale; // column-major: the sweeps run down columns
  V.fill(0, 0, p * p);
  for (let j = 0; j < p; j++) V[j * p + j] = 1;
  for (let sweep = 0; sweep < 80; sweep++) {
    let rotated = false;
    for (let i = 0; i < p - 1; i++) {
      for (let j = i + 1; j < p; j++) {
        let a = 0, c2 = 0, g = 0;
        for (let r = 0; r < p; r++) {
          const wi = W[i * p + r] as number;
          const wj = W[j * p + r] as number;
          a += wi * wi;
          c2 += wj * wj;
          g += wi * wj;
        }
        // (W = B/max|bᵢⱼ|: a column below 1e-145 has σ below ε·1e-129·σ₁, numerically zero; leaving
        // it keeps the arithmetic out of subnormal numbers, where each operation is ~100× slower.)
        if (g === 0 || a < 1e-290 || c2 < 1e-290 || Math.abs(g) <= Number.EPSILON * Math.sqrt(a) * Math.sqrt(c2)) continue;
        rotated = true;
        // The rotation that zeroes wᵢᵀwⱼ: ζ = (‖wⱼ‖² − ‖wᵢ‖²)/(2wᵢᵀwⱼ), t = sign(ζ)/(|ζ| + √(1 + ζ²)).
        const zeta = (c2 - a) / (2 * g);
        const t = Math.abs(zeta) > 1e150
          ? 1 / (2 * zeta) // √(1 + ζ²) would overflow: t ≈ 1/(2ζ)
          : (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let r = 0; r < p; r++) {
          const wi = W[i * p + r] as number;
          const wj = W[j * p + r] as number;
          W[i * p + r] = c * wi - s * wj;
          W[j * p + r] = s * wi + c * wj;
          const vi = V[i * p + r] as number;
          const vj = V[j * p + r] as number;
          V[i * p + r] = c * vi - s * vj;
          V[j * p + r] = s * vi + c * vj;
        }
      }
    }
    if (!rotated) break;
  }
  for (let j = 0; j < p; j++) {
    // ‖wⱼ‖ scaled by its largest entry: no overflow or underflow of the squares at 1e±300.
    let big = 0;
    for (let r = 0; r < p; r++) big = Math.max(big, Math.abs(W[j * p + r] as number));
    let s = 0;
    if (big > 0) for (let r = 0; r < p; r++) s += ((W[j * p + r] as number) / big) ** 2;
    norms[j] = big * Math.sqrt(s); // ‖wⱼ‖ of W = B/scale
    order[j] = j;
  }
  // The order of descending norms (insertion sort: p is small, and nothing is allocated).
  for (let i = 1; i < p; i++) {
    const o = order[i] as number;
    const v = norms[o] as number;
    let j = i - 1;
    while (j >= 0 && (norms[order[j] as number] as number) < v) {
      order[j + 1] = order[j] as number;
      j--;
    }
    order[j + 1] = o;
  }
  const { sigma, U, V: Vs } = ws;
  ws.p = p;
  const tiny = (norms[order[0] ?? 0] ?? 0) * p * Number.EPSILON;
  let missing = 0;
  for (let dst = 0; dst < p; dst++) {
    const src = order[dst] as number;
    const s = norms[src] as number;
    sigma[dst] = s * scale;
    for (let r = 0; r < p; r++) Vs[r * p + dst] = V[src * p + r] as number;
    if (s > tiny && s > 0) for (let r = 0; r < p; r++) U[r * p + dst] = (W[src * p + r] as number) / s;
    else {
      for (let r = 0; r < p; r++) U[r * p + dst] = 0;
      missing++;
    }
  }
  // Complete U: for each missing column (the last ones, σ descending), the unit vector least
  // represented by the others, orthogonalized twice.
  for (let dst = p - missing; dst < p; dst++) {
    let best = 0, bestNorm = -1;
    for (let e = 0; e < p; e++) {
      col.fill(0, 0, p);
      col[e] = 1;
      const nrm = orthogonalize(U, p, dst, col);
      if (nrm > bestNorm) { bestNorm = nrm; best = e; }
    }
    col.fill(0, 0, p);
    col[best] = 1;
    const nrm = orthogonalize(U, p, dst, col);
    for (let r = 0; r < p; r++) U[r * p + dst] = (col[r] as number) / nrm;
  }
  return ws;
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
