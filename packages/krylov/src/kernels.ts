/**
 * Fused vector kernels on contiguous `Float64Array`s for the solver loops (private to the
 * package). Nothing allocates.
 *
 * Each kernel runs the WebAssembly SIMD export of simd/kernels.wat when all its arrays are
 * views into one solver workspace (see `workspace` in simd/backend.ts), and the JavaScript
 * loop below otherwise. Both compute the same sums in the same order (no fused multiply–add,
 * partial sums over fixed residues, combined the same way), so the two backends give
 * bit-identical results. The partial sums also keep the loops from being bound by the latency
 * of one addition chain:
 * - `dotN`: 8 partial sums sⱼ over i ≡ j (mod 8), ((s₀ + s₂) + (s₄ + s₆)) + ((s₁ + s₃) + (s₅ + s₇)),
 *   then the tail added in order;
 * - the fused updates that return a sum: 4 partial sums over i ≡ j (mod 4),
 *   (s₀ + s₂) + (s₁ + s₃), then the tail.
 *
 * @module
 */
import { kernelsOf } from "./simd/backend.js";

export { owned, releaseWorkspace, setSimd, simdEnabled, simdSupported, workspace } from "./simd/backend.js";

/** Σ aᵢbᵢ over the first n entries. */
export function dotN(a: Float64Array, b: Float64Array, n: number): number {
  const k = kernelsOf(a);
  if (k !== undefined && b.buffer === a.buffer && n <= a.length && n <= b.length) return k.dot(a.byteOffset, b.byteOffset, n);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0, s4 = 0, s5 = 0, s6 = 0, s7 = 0;
  let i = 0;
  for (; i + 7 < n; i += 8) {
    s0 += (a[i] as number) * (b[i] as number);
    s1 += (a[i + 1] as number) * (b[i + 1] as number);
    s2 += (a[i + 2] as number) * (b[i + 2] as number);
    s3 += (a[i + 3] as number) * (b[i + 3] as number);
    s4 += (a[i + 4] as number) * (b[i + 4] as number);
    s5 += (a[i + 5] as number) * (b[i + 5] as number);
    s6 += (a[i + 6] as number) * (b[i + 6] as number);
    s7 += (a[i + 7] as number) * (b[i + 7] as number);
  }
  let s = (s0 + s2 + (s4 + s6)) + (s1 + s3 + (s5 + s7));
  for (; i < n; i++) s += (a[i] as number) * (b[i] as number);
  return s;
}

/**
 * Sums of squares in (SAFE_MIN_SQUARES, ∞) give ‖a‖ = √s to full precision: no square overflowed,
 * and the squares that fell below the normal range (absolute error ≤ 2⁻¹⁰⁷⁴ each) weigh less
 * than n·2⁻¹⁰⁷⁴/s ≤ ε for any n < 2⁵⁰. Outside it the norm is recomputed with scaling.
 */
const SAFE_MIN_SQUARES = 2 ** -970;

/**
 * ‖a‖₂ over the first n entries, safe from overflow and underflow: the fast sum of squares
 * (`dotN`, SIMD where available) when it lies in the safe range, else `scaledNorm`. The
 * contiguous fast path costs one comparison more than √(aᵀa).
 */
export function normN(a: Float64Array, n: number): number {
  return normFromSquares(dotN(a, a, n), a, n);
}

/**
 * ‖a‖₂ given s, the plain sum of squares of a's first n entries as a fused kernel returned it
 * (`cgStep`, `subScaledNorm2`, `shiftedResidual`): √s when s is in the safe range (the usual
 * case, free), else the norm recomputed from a by `scaledNorm`: when s is 0 (every square
 * underflowed, e.g. a ≈ 1e-170), tiny (squares in the subnormal range lost digits) or ∞ (a square
 * overflowed, e.g. a ≈ 1e155). NaN stays NaN.
 */
export function normFromSquares(s: number, a: Float64Array, n: number): number {
  if (s > SAFE_MIN_SQUARES && s < Infinity) return Math.sqrt(s);
  if (Number.isNaN(s)) return NaN;
  return scaledNorm(a, n);
}

/**
 * ‖a‖₂ over the first n entries by the scaled sum m·√(Σ (aᵢ/m)²), m = max |aᵢ| (LAPACK's dnrm2
 * before 3.10 scales the same way, in one pass): exact to a few ulps at any scale, at the price
 * of two passes and a division per entry; ∞ when an entry is infinite, NaN when one is NaN.
 */
export function scaledNorm(a: Float64Array, n: number): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    const v = Math.abs(a[i] as number);
    if (v > m) m = v;
    else if (Number.isNaN(v)) return NaN;
  }
  if (m === 0 || m === Infinity) return m;
  let t = 0;
  for (let i = 0; i < n; i++) {
    const v = (a[i] as number) / m;
    t += v * v;
  }
  return m * Math.sqrt(t);
}

