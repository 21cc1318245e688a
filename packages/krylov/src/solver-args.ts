/**
 * Argument checks and small helpers shared by every method of the package (`cg`, `minres`,
 * `powerIteration`, `hutchinson`, `lanczosProcess`, `lanczos`, `slq`); private to it.
 *
 * @module
 */
import {
  asVec,
  checkOperator,
  checkOptions,
  checkSquare,
  checkSymmetric,
  len,
  shapeText,
  type LinearOperator,
  type Vec,
  type OptionKeys,
  type VecLike,
} from "@krylov-ts/operators";
import { checkInteger, checkNumber } from "./stats.js";
import type { LanczosOptions, LanczosProcessOptions, SlqOptions } from "./index.js";

/** Throws unless `A` is a square `LinearOperator`; returns n. */
export function squareOperator(fn: string, arg: string, A: unknown): number {
  checkOperator(fn, arg, A);
  return checkSquare(fn, arg, A);
}

/**
 * Throws unless `options` is undefined or a plain object whose keys are all documented in
 * `known` (a `TypeError` naming the unknown key and the closest valid one, see `checkOptions`
 * of @krylov-ts/operators); returns it (or `{}`).
 */
export function optionsObject<T extends object>(fn: string, options: T | undefined, known: OptionKeys<T>): T {
  return checkOptions(fn, options, known);
}

/** The documented options of `lanczos` (kept beside the others; checked against the interface). */
export const LANCZOS_OPTIONS = {
  k: true,
  which: true,
  tol: true,
  valueTol: true,
  maxBasis: true,
  maxMatvecs: true,
  maxRestarts: true,
  maxMultiplicity: true,
  v0: true,
  seed: true,
  reorthogonalization: true,
  history: true,
  callback: true,
  signal: true,
  checkSymmetric: true,
} as const satisfies OptionKeys<LanczosOptions>;

/** The documented options of `lanczosProcess`. */
export const LANCZOS_PROCESS_OPTIONS = {
  steps: true,
  seed: true,
  v0: true,
  reorthogonalization: true,
  basis: true,
  breakdownTolerance: true,
  callback: true,
  signal: true,
  checkSymmetric: true,
} as const satisfies OptionKeys<LanczosProcessOptions>;

/** The documented options of `slq`. */
export const SLQ_OPTIONS = {
  probes: true,
  steps: true,
  distribution: true,
  reorthogonalization: true,
  seed: true,
  callback: true,
  signal: true,
  checkSymmetric: true,
} as const satisfies OptionKeys<SlqOptions>;

/**
 * A contiguous private copy of a right-hand side or start vector, after checking its length
 * against the n×n operator `A` (the caller's vector is never written).
 */
export function vectorCopy(fn: string, arg: string, x: VecLike, A: LinearOperator): Float64Array {
  if (x === undefined || x === null) throw new TypeError(`${fn}: ${arg} is required`);
  const v = asVec(x, fn, arg);
  const n = A.shape[1];
  if (len(v) !== n) throw new RangeError(`${fn}: ${arg} has length ${len(v)} but A is ${shapeText(A)}`);
  const out = new Float64Array(n);
  const s = v.stride[0] ?? 1;
  for (let i = 0, o = v.offset; i < n; i++, o += s) {
    const value = v.data[o] as number;
    if (!Number.isFinite(value)) throw new RangeError(`${fn}: ${arg}[${i}] is ${value}, not a finite number`);
    out[i] = value;
  }
  return out;
}

/** Throws unless `M` is undefined or an n×n `LinearOperator`. */
export function checkPreconditioner(fn: string, M: unknown, A: LinearOperator): LinearOperator | undefined {
  if (M === undefined) return undefined;
  checkOperator(fn, "options.M", M);
  const [m, k] = M.shape;
  if (m !== A.shape[0] || k !== A.shape[1]) {
    throw new RangeError(`${fn}: options.M is ${m}×${k} but A is ${shapeText(A)}`);
  }
  return M;
}

/** Throws unless `f` is undefined or a function. */
export function checkFunction<F>(fn: string, name: string, f: F | undefined): F | undefined {
  if (f !== undefined && typeof f !== "function") throw new TypeError(`${fn}: ${name} must be a function`);
  return f;
}

/** Throws unless `signal` is undefined or an `AbortSignal`. */
export function checkSignal(fn: string, signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (typeof signal !== "object" || signal === null || typeof (signal as AbortSignal).aborted !== "boolean") {
    throw new TypeError(`${fn}: options.signal must be an AbortSignal`);
  }
  return signal as AbortSignal;
}

/** Throws unless `value` is undefined or a boolean; returns it or `fallback`. */
export function checkBoolean(fn: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") throw new TypeError(`${fn}: ${name} must be a boolean, got ${typeof value}`);
  return value;
}

/** Throws unless `value` is undefined or one of `allowed`; returns it or `fallback`. */
export function oneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new RangeError(`${fn}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(", ")}, got ${String(value)}`);
  }
  return value as T;
}

/**
 * The `checkSymmetric` option of every method that needs a symmetric A: when `value` is true,
 * one probe of `checkSymmetric` from @krylov-ts/operators (seeded Gaussian x, y; A is refused
 * when |⟨Ax, y⟩ − ⟨x, Ay⟩| > 1e-10·max(‖Ax‖‖y‖, ‖x‖‖Ay‖)). Throws a `RangeError` naming `fn`
 * and the shape of A when the probe fails.
 *
 * @returns the products with A it used (2 when probed, else 0), which the caller adds to `stats.matvecs`
 */
