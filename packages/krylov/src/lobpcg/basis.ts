/**
 * Private to `lobpcg`: the trial basis S = [X, W, P] kept B-orthonormal by Gram–Schmidt in the
 * B inner product, together with A·S and B·S, which are transformed by the same column
 * operations instead of being recomputed by products (Knyazev 2001, §4; the orthonormal-basis
 * form of Hetmaniuk & Lehoucq 2006).
 *
 * @module
 */

/** Columns of length n stored one after another (column j at offset j·n). */
export class BlockBasis {
  readonly V: Float64Array;
  readonly AV: Float64Array;
  /** B·V (the same array as V when B = I). */
  readonly BV: Float64Array;
  /** Columns accepted so far. */
  count = 0;

  constructor(readonly n: number, readonly capacity: number, readonly hasB: boolean) {
    this.V = new Float64Array(n * capacity);
    this.AV = new Float64Array(n * capacity);
    this.BV = hasB ? new Float64Array(n * capacity) : this.V;
  }

  reset(): void {
    this.count = 0;
  }

  /**
   * Appends column `col` of (v, Av, Bv) (Bv ignored when B = I), B-orthogonalized against the
   * columns already there (two passes of modified Gram–Schmidt: c = (B sⱼ)ᵀ v, v ← v − c·sⱼ,
   * Av ← Av − c·A sⱼ, Bv ← Bv − c·B sⱼ) and B-normalized. A column that keeps at most `drop` of its
   * B-norm is linearly dependent to working precision and is refused; returns whether it was taken.
   */
  append(v: Float64Array, av: Float64Array, bv: Float64Array, col: number, drop: number): boolean {
    const { n, V, AV, BV, hasB } = this;
    if (this.count >= this.capacity) return false;
    const o = this.count * n;
    const src = col * n;
    V.set(v.subarray(src, src + n), o);
    AV.set(av.subarray(src, src + n), o);
    if (hasB) BV.set(bv.subarray(src, src + n), o);
    const norm0 = Math.sqrt(Math.max(this.bDot(o, o), 0));
    if (!(norm0 > 0) || !Number.isFinite(norm0)) return false;
    for (let pass = 0; pass < 2; pass++) {
      for (let j = 0; j < this.count; j++) {
        const oj = j * n;
        const c = this.bDot(oj, o); // (B sⱼ)ᵀ v
        if (c === 0) continue;
        for (let i = 0; i < n; i++) {
          V[o + i] = (V[o + i] as number) - c * (V[oj + i] as number);
          AV[o + i] = (AV[o + i] as number) - c * (AV[oj + i] as number);
        }
        if (hasB) for (let i = 0; i < n; i++) BV[o + i] = (BV[o + i] as number) - c * (BV[oj + i] as number);
      }
    }
    const norm = Math.sqrt(Math.max(this.bDot(o, o), 0));
    if (!(norm > drop * norm0)) return false;
    const s = 1 / norm;
    for (let i = 0; i < n; i++) {
      V[o + i] = (V[o + i] as number) * s;
      AV[o + i] = (AV[o + i] as number) * s;
    }
    if (hasB) for (let i = 0; i < n; i++) BV[o + i] = (BV[o + i] as number) * s;
    this.count++;
    return true;
  }

  /** The projected matrix G = Sᵀ A S (count×count, row-major, symmetrized). */
  projected(out: Float64Array): number {
    const { n, V, AV, count: m } = this;
    for (let a = 0; a < m; a++) {
      for (let b = a; b < m; b++) {
        let s = 0, t = 0;
        const oa = a * n, ob = b * n;
        for (let i = 0; i < n; i++) {
          s += (V[oa + i] as number) * (AV[ob + i] as number);
          t += (V[ob + i] as number) * (AV[oa + i] as number);
        }
        const g = 0.5 * (s + t);
        out[a * m + b] = g;
        out[b * m + a] = g;
      }
    }
    return m;
  }

  /**
   * out[:, c] ← Σ_{r ∈ [from, count)} S[:, r]·C[r, cols_c] for each c (C row-major m×m), for one of
   * the arrays V, AV, BV; `out` holds cols.length columns of length n.
   */
  combine(which: Float64Array, C: Float64Array, m: number, cols: readonly number[], from: number, out: Float64Array): void {
    const n = this.n;
    out.fill(0, 0, cols.length * n);
    for (let c = 0; c < cols.length; c++) {
      const oc = c * n;
      const k = cols[c] as number;
      for (let r = from; r < this.count; r++) {
        const w = C[r * m + k] as number;
        if (w === 0) continue;
        const or = r * n;
        for (let i = 0; i < n; i++) out[oc + i] = (out[oc + i] as number) + w * (which[or + i] as number);
      }
    }
  }

  private bDot(oa: number, ob: number): number {
    const { n, V, BV } = this;
    let s = 0;
    for (let i = 0; i < n; i++) s += (BV[oa + i] as number) * (V[ob + i] as number);
    return s;
  }
}
