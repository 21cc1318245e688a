/**
 * The dense kernels of `eigs` on its small projected matrix (order m ≲ 100, row-major,
 * private to the package): the real Schur form H = Z·T·Zᵀ by Householder reduction to
 * Hessenberg form and the Francis double-shift QR algorithm, the reordering of T that brings
 * chosen eigenvalues to its leading block, and complex eigenvectors of H by inverse iteration.
 *
 * @module
 */

const EPS = Number.EPSILON;

/** One diagonal block of a quasi-triangular T: a real eigenvalue (size 1) or a complex pair re ± i·im (size 2). */
export interface SchurBlock {
  start: number;
  size: 1 | 2;
  re: number;
  im: number;
}

/**
 * Overwrites the row-major m×m `T` with its real Schur form and `Z` with the orthogonal Schur
 * vectors, so that T_in = Z·T·Zᵀ: Householder reduction to upper Hessenberg form (Golub & Van
 * Loan, Algorithm 7.4.2), then the Francis double-shift QR iteration (Algorithm 7.5.2, with the
 * deflation test and the exceptional shifts of EISPACK's hqr2, Wilkinson & Reinsch 1971).
 * Returns false if some eigenvalue did not converge in 30·m iterations.
 */
export function realSchur(T: Float64Array, Z: Float64Array, m: number, work: Float64Array): boolean {
  hessenberg(T, Z, m, work);
  return francis(T, Z, m);
}

/** T ← QᵀTQ upper Hessenberg, Z ← Q (Householder reflections on columns 0…m−3). */
function hessenberg(T: Float64Array, Z: Float64Array, m: number, u: Float64Array): void {
  Z.fill(0, 0, m * m);
  for (let i = 0; i < m; i++) Z[i * m + i] = 1;
  for (let k = 0; k < m - 2; k++) {
    // The reflection P = I − 2uuᵀ/uᵀu maps T[k+1…m−1, k] to ∓‖·‖e₁.
    let alpha = 0;
    for (let i = k + 1; i < m; i++) alpha += (T[i * m + k] as number) ** 2;
    alpha = Math.sqrt(alpha);
    if (alpha === 0) continue;
    const x0 = T[(k + 1) * m + k] as number;
    if (x0 > 0) alpha = -alpha;
    let uu = 0;
    for (let i = k + 1; i < m; i++) {
      u[i] = (T[i * m + k] as number) - (i === k + 1 ? alpha : 0);
      uu += (u[i] as number) ** 2;
    }
    if (uu === 0) continue;
    const f = 2 / uu;
    for (let j = 0; j < m; j++) {
      // rows: T ← P T
      let s = 0;
      for (let i = k + 1; i < m; i++) s += (u[i] as number) * (T[i * m + j] as number);
      s *= f;
      for (let i = k + 1; i < m; i++) T[i * m + j] = (T[i * m + j] as number) - s * (u[i] as number);
    }
    for (let i = 0; i < m; i++) {
      // columns: T ← T P, Z ← Z P
      let s = 0;
      let z = 0;
      for (let j = k + 1; j < m; j++) {
        s += (T[i * m + j] as number) * (u[j] as number);
        z += (Z[i * m + j] as number) * (u[j] as number);
      }
      s *= f;
      z *= f;
      for (let j = k + 1; j < m; j++) {
        T[i * m + j] = (T[i * m + j] as number) - s * (u[j] as number);
        Z[i * m + j] = (Z[i * m + j] as number) - z * (u[j] as number);
      }
    }
    for (let i = k + 2; i < m; i++) T[i * m + k] = 0;
  }
}