export function symmetryProbe(fn: string, A: LinearOperator, value: unknown): number {
  if (!checkBoolean(fn, "options.checkSymmetric", value, false) || A.shape[0] === 0) return 0;
  const probe = checkSymmetric(A, { probes: 1, rtol: 1e-10, seed: 0x5eed });
  if (!probe.symmetric) {
    throw new RangeError(
      `${fn}: A (${shapeText(A)}) is not symmetric: |⟨Ax, y⟩ − ⟨x, Ay⟩| / max(‖Ax‖‖y‖, ‖x‖‖Ay‖) = ` +
        `${probe.worstRelativeAsymmetry.toExponential(2)} on random probes x, y (at most 1e-10 accepted)`,
    );
  }
  return 2 * probe.probes;
}

/** √ε, the default relative tolerance of the linear solves (Krylov.jl's). */
const SQRT_EPS = Math.sqrt(Number.EPSILON);

/** The options `cg` and `minres` share (see each method for its own reading of them). */
export interface SolveOptions<Info> {
  rtol?: number;
  atol?: number;
  maxIterations?: number;
  x0?: VecLike;
  M?: LinearOperator;
  history?: boolean;
  callback?: (info: Info) => boolean | void;
  signal?: AbortSignal;
  checkSymmetric?: boolean;
}

/** The shared options of a linear solve, checked once, with their defaults. */
export interface SolveSetup<O, Info> {
  /** The order of A. */
  n: number;
  /** The options object (`{}` when none was given), for the method's own options. */
  o: O;
  /** A private copy of b. */
  b: Float64Array;
  rtol: number;
  atol: number;
  maxIterations: number;
  M: LinearOperator | undefined;
  /** An empty array when `history: true`, else undefined. */
  history: number[] | undefined;
  callback: ((info: Info) => boolean | void) | undefined;
  signal: AbortSignal | undefined;
  /** A private copy of x₀, when given. */
  x0: Float64Array | undefined;
  /** Products with A spent by the symmetry probe (0 unless `checkSymmetric`). */
  matvecs: number;
}

/**
 * Checks the arguments of a linear solve (`cg`, `minres`): A square, b of length n, and the
 * shared options with their defaults: rtol √ε, atol 0, maxIterations max(10·n, 1), history
 * false; then runs the symmetry probe when asked. Throws errors naming `fn`, the argument and
 * the sizes.
 */
export function solveSetup<Info, O extends SolveOptions<Info>>(
  fn: string,
  A: LinearOperator,
  b: VecLike,
  options: O | undefined,
  known: OptionKeys<O>,
): SolveSetup<O, Info> {
  const n = squareOperator(fn, "A", A);
  const o = optionsObject(fn, options, known);
  const bb = vectorCopy(fn, "b", b, A);
  return {
    n,
    o,
    b: bb,
    rtol: checkNumber(fn, "options.rtol", o.rtol ?? SQRT_EPS),
    atol: checkNumber(fn, "options.atol", o.atol ?? 0),
    maxIterations: checkInteger(fn, "options.maxIterations", o.maxIterations ?? Math.max(10 * n, 1)),
    M: checkPreconditioner(fn, o.M, A),
    history: checkBoolean(fn, "options.history", o.history, false) ? [] : undefined,
    callback: checkFunction(fn, "options.callback", o.callback),
    signal: checkSignal(fn, o.signal),
    x0: o.x0 === undefined ? undefined : vectorCopy(fn, "options.x0", o.x0, A),
    matvecs: symmetryProbe(fn, A, o.checkSymmetric),
  };
}

/**
 * The factor f, a power of two, by which a linear solve scales b (and x₀, and x back by 1/f at
 * the end) so that the squares of its recurrences (rᵀr, pᵀAp, β²) neither overflow nor
 * underflow: 1 when ‖b‖ lies in [2⁻⁶⁴, 2⁶⁴] (scaling changes no bit, so ordinary problems run
 * untouched), else 2^−e with ‖b‖·f in [0.5, 1). Multiplying by a power of two is exact.
 */
export function problemScale(bNorm: number): number {
  if (!(bNorm > 0) || !Number.isFinite(bNorm) || (bNorm >= 2 ** -64 && bNorm <= 2 ** 64)) return 1;
  const e = Math.floor(Math.log2(bNorm)) + 1; // 2^(e−1) ≤ ‖b‖ < 2^e, up to rounding of log2
  return 2 ** -Math.max(e, -1023); // 2^1023 at most (a subnormal ‖b‖ is brought to ≥ 2⁻⁵¹)
}

/** x ← x / f over the first n entries, in place (exact: f is a power of two from `problemScale`); returns x. */
export function unscale(x: Float64Array, f: number, n = x.length): Float64Array {
  if (f !== 1) for (let i = 0; i < n; i++) x[i] = (x[i] as number) / f;
  return x;
}

/**
 * Calls `callback(info)` while the vectors `vs` (workspace views the callback reads through
 * `info`: x, the residual) hold the unscaled problem's values: divided by f before the call,
 * multiplied back after (exactly, f a power of two from `problemScale`; nothing to do when f = 1).
 */
export function callUnscaled<I>(callback: (info: I) => boolean | void, info: I, f: number, n: number, ...vs: Float64Array[]): boolean | void {
  if (f === 1) return callback(info);
  for (const v of vs) unscale(v, f, n);
  try {
    return callback(info);
  } finally {
    for (const v of vs) for (let i = 0; i < n; i++) v[i] = (v[i] as number) * f;
  }
}

/** Wraps a Float64Array as a contiguous `Vec` without copying. */
export function view(data: Float64Array): Vec {
  return asVec(data);
}
