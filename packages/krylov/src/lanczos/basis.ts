/**
 * Private to `lanczos`: the band Lanczos basis of the thick-restart driver, its steps (ARPACK's
 * dsaitr), its Rayleigh–Ritz pairs with their residual estimates (dseigt, dsconv) and its thick
 * restart with locking (dsapps); the reorthogonalization is delegated to a `ReorthStrategy`.
 *
 * @module
 */
import type { LinearOperator, Random, Vec } from "@krylov-ts/operators";
import { workspaceArrays } from "../simd/backend.js";
import { columnView, norm, restartBasis } from "./common.js";
import { basisDots, basisSubtract, cgsPass, COMBINE_ROWS } from "./kernels.js";
import type { ReorthStrategy } from "./reorth.js";
import type { Locked } from "./select.js";
import { smallSymmetricEigen } from "./small-symmetric-eigen.js";

/** The Ritz pairs of the closed columns: H_c = S Θ Sᵀ, couplings E·S to the open columns, residuals ‖E·s_i‖. */
export interface RitzPairs {
  theta: Float64Array;
  S: Float64Array;
  ES: Float64Array;
  res: Float64Array;
  /** 1 where the pair meets a tolerance. */
  ok: Uint8Array;
  /** Distance to the nearest other Ritz value. */
  gap: Float64Array;
}

/**
 * The basis V (column c at c·n: closed columns, whose products with A lie in the basis,
 * A·V_closed = V_cols·H[:cols, :closed], then open ones), the projected matrix H (kept in full),
 * and the locked vectors L, orthonormal, to which every new vector is made orthogonal.
 */
export class LanczosBasis {
  readonly V: Float64Array;
  /** H_ij = v_iᵀ A v_j (j closed, or i closed), `cap` columns a row. */
  readonly H: Float64Array;
  /** Coefficients of the current vector on the basis. */
  private readonly h: Float64Array;
  /** Gram–Schmidt workspace. */
  readonly g: Float64Array;
  private readonly w: Float64Array;
  private readonly wVec: Vec;
  /** Locked vectors, one after another (grows: then a plain array, JavaScript kernels). */
  L: Float64Array;
  private gL: Float64Array;
  private scratch: Float64Array;
  readonly locked: Locked[] = [];
  closed = 0;
  cols = 0;
  /** The largest |Ritz value| or |α| met: a lower bound of ‖A‖₂, sharp after a few steps (when the basis is orthonormal). */
  normEst = 0;
  /** With `trackProducts`: the largest ‖A·v‖ over the unit columns multiplied, a lower bound of ‖A‖₂ whatever the basis. */
  productNorm = 0;
  /** Whether to keep `productNorm` (n flops a step). */
  trackProducts = false;

  /**
   * @param m - most closed columns; @param cap - most columns; @param lockCap - locked vectors L holds before it grows
   * @param scratchCols - columns of the restart scratch before it grows
   */
  constructor(
    private readonly n: number, m: number, readonly cap: number, lockCap: number, scratchCols: number,
    private strategy: ReorthStrategy, private readonly random: Random,
  ) {
    // One workspace (WebAssembly memory with the SIMD backend, for the kernels of kernels.ts).
    const [V, h, g, w, L, gL, scratch] = workspaceArrays(n, [cap * n, cap, cap, n, lockCap * n, lockCap, (COMBINE_ROWS + m) * scratchCols]) as [
      Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
    ];
    this.V = V;
    this.h = h;
    this.g = g;
    this.w = w;
    this.L = L;
    this.gL = gL;
    this.scratch = scratch;
    this.H = new Float64Array(cap * cap);
    this.wVec = columnView(w, 0, n);
  }

  /** Replaces the reorthogonalization strategy (after a measured loss of orthogonality). */
  setStrategy(strategy: ReorthStrategy): void {
    this.strategy = strategy;
  }

  /**
   * The measured loss of orthogonality of the newest column: max |vᵢᵀv| over the other columns and the
   * locked vectors (one sweep, (cols + locked)·n flops).
   */
  newestLoss(): number {
    const { V, n, g, cols } = this;
    if (cols === 0) return 0;
    const v = V.subarray((cols - 1) * n, cols * n);
    let worst = 0;
    if (cols > 1) {
      basisDots(V, 0, cols - 1, n, v, g);
      for (let i = 0; i < cols - 1; i++) worst = Math.max(worst, Math.abs(g[i] as number));
    }
    const l = this.locked.length;
    if (l > 0) {
      basisDots(this.L, 0, l, n, v, this.gL);
      for (let i = 0; i < l; i++) worst = Math.max(worst, Math.abs(this.gL[i] as number));
    }
    return worst;
  }