/** The Francis double-shift QR iteration on the Hessenberg T, accumulating into Z. */
function francis(H: Float64Array, Z: Float64Array, m: number): boolean {
  const at = (i: number, j: number): number => H[i * m + j] as number;
  let norm = 0;
  for (let i = 0; i < m; i++) for (let j = Math.max(i - 1, 0); j < m; j++) norm += Math.abs(at(i, j));
  let nn = m - 1;
  let exshift = 0;
  let iter = 0;
  let total = 0;
  let p = 0, q = 0, r = 0, s = 0, z = 0, w = 0, x = 0, y = 0;
  while (nn >= 0) {
    // Find l: the start of the unreduced block ending at nn (a negligible subdiagonal at l).
    let l = nn;
    while (l > 0) {
      s = Math.abs(at(l - 1, l - 1)) + Math.abs(at(l, l));
      if (s === 0) s = norm;
      if (Math.abs(at(l, l - 1)) < EPS * s || at(l, l - 1) === 0) break; // (an exact zero also when H = 0)
      l--;
    }
    if (l === nn) {
      // One eigenvalue converged.
      H[nn * m + nn] = at(nn, nn) + exshift;
      if (nn > 0) H[nn * m + nn - 1] = 0;
      nn--;
      iter = 0;
    } else if (l === nn - 1) {
      // A 2×2 block converged: split it by a rotation if its eigenvalues are real.
      w = at(nn, nn - 1) * at(nn - 1, nn);
      p = (at(nn - 1, nn - 1) - at(nn, nn)) / 2;
      q = p * p + w;
      z = Math.sqrt(Math.abs(q));
      H[nn * m + nn] = at(nn, nn) + exshift;
      H[(nn - 1) * m + nn - 1] = at(nn - 1, nn - 1) + exshift;
      x = at(nn, nn);
      if (q >= 0) {
        z = p >= 0 ? p + z : p - z;
        x = at(nn, nn - 1);
        s = Math.abs(x) + Math.abs(z);
        p = x / s;
        q = z / s;
        r = Math.hypot(p, q);
        p /= r;
        q /= r;
        for (let j = nn - 1; j < m; j++) {
          const a = at(nn - 1, j);
          H[(nn - 1) * m + j] = q * a + p * at(nn, j);
          H[nn * m + j] = q * at(nn, j) - p * a;
        }
        for (let i = 0; i <= nn; i++) {
          const a = at(i, nn - 1);
          H[i * m + nn - 1] = q * a + p * at(i, nn);
          H[i * m + nn] = q * at(i, nn) - p * a;
        }
        for (let i = 0; i < m; i++) {
          const a = Z[i * m + nn - 1] as number;
          Z[i * m + nn - 1] = q * a + p * (Z[i * m + nn] as number);
          Z[i * m + nn] = q * (Z[i * m + nn] as number) - p * a;
        }
        H[nn * m + nn - 1] = 0;
      }
      if (nn > 1) H[(nn - 1) * m + nn - 2] = 0;
      nn -= 2;
      iter = 0;
    } else {
      // One double-shift QR sweep on rows/columns l…nn.
      x = at(nn, nn);
      y = at(nn - 1, nn - 1);
      w = at(nn, nn - 1) * at(nn - 1, nn);
      if (iter === 10) {
        exshift += x; // Wilkinson's exceptional shift
        for (let i = 0; i <= nn; i++) H[i * m + i] = at(i, i) - x;
        s = Math.abs(at(nn, nn - 1)) + Math.abs(at(nn - 1, nn - 2));
        x = y = 0.75 * s;
        w = -0.4375 * s * s;
      }
      if (iter === 30) {
        s = (y - x) / 2; // a second exceptional shift (as MATLAB's)
        s = s * s + w;
        if (s > 0) {
          s = Math.sqrt(s);
          if (y < x) s = -s;
          s = x - w / ((y - x) / 2 + s);
          for (let i = 0; i <= nn; i++) H[i * m + i] = at(i, i) - s;
          exshift += s;
          x = y = w = 0.964;
        }
      }
      iter++;
      if (++total > 30 * m) return false;
      // Look for two consecutive small subdiagonal entries (start the bulge at mm).
      let mm = nn - 2;
      while (mm >= l) {
        z = at(mm, mm);
        r = x - z;
        s = y - z;
        p = (r * s - w) / at(mm + 1, mm) + at(mm, mm + 1);
        q = at(mm + 1, mm + 1) - z - r - s;
        r = at(mm + 2, mm + 1);
        s = Math.abs(p) + Math.abs(q) + Math.abs(r);
        p /= s;
        q /= s;
        r /= s;
        if (mm === l) break;
        if (Math.abs(at(mm, mm - 1)) * (Math.abs(q) + Math.abs(r)) < EPS * (Math.abs(p) * (Math.abs(at(mm - 1, mm - 1)) + Math.abs(z) + Math.abs(at(mm + 1, mm + 1))))) break;
        mm--;
      }
      for (let i = mm + 2; i <= nn; i++) {
        H[i * m + i - 2] = 0;
        if (i > mm + 2) H[i * m + i - 3] = 0;
      }
      // Chase the bulge with 3×3 Householder reflections from mm to nn − 1.
      for (let k = mm; k <= nn - 1; k++) {
        const notlast = k !== nn - 1;
        if (k !== mm) {
          p = at(k, k - 1);
          q = at(k + 1, k - 1);
          r = notlast ? at(k + 2, k - 1) : 0;
          x = Math.abs(p) + Math.abs(q) + Math.abs(r);
          if (x === 0) continue;
          p /= x;
          q /= x;
          r /= x;
        }
        s = Math.sqrt(p * p + q * q + r * r);
        if (p < 0) s = -s;
        if (s === 0) continue;
        if (k !== mm) H[k * m + k - 1] = -s * x;
        else if (l !== mm) H[k * m + k - 1] = -at(k, k - 1);
        p += s;
        x = p / s;
        y = q / s;
        z = r / s;
        q /= p;
        r /= p;
        for (let j = k; j < m; j++) {
          let t = at(k, j) + q * at(k + 1, j);
          if (notlast) {
            t += r * at(k + 2, j);
            H[(k + 2) * m + j] = at(k + 2, j) - t * z;
          }
          H[k * m + j] = at(k, j) - t * x;
          H[(k + 1) * m + j] = at(k + 1, j) - t * y;
        }
        const top = Math.min(nn, k + 3);
        for (let i = 0; i <= top; i++) {
          let t = x * at(i, k) + y * at(i, k + 1);
          if (notlast) {
            t += z * at(i, k + 2);
            H[i * m + k + 2] = at(i, k + 2) - t * r;
          }
          H[i * m + k] = at(i, k) - t;
          H[i * m + k + 1] = at(i, k + 1) - t * q;
        }
        for (let i = 0; i < m; i++) {
          let t = x * (Z[i * m + k] as number) + y * (Z[i * m + k + 1] as number);
          if (notlast) {
            t += z * (Z[i * m + k + 2] as number);
            Z[i * m + k + 2] = (Z[i * m + k + 2] as number) - t * r;
          }
          Z[i * m + k] = (Z[i * m + k] as number) - t;
          Z[i * m + k + 1] = (Z[i * m + k + 1] as number) - t * q;
        }
      }
    }
  }
  // Below the subdiagonal the sweeps leave stale bulge entries that the reflections annihilated
  // without writing (EISPACK's convention): T is quasi-triangular, so clear them.
  for (let i = 2; i < m; i++) for (let j = 0; j < i - 1; j++) H[i * m + j] = 0;
  return true;
}