/** x ← x + αp, r ← r − αq; returns ‖r‖² (the CG update). */
export function cgStep(x: Float64Array, r: Float64Array, p: Float64Array, q: Float64Array, alpha: number, n: number): number {
  const k = kernelsOf(x);
  if (k !== undefined && sameBuffer4(x, r, p, q, n)) return k.cgStep(x.byteOffset, r.byteOffset, p.byteOffset, q.byteOffset, alpha, n);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    x[i] = (x[i] as number) + alpha * (p[i] as number);
    const r0 = (r[i] as number) - alpha * (q[i] as number);
    r[i] = r0;
    s0 += r0 * r0;
    x[i + 1] = (x[i + 1] as number) + alpha * (p[i + 1] as number);
    const r1 = (r[i + 1] as number) - alpha * (q[i + 1] as number);
    r[i + 1] = r1;
    s1 += r1 * r1;
    x[i + 2] = (x[i + 2] as number) + alpha * (p[i + 2] as number);
    const r2 = (r[i + 2] as number) - alpha * (q[i + 2] as number);
    r[i + 2] = r2;
    s2 += r2 * r2;
    x[i + 3] = (x[i + 3] as number) + alpha * (p[i + 3] as number);
    const r3 = (r[i + 3] as number) - alpha * (q[i + 3] as number);
    r[i + 3] = r3;
    s3 += r3 * r3;
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) {
    x[i] = (x[i] as number) + alpha * (p[i] as number);
    const r0 = (r[i] as number) - alpha * (q[i] as number);
    r[i] = r0;
    s += r0 * r0;
  }
  return s;
}

/** p ← z + βp. */
export function xpby(z: Float64Array, beta: number, p: Float64Array, n: number): void {
  const k = kernelsOf(p);
  if (k !== undefined && z.buffer === p.buffer && n <= z.length && n <= p.length) return k.xpby(z.byteOffset, beta, p.byteOffset, n);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    p[i] = (z[i] as number) + beta * (p[i] as number);
    p[i + 1] = (z[i + 1] as number) + beta * (p[i + 1] as number);
    p[i + 2] = (z[i + 2] as number) + beta * (p[i + 2] as number);
    p[i + 3] = (z[i + 3] as number) + beta * (p[i + 3] as number);
  }
  for (; i < n; i++) p[i] = (z[i] as number) + beta * (p[i] as number);
}

/** y ← y + αx. */
export function axpyN(alpha: number, x: Float64Array, y: Float64Array, n: number): void {
  const k = kernelsOf(y);
  if (k !== undefined && x.buffer === y.buffer && n <= x.length && n <= y.length) return k.axpy(alpha, x.byteOffset, y.byteOffset, n);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    y[i] = (y[i] as number) + alpha * (x[i] as number);
    y[i + 1] = (y[i + 1] as number) + alpha * (x[i + 1] as number);
    y[i + 2] = (y[i + 2] as number) + alpha * (x[i + 2] as number);
    y[i + 3] = (y[i + 3] as number) + alpha * (x[i + 3] as number);
  }
  for (; i < n; i++) y[i] = (y[i] as number) + alpha * (x[i] as number);
}

/** out ← αx (out may be x). */
export function scaleN(alpha: number, x: Float64Array, out: Float64Array, n: number): void {
  const k = kernelsOf(out);
  if (k !== undefined && x.buffer === out.buffer && n <= x.length && n <= out.length) return k.scale(alpha, x.byteOffset, out.byteOffset, n);
  for (let i = 0; i < n; i++) out[i] = alpha * (x[i] as number);
}

/**
 * out ← x / ν (out may be x): by the product with 1/ν (the SIMD `scaleN`) unless ν is so small
 * that 1/ν overflows (ν < 2⁻¹⁰²⁴, a subnormal norm), then entry by entry by the quotient.
 */
export function normalizeN(x: Float64Array, nu: number, out: Float64Array, n: number): void {
  const inv = 1 / nu;
  if (Number.isFinite(inv)) return scaleN(inv, x, out, n);
  for (let i = 0; i < n; i++) out[i] = (x[i] as number) / nu;
}

/** out ← a − cb (out may be a or b); returns ‖out‖². */
export function subScaledNorm2(a: Float64Array, c: number, b: Float64Array, out: Float64Array, n: number): number {
  const k = kernelsOf(out);
  if (k !== undefined && sameBuffer3(a, b, out, n)) return k.subScaledNorm2(a.byteOffset, c, b.byteOffset, out.byteOffset, n);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const t0 = (a[i] as number) - c * (b[i] as number);
    out[i] = t0;
    s0 += t0 * t0;
    const t1 = (a[i + 1] as number) - c * (b[i + 1] as number);
    out[i + 1] = t1;
    s1 += t1 * t1;
    const t2 = (a[i + 2] as number) - c * (b[i + 2] as number);
    out[i + 2] = t2;
    s2 += t2 * t2;
    const t3 = (a[i + 3] as number) - c * (b[i + 3] as number);
    out[i + 3] = t3;
    s3 += t3 * t3;
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) {
    const t = (a[i] as number) - c * (b[i] as number);
    out[i] = t;
    s += t * t;
  }
  return s;
}

