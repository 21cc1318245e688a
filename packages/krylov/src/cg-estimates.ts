/**
 * Eigenvalue estimates from the CG coefficients (private to `cg`): the log of α, β and the
 * extreme eigenvalues of the Lanczos tridiagonal they define.
 *
 * @module
 */

/** The CG coefficients αⱼ, βⱼ, in typed arrays that grow by doubling (rarely, never per step). */
export class CoefficientLog {
  alpha: Float64Array;
  beta: Float64Array;
  steps = 0;
  betas = 0;

  constructor(capacity: number) {
    this.alpha = new Float64Array(Math.max(capacity, 4));
    this.beta = new Float64Array(Math.max(capacity, 4));
  }

  pushAlpha(a: number): void {
    if (this.steps === this.alpha.length) this.alpha = grow(this.alpha);
    this.alpha[this.steps++] = a;
  }

  pushBeta(b: number): void {
    if (this.betas === this.beta.length) this.beta = grow(this.beta);
    this.beta[this.betas++] = b;
  }
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(2 * a.length);
  b.set(a);
  return b;
}

/**
 * The smallest and largest eigenvalue of the k×k Lanczos tridiagonal of CG
 * (Golub & Van Loan §11.5.3): dⱼ = 1/αⱼ + βⱼ₋₁/αⱼ₋₁, eⱼ = √βⱼ/αⱼ, found by bisection on
 * Sturm counts (the LDLᵀ pivots of T − λI, Golub & Van Loan §8.4.1) inside the Gershgorin
 * interval, to the last few bits.
 */
export function tridiagonalExtremes(log: CoefficientLog): { lambdaMin: number; lambdaMax: number; steps: number } {
  const k = log.steps;
  const d = new Float64Array(k);
  const e = new Float64Array(Math.max(k - 1, 0));
  for (let j = 0; j < k; j++) {
    const aj = log.alpha[j] as number;
    d[j] = 1 / aj + (j > 0 ? (log.beta[j - 1] as number) / (log.alpha[j - 1] as number) : 0);
    if (j < k - 1) e[j] = Math.sqrt(log.beta[j] as number) / aj;
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < k; j++) {
    const rad = (j > 0 ? Math.abs(e[j - 1] as number) : 0) + (j < k - 1 ? Math.abs(e[j] as number) : 0);
    lo = Math.min(lo, (d[j] as number) - rad);
    hi = Math.max(hi, (d[j] as number) + rad);
  }
  return { lambdaMin: bisect(d, e, lo, hi, 1), lambdaMax: bisect(d, e, lo, hi, k), steps: k };
}

/** The `which`-th smallest eigenvalue (1-based) of the tridiagonal (d, e) inside [lo, hi]. */
function bisect(d: Float64Array, e: Float64Array, lo: number, hi: number, which: number): number {
  let a = lo;
  let b = hi;
  for (let it = 0; it < 200 && b - a > 2 * Number.EPSILON * Math.max(Math.abs(a), Math.abs(b), Number.MIN_VALUE); it++) {
    const mid = 0.5 * (a + b);
    if (mid <= a || mid >= b) break;
    if (countBelow(d, e, mid) >= which) b = mid;
    else a = mid;
  }
  return 0.5 * (a + b);
}

/** The number of eigenvalues of the tridiagonal (d, e) smaller than λ (negative LDLᵀ pivots). */
function countBelow(d: Float64Array, e: Float64Array, lambda: number): number {
  let count = 0;
  let q = 1;
  for (let j = 0; j < d.length; j++) {
    const ej = j > 0 ? (e[j - 1] as number) : 0;
    q = (d[j] as number) - lambda - (j > 0 ? (ej * ej) / q : 0);
    if (q === 0) q = -Number.EPSILON * (Math.abs(lambda) + 1e-300);
    if (q < 0) count++;
  }
  return count;
}