/** The diagonal blocks of the quasi-triangular T (leading size m) and their eigenvalues. */
export function schurBlocks(T: Float64Array, m: number, ld = m): SchurBlock[] {
  const blocks: SchurBlock[] = [];
  for (let i = 0; i < m; ) {
    if (i + 1 < m && T[(i + 1) * ld + i] !== 0) {
      const a = T[i * ld + i] as number, b = T[i * ld + i + 1] as number;
      const c = T[(i + 1) * ld + i] as number, d = T[(i + 1) * ld + i + 1] as number;
      const half = (a + d) / 2;
      const disc = ((a - d) / 2) ** 2 + b * c; // eigenvalues half ± √disc
      if (disc < 0) {
        blocks.push({ start: i, size: 2, re: half, im: Math.sqrt(-disc) });
      } else {
        // rounding left a 2×2 block with real eigenvalues: report both (the block stays whole)
        blocks.push({ start: i, size: 2, re: half + Math.sqrt(disc), im: 0 });
        blocks.push({ start: i, size: 2, re: half - Math.sqrt(disc), im: -0 });
      }
      i += 2;
    } else {
      blocks.push({ start: i, size: 1, re: T[i * ld + i] as number, im: 0 });
      i += 1;
    }
  }
  return blocks;
}

/**
 * Reorders the real Schur form (T, Z) (order m) so that the blocks for which `selected` holds
 * come first, keeping their relative order, by swapping adjacent blocks (Bai & Demmel 1993:
 * the Sylvester equation T₁₁X − XT₂₂ = T₁₂, then the orthogonal Q with range [−X; I] on the
 * pair; as LAPACK's dtrsen/dtrexc). `selected` is asked once per block (with the block's first
 * eigenvalue, or each of the two real ones of a 2×2 block rounding left unsplit). Returns the
 * order of the leading selected part.
 */
