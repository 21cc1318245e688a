/**
 * Private to `lanczos`: the one interface of the reorthogonalization strategies of the
 * thick-restart driver, and the two simplest, `'full'` and `'none'` (`'partial'` is in
 * partial.ts, `'selective'` in selective.ts).
 *
 * A strategy is asked at three moments, as ARPACK's dsaitr asks its DGKS test after a step and
 * dsapps and the locking of dsaup2 restore orthogonality at a restart:
 * - after each Lanczos step: whether the new vector must be orthogonalized against the whole
 *   basis (`sweep`), and against which vectors of its own (`orthogonalizeOwn`);
 * - when vectors are locked: how they are made orthonormal to the locked ones (`lock`);
 * - at a thick restart: how the restarted basis is brought back to the orthogonality the strategy
 *   promises (`restarted`).
 *
 * @module
 */
import { orthonormalizeNewLocked, reorthonormalizeBasis, type RestartQrWork } from "./restart-qr.js";

/** The reorthogonalization option of `lanczos`. */
export type ReorthogonalizationKind = "full" | "partial" | "selective" | "none";

/** What a strategy sees of one Lanczos step on column j, after the local sweep (the known couplings). */
export interface StepView {
  /** The column multiplied by A. */
  j: number;
  /** Columns in the basis (closed and open). */
  cols: number;
  /** First column the local sweep subtracted (the couplings H[j][i] are zero below it). */
  lo: number;
  /** The projected matrix, `cap` columns a row. */
  H: Float64Array;
  /** The coefficients the local sweep subtracted, on columns [lo, cols). */
  g: Float64Array;
  /** ‖w‖ after the local sweep. */
  beta: number;
  /** The largest |Ritz value| or |α| met (a lower bound of ‖A‖₂). */
  normEst: number;
}

/** One reorthogonalization strategy of the thick-restart Lanczos driver. */
export interface ReorthStrategy {
  /** Whether the vector of this step must be orthogonalized against the whole basis. */
  sweep(step: StepView): boolean;
  /**
   * Inside each Gram–Schmidt pass of a new vector, after the pass over the locked vectors: w ⟂ the
   * strategy's own vectors (`'selective'`: the good Ritz vectors). Returns ‖w‖ (`norm` when it did nothing).
   */
  orthogonalizeOwn(w: Float64Array, n: number, norm: number): number;
  /** Column c was appended to the basis; `swept`: it was orthogonalized against the whole basis. */
  appended(c: number, swept: boolean): void;
  /** Whether the Ritz pairs must be checked now besides the driver's regular checks (`closed` columns). */
  checkDue(closed: number): boolean;
  /** The Ritz pairs at a check: S (row-major closed×closed), residual estimates `res`. */
  checked(V: Float64Array, n: number, closed: number, cap: number, S: Float64Array, res: Float64Array, normEst: number): void;
  /**
   * The cycle ended and the Ritz vectors in slots [from, from + count) of L were just locked: made
   * orthonormal to the locked ones. Returns, for each, whether it was kept (the kept ones moved down
   * to stay contiguous). The strategy's state of the cycle is dropped.
   */
  lock(L: Float64Array, n: number, from: number, count: number, gL: Float64Array): boolean[];
  /**
   * After a thick restart in the same phase (V: `closed` kept Ritz vectors, then the open columns; H
   * their arrowhead): restores the orthogonality the strategy promises. Returns the new column counts.
   */
  restarted(
    V: Float64Array, n: number, closed: number, cols: number, H: Float64Array, cap: number,
    L: Float64Array, lockedFrom: number, lockedTo: number, g: Float64Array,
  ): { closed: number; cols: number };
  /** A new phase: an empty basis. */
  reset(): void;
}

/**
 * `'full'`: every new vector is orthogonalized against the locked vectors and the whole basis, so the
 * basis stays orthonormal to working precision and the restart needs no repair.
 */
export class FullReorth implements ReorthStrategy {
  sweep(): boolean {
    return true;
  }
  orthogonalizeOwn(_w: Float64Array, _n: number, norm: number): number {
    return norm;
  }
  appended(): void {}
  checkDue(): boolean {
    return false;
  }
  checked(): void {}
  lock(_L: Float64Array, _n: number, _from: number, count: number): boolean[] {
    return Array.from({ length: count }, () => true);
  }
  restarted(_V: Float64Array, _n: number, closed: number, cols: number): { closed: number; cols: number } {
    return { closed, cols };
  }
  reset(): void {}
}

/**
 * The restart of `'selective'` and `'none'`, whose bases are not orthonormal: the restarted basis is
 * re-orthonormalized with H rewritten to match, and newly locked vectors are orthonormalized against
 * the locked ones, a ghost's copy (norm below ½, or losing half of it) not locked (see restart-qr.ts).
 */
export class RestartQr {
  private readonly work: RestartQrWork;

  constructor(cap: number) {
    this.work = { R: new Float64Array(cap * cap), M: new Float64Array(cap * cap), g: new Float64Array(cap) };
  }

  lock(L: Float64Array, n: number, from: number, count: number, gL: Float64Array): boolean[] {
    return orthonormalizeNewLocked(L, n, from, count, gL);
  }

  restarted(
    V: Float64Array, n: number, closed: number, cols: number, H: Float64Array, cap: number,
    L: Float64Array, lockedFrom: number, lockedTo: number,
  ): { closed: number; cols: number } {
    return reorthonormalizeBasis(V, n, closed, cols, H, cap, L, lockedFrom, lockedTo, this.work);
  }
}

/**
 * `'none'`: new vectors are orthogonalized against the locked vectors only; the Lanczos recurrence keeps
 * the rest as far as rounding lets it. The loss is not carried across cycles (see `RestartQr`).
 */
export class NoReorth extends RestartQr implements ReorthStrategy {
  sweep(): boolean {
    return false;
  }
  orthogonalizeOwn(_w: Float64Array, _n: number, norm: number): number {
    return norm;
  }
  appended(): void {}
  checkDue(): boolean {
    return false;
  }
  checked(): void {}
  reset(): void {}
}

/**
 * What `'partial'` and `'selective'` become once the driver measures a loss of orthogonality beyond what they
 * promise (their estimates missed it): every step orthogonalized against the whole basis, as `'full'`, and the
 * restarts re-orthonormalize the restarted basis (`RestartQr`), which repairs the basis that lost it.
 */
export class FullAfterLoss extends RestartQr implements ReorthStrategy {
  sweep(): boolean {
    return true;
  }
  orthogonalizeOwn(_w: Float64Array, _n: number, norm: number): number {
    return norm;
  }
  appended(): void {}
  checkDue(): boolean {
    return false;
  }
  checked(): void {}
  reset(): void {}
}
