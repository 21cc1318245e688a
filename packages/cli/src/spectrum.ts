/**
 * Helpers shared by the spectrum reports: eigenvalues sorted with their residuals, and the
 * grid and Gaussian width on which an SLQ density is drawn.
 *
 * @module
 */

/** An eigenvalue and its residual norm ‖Av − λv‖. */
export interface EigenPair {
  readonly value: number;
  readonly residual: number;
}

/** The pairs in ascending order of eigenvalue. */
export function sortedPairs(values: ArrayLike<number>, residuals: ArrayLike<number>): EigenPair[] {
  return Array.from({ length: values.length }, (_, i) => ({
    value: values[i] as number,
    residual: residuals[i] as number,
  })).sort((a, b) => a.value - b.value);
}

/**
 * A grid of `points` eigenvalues covering the SLQ nodes and the marked eigenvalues with a
 * margin of 7σ, and the Gaussian width σ used to smooth the quadrature: 1 % of the covered range
 * (PyHessian's default is a fixed 1e-5 of a normalized range; a relative width reads better
 * across problems of any scale).
 */
export function densityGrid(
  nodes: ArrayLike<number>,
  marks: readonly number[],
  points = 400,
): { grid: Float64Array; sigma: number } {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < nodes.length; i++) {
    lo = Math.min(lo, nodes[i] as number);
    hi = Math.max(hi, nodes[i] as number);
  }
  for (const m of marks) {
    lo = Math.min(lo, m);
    hi = Math.max(hi, m);
  }
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) {
    lo = -1;
    hi = 1;
  }
  const span = hi - lo || Math.max(Math.abs(hi), 1);
  const sigma = 0.01 * span;
  // 7σ: a Gaussian there is e^(−24.5) ≈ 2e-11 of its peak, below the plot's floor of 10⁻⁶ of the
  // density's peak, so the curve decays into the floor instead of being cut at the grid's ends.
  const a = lo - 7 * sigma;
  const b = hi + 7 * sigma;
  const grid = new Float64Array(points);
  for (let i = 0; i < points; i++) grid[i] = a + ((b - a) * i) / (points - 1);
  return { grid, sigma };
}
