/**
 * Private to `lanczos`: Simon's (1984) partial reorthogonalization carried over to the band and
 * thick-restart form. The inner products Ω = VᵀV of the basis are estimated by the recurrence
 *
 *     β·ω_{new,k} = Σ_l H_lk ω_{l,j} − Σ_i g_i ω_{i,k} ± ε√n·(β + ‖A‖est)
 *
 * (from A·v_k = Σ_l H_lk v_l for a closed column k, g the coefficients the step subtracted), and a
 * step is reorthogonalized against the basis only when max |ω_{new,k}| passes the loss allowed, and
 * then the next step too. At a thick restart the estimates of the new basis are reset to its measured
 * inner products.
 *
 * @module
 */
import { norm } from "./common.js";
import { basisDots, cgsPass } from "./kernels.js";
import type { ReorthStrategy, StepView } from "./reorth.js";

/**
 * `'partial'`: a step is orthogonalized against the basis only when Simon's estimates ask for it (and
 * the step after it too); at a thick restart the estimates are measured on the restarted basis, and
 * newly locked vectors are orthonormalized against the locked ones.
 */
export class PartialReorth implements ReorthStrategy {
  private readonly omega: OmegaEstimates;

  /** @param cap - most columns; @param psi - ε·√n; @param omegaMax - the loss allowed */
  constructor(cap: number, psi: number, omegaMax: number) {
    this.omega = new OmegaEstimates(cap, psi, omegaMax);
  }
  sweep(s: StepView): boolean {
    return s.beta > 0 && this.omega.step(s.j, s.cols, s.lo, s.H, s.g, s.beta, s.normEst);
  }
  orthogonalizeOwn(_w: Float64Array, _n: number, norm: number): number {
    return norm;
  }
  appended(c: number, swept: boolean): void {
    this.omega.setRow(c, swept);
  }
  checkDue(): boolean {
    return false;
  }
  checked(): void {}
  lock(L: Float64Array, n: number, from: number, count: number, gL: Float64Array): boolean[] {
    orthonormalizeLocked(L, n, from, count, gL);
    return Array.from({ length: count }, () => true);
  }
  restarted(
    V: Float64Array, n: number, closed: number, cols: number, H: Float64Array, _cap: number,
    _L: Float64Array, _from: number, _to: number, g: Float64Array,
  ): { closed: number; cols: number } {
    this.omega.measure(V, n, cols, g, H, closed);
    return { closed, cols };
  }
  reset(): void {
    this.omega.reset();
  }
}

/** The Ω estimates of a basis of at most `cap` columns of length n. */
export class OmegaEstimates {
  /** Ω, symmetric, cap×cap (row c at c·cap). */
  private readonly omega: Float64Array;
  /** The new vector's estimates, one per column. */
  private readonly next: Float64Array;
  /** The step after a reorthogonalization is reorthogonalized too. */
  private forceNext = false;
  /** The nonzero rows of each closed column k of H lie in [rowFrom[k], rowTo[k]) (a band, or an arrowhead after a restart). */
  private readonly rowFrom: Int32Array;
  private readonly rowTo: Int32Array;

  /**
   * @param cap - most columns
   * @param psi - the estimate of a freshly orthogonalized inner product (ε·√n)
   * @param omegaMax - the loss allowed (min(√ε, tol))
   */
  constructor(private readonly cap: number, private readonly psi: number, private readonly omegaMax: number) {
    this.omega = new Float64Array(cap * cap);
    this.next = new Float64Array(cap);
    this.rowFrom = new Int32Array(cap);
    this.rowTo = new Int32Array(cap);
  }

  /** Forgets the pending second reorthogonalization (a new phase or a restart). */
  reset(): void {
    this.forceNext = false;
  }

  /**
   * Estimates the inner products of the vector of step j (β = `local` after the local step over
   * columns [lo, cols) with coefficients g) with the closed columns [0, j); those with the open ones
   * are ψ (the step subtracted their exact coefficients). Returns whether the step must be
   * orthogonalized against the basis: an estimate past the loss allowed, or the step after one.
   */
  step(j: number, cols: number, lo: number, H: Float64Array, g: Float64Array, local: number, normEst: number): boolean {
    const { omega, next, cap, rowFrom, rowTo } = this;
    let worst = 0;
    for (let k = 0; k < j; k++) {
      let t = 0;
      for (let l = rowFrom[k] as number, to = Math.min(rowTo[k] as number, cols); l < to; l++) {
        const e = H[l * cap + k] as number;
        if (e !== 0) t += e * (omega[l * cap + j] as number);
      }
      for (let i = lo; i < cols; i++) t -= (g[i] as number) * (omega[i * cap + k] as number);
      t += (t >= 0 ? 1 : -1) * this.psi * (local + normEst);
      const om = t / local;
      next[k] = om;
      worst = Math.max(worst, Math.abs(om));
    }
    for (let k = j; k < cols; k++) next[k] = this.psi;
    rowFrom[j] = lo; // column j: the couplings [lo, j), the open columns, and the new one at `cols`
    rowTo[j] = cols + 1;
    if (this.forceNext || !(worst <= this.omegaMax)) {
      this.forceNext = !this.forceNext;
      return true;
    }
    return false;
  }

  /** Row c of Ω: the last step's estimates, or ψ everywhere when c was orthogonalized against the basis. */
  setRow(c: number, orthogonalized: boolean): void {
    const { omega, next, cap } = this;
    for (let k = 0; k < c; k++) {
      const x = orthogonalized ? this.psi : (next[k] as number);
      omega[c * cap + k] = x;
      omega[k * cap + c] = x;
    }
    omega[c * cap + c] = 1;
  }

  /**
   * Ω of columns [0, c) of V measured (after a thick restart: the kept Ritz vectors and the open columns); g is c long.
   * The rows of H's `closed` columns are scanned for their nonzero range.
   */
  measure(V: Float64Array, n: number, c: number, g: Float64Array, H: Float64Array, closed: number): void {
    const { omega, cap } = this;
    for (let k = 0; k < closed; k++) {
      let from = 0;
      while (from < c && H[from * cap + k] === 0) from++;
      let to = c;
      while (to > from && H[(to - 1) * cap + k] === 0) to--;
      this.rowFrom[k] = from;
      this.rowTo[k] = to;
    }
    for (let i = 0; i < c; i++) {
      basisDots(V, 0, i + 1, n, V.subarray(i * n, (i + 1) * n), g);
      for (let k = 0; k < i; k++) {
        omega[i * cap + k] = g[k] as number;
        omega[k * cap + i] = g[k] as number;
      }
      omega[i * cap + i] = 1;
    }
    this.forceNext = false;
  }
}

/**
 * The Ritz vectors just locked (slots [from, from + count) of L), from a semi-orthogonal basis, are
 * orthogonalized against the locked ones before them and normalized (the correction is of the order of
 * their residual over the gap to the other locked values, or within an eigenspace).
 */
export function orthonormalizeLocked(L: Float64Array, n: number, from: number, count: number, gL: Float64Array): void {
  for (let c = from; c < from + count; c++) {
    const x = L.subarray(c * n, (c + 1) * n);
    for (let pass = 0; pass < 2; pass++) cgsPass(L, 0, c, n, x, gL);
    const nx = norm(x, n);
    for (let i = 0; i < n; i++) x[i] = (x[i] as number) / nx;
  }
}
