/**
 * What `lsqr` and `lsmr` share (private to the package): their options and argument checks,
 * the stopping rules of Paige & Saunders (1982, §6) and their verification on the true
 * residual.
 *
 * @module
 */
import { asVec, checkOperator, len, shapeText, type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, checkNumber } from "./stats.js";
import { checkBoolean, checkFunction, checkSignal, optionsObject, view } from "./solver-args.js";
import { dotN } from "./kernels.js";

const SQRT_EPS = Math.sqrt(Number.EPSILON);

/** What the callback of `lsqr` / `lsmr` sees after each iteration (one object, updated in place). */
export interface LeastSquaresIteration {
  /** Iterations done so far (1 after the first). */
  iteration: number;
  /** The current iterate (read it, do not write it). */
  x: Vec;
  /** The recurrence estimate of ‖r̄‖ = ‖[b − Ax; −λx]‖ (‖b − Ax‖ without damping). */
  residualNorm: number;
  /** The recurrence estimate of ‖Āᵀr̄‖ = ‖Aᵀ(b − Ax) − λ²x‖. */
  normAr: number;
}

/** Options of `lsqr` and `lsmr`. */
export interface LeastSquaresOptions {
  /** Damping λ ≥ 0: solve min ‖Ax − b‖² + λ²‖x‖². Default 0. */
  damp?: number;
  /**
   * The tolerance on A's entries: stop when ‖r̄‖ ≤ btol·‖b‖ + atol·‖Ā‖·‖x‖ (compatible
   * systems) or ‖Āᵀr̄‖ ≤ atol·‖Ā‖·‖r̄‖ (least squares). Default √ε ≈ 1.49e-8.
   */
  atol?: number;
  /** The tolerance on b's entries (see `atol`). Default √ε. Both are raised to ε when smaller (SciPy's istop 4 and 5). */
  btol?: number;
  /** Stop when the estimate of cond(Ā) exceeds conlim (status `'illConditioned'`). Default 1e8 (SciPy's). */
  conlim?: number;
  /** Iteration budget. Default 2·n (SciPy's), at least 1. */
  maxIterations?: number;
  /** Warm start x₀ (length n; not modified): the method solves for the correction. Default 0. */
  x0?: VecLike;
  /** Record the recurrence estimate of ‖r̄‖ after every iteration in `stats.residualHistory`. */
  history?: boolean;
  /** Called after every iteration; returning `true` stops the run with status `'stopped'`. */
  callback?: (info: LeastSquaresIteration) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every product. */
  signal?: AbortSignal;
}

/** The documented options of `lsqr` and `lsmr` (checked against the interface). */
export const LEAST_SQUARES_OPTIONS = {
  damp: true,
  atol: true,
  btol: true,
  conlim: true,
  maxIterations: true,
  x0: true,
  history: true,
  callback: true,
  signal: true,
} as const satisfies OptionKeys<LeastSquaresOptions>;

/** The estimates `lsqr` and `lsmr` return beside x. */
export interface LeastSquaresEstimates {
  /**
   * ‖Ā‖_F of the bidiagonal Bₖ with the damping: a lower bound on ‖[A; λI]‖_F while the Lanczos
   * vectors stay orthogonal; it may pass it once they lose orthogonality (beyond ~rank(A) steps).
   */
  normA: number;
  /** The estimate of cond(Ā) (a lower bound in exact arithmetic, as `normA`). */
  condA: number;
  /** ‖r̄‖ = √(‖b − Ax‖² + λ²‖x‖²), measured at the returned x. */
  normR: number;
  /** ‖Āᵀr̄‖ = ‖Aᵀ(b − Ax) − λ²x‖, measured at the returned x. */
  normAr: number;
  /** ‖x‖, measured. */
  normX: number;
  /** Which rule held: 1 (‖r̄‖ small: compatible), 2 (‖Āᵀr̄‖ small: least squares), 0 when none did. */
  rule: 0 | 1 | 2;
  /** Verifications that failed on the true residual (the run then went on with tighter triggers). */
  failedChecks: number;
}

