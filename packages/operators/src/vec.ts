/**
 * Vectors and their level-1 kernels.
 *
 * A `Vec` is a 1-D `ndarray` over a `Float64Array`. Every kernel has a contiguous fast path
 * (stride 1: a plain indexed loop over the typed array) and a strided loop for other views
 * (no `ndarray-ops`: it generates code with `new Function`, which a page's Content-Security-Policy
 * may forbid; see view.ts). Kernels that write take an optional `out` and return it; none allocate
 * unless `out` is omitted where the result is a new vector.
 *
 * @module
 */
import type { NdArray } from "ndarray";
import { view1 } from "./view.js";

/** A 1-D ndarray over a `Float64Array`: the vector type of krylov-ts. */
export type Vec = NdArray<Float64Array>;

/** Anything a public function accepts as a vector; converted at the edge. */
export type VecLike = Vec | Float64Array | ArrayLike<number>;

/** True when `x` is an ndarray (duck-typed on the fields this package reads). */
export function isNdArray(x: unknown): x is NdArray {
  return (
    typeof x === "object" &&
    x !== null &&
    "data" in x &&
    "shape" in x &&
    "stride" in x &&
    "offset" in x
  );
}

/**
 * A new vector: `vec(n)` is n zeros, `vec(values)` copies the values.
 *
 * @example vec([1, 2, 3]).get(1) // 2
 */
export function vec(nOrValues: number | ArrayLike<number>): Vec {
  if (typeof nOrValues === "number") {
    checkLength("vec", "n", nOrValues);
    return view1(new Float64Array(nOrValues), nOrValues);
  }
  if (nOrValues === null || typeof nOrValues !== "object" || typeof nOrValues.length !== "number") {
    throw new TypeError("vec: argument must be a length or an array of numbers");
  }
  return view1(Float64Array.from(nOrValues), nOrValues.length);
}

/**
 * Views `x` as a `Vec` without copying where it can: a `Vec` is returned as it is, a
 * `Float64Array` is wrapped, an ndarray over another data type or an array of numbers is
 * copied into a new `Float64Array`.
 *
 * @param fn - the public function asking, for the error message
 * @param arg - the argument's name, for the error message
 */
export function asVec(x: unknown, fn = "asVec", arg = "x"): Vec {
  if (x instanceof Float64Array) return view1(x, x.length);
  if (isNdArray(x)) {
    if (x.shape.length !== 1) {
      throw new RangeError(`${fn}: ${arg} must be 1-D but has shape [${x.shape.join(", ")}]`);
    }
    if (x.data instanceof Float64Array) return x as Vec;
    const n = x.shape[0] ?? 0;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = Number(x.get(i));
    return view1(out, n);
  }
  if (Array.isArray(x) || ArrayBuffer.isView(x)) {
    const a = x as ArrayLike<number>;
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (typeof v !== "number") {
        throw new TypeError(`${fn}: ${arg}[${i}] is ${typeof v}, not a number`);
      }
      out[i] = v;
    }
    return view1(out, a.length);
  }
  throw new TypeError(`${fn}: ${arg} must be a Vec, a Float64Array or an array of numbers`);
}

/** The length of a vector. */
export function len(x: Vec): number {
  return x.shape[0] ?? 0;
}

/** True when the vector's elements are adjacent in its data (stride 1). */
export function isContiguous(x: Vec): boolean {
  return x.stride[0] === 1 || len(x) <= 1;
}

/**
 * True when two vectors share memory: the same underlying buffer and overlapping byte ranges
 * (for a strided view, the span from its first to its last element). Distinct views into one
 * buffer (say, two columns of a basis, or a solver's workspace) do not overlap.
 */
export function overlaps(x: Vec, y: Vec): boolean {
  if (x.data.buffer !== y.data.buffer) return false;
  const [xa, xb] = byteSpan(x);
  const [ya, yb] = byteSpan(y);
  return xa < yb && ya < xb;
}

function byteSpan(v: Vec): [number, number] {
  const n = len(v);
  if (n === 0) return [0, 0];
  const s = v.stride[0] ?? 1;
  const first = v.offset + Math.min(0, (n - 1) * s);
  const last = v.offset + Math.max(0, (n - 1) * s);
  const base = v.data.byteOffset;
  return [base + first * 8, base + (last + 1) * 8];
}

/** Throws unless `n` is a valid size (a non-negative integer). */
export function checkLength(fn: string, arg: string, n: number): void {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`${fn}: ${arg} must be a non-negative integer size, got ${n}`);
  }
}

/** Throws unless `x` has length `n`. */
export function checkVec(fn: string, arg: string, x: Vec, n: number, what = ""): void {
  const m = len(x);
  if (m !== n) {
    throw new RangeError(`${fn}: ${arg} has length ${m} but ${what || `${n} was expected`}`);
  }
}

function sameLength(fn: string, x: Vec, y: Vec, xName = "x", yName = "y"): number {
  const n = len(x);
  const m = len(y);
  if (n !== m) throw new RangeError(`${fn}: ${xName} has length ${n} but ${yName} has length ${m}`);
  return n;
}

/** ⟨x, y⟩ = Σ xᵢyᵢ. */
export function dot(x: Vec, y: Vec): number {
  const n = sameLength("dot", x, y);
  const xd = x.data;
  const yd = y.data;
  let xo = x.offset;
  let yo = y.offset;
  let s = 0;
  if (isContiguous(x) && isContiguous(y)) {
    if (xo === 0 && yo === 0) {
      // Fast path of whole buffers: the loop V8 compiles best (no offset arithmetic).
      for (let i = 0; i < n; i++) s += (xd[i] as number) * (yd[i] as number);
      return s;
    }
    const d = yo - xo;
    const end = xo + n;
    for (let i = xo; i < end; i++) s += (xd[i] as number) * (yd[i + d] as number);
    return s;
  }
  const xs = x.stride[0] as number;
  const ys = y.stride[0] as number;
  for (let i = 0; i < n; i++, xo += xs, yo += ys) s += (xd[xo] as number) * (yd[yo] as number);
  return s;
}