export function reorderSchur(T: Float64Array, Z: Float64Array, m: number, selected: (b: SchurBlock) => boolean): number {
  const list: { start: number; size: number; sel: boolean }[] = [];
  for (const b of schurBlocks(T, m)) {
    const last = list[list.length - 1];
    if (last !== undefined && last.start === b.start) last.sel = last.sel || selected(b);
    else list.push({ start: b.start, size: b.size, sel: selected(b) });
  }
  let front = 0; // blocks list[0…front) are the selected ones placed so far
  for (let i = 0; i < list.length; i++) {
    if (!(list[i] as { sel: boolean }).sel) continue;
    for (let j = i; j > front; j--) {
      const prev = list[j - 1] as { start: number; size: number; sel: boolean };
      const cur = list[j] as { start: number; size: number; sel: boolean };
      swapBlocks(T, Z, m, prev.start, prev.size, cur.size); // [prev cur] → [cur prev]
      cur.start = prev.start;
      prev.start = cur.start + cur.size;
      list[j - 1] = cur;
      list[j] = prev;
    }
    front++;
  }
  let order = 0;
  for (let i = 0; i < front; i++) order += (list[i] as { size: number }).size;
  return order;
}

/** The scratch of `swapBlocks` and `solveSmall` (blocks of order ≤ 2: systems of order ≤ 4), allocated once. */
const SWAP = {
  K: new Float64Array(16),
  rhs: new Float64Array(4),
  Q: new Float64Array(16),
  tmp: new Float64Array(4),
  A: new Float64Array(16),
  b: new Float64Array(4),
  y: new Float64Array(4),
  x: new Float64Array(4),
  perm: new Int32Array(4),
};

/**
 * Swaps the adjacent diagonal blocks T₁₁ (p×p at j) and T₂₂ (q×q at j + p) of T, updating Z:
 * with X solving T₁₁X − XT₂₂ = T₁₂, the columns of Q = [Q₁ Q₂] (Q₁ an orthonormal basis of the
 * range of [−X; I_q]) give QᵀT Q = [T₂₂' ∗; 0 T₁₁'] on the window (Bai & Demmel 1993).
 */
export function swapBlocks(T: Float64Array, Z: Float64Array, m: number, j: number, p: number, q: number): void {
  const w = p + q;
  // The Sylvester equation as a pq×pq Kronecker system: (I_q ⊗ T₁₁ − T₂₂ᵀ ⊗ I_p)·vec(X) = vec(T₁₂).
  const K = SWAP.K;
  const rhs = SWAP.rhs;
  const N = p * q;
  for (let c = 0; c < q; c++) {
    for (let r = 0; r < p; r++) {
      const row = c * p + r; // vec index of X[r][c]
      rhs[row] = T[(j + r) * m + j + p + c] as number;
      for (let c2 = 0; c2 < q; c2++) {
        for (let r2 = 0; r2 < p; r2++) {
          const col = c2 * p + r2;
          let v = 0;
          if (c2 === c) v += T[(j + r) * m + j + r2] as number; // T₁₁[r][r2]
          if (r2 === r) v -= T[(j + p + c2) * m + j + p + c] as number; // T₂₂[c2][c]
          K[row * N + col] = v;
        }
      }
    }
  }
  const X = solveSmall(K, rhs, N); // X[r][c] at c·p + r
  // Q: orthonormalize [−X; I_q] (q columns), then complete with unit vectors (Gram–Schmidt twice).
  const Q = SWAP.Q; // row-major w×w, column c = c-th basis vector
  Q.fill(0);
  for (let c = 0; c < q; c++) {
    for (let r = 0; r < p; r++) Q[r * w + c] = -(X[c * p + r] as number);
    Q[(p + c) * w + c] = 1;
  }
  let filled = 0;
  for (let c = 0, unit = 0; filled < w; c++) {
    if (c >= q) {
      for (let r = 0; r < w; r++) Q[r * w + filled] = r === unit ? 1 : 0;
      unit++;
    } else if (c !== filled) {
      for (let r = 0; r < w; r++) Q[r * w + filled] = Q[r * w + c] as number;
    }
    for (let pass = 0; pass < 2; pass++) {
      for (let i = 0; i < filled; i++) {
        let d = 0;
        for (let r = 0; r < w; r++) d += (Q[r * w + i] as number) * (Q[r * w + filled] as number);
        for (let r = 0; r < w; r++) Q[r * w + filled] = (Q[r * w + filled] as number) - d * (Q[r * w + i] as number);
      }
    }
    let nrm = 0;
    for (let r = 0; r < w; r++) nrm += (Q[r * w + filled] as number) ** 2;
    nrm = Math.sqrt(nrm);
    if (nrm > 1e-8) {
      for (let r = 0; r < w; r++) Q[r * w + filled] = (Q[r * w + filled] as number) / nrm;
      filled++;
    }
  }
  const tmp = SWAP.tmp;
  for (let col = 0; col < m; col++) {
    // rows j…j+w−1 of T ← Qᵀ·(those rows)
    for (let a = 0; a < w; a++) {
      let s = 0;
      for (let r = 0; r < w; r++) s += (Q[r * w + a] as number) * (T[(j + r) * m + col] as number);
      tmp[a] = s;
    }
    for (let a = 0; a < w; a++) T[(j + a) * m + col] = tmp[a] as number;
  }
  rotateColumns(T, m, j, w, Q, tmp); // columns j…j+w−1 of T and Z ← (those columns)·Q
  rotateColumns(Z, m, j, w, Q, tmp);
  // The new lower-left block (p×q) is zero up to rounding; below the window T was already zero.
  for (let r = q; r < w; r++) for (let c = 0; c < q; c++) T[(j + r) * m + j + c] = 0;
  if (q === 2) standardize(T, Z, m, j);
  if (p === 2) standardize(T, Z, m, j + q);
}