/** The checked arguments of a least-squares solve. */
export interface LeastSquaresSetup {
  m: number;
  n: number;
  /** A private copy of b. */
  b: Float64Array;
  x0: Float64Array | undefined;
  damp: number;
  atol: number;
  btol: number;
  conlim: number;
  maxIterations: number;
  history: number[] | undefined;
  callback: ((info: LeastSquaresIteration) => boolean | void) | undefined;
  signal: AbortSignal | undefined;
  /** Aᵀ (checked present). */
  applyTranspose: (x: Vec, out?: Vec) => Vec;
}

function copyChecked(fn: string, arg: string, x: VecLike, length: number, A: LinearOperator): Float64Array {
  if (x === undefined || x === null) throw new TypeError(`${fn}: ${arg} is required`);
  const v = asVec(x, fn, arg);
  if (len(v) !== length) throw new RangeError(`${fn}: ${arg} has length ${len(v)} but A is ${shapeText(A)}`);
  const out = new Float64Array(length);
  const s = v.stride[0] ?? 1;
  for (let i = 0, o = v.offset; i < length; i++, o += s) {
    const value = v.data[o] as number;
    if (!Number.isFinite(value)) throw new RangeError(`${fn}: ${arg}[${i}] is ${value}, not a finite number`);
    out[i] = value;
  }
  return out;
}

/**
 * Checks the arguments of `lsqr`/`lsmr`: A an m×n operator with `applyTranspose`, b of
 * length m, x₀ of length n, and the options with their defaults. Throws errors naming `fn`,
 * the argument and the sizes.
 */
export function leastSquaresSetup(fn: string, A: LinearOperator, b: VecLike, options: LeastSquaresOptions | undefined): LeastSquaresSetup {
  checkOperator(fn, "A", A);
  const [m, n] = A.shape;
  if (typeof A.applyTranspose !== "function") {
    throw new TypeError(`${fn}: A (${shapeText(A)}) must have applyTranspose (Aᵀ products are needed)`);
  }
  const o = optionsObject(fn, options, LEAST_SQUARES_OPTIONS);
  const bb = copyChecked(fn, "b", b, m, A);
  return {
    m,
    n,
    b: bb,
    x0: o.x0 === undefined ? undefined : copyChecked(fn, "options.x0", o.x0, n, A),
    damp: checkNumber(fn, "options.damp", o.damp ?? 0),
    // Below ε the rules cannot hold in floating point: ε takes over (SciPy's istop 4 and 5).
    atol: Math.max(checkNumber(fn, "options.atol", o.atol ?? SQRT_EPS), Number.EPSILON),
    btol: Math.max(checkNumber(fn, "options.btol", o.btol ?? SQRT_EPS), Number.EPSILON),
    conlim: checkNumber(fn, "options.conlim", o.conlim ?? 1e8, 0, true),
    maxIterations: checkInteger(fn, "options.maxIterations", o.maxIterations ?? Math.max(2 * n, 1)),
    history: checkBoolean(fn, "options.history", o.history, false) ? [] : undefined,
    callback: checkFunction(fn, "options.callback", o.callback),
    signal: checkSignal(fn, o.signal),
    applyTranspose: A.applyTranspose.bind(A),
  };
}

/** The true residual quantities at x, from one product with A and one with Aᵀ. */
export interface TrueResidual {
  normR: number;
  normAr: number;
  normX: number;
}

/**
 * Measures at x (length n): r = b − Ax into `r` (length m), Āᵀr̄ = Aᵀr − λ²(x − x₀) into `ar`
 * (length n; x₀ = 0 when not given: with a warm start the damping applies to the correction,
 * as in SciPy); returns ‖r̄‖ = √(‖r‖² + λ²‖x − x₀‖²), ‖Āᵀr̄‖ and ‖x‖.
 */
