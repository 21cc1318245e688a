/**
 * Private to `lobpcg`: the trial basis S = [X, W, P] kept B-orthonormal by Gram–Schmidt in the
 * B inner product, together with A·S and B·S, which are transformed by the same column
 * operations instead of being recomputed by products (Knyazev 2001, §4; the orthonormal-basis
 * form of Hetmaniuk & Lehoucq 2006).
 *
 * The sweeps over the basis are the Lanczos basis kernels (../lanczos/kernels.ts: `basisDots`,
 * `basisSubtract`, `combineColumns`), on arrays of one solver workspace, so they run in
 * WebAssembly SIMD where available.
 *
 * @module
 */
import { workspaceArrays } from "../simd/backend.js";
import { basisDots, basisSubtract, combineColumns, COMBINE_ROWS } from "../lanczos/kernels.js";

/** Columns of length n stored one after another (column j at offset j·n). */
export class BlockBasis {
  readonly V: Float64Array;
  readonly AV: Float64Array;
  /** B·V (the same array as V when B = I). */
  readonly BV: Float64Array;
  /** Columns accepted so far. */
  count = 0;
  private readonly g: Float64Array;
  private readonly h: Float64Array;
  private readonly scratch: Float64Array;
  private readonly coef: Float64Array;

  constructor(readonly n: number, readonly capacity: number, readonly hasB: boolean, k: number) {
    const arrays = workspaceArrays(n, [
      n * capacity, n * capacity, hasB ? n * capacity : 0, capacity, capacity, COMBINE_ROWS * k + capacity * k,
    ]) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    [this.V, this.AV] = arrays;
    this.BV = hasB ? arrays[2] : this.V;
    [, , , this.g, this.h, this.scratch] = arrays;
    this.coef = new Float64Array(capacity * capacity);
  }

  reset(): void {
    this.count = 0;
  }

  /**
   * Appends column `col` of (v, Av, Bv) (Bv ignored when B = I), B-orthogonalized against the
   * columns already there (classical Gram–Schmidt: c = (B S)ᵀ v, v ← v − S c, Av ← Av − (A S) c,
   * Bv ← Bv − (B S) c; a second pass when the first removed more than 1 − 1/√2 of the B-norm) and
   * B-normalized. A column that keeps at most `drop` of
   * its B-norm is linearly dependent to working precision and is refused; returns whether it was
   * taken.
   */
  append(v: Float64Array, av: Float64Array, bv: Float64Array, col: number, drop: number): boolean {
    const { n, V, AV, BV, hasB, g } = this;
    if (this.count >= this.capacity) return false;
    const j = this.count;
    const o = j * n;
    const src = col * n;
    const w = V.subarray(o, o + n);
    const aw = AV.subarray(o, o + n);
    const bw = BV.subarray(o, o + n);
    w.set(v.subarray(src, src + n));
    aw.set(av.subarray(src, src + n));
    if (hasB) bw.set(bv.subarray(src, src + n));
    const norm0 = Math.sqrt(Math.max(this.bDot(bw, w), 0));
    if (!(norm0 > 0) || !Number.isFinite(norm0)) return false;
    let norm = norm0;
    for (let pass = 0; pass < 2 && j > 0; pass++) {
      basisDots(BV, 0, j, n, w, g); // gᵢ = (B sᵢ)ᵀ v
      basisSubtract(V, 0, j, n, w, g);
      basisSubtract(AV, 0, j, n, aw, g);
      if (hasB) basisSubtract(BV, 0, j, n, bw, g);
      const before = norm;
      norm = Math.sqrt(Math.max(this.bDot(bw, w), 0));
      if (norm > 0.7071 * before) break; // little cancellation: one pass is enough (Kahan–Parlett "twice is enough")
    }
    if (!(norm > drop * norm0)) return false;
    const s = 1 / norm;
    for (let i = 0; i < n; i++) {
      w[i] = (w[i] as number) * s;
      aw[i] = (aw[i] as number) * s;
    }
    if (hasB) for (let i = 0; i < n; i++) bw[i] = (bw[i] as number) * s;
    this.count++;
    return true;
  }

  /** The projected matrix G = Sᵀ A S (count×count, row-major; its upper triangle computed, mirrored). */
  projected(out: Float64Array): number {
    const { n, V, AV, count: m, h } = this;
    for (let b = 0; b < m; b++) {
      basisDots(V, 0, b + 1, n, AV.subarray(b * n, (b + 1) * n), h); // h_a = s_aᵀ A s_b, a ≤ b (G is symmetric)
      for (let a = 0; a <= b; a++) {
        out[a * m + b] = h[a] as number;
        out[b * m + a] = h[a] as number;
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
    let S = C;
    if (from > 0) {
      S = this.coef;
      S.set(C.subarray(0, m * m));
      S.fill(0, 0, from * m); // rows r < from do not take part
    }
    combineColumns(which, n, this.count, S, m, cols, this.scratch, (c, r0, block) => out.set(block, c * n + r0));
  }

  private bDot(bw: Float64Array, w: Float64Array): number {
    let s = 0;
    for (let i = 0; i < this.n; i++) s += (bw[i] as number) * (w[i] as number);
    return s;
  }
}