/** M[:, j…j+w−1] ← M[:, j…j+w−1]·Q (Q row-major w×w; `tmp` of length ≥ w). */
function rotateColumns(M: Float64Array, m: number, j: number, w: number, Q: Float64Array, tmp: Float64Array): void {
  for (let row = 0; row < m; row++) {
    for (let a = 0; a < w; a++) {
      let s = 0;
      for (let r = 0; r < w; r++) s += (M[row * m + j + r] as number) * (Q[r * w + a] as number);
      tmp[a] = s;
    }
    for (let a = 0; a < w; a++) M[row * m + j + a] = tmp[a] as number;
  }
}

/** Splits a 2×2 diagonal block at j by a rotation when its eigenvalues are real (rounding after a swap). */
function standardize(T: Float64Array, Z: Float64Array, m: number, j: number): void {
  const a = T[j * m + j] as number, b = T[j * m + j + 1] as number, c = T[(j + 1) * m + j] as number, d = T[(j + 1) * m + j + 1] as number;
  if (c === 0) return;
  const half = (a - d) / 2;
  const disc = half * half + b * c;
  if (disc < 0) return; // a complex pair: keep the block
  // An eigenvector (x, y) of the real eigenvalue λ = (a + d)/2 + √disc·sign; rotate it to e₁.
  const lambda = (a + d) / 2 + (half >= 0 ? 1 : -1) * Math.sqrt(disc);
  let x = b, y = lambda - a;
  if (Math.abs(x) + Math.abs(y) === 0) {
    x = lambda - d;
    y = c;
  }
  const nrm = Math.hypot(x, y);
  const cs = x / nrm, sn = y / nrm;
  for (let col = 0; col < m; col++) {
    const t1 = T[j * m + col] as number, t2 = T[(j + 1) * m + col] as number;
    T[j * m + col] = cs * t1 + sn * t2;
    T[(j + 1) * m + col] = -sn * t1 + cs * t2;
  }
  for (let row = 0; row < m; row++) {
    const t1 = T[row * m + j] as number, t2 = T[row * m + j + 1] as number;
    T[row * m + j] = cs * t1 + sn * t2;
    T[row * m + j + 1] = -sn * t1 + cs * t2;
    const z1 = Z[row * m + j] as number, z2 = Z[row * m + j + 1] as number;
    Z[row * m + j] = cs * z1 + sn * z2;
    Z[row * m + j + 1] = -sn * z1 + cs * z2;
  }
  T[(j + 1) * m + j] = 0;
}

