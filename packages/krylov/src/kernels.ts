/**
 * Fused vector kernels on contiguous `Float64Array`s for the solver loops (private to the
 * package). Loops are unrolled with independent accumulators so the sums are not bound by
 * the latency of one addition chain; nothing allocates.
 *
 * @module
 */

/** Σ aᵢbᵢ over the first n entries. */
export function dotN(a: Float64Array, b: Float64Array, n: number): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    s0 += (a[i] as number) * (b[i] as number);
    s1 += (a[i + 1] as number) * (b[i + 1] as number);
    s2 += (a[i + 2] as number) * (b[i + 2] as number);
    s3 += (a[i + 3] as number) * (b[i + 3] as number);
  }
  for (; i < n; i++) s0 += (a[i] as number) * (b[i] as number);
  return s0 + s1 + (s2 + s3);
}

/** ‖a‖₂ over the first n entries (plain sum of squares). */
export function normN(a: Float64Array, n: number): number {
  return Math.sqrt(dotN(a, a, n));
}

/** x ← x + αp, r ← r − αq; returns ‖r‖² (the CG update). */
export function cgStep(x: Float64Array, r: Float64Array, p: Float64Array, q: Float64Array, alpha: number, n: number): number {
  let s0 = 0, s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    x[i] = (x[i] as number) + alpha * (p[i] as number);
    const r0 = (r[i] as number) - alpha * (q[i] as number);
    r[i] = r0;
    s0 += r0 * r0;
    x[i + 1] = (x[i + 1] as number) + alpha * (p[i + 1] as number);
    const r1 = (r[i + 1] as number) - alpha * (q[i + 1] as number);
    r[i + 1] = r1;
    s1 += r1 * r1;
  }
  for (; i < n; i++) {
    x[i] = (x[i] as number) + alpha * (p[i] as number);
    const r0 = (r[i] as number) - alpha * (q[i] as number);
    r[i] = r0;
    s0 += r0 * r0;
  }
  return s0 + s1;
}

/** p ← z + βp. */
export function xpby(z: Float64Array, beta: number, p: Float64Array, n: number): void {
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
  let i = 0;
  for (; i + 3 < n; i += 4) {
    y[i] = (y[i] as number) + alpha * (x[i] as number);
    y[i + 1] = (y[i + 1] as number) + alpha * (x[i + 1] as number);
    y[i + 2] = (y[i + 2] as number) + alpha * (x[i + 2] as number);
    y[i + 3] = (y[i + 3] as number) + alpha * (x[i + 3] as number);
  }
  for (; i < n; i++) y[i] = (y[i] as number) + alpha * (x[i] as number);
}