/** out ← (b − y) + σx, the residual of (A − σI)x = b given y = Ax (out may be any of them); returns ‖out‖². */
export function shiftedResidual(b: Float64Array, y: Float64Array, x: Float64Array, sigma: number, out: Float64Array, n: number): number {
  const k = kernelsOf(out);
  if (k !== undefined && sameBuffer4(b, y, x, out, n)) {
    return k.shiftedResidual(b.byteOffset, y.byteOffset, x.byteOffset, sigma, out.byteOffset, n);
  }
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const t0 = (b[i] as number) - (y[i] as number) + sigma * (x[i] as number);
    out[i] = t0;
    s0 += t0 * t0;
    const t1 = (b[i + 1] as number) - (y[i + 1] as number) + sigma * (x[i + 1] as number);
    out[i + 1] = t1;
    s1 += t1 * t1;
    const t2 = (b[i + 2] as number) - (y[i + 2] as number) + sigma * (x[i + 2] as number);
    out[i + 2] = t2;
    s2 += t2 * t2;
    const t3 = (b[i + 3] as number) - (y[i + 3] as number) + sigma * (x[i + 3] as number);
    out[i + 3] = t3;
    s3 += t3 * t3;
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) {
    const t = (b[i] as number) - (y[i] as number) + sigma * (x[i] as number);
    out[i] = t;
    s += t * t;
  }
  return s;
}

/** The MINRES Lanczos step: y ← (Av − σv) − c·r₁ written over Av; returns vᵀy. */
export function minresLanczos(av: Float64Array, v: Float64Array, r1: Float64Array, sigma: number, c: number, n: number): number {
  const k = kernelsOf(av);
  if (k !== undefined && sameBuffer3(v, r1, av, n)) return k.minresLanczos(av.byteOffset, v.byteOffset, r1.byteOffset, sigma, c, n);
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    const y0 = (av[i] as number) - sigma * (v[i] as number) - c * (r1[i] as number);
    av[i] = y0;
    s0 += (v[i] as number) * y0;
    const y1 = (av[i + 1] as number) - sigma * (v[i + 1] as number) - c * (r1[i + 1] as number);
    av[i + 1] = y1;
    s1 += (v[i + 1] as number) * y1;
    const y2 = (av[i + 2] as number) - sigma * (v[i + 2] as number) - c * (r1[i + 2] as number);
    av[i + 2] = y2;
    s2 += (v[i + 2] as number) * y2;
    const y3 = (av[i + 3] as number) - sigma * (v[i + 3] as number) - c * (r1[i + 3] as number);
    av[i + 3] = y3;
    s3 += (v[i + 3] as number) * y3;
  }
  let s = (s0 + s2) + (s1 + s3);
  for (; i < n; i++) {
    const y = (av[i] as number) - sigma * (v[i] as number) - c * (r1[i] as number);
    av[i] = y;
    s += (v[i] as number) * y;
  }
  return s;
}

/**
 * The MINRES update: w ← ((v − ε·w₁) − δ·w₂)·g written over w₁; x ← x + φw; v ← s·y
 * (y must not be v, w₁, w₂ or x).
 */
export function minresUpdate(
  v: Float64Array, w1: Float64Array, w2: Float64Array, x: Float64Array, y: Float64Array,
  eps: number, delta: number, g: number, phi: number, s: number, n: number,
): void {
  const k = kernelsOf(v);
  if (k !== undefined && sameBuffer4(w1, w2, x, y, n) && v.buffer === x.buffer && n <= v.length) {
    return k.minresUpdate(v.byteOffset, w1.byteOffset, w2.byteOffset, x.byteOffset, y.byteOffset, eps, delta, g, phi, s, n);
  }
  for (let i = 0; i < n; i++) {
    const wi = ((v[i] as number) - eps * (w1[i] as number) - delta * (w2[i] as number)) * g;
    w1[i] = wi;
    x[i] = (x[i] as number) + phi * wi;
    v[i] = s * (y[i] as number);
  }
}

function sameBuffer3(a: Float64Array, b: Float64Array, c: Float64Array, n: number): boolean {
  return a.buffer === c.buffer && b.buffer === c.buffer && n <= a.length && n <= b.length && n <= c.length;
}

function sameBuffer4(a: Float64Array, b: Float64Array, c: Float64Array, d: Float64Array, n: number): boolean {
  return sameBuffer3(a, b, c, n) && d.buffer === a.buffer && n <= d.length;
}
