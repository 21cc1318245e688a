/**
 * `checkSymmetric(A)`: a randomized test of A = Aᵀ using only `apply`.
 *
 * @module
 */
import { checkOperator, type LinearOperator } from "./operator.js";
import { checkOptions, type OptionKeys } from "./options.js";
import { rng } from "./random.js";
import { dot, nrm2, vec } from "./vec.js";

/** Options of `checkSymmetric`. */
export interface CheckSymmetricOptions {
  /** Number of random pairs (x, y) probed. Default 5. */
  probes?: number;
  /** Largest relative asymmetry accepted as symmetric. Default 1e-10. */
  rtol?: number;
  /** Seed of the normal probe vectors. Default 0. */
  seed?: number;
}

/** The outcome of `checkSymmetric`. */
export interface CheckSymmetricResult {
  /** True when every probe's relative asymmetry is ≤ rtol. */
  symmetric: boolean;
  /** max over probes of |⟨Ax, y⟩ − ⟨x, Ay⟩| / max(‖Ax‖‖y‖, ‖x‖‖Ay‖) (0 when both are 0). */
  worstRelativeAsymmetry: number;
  /** Probes made (2 applications each). */
  probes: number;
}

const CHECK_SYMMETRIC_OPTIONS = { probes: true, rtol: true, seed: true } as const satisfies OptionKeys<CheckSymmetricOptions>;

/**
 * Probes ⟨Ax, y⟩ = ⟨x, Ay⟩ on random normal x, y (A symmetric ⇔ it holds for all x, y). The
 * relative asymmetry of a probe is |⟨Ax, y⟩ − ⟨x, Ay⟩| / max(‖Ax‖‖y‖, ‖x‖‖Ay‖), a quantity
 * that rounding keeps near n·ε for a symmetric A. A is symmetric when the worst probe is
 * ≤ rtol. A non-square A is reported not symmetric without being applied.
 *
 * @param A - the operator (only `apply` is used; its `symmetric` flag is not trusted)
 * @example checkSymmetric(dense([[1, 2], [3, 4]])).symmetric // false
 */
export function checkSymmetric(A: LinearOperator, options: CheckSymmetricOptions = {}): CheckSymmetricResult {
  checkOperator("checkSymmetric", "A", A);
  checkOptions("checkSymmetric", options, CHECK_SYMMETRIC_OPTIONS);
  const probes = options.probes ?? 5;
  const rtol = options.rtol ?? 1e-10;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(probes) || probes < 1) {
    throw new RangeError(`checkSymmetric: options.probes must be a positive integer, got ${probes}`);
  }
  if (!(rtol >= 0)) throw new RangeError(`checkSymmetric: options.rtol must be non-negative, got ${rtol}`);
  if (typeof seed !== "number" || !Number.isFinite(seed)) {
    throw new RangeError(`checkSymmetric: options.seed must be a finite number, got ${String(seed)}`);
  }
  const [m, n] = A.shape;
  if (m !== n) return { symmetric: false, worstRelativeAsymmetry: Infinity, probes: 0 };
  const random = rng(seed);
  const x = vec(n);
  const y = vec(n);
  const Ax = vec(n);
  const Ay = vec(n);
  let worst = 0;
  for (let p = 0; p < probes; p++) {
    random.normalVec(n, x);
    random.normalVec(n, y);
    const rx = A.apply(x, Ax);
    const ry = A.apply(y, Ay);
    const a = dot(rx, y); // ⟨Ax, y⟩
    const b = dot(x, ry); // ⟨x, Ay⟩
    const scale = Math.max(nrm2(rx) * nrm2(y), nrm2(x) * nrm2(ry));
    const r = scale === 0 ? (a === b ? 0 : Infinity) : Math.abs(a - b) / scale;
    worst = Number.isNaN(r) ? Infinity : Math.max(worst, r);
  }
  return { symmetric: worst <= rtol, worstRelativeAsymmetry: worst, probes };
}
