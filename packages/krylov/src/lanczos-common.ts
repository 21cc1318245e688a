/**
 * Private helpers of `lanczosProcess`, `lanczos` and `slq`: argument checks, start vectors and
 * the Gram–Schmidt kernels on a basis stored as consecutive columns of one `Float64Array`.
 *
 * @module
 */
import { asVec, checkOperator, checkSquare, len, rng, shapeText, type LinearOperator, type Vec, type VecLike } from "@krylov-ts/operators";
import { cgsPass, combineColumns, squaredNorm } from "./lanczos-kernels.js";

/** How the Lanczos vectors are kept orthogonal. */
export type Reorthogonalization = "full" | "partial" | "none";

/** Throws unless `A` is a square `LinearOperator` (and, when asked, symmetric); returns n. */
export function eigenOperator(fn: string, A: unknown, checkSym: boolean): number {
  checkOperator(fn, "A", A);
  const n = checkSquare(fn, "A", A);
  if (checkSym && n > 0) requireSymmetricOperator(fn, A);
  return n;
}

/** Throws unless `options` is undefined or an object; returns it (or `{}`). */
export function optionsOf<T extends object>(fn: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`${fn}: options must be an object, got ${options === null ? "null" : typeof options}`);
  }
  return options;
}

/** Throws unless `value` is undefined or one of `allowed`; returns it or `fallback`. */
export function oneOf<T extends string>(fn: string, name: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    throw new RangeError(`${fn}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(", ")}, got ${String(value)}`);
  }
  return value as T;
}

/** Throws unless `f` is undefined or a function. */
export function functionOf<F>(fn: string, name: string, f: F | undefined): F | undefined {
  if (f !== undefined && typeof f !== "function") throw new TypeError(`${fn}: ${name} must be a function`);
  return f;
}

/** Throws unless `signal` is undefined or an `AbortSignal`. */
export function signalOf(fn: string, signal: unknown): AbortSignal | undefined {
  if (signal === undefined) return undefined;
  if (typeof signal !== "object" || signal === null || typeof (signal as AbortSignal).aborted !== "boolean") {
    throw new TypeError(`${fn}: options.signal must be an AbortSignal`);
  }
  return signal as AbortSignal;
}

/**
 * Writes the normalized start vector into `out` (length n): a copy of `v0` when given (checked
 * for length, finiteness and a nonzero norm), else a seeded standard normal vector.
 */
export function startVector(fn: string, v0: VecLike | undefined, seed: number, n: number, out: Float64Array): void {
  if (v0 === undefined) {
    const r = rng(seed);
    for (let i = 0; i < n; i++) out[i] = r.normal();
  } else {
    const v = asVec(v0, fn, "options.v0");
    if (len(v) !== n) throw new RangeError(`${fn}: options.v0 has length ${len(v)} but A is ${n}×${n}`);
    const s = v.stride[0] ?? 1;
    for (let i = 0, o = v.offset; i < n; i++, o += s) {
      const x = v.data[o] as number;
      if (!Number.isFinite(x)) throw new RangeError(`${fn}: options.v0[${i}] is ${x}, not a finite number`);
      out[i] = x;
    }
  }
  const nrm = norm(out, n);
  if (nrm === 0) throw new RangeError(`${fn}: options.v0 is the zero vector`);
  for (let i = 0; i < n; i++) out[i] = (out[i] as number) / nrm;
}

/** ‖x[0…n)‖₂. */
export function norm(x: Float64Array, n: number): number {
  return Math.sqrt(squaredNorm(x, n));
}

/**
 * w ⟂ columns [from, to) of V by classical Gram–Schmidt with at most one repeated pass ("twice is
 * enough", Kahan–Parlett; the DGKS criterion: repeat when ‖w‖ drops below ‖w_before‖/√2).
 * `g` is a workspace of length ≥ to; when `h` is given the coefficients are added into it.
 * Returns ‖w‖.
 */
export function orthogonalize(
  V: Float64Array, from: number, to: number, n: number, w: Float64Array, g: Float64Array, h?: Float64Array,
): number {
  const before = norm(w, n);
  let after = cgsPass(V, from, to, n, w, g, h);
  if (after < before * Math.SQRT1_2) after = cgsPass(V, from, to, n, w, g, h);
  return after;
}

/**
 * The thick-restart transformation: V[:, c] ← V·S[:, keep_c] for the kept pairs (c < p),
 * V[:, p…p+open) ← v_used…v_{used+open−1} (the open columns, the residual directions), and the locked pairs' Ritz vectors V·S[:, lock_c]
 * appended to L from slot `lockedCount`. `S` is row-major `used`×`used`; `scratch` has length
 * ≥ (COMBINE_ROWS + used)·(keep + lock). One sweep over V (see `combineColumns`).
 */
export function restartBasis(
  V: Float64Array, n: number, used: number, S: Float64Array,
  keep: readonly number[], lock: readonly number[], L: Float64Array, lockedCount: number, scratch: Float64Array, open: number,
): void {
  const p = keep.length;
  combineColumns(V, n, used, S, used, [...keep, ...lock], scratch, (c, r0, block) => {
    if (c < p) V.set(block, c * n + r0);
    else L.set(block, (lockedCount + c - p) * n + r0);
  });
  V.copyWithin(p * n, used * n, (used + open) * n);
}

/** A contiguous `Vec` view of `length` entries of `data` from `offset` (no copy). */
export function columnView(data: Float64Array, offset: number, length: number): Vec {
  return asVec(data.subarray(offset, offset + length));
}

/**
 * Refuses a non-symmetric operator: with two seeded Gaussian probes x, y, requires
 * |⟨Ax, y⟩ − ⟨x, Ay⟩| ≤ 1e-10·(‖Ax‖·‖y‖ + ‖x‖·‖Ay‖). Costs two applications of A (not counted
 * in the caller's `matvecs`, which counts the method's own products).
 */
function requireSymmetricOperator(fn: string, A: LinearOperator): void {
  const n = A.shape[0];
  const r = rng(0x5eed);
  const x = r.normalVec(n);
  const y = r.normalVec(n);
  const Ax = A.apply(x);
  const Ay = A.apply(y);
  let axy = 0, xay = 0, nAx = 0, nAy = 0, nx = 0, ny = 0;
  for (let i = 0; i < n; i++) {
    const xi = x.data[i] as number, yi = y.data[i] as number;
    const axi = Ax.get(i), ayi = Ay.get(i);
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
      `${fn}: A (${shapeText(A)}) is not symmetric: |⟨Ax, y⟩ − ⟨x, Ay⟩| = ${gap.toExponential(2)} on random probes`,
    );
  }
}
