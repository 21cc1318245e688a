/**
 * Argument checks and small helpers shared by `cg`, `minres`, `powerIteration` and
 * `hutchinson` (private to the package).
 *
 * @module
 */
import {
  asVec,
  checkOperator,
  checkSquare,
  len,
  rng,
  shapeText,
  vec,
  type LinearOperator,
  type Vec,
  type VecLike,
} from "@krylov-ts/operators";

/** Throws unless `A` is a square `LinearOperator`; returns n. */
export function squareOperator(fn: string, arg: string, A: unknown): number {
  checkOperator(fn, arg, A);
  return checkSquare(fn, arg, A);
}

/** Throws unless `options` is undefined or a plain object; returns it (or `{}`). */
export function optionsObject<T extends object>(fn: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object, got ${options === null ? "null" : typeof options}`);
  }
  return options;
}

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

/**
 * Refuses a non-symmetric operator: with two seeded Gaussian probes x, y, requires
 * |⟨Ax, y⟩ − ⟨x, Ay⟩| ≤ 1e-10·‖Ax‖·‖y‖ + 1e-10·‖x‖·‖Ay‖ (rounding of both products).
 * Costs two applications of A, which the caller counts.
 *
 * @returns the number of applications used (2)
 */
export function requireSymmetric(fn: string, A: LinearOperator, seed = 0x5eed): number {
  const n = A.shape[0];
  const r = rng(seed);
  const x = r.normalVec(n);
  const y = r.normalVec(n);
  const Ax = A.apply(x, vec(n));
  const Ay = A.apply(y, vec(n));
  let axy = 0, xay = 0, nAx = 0, nAy = 0, nx = 0, ny = 0;
  for (let i = 0; i < n; i++) {
    const xi = x.data[i] as number, yi = y.data[i] as number;
    const axi = Ax.data[i] as number, ayi = Ay.data[i] as number;
    axy += axi * yi;
    xay += xi * ayi;
    nAx += axi * axi;
    nAy += ayi * ayi;
    nx += xi * xi;
    ny += yi * yi;
  }
  const scale = Math.sqrt(nAx * ny) + Math.sqrt(nx * nAy);
  const gap = Math.abs(axy - xay);
  if (!(gap <= 1e-10 * scale)) {
    throw new RangeError(
      `${fn}: A (${shapeText(A)}) is not symmetric: |⟨Ax, y⟩ − ⟨x, Ay⟩| = ${gap.toExponential(2)} on random probes ` +
        `(relative ${(scale === 0 ? gap : gap / scale).toExponential(2)})`,
    );
  }
  return 2;
}

/** Wraps a Float64Array as a contiguous `Vec` without copying. */
export function view(data: Float64Array): Vec {
  return asVec(data);
}
