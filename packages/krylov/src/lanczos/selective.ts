/**
 * Private to `lanczos`: the "good" Ritz vectors of selective orthogonalization (Parlett & Scott
 * 1979) within one thick-restart cycle.
 *
 * Paige's theorem: in finite precision the Lanczos vector q_{j+1} has a component
 * |y_iᵀq_{j+1}| ≈ ε·‖A‖/‖E·s_i‖ on a Ritz vector y_i = V·s_i whose residual estimate is ‖E·s_i‖
 * (E: the couplings of the closed columns to the open ones), and orthogonality is lost in no
 * other direction. So the loss stays below ω once every new vector is orthogonalized against
 * the Ritz vectors with ‖E·s_i‖ ≤ ε·‖A‖/ω, the good ones, formed once when they turn good.
 *
 * @module
 */
import { basisSubtract, cgsPass, squaredNorm } from "./kernels.js";
import { RestartQr, type ReorthStrategy, type StepView } from "./reorth.js";

/**
 * `'selective'`: every new vector is orthogonalized against the good Ritz vectors of the cycle; a step
 * whose β is below ε·‖A‖est/ω (near an invariant subspace), and the step after it, against the whole
 * basis. The Ritz pairs are checked when the smallest residual outside the good set is predicted to
 * reach the threshold (`stepsUntilGood`). The good set is dropped at each thick restart, whose basis is
 * re-orthonormalized (`RestartQr`).
 */
export class SelectiveReorth extends RestartQr implements ReorthStrategy {
  private readonly good: GoodRitzSet;
  /** A Ritz pair is good when ‖E·s‖ ≤ goodFactor·‖A‖est (= ε/ω). */
  private readonly goodFactor: number;
  private nextCheck = 0; // the closed count at which to check the Ritz pairs next
  private lastNearest = Infinity; // the smallest residual outside the good set at the last check
  private lastCheck = 0; // the closed count then
  private fullNext = false; // the step after a small β sweeps the basis too

  /** @param n - vector length; @param cap - most columns; @param omegaMax - the loss allowed; @param checkEvery - most steps between checks */
  constructor(n: number, cap: number, omegaMax: number, private readonly checkEvery: number) {
    super(cap);
    this.good = goodRitzSet(n, cap);
    this.goodFactor = Number.EPSILON / omegaMax;
  }
  sweep(s: StepView): boolean {
    // A small β magnifies the rounding of w, ε‖A‖/β on every direction, not only on the good ones.
    if (this.fullNext || s.beta < this.goodFactor * s.normEst) {
      this.fullNext = !this.fullNext;
      return true;
    }
    return false;
  }
  orthogonalizeOwn(w: Float64Array, n: number, norm: number): number {
    const good = this.good;
    return good.count > 0 ? cgsPass(good.Y, 0, good.count, n, w, good.g) : norm;
  }
  appended(): void {}
  checkDue(closed: number): boolean {
    return closed >= this.nextCheck;
  }
  checked(V: Float64Array, n: number, closed: number, cap: number, S: Float64Array, res: Float64Array, normEst: number): void {
    const threshold = this.goodFactor * normEst;
    const nearest = addGoodRitzVectors(this.good, V, n, closed, cap, S, res, threshold);
    this.nextCheck = closed + stepsUntilGood(nearest, this.lastNearest, closed - this.lastCheck, threshold, this.checkEvery);
    this.lastNearest = nearest;
    this.lastCheck = closed;
  }
  override lock(L: Float64Array, n: number, from: number, count: number, gL: Float64Array): boolean[] {
    this.good.count = 0; // the good vectors were in the old basis
    this.nextCheck = 0;
    this.lastNearest = Infinity;
    this.fullNext = false;
    return super.lock(L, n, from, count, gL);
  }
  reset(): void {}
}

/** The good Ritz vectors of the current cycle, orthonormal, stored one after another. */
export interface GoodRitzSet {
  /** How many there are. */
  count: number;
  /** The vectors y_0…y_{count−1}, each n long (grows by doubling when full). */
  Y: Float64Array;
  /** Their coefficients s on the basis when formed, `cap` entries each (zero past the closed columns then). */
  coef: Float64Array;
  /** Gram–Schmidt workspace of length ≥ the capacity of Y. */
  g: Float64Array;
  /** Workspace of length cap: −s. */
  negS: Float64Array;
}