/** x solving the N×N system K x = rhs (N ≤ 4) by Gaussian elimination with complete pivoting; tiny pivots are raised to ε·‖K‖. */
function solveSmall(K: Float64Array, rhs: Float64Array, N: number): Float64Array {
  const { A, b, perm, y, x } = SWAP;
  A.set(K.subarray(0, N * N));
  b.set(rhs.subarray(0, N));
  for (let i = 0; i < 4; i++) perm[i] = i;
  let scale = 0;
  for (let i = 0; i < N * N; i++) scale = Math.max(scale, Math.abs(A[i] as number));
  const tiny = EPS * (scale > 0 ? scale : 1); // (H = 0: pivots of ε, so the iteration stays finite)
  for (let k = 0; k < N; k++) {
    let pr = k, pc = k, best = -1;
    for (let i = k; i < N; i++) for (let jj = k; jj < N; jj++) if (Math.abs(A[i * N + jj] as number) > best) { best = Math.abs(A[i * N + jj] as number); pr = i; pc = jj; }
    if (pr !== k) {
      for (let jj = 0; jj < N; jj++) { const t = A[k * N + jj] as number; A[k * N + jj] = A[pr * N + jj] as number; A[pr * N + jj] = t; }
      const t = b[k] as number; b[k] = b[pr] as number; b[pr] = t;
    }
    if (pc !== k) {
      for (let i = 0; i < N; i++) { const t = A[i * N + k] as number; A[i * N + k] = A[i * N + pc] as number; A[i * N + pc] = t; }
      const t = perm[k] as number; perm[k] = perm[pc] as number; perm[pc] = t;
    }
    if (Math.abs(A[k * N + k] as number) < tiny) A[k * N + k] = tiny;
    for (let i = k + 1; i < N; i++) {
      const f = (A[i * N + k] as number) / (A[k * N + k] as number);
      for (let jj = k; jj < N; jj++) A[i * N + jj] = (A[i * N + jj] as number) - f * (A[k * N + jj] as number);
      b[i] = (b[i] as number) - f * (b[k] as number);
    }
  }
  for (let i = N - 1; i >= 0; i--) {
    let s = b[i] as number;
    for (let jj = i + 1; jj < N; jj++) s -= (A[i * N + jj] as number) * (y[jj] as number);
    y[i] = s / (A[i * N + i] as number);
  }
  x.fill(0);
  for (let i = 0; i < N; i++) x[perm[i] as number] = y[i] as number;
  return x;
}

/** The workspace of `eigenvector` for order ≤ m (allocate once, reuse across calls). */
export interface EigenvectorWork {
  Ar: Float64Array;
  Ai: Float64Array;
  piv: Int32Array;
}

/** A workspace for `eigenvector` on matrices of order ≤ m. */
export function eigenvectorWork(m: number): EigenvectorWork {
  return { Ar: new Float64Array(m * m), Ai: new Float64Array(m * m), piv: new Int32Array(m) };
}

/**
 * A unit eigenvector y = yr + i·yi of the row-major m×m H for its eigenvalue θ = re + i·im, by
 * two steps of inverse iteration with the complex matrix H − θI (Gaussian elimination with
 * partial pivoting; a zero pivot is replaced by ε·‖H‖, which is what makes the iteration
 * converge at once for an exact eigenvalue). With `against` (unit vectors of the same eigenvalue's
 * eigenspace), the start is varied by `variant` and y is made orthogonal to them after each solve:
 * another vector of a multiple eigenvalue's eigenspace.
 */