  /** w ⟂ locked vectors, the strategy's own and (when `withBasis`) v_0…v_{c−1}; coefficients on V added into h. Returns ‖w‖. */
  private orthogonalizeAll(c: number, withBasis: boolean, before: number): number {
    const { V, n, w, g, h } = this;
    let after = before;
    for (let pass = 0; pass < 2; pass++) {
      after = cgsPass(this.L, 0, this.locked.length, n, w, this.gL);
      after = this.strategy.orthogonalizeOwn(w, n, after);
      if (withBasis && c > 0) {
        // g = Vᵀw; w ← w − V·g, skipped (saving a sweep) when ‖g‖ ≤ 1e-12·‖w‖: w is then orthogonal already.
        basisDots(V, 0, c, n, w, g);
        let gg = 0;
        for (let i = 0; i < c; i++) gg += (g[i] as number) ** 2;
        if (Math.sqrt(gg) > 1e-12 * after) {
          for (let i = 0; i < c; i++) h[i] = (h[i] as number) + (g[i] as number);
          after = Math.sqrt(basisSubtract(V, 0, c, n, w, g));
        }
      }
      if (after >= before * Math.SQRT1_2) return after;
      before = after;
    }
    return after;
  }

  /** Appends w (or, when `fresh`, a random vector) ⟂ locked and the basis as a new open column. */
  appendColumn(fresh: boolean): boolean {
    const { V, n, w } = this;
    for (let attempt = 0; attempt < (fresh ? 3 : 1); attempt++) {
      if (fresh) for (let i = 0; i < n; i++) w[i] = this.random.normal();
      const before = norm(w, n);
      this.h.fill(0);
      const after = this.orthogonalizeAll(this.cols, true, before);
      if (after > 1e-8 * before) {
        for (let i = 0; i < n; i++) V[this.cols * n + i] = (w[i] as number) / after;
        this.strategy.appended(this.cols, true);
        this.cols++;
        return true;
      }
    }
    return false;
  }

  /** A phase: an empty basis opened by b start vectors (column 0 of V, when `first`, then random ones). */
  startPhase(b: number, first: boolean): boolean {
    this.closed = 0;
    this.cols = 0;
    this.H.fill(0);
    this.strategy.reset();
    if (first) {
      for (let i = 0; i < this.n; i++) this.w[i] = this.V[i] as number;
      this.appendColumn(false);
    }
    while (this.cols < b && this.appendColumn(true));
    return this.cols > 0;
  }

  /**
   * One band Lanczos step: the oldest open column v_j times A, orthogonalized, closes column j and
   * opens w/β. Returns a message when α or β is not finite (nothing is changed then but H's column j).
   */
  step(A: LinearOperator): string | undefined {
    const { V, H, n, w, h, g, cap, cols } = this;
    const j = this.closed;
    A.apply(columnView(V, j * n, n), this.wVec); // w ← A v_j
    if (this.trackProducts) this.productNorm = Math.max(this.productNorm, norm(w, n));
    // The local step, one sweep: w ← w − Σ_{i<j} H_ji v_i − Σ_{i≥j open} (v_iᵀw) v_i. The known couplings
    // H_ji are β_{j−1} (plain Lanczos), the band of a block, or the arrowhead to the kept Ritz vectors.
    basisDots(V, j, cols, n, w, h);
    let lo = 0;
    while (lo < j && H[j * cap + lo] === 0) lo++;
    for (let i = lo; i < j; i++) g[i] = H[j * cap + i] as number;
    for (let i = j; i < cols; i++) g[i] = h[i] as number;
    for (let i = j; i < cols; i++) H[i * cap + j] = h[i] as number;
    const local = Math.sqrt(basisSubtract(V, lo, cols, n, w, g));
    const withBasis = this.strategy.sweep({ j, cols, lo, H, g, beta: local, normEst: this.normEst });
    // w ⟂ locked, the strategy's vectors and (withBasis) the basis: rounding-sized corrections; those on open columns refine H.
    h.fill(0);
    const b = this.orthogonalizeAll(cols, withBasis, local);
    for (let i = j; i < cols; i++) {
      const v = (H[i * cap + j] as number) + (withBasis ? (h[i] as number) : 0);
      H[i * cap + j] = v;
      H[j * cap + i] = v;
    }
    const a = H[j * cap + j] as number; // α_j = v_jᵀ A v_j
    if (!Number.isFinite(a) || !Number.isFinite(b)) return `(α = ${a}, β = ${b}): A·v is not finite`;
    this.normEst = Math.max(this.normEst, Math.abs(a));
    this.closed++;
    if (b > 1e-12 * Math.max(this.normEst, 1e-300) && Number.isFinite(b)) {
      for (let i = 0; i < n; i++) V[cols * n + i] = (w[i] as number) / b; // new open column w/β
      this.strategy.appended(cols, withBasis);
      H[cols * cap + j] = b;
      H[j * cap + cols] = b;
      this.cols++;
    } // else A v_j lies in the basis: the block loses a direction (a fresh one is opened when none is left)
    return undefined;
  }