/** An empty set for vectors of length n on a basis of at most `cap` columns. */
export function goodRitzSet(n: number, cap: number): GoodRitzSet {
  const initial = Math.min(4, cap);
  return { count: 0, Y: new Float64Array(initial * n), coef: new Float64Array(initial * cap), g: new Float64Array(initial), negS: new Float64Array(cap) };
}

/**
 * Adds to `set` each Ritz pair of the closed columns [0, c) whose residual estimate `res[i]` is at
 * most `threshold` and whose coefficient vector s_i (column i of the row-major c×c `S`) is not
 * already in the set (Σ_g (coef_gᵀs_i)² ≤ ½; the comparison costs no sweep over the basis): its
 * Ritz vector y_i = V·s_i is formed (c·n flops), orthogonalized against the good ones before it
 * (two classical Gram–Schmidt passes) and normalized. Returns the smallest residual of the pairs
 * left out of the set (∞ when none), which sets how soon the caller checks again.
 */
export function addGoodRitzVectors(
  set: GoodRitzSet, V: Float64Array, n: number, c: number, cap: number, S: Float64Array, res: Float64Array, threshold: number,
): number {
  let nearest = Infinity;
  for (let i = 0; i < c; i++) {
    const r = res[i] as number;
    if (!(r <= threshold)) {
      nearest = Math.min(nearest, r);
      continue;
    }
    let overlap = 0;
    for (let gi = 0; gi < set.count; gi++) {
      let d = 0;
      for (let l = 0; l < c; l++) d += (set.coef[gi * cap + l] as number) * (S[l * c + i] as number);
      overlap += d * d;
    }
    if (overlap > 0.5) continue; // already good
    if ((set.count + 1) * n > set.Y.length) grow(set, n, cap);
    const y = set.Y.subarray(set.count * n, (set.count + 1) * n);
    for (let l = 0; l < c; l++) set.negS[l] = -(S[l * c + i] as number);
    y.fill(0);
    basisSubtract(V, 0, c, n, y, set.negS); // y ← V·s_i
    for (let pass = 0; pass < 2; pass++) cgsPass(set.Y, 0, set.count, n, y, set.g);
    const ny = Math.sqrt(squaredNorm(y, n));
    if (!(ny > 0.5)) continue; // within the span of the good ones already (a copy from a non-orthogonal basis)
    for (let t = 0; t < n; t++) y[t] = (y[t] as number) / ny;
    set.coef.fill(0, set.count * cap, (set.count + 1) * cap);
    for (let l = 0; l < c; l++) set.coef[set.count * cap + l] = S[l * c + i] as number;
    set.count++;
  }
  return nearest;
}

/** Doubles the capacity of the set (allocates; happens a few times a run at most). */
function grow(set: GoodRitzSet, n: number, cap: number): void {
  const size = Math.max(1, (2 * set.Y.length) / n);
  const Y = new Float64Array(size * n);
  Y.set(set.Y);
  const coef = new Float64Array(size * cap);
  coef.set(set.coef);
  set.Y = Y;
  set.coef = coef;
  set.g = new Float64Array(size);
}

/**
 * Steps until the next check of the Ritz pairs: Ritz residuals fall about geometrically, so the step
 * where the smallest residual outside the good set (`nearest`) reaches `threshold` is extrapolated at
 * the rate it fell since the previous check (`previous`, `apart` steps before), or at a tenfold fall a
 * step when that is faster or unknown (the pair nearest may change, and an outlying eigenvalue's pair
 * converges fast); the check is made at the last step before it, at least 1 and at most `most` steps on.
 */
export function stepsUntilGood(nearest: number, previous: number, apart: number, threshold: number, most: number): number {
  if (!(nearest > threshold) || !Number.isFinite(nearest)) return nearest <= threshold ? 1 : most;
  let logRate = -Math.LN10; // log of the fall a step: at least tenfold
  if (nearest < previous && apart > 0) logRate = Math.min(logRate, Math.log(nearest / previous) / apart);
  const steps = Math.log(threshold / nearest) / logRate; // > 0
  return Math.max(1, Math.min(most, Math.floor(steps)));
}