export function eigenvector(
  H: Float64Array, m: number, re: number, im: number, yr: Float64Array, yi: Float64Array,
  work: EigenvectorWork = eigenvectorWork(m), against: readonly { re: Float64Array; im: Float64Array }[] = [], variant = 0,
): void {
  const { Ar, Ai, piv } = work;
  Ai.fill(0, 0, m * m);
  let scale = 0;
  for (let i = 0; i < m * m; i++) scale = Math.max(scale, Math.abs(H[i] as number));
  const tiny = EPS * (scale > 0 ? scale : 1); // (H = 0: pivots of ε, so the iteration stays finite)
  for (let i = 0; i < m * m; i++) Ar[i] = H[i] as number;
  for (let i = 0; i < m; i++) {
    Ar[i * m + i] = (Ar[i * m + i] as number) - re;
    Ai[i * m + i] = -im;
  }
  // LU with partial pivoting (complex), in place.
  for (let k = 0; k < m; k++) {
    let p = k, best = -1;
    for (let i = k; i < m; i++) {
      const a = Math.hypot(Ar[i * m + k] as number, Ai[i * m + k] as number);
      if (a > best) { best = a; p = i; }
    }
    piv[k] = p;
    if (p !== k) {
      for (let j = 0; j < m; j++) {
        let t = Ar[k * m + j] as number; Ar[k * m + j] = Ar[p * m + j] as number; Ar[p * m + j] = t;
        t = Ai[k * m + j] as number; Ai[k * m + j] = Ai[p * m + j] as number; Ai[p * m + j] = t;
      }
    }
    if (best < tiny) { Ar[k * m + k] = tiny; Ai[k * m + k] = 0; }
    const dr = Ar[k * m + k] as number, di = Ai[k * m + k] as number;
    const dd = dr * dr + di * di;
    for (let i = k + 1; i < m; i++) {
      const ar = Ar[i * m + k] as number, ai = Ai[i * m + k] as number;
      if (ar === 0 && ai === 0) continue;
      const fr = (ar * dr + ai * di) / dd, fi = (ai * dr - ar * di) / dd; // f = a / d
      Ar[i * m + k] = fr;
      Ai[i * m + k] = fi;
      for (let j = k + 1; j < m; j++) {
        const ur = Ar[k * m + j] as number, ui = Ai[k * m + j] as number;
        Ar[i * m + j] = (Ar[i * m + j] as number) - (fr * ur - fi * ui);
        Ai[i * m + j] = (Ai[i * m + j] as number) - (fr * ui + fi * ur);
      }
    }
  }
  // Start from a fixed vector with no special structure, then solve twice, normalizing.
  for (let i = 0; i < m; i++) {
    yr[i] = 1 + ((i * (7919 + 104_729 * variant)) % 13) / 13;
    yi[i] = 0;
  }
  projectOut(yr, yi, m, against);
  for (let step = 0; step < 2; step++) {
    for (let k = 0; k < m; k++) {
      // y ← P y (the row swaps in order; the stored L is that of the fully permuted rows)
      const p = piv[k] as number;
      if (p !== k) {
        let t = yr[k] as number; yr[k] = yr[p] as number; yr[p] = t;
        t = yi[k] as number; yi[k] = yi[p] as number; yi[p] = t;
      }
    }
    for (let k = 0; k < m; k++) {
      for (let i = k + 1; i < m; i++) {
        const fr = Ar[i * m + k] as number, fi = Ai[i * m + k] as number;
        yr[i] = (yr[i] as number) - (fr * (yr[k] as number) - fi * (yi[k] as number));
        yi[i] = (yi[i] as number) - (fr * (yi[k] as number) + fi * (yr[k] as number));
      }
    }
    for (let i = m - 1; i >= 0; i--) {
      let sr = yr[i] as number, si = yi[i] as number;
      for (let j = i + 1; j < m; j++) {
        const ur = Ar[i * m + j] as number, ui = Ai[i * m + j] as number;
        sr -= ur * (yr[j] as number) - ui * (yi[j] as number);
        si -= ur * (yi[j] as number) + ui * (yr[j] as number);
      }
      const dr = Ar[i * m + i] as number, di = Ai[i * m + i] as number;
      const dd = dr * dr + di * di;
      yr[i] = (sr * dr + si * di) / dd;
      yi[i] = (si * dr - sr * di) / dd;
    }
    projectOut(yr, yi, m, against);
    let nrm = 0;
    for (let i = 0; i < m; i++) nrm += (yr[i] as number) ** 2 + (yi[i] as number) ** 2;
    nrm = Math.sqrt(nrm);
    for (let i = 0; i < m; i++) {
      yr[i] = (yr[i] as number) / nrm;
      yi[i] = (yi[i] as number) / nrm;
    }
  }
}

/** y ← y − Σ (pᴴy)·p over the unit vectors p (complex, two Gram–Schmidt passes). */
function projectOut(yr: Float64Array, yi: Float64Array, m: number, against: readonly { re: Float64Array; im: Float64Array }[]): void {
  for (let pass = 0; pass < 2 && against.length > 0; pass++) {
    for (const p of against) {
      let cr = 0, ci = 0; // c = pᴴy
      for (let i = 0; i < m; i++) {
        const pr = p.re[i] as number, pi = p.im[i] as number, ar = yr[i] as number, ai = yi[i] as number;
        cr += pr * ar + pi * ai;
        ci += pr * ai - pi * ar;
      }
      for (let i = 0; i < m; i++) {
        const pr = p.re[i] as number, pi = p.im[i] as number;
        yr[i] = (yr[i] as number) - (cr * pr - ci * pi);
        yi[i] = (yi[i] as number) - (cr * pi + ci * pr);
      }
    }
  }
}