export function trueResidual(
  A: LinearOperator, applyTranspose: (x: Vec, out?: Vec) => Vec,
  b: Float64Array, x: Float64Array, x0: Float64Array | undefined, damp: number, r: Float64Array, ar: Float64Array,
): TrueResidual {
  const m = b.length;
  const n = ar.length;
  A.apply(view(x.length === n ? x : x.subarray(0, n)), view(r.length === m ? r : r.subarray(0, m)));
  for (let i = 0; i < m; i++) r[i] = (b[i] as number) - (r[i] as number); // r ← b − Ax
  applyTranspose(view(r.length === m ? r : r.subarray(0, m)), view(ar)); // Aᵀr
  const d2 = damp * damp;
  let dd = 0; // ‖x − x₀‖²
  if (d2 > 0) {
    for (let j = 0; j < n; j++) {
      const d = (x[j] as number) - (x0 === undefined ? 0 : (x0[j] as number));
      dd += d * d;
      ar[j] = (ar[j] as number) - d2 * d; // Āᵀr̄ = Aᵀr − λ²(x − x₀)
    }
  }
  return { normR: Math.sqrt(dotN(r, r, m) + d2 * dd), normAr: Math.sqrt(dotN(ar, ar, n)), normX: Math.sqrt(dotN(x, x, n)) };
}

/**
 * Paige & Saunders' rules (1982, §6; SciPy's istop 1 and 2) on measured values:
 * 1 when ‖r̄‖ ≤ btol·‖b‖ + atol·‖Ā‖·‖x‖, 2 when ‖Āᵀr̄‖ ≤ atol·‖Ā‖·‖r̄‖ + 10ε·‖Ā‖·(‖b‖ + ‖Ā‖·‖x‖),
 * else 0. The last term bounds the rounding error of evaluating Āᵀr̄ itself (r = b − Ax is
 * computed with an error of order ε(‖b‖ + ‖A‖‖x‖)): without it S2 could not be verified on a
 * nearly consistent damped problem, whose ‖r̄‖ = λ‖x‖ may be below that error.
 */
export function ruleHolds(t: TrueResidual, normA: number, bNorm: number, atol: number, btol: number): 0 | 1 | 2 {
  if (t.normR <= btol * bNorm + atol * normA * t.normX) return 1;
  if (t.normAr <= atol * normA * t.normR + ROUNDING * normA * (bNorm + normA * t.normX)) return 2;
  return 0;
}

/**
 * After a failed check: the smaller excess min(‖r̄‖/S1's bound, ‖Āᵀr̄‖/S2's bound) (> 1) of the
 * measured values over the rules' bounds (NaN when undefined, e.g. ‖Ā‖ = 0).
 */
export function ruleExcess(t: TrueResidual, normA: number, bNorm: number, atol: number, btol: number): number {
  const q1 = t.normR / (btol * bNorm + atol * normA * t.normX);
  const q2 = t.normAr / (atol * normA * t.normR + ROUNDING * normA * (bNorm + normA * t.normX));
  return Math.min(q1, q2);
}

/**
 * Watches the failed verifications of a run: the best point met (smallest excess over the rules,
 * kept in `xBest`) and stagnation, when three failed checks in a row did not lower the best excess
 * by 10 %: the tolerance is then below what the method attains on this problem in float64 (or
 * below the accuracy of the products), and the run stops with status `'stagnated'` at the best
 * point. Shared by `lsqr` and `lsmr`.
 */
export class FailedChecks {
  /** Failed verifications so far. */
  count = 0;
  private bestExcess = Infinity;
  private misses = 0;
  /** The measured values at the best point (undefined before a failed check). */
  best: TrueResidual | undefined;

  constructor(private readonly xBest: Float64Array, private readonly n: number) {}