/**
 * out ← αx + y (BLAS daxpy). `out` defaults to `y`, which is then updated in place.
 *
 * @returns out
 */
export function axpy(alpha: number, x: Vec, y: Vec, out: Vec = y): Vec {
  const n = sameLength("axpy", x, y);
  if (len(out) !== n) throw new RangeError(`axpy: out has length ${len(out)} but x has length ${n}`);
  const xd = x.data;
  const yd = y.data;
  const od = out.data;
  if (isContiguous(x) && isContiguous(y) && isContiguous(out)) {
    const xo = x.offset;
    const yo = y.offset;
    const oo = out.offset;
    if (yd === od && yo === oo && xo === 0 && yo === 0) {
      for (let i = 0; i < n; i++) yd[i] = (yd[i] as number) + alpha * (xd[i] as number);
    } else if (yd === od && yo === oo) {
      const d = xo - yo;
      const end = yo + n;
      for (let i = yo; i < end; i++) yd[i] = (yd[i] as number) + alpha * (xd[i + d] as number);
    } else if (xo === 0 && yo === 0 && oo === 0) {
      for (let i = 0; i < n; i++) od[i] = alpha * (xd[i] as number) + (yd[i] as number);
    } else {
      for (let i = 0; i < n; i++) od[oo + i] = alpha * (xd[xo + i] as number) + (yd[yo + i] as number);
    }
    return out;
  }
  const xs = x.stride[0] as number;
  const ys = y.stride[0] as number;
  const os = out.stride[0] as number;
  for (let i = 0, xi = x.offset, yi = y.offset, oi = out.offset; i < n; i++, xi += xs, yi += ys, oi += os) {
    od[oi] = alpha * (xd[xi] as number) + (yd[yi] as number);
  }
  return out;
}

/**
 * out ← αx (BLAS dscal). `out` defaults to `x`, scaled in place.
 *
 * @returns out
 */
export function scal(alpha: number, x: Vec, out: Vec = x): Vec {
  const n = sameLength("scal", x, out, "x", "out");
  if (isContiguous(x) && isContiguous(out)) {
    const xd = x.data;
    const od = out.data;
    const xo = x.offset;
    const oo = out.offset;
    if (xo === 0 && oo === 0) {
      for (let i = 0; i < n; i++) od[i] = alpha * (xd[i] as number);
      return out;
    }
    for (let i = 0; i < n; i++) od[oo + i] = alpha * (xd[xo + i] as number);
    return out;
  }
  const xs = x.stride[0] as number;
  const os = out.stride[0] as number;
  for (let i = 0; i < n; i++) out.data[out.offset + i * os] = alpha * (x.data[x.offset + i * xs] as number);
  return out;
}

/**
 * out ← x. Without `out`, a new contiguous copy.
 *
 * @returns out
 */
export function copy(x: Vec, out?: Vec): Vec {
  const n = len(x);
  const o = out ?? vec(n);
  sameLength("copy", x, o, "x", "out");
  if (isContiguous(x) && isContiguous(o)) {
    o.data.set(x.data.subarray(x.offset, x.offset + n), o.offset);
    return o;
  }
  const xs = x.stride[0] as number;
  const os = o.stride[0] as number;
  for (let i = 0; i < n; i++) o.data[o.offset + i * os] = x.data[x.offset + i * xs] as number;
  return o;
}

/**
 * out ← value in every element.
 *
 * @returns out
 */
export function fill(value: number, out: Vec): Vec {
  const n = len(out);
  if (isContiguous(out)) {
    out.data.fill(value, out.offset, out.offset + n);
    return out;
  }
  const os = out.stride[0] as number;
  for (let i = 0; i < n; i++) out.data[out.offset + i * os] = value;
  return out;
}

/**
 * ‖x‖₂, safe from overflow and underflow: the plain sum of squares is used when it is
 * finite and well above the underflow threshold, otherwise the sum is rescaled by the largest
 * magnitude (as LAPACK's dnrm2 does), so `nrm2([1e200, 1e200])` is 1.414e200, not ∞.
 */
export function nrm2(x: Vec): number {
  const n = len(x);
  const d = x.data;
  const s = x.stride[0] ?? 1;
  let o = x.offset;
  let ss = 0;
  if (isContiguous(x)) {
    const end = o + n;
    for (let i = o; i < end; i++) {
      const v = d[i] as number;
      ss += v * v;
    }
  } else {
    for (let i = 0; i < n; i++, o += s) {
      const v = d[o] as number;
      ss += v * v;
    }
  }
  if (ss > 1e-280 && ss < Infinity) return Math.sqrt(ss);
  if (Number.isNaN(ss)) return NaN;
  // Rescaled: ‖x‖ = m·sqrt(Σ (xᵢ/m)²), m = max |xᵢ|.
  let m = 0;
  o = x.offset;
  for (let i = 0; i < n; i++, o += s) {
    const a = Math.abs(d[o] as number);
    if (a > m) m = a;
  }
  if (m === 0 || m === Infinity) return m;
  let t = 0;
  o = x.offset;
  for (let i = 0; i < n; i++, o += s) {
    const v = (d[o] as number) / m;
    t += v * v;
  }
  return m * Math.sqrt(t);
}