  /**
   * Ritz pairs of the closed columns; a pair is accepted when ‖r‖ ≤ tol·‖A‖est, or ‖r‖²/gap ≤ valueTol·|θ|
   * (gap: to the nearest other Ritz value).
   */
  rayleighRitz(tol: number, valueTol: number): RitzPairs {
    const { H, cap } = this;
    const c = this.closed;
    const open = this.cols - c;
    const Hc = new Float64Array(c * c);
    for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) Hc[i * c + j] = H[i * cap + j] as number;
    const { values: theta, vectors: S } = smallSymmetricEigen(Hc, c);
    const ES = new Float64Array(open * c); // couplings of the Ritz vectors to the open columns
    const res = new Float64Array(c);
    for (let q = 0; q < open; q++) {
      const row = (c + q) * cap;
      for (let l = 0; l < c; l++) {
        const e = H[row + l] as number;
        if (e !== 0) for (let i = 0; i < c; i++) ES[q * c + i] = (ES[q * c + i] as number) + e * (S[l * c + i] as number);
      }
    }
    for (let i = 0; i < c; i++) {
      let r = 0;
      for (let q = 0; q < open; q++) r += (ES[q * c + i] as number) ** 2;
      res[i] = Math.sqrt(r);
      this.normEst = Math.max(this.normEst, Math.abs(theta[i] as number));
    }
    const ok = new Uint8Array(c);
    const gaps = new Float64Array(c);
    for (let i = 0; i < c; i++) {
      const r = res[i] as number;
      const t = theta[i] as number;
      const gap = Math.min(i > 0 ? t - (theta[i - 1] as number) : Infinity, i + 1 < c ? (theta[i + 1] as number) - t : Infinity);
      gaps[i] = gap;
      ok[i] = r <= tol * this.normEst || (valueTol > 0 && gap > 0 && (r * r) / gap <= valueTol * Math.abs(t)) ? 1 : 0;
    }
    return { theta, S, ES, res, ok, gap: gaps };
  }

  /**
   * The thick restart: the Ritz vectors `lockIdx` go to L (those the strategy keeps), the basis becomes
   * the Ritz vectors `keepIdx` and the open columns. With `newPhase` the basis is left to `startPhase`.
   * Returns which of `lockIdx` were locked.
   */
  restart(q: RitzPairs, keepIdx: readonly number[], lockIdx: readonly number[], newPhase: boolean): boolean[] {
    const { n, H, cap, closed } = this;
    const lockedBefore = this.locked.length;
    if ((lockedBefore + lockIdx.length) * n > this.L.length) {
      const bigger = new Float64Array(Math.max(2 * this.L.length, (lockedBefore + lockIdx.length) * n));
      bigger.set(this.L);
      this.L = bigger;
      this.gL = new Float64Array(this.L.length / n);
    }
    const need = (COMBINE_ROWS + closed) * (keepIdx.length + lockIdx.length);
    if (this.scratch.length < need) this.scratch = new Float64Array(need);
    const open = this.cols - closed;
    restartBasis(this.V, n, closed, q.S, keepIdx, lockIdx, this.L, lockedBefore, this.scratch, open);
    const kept = this.strategy.lock(this.L, n, lockedBefore, lockIdx.length, this.gL);
    if (newPhase) return kept;
    const lockedAfter = lockedBefore + kept.filter((x) => x).length;
    // H ← diag(θ_keep) bordered by the couplings (E·S)[q, keep_c] to the open columns (the arrowhead).
    const p = keepIdx.length;
    H.fill(0);
    for (let c = 0; c < p; c++) {
      const i = keepIdx[c] as number;
      H[c * cap + c] = q.theta[i] as number;
      for (let r = 0; r < open; r++) {
        const e = q.ES[r * closed + i] as number;
        H[(p + r) * cap + c] = e;
        H[c * cap + p + r] = e;
      }
    }
    ({ closed: this.closed, cols: this.cols } = this.strategy.restarted(this.V, n, p, p + open, H, cap, this.L, lockedBefore, lockedAfter, this.g));
    return kept;
  }
}