  /**
   * Records a failed check at x with excess q; returns the factor (≥ 2) by which the recurrence's
   * triggers are to be tightened, or 0 when the run has stagnated.
   */
  record(t: TrueResidual, q: number, x: Float64Array): number {
    this.count++;
    if (q < 0.9 * this.bestExcess) {
      this.bestExcess = q;
      this.best = t;
      this.misses = 0;
      this.xBest.set(x.subarray(0, this.n));
    } else if (this.best !== undefined && ++this.misses >= 3) {
      return 0;
    }
    return Number.isFinite(q) ? Math.max(2, q) : 2;
  }

  /** Restores the best point into x; returns its measured values. */
  restore(x: Float64Array): TrueResidual {
    x.set(this.xBest.subarray(0, this.n));
    return this.best as TrueResidual;
  }

  /** The message of a stagnated run. */
  message(): string {
    return `the true residual stopped approaching the rules after ${this.count} failed verification(s) of the recurrence's test ` +
      `(best excess ${this.bestExcess.toExponential(2)}× the bound): the tolerance is below the attainable accuracy; x is the best point met`;
  }
}

/** The rounding allowance of the measured ‖Āᵀr̄‖, in units of ‖Ā‖(‖b‖ + ‖Ā‖‖x‖). */
const ROUNDING = 10 * Number.EPSILON;

/** How a least-squares run ends at a stopping test (see {@link stoppingTest}). */
export interface StopOutcome {
  readonly status: "converged" | "illConditioned" | "stagnated";
  /** The rule the true residual met (1 or 2), 0 when not converged. */
  readonly rule: 0 | 1 | 2;
  readonly message?: string;
  /** The measured values at the returned x, when x was moved back to the best point. */
  readonly measured?: TrueResidual;
}

/** The state of Paige–Saunders' test across a run: the tolerances, the tightening and the failed checks. */
export interface StoppingState {
  readonly atol: number;
  readonly btol: number;
  readonly conlim: number;
  readonly bNorm: number;
  /** Multiplies the recurrence's tolerances after failed verifications (1 at first). */
  tighten: number;
  readonly failed: FailedChecks;
}

/**
 * Paige & Saunders' S1–S3 (SciPy's istop 1–3) on the recurrence's estimates ‖r̄‖, ‖Āᵀr̄‖, ‖Ā‖,
 * ‖x‖ and cond(Ā), with the tolerances tightened after failed checks; when one holds, x is
 * measured (`verify`, two products) and the run is said converged only on the true residual.
 * A failed check tightens the triggers by the measured excess, or ends the run `'stagnated'` at
 * the best point (moved into x). Returns undefined to go on. Shared by `lsqr` and `lsmr`.
 */
export function stoppingTest(
  s: StoppingState, normR: number, normAr: number, normA: number, normX: number, condA: number,
  verify: () => TrueResidual, x: Float64Array,
): StopOutcome | undefined {
  const s1 = normR <= s.tighten * (s.btol * s.bNorm + s.atol * normA * normX);
  const s2 = normAr <= s.tighten * s.atol * normA * normR;
  const s3 = condA >= s.conlim;
  if (!(s1 || s2 || s3)) return undefined;
  const t = verify();
  const rule = ruleHolds(t, normA, s.bNorm, s.atol, s.btol);
  if (rule !== 0) return { status: "converged", rule };
  if (s3) return { status: "illConditioned", rule, message: `cond(Ā) ≈ ${condA.toExponential(3)} ≥ conlim = ${s.conlim.toExponential(3)}` };
  // The estimates met a rule the true residual does not: go on with the triggers tightened by
  // the measured excess, unless the excess has stopped falling (stagnation).
  const factor = s.failed.record(t, ruleExcess(t, normA, s.bNorm, s.atol, s.btol), x);
  if (factor === 0) return { status: "stagnated", rule, message: s.failed.message(), measured: s.failed.restore(x) };
  s.tighten /= factor;
  return undefined;
}
