/**
 * Private to the Lanczos methods: the dense kernels on a basis stored as consecutive columns of
 * one `Float64Array` (column c of length n at offset c·n).
 *
 * They are written for memory traffic, which is what limits them at large n: each sweeps the
 * basis once, in blocks of rows small enough for the block of `w` (and of the output) to stay in
 * the cache, and four columns at a time (one load of w for four columns). Nothing allocates.
 *
 * Each kernel runs the WebAssembly SIMD export of simd/kernels.wat when the basis, w and the
 * coefficients all live in one solver workspace (`workspaceArrays` of simd/backend.ts), and the
 * JavaScript loop below otherwise. On a workspace shared with the worker pool (vectors of at
 * least 16,384 entries where shared memory exists), a large `basisDots` splits its columns and
 * a large `basisSubtract` its blocks of rows over the threads, with the bits of one call. The
 * loops follow the SIMD order exactly (as in kernels.ts), so both backends give bit-identical
 * results:
 * - `basisDots`: in each block of rows, a column's sum has two partial sums, over the even and
 *   the odd rows of the block's pairs, added (even + odd), then the block's last row when the
 *   block is odd, then added to h[c];
 * - `basisSubtract`: on the block's pairs of rows, w − (((h₀v₀ + h₁v₁) + h₂v₂) + h₃v₃) for each
 *   four columns, then w − h_c·v_c for the remaining ones; on an odd block's last row,
 *   w − h_c·v_c column by column; the block's ‖w‖² summed as a column's sum in `basisDots`;
 * - `combineColumns`: each entry summed over the input columns in order from 0 (from +0).
 *
 * @module
 */
import { threads } from "@krylov-ts/operators";
import { jobArguments, jobResults, runJob, type SharedInstance } from "@krylov-ts/operators/wasm";
import { kernelsOf, poolInstanceOf } from "../simd/backend.js";

/**
 * Rows per block of `basisDots` and `basisSubtract` (the SIMD exports take it as an argument): the
 * block of w (256 KB) stays in the second-level cache while four columns stream past. Measured
 * with SIMD on 58 columns of 65,536 (AMD EPYC, 1 MB L2 a core): 2,048 rows 23.8 GB/s, 8,192 28.0,
 * 32,768 29.8, whole columns 30.8; at n = 262,144 all within 17.8–21.5 GB/s (memory-bound).
 */
const ROWS = 32768;

/**
 * Fewest basis entries ((to − from)·n) a sweep over a shared workspace needs to split over the
 * worker pool: 2¹⁸ entries (2 MiB of the basis) take ≈ 70–100 µs at 20–30 GB/s, a few times what
 * waking a sleeping worker costs.
 */
export const MIN_SPLIT_ENTRIES = 2 ** 18;
let minSplitEntries = MIN_SPLIT_ENTRIES;

/** Sets the fewest basis entries for which a sweep splits (the tests lower it); returns the previous value. */
export function setSweepSplitThreshold(minimumEntries = MIN_SPLIT_ENTRIES): number {
  const previous = minSplitEntries;
  minSplitEntries = Math.max(1, minimumEntries);
  return previous;
}

/** Indices of the exports in the pool's module (simd/backend.ts POOL_EXPORTS). */
const DOTS = 0, SUBTRACT = 1, COMBINE = 2;


/**
 * `basisDots` over the pool: the columns in one part per thread (multiples of four, the SIMD
 * kernel's group), each column summed exactly as in one call. False (nothing done) when it does
 * not pay: one thread, fewer than eight columns, or a small basis.
 */
function splitDots(pool: SharedInstance, V: Float64Array, from: number, to: number, n: number, w: Float64Array, h: Float64Array): boolean {
  const cols = to - from;
  const t = threads();
  if (t <= 1 || cols < 8 || cols * n < minSplitEntries) return false;
  const parts = Math.min(t, Math.floor(cols / 4));
  const step = 4 * Math.ceil(cols / parts / 4);
  const args = jobArguments();
  let chunks = 0;
  for (let c0 = from; c0 < to; c0 += step, chunks++) {
    const a = 7 * chunks;
    args[a] = V.byteOffset;
    args[a + 1] = c0;
    args[a + 2] = Math.min(to, c0 + step);
    args[a + 3] = n;
    args[a + 4] = w.byteOffset;
    args[a + 5] = h.byteOffset;
    args[a + 6] = ROWS;
  }
  runJob(pool, DOTS, 7, chunks);
  return true;
}

/**
 * `basisSubtract` over the pool: one chunk per block of ROWS rows (every row is updated as in one
 * call), each returning its block's ‖w‖², added here in block order as the single call adds them.
 * False (nothing done) with one thread, a single block (n ≤ ROWS) or a small basis.
 */
function splitSubtract(pool: SharedInstance, V: Float64Array, from: number, to: number, n: number, w: Float64Array, h: Float64Array): number | undefined {
  const blocks = Math.ceil(n / ROWS);
  if (threads() <= 1 || blocks < 2 || blocks > 256 || (to - from) * n < minSplitEntries) return undefined;
  const args = jobArguments();
  for (let b = 0; b < blocks; b++) {
    const r0 = b * ROWS;
    const a = 8 * b;
    args[a] = V.byteOffset + 8 * r0;
    args[a + 1] = from;
    args[a + 2] = to;
    args[a + 3] = n;
    args[a + 4] = Math.min(ROWS, n - r0);
    args[a + 5] = w.byteOffset + 8 * r0;
    args[a + 6] = h.byteOffset;
    args[a + 7] = ROWS;
  }
  runJob(pool, SUBTRACT, 8, blocks);
  const results = jobResults();
  let ww = 0;
  for (let b = 0; b < blocks; b++) ww += results[b] as number;
  return ww;
}

/** Whether V (columns [0, to) of length n), w (n) and h (to) can take the SIMD export of V's memory. */
function simdOperands(V: Float64Array, to: number, n: number, w: Float64Array, h: Float64Array): boolean {
  return w.buffer === V.buffer && h.buffer === V.buffer && to * n <= V.length && n <= w.length && to <= h.length;
}

/** h[c] ← v_cᵀw for c ∈ [from, to) (one sweep over those columns). */
export function basisDots(V: Float64Array, from: number, to: number, n: number, w: Float64Array, h: Float64Array): void {
  for (let c = from; c < to; c++) h[c] = 0;
  const k = kernelsOf(V);
  if (k !== undefined && simdOperands(V, to, n, w, h)) {
    const pool = poolInstanceOf(V);
    if (pool === undefined || !splitDots(pool, V, from, to, n, w, h)) k.basisDots(V.byteOffset, from, to, n, w.byteOffset, h.byteOffset, ROWS);
    return;
  }
  for (let r0 = 0; r0 < n; r0 += ROWS) {
    const r1 = Math.min(n, r0 + ROWS);
    const odd = (r1 - r0) % 2 === 1;
    const re = odd ? r1 - 1 : r1; // end of the block's pairs
    let c = from;
    for (; c + 4 <= to; c += 4) {
      const o0 = c * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      let e0 = 0, e1 = 0, e2 = 0, e3 = 0; // even rows of the pairs
      let d0 = 0, d1 = 0, d2 = 0, d3 = 0; // odd rows
      for (let r = r0; r < re; r += 2) {
        const x = w[r] as number, y = w[r + 1] as number;
        e0 += (V[o0 + r] as number) * x;
        d0 += (V[o0 + r + 1] as number) * y;
        e1 += (V[o1 + r] as number) * x;
        d1 += (V[o1 + r + 1] as number) * y;
        e2 += (V[o2 + r] as number) * x;
        d2 += (V[o2 + r + 1] as number) * y;
        e3 += (V[o3 + r] as number) * x;
        d3 += (V[o3 + r + 1] as number) * y;
      }
      let s0 = e0 + d0, s1 = e1 + d1, s2 = e2 + d2, s3 = e3 + d3;
      if (odd) {
        const x = w[re] as number;
        s0 += (V[o0 + re] as number) * x;
        s1 += (V[o1 + re] as number) * x;
        s2 += (V[o2 + re] as number) * x;
        s3 += (V[o3 + re] as number) * x;
      }
      h[c] = (h[c] as number) + s0;
      h[c + 1] = (h[c + 1] as number) + s1;
      h[c + 2] = (h[c + 2] as number) + s2;
      h[c + 3] = (h[c + 3] as number) + s3;
    }
    for (; c < to; c++) {
      const o = c * n;
      let e = 0, d = 0;
      for (let r = r0; r < re; r += 2) {
        e += (V[o + r] as number) * (w[r] as number);
        d += (V[o + r + 1] as number) * (w[r + 1] as number);
      }
      let s = e + d;
      if (odd) s += (V[o + re] as number) * (w[re] as number);
      h[c] = (h[c] as number) + s;
    }
  }
}

/** w ← w − Σ_{c∈[from,to)} h[c]·v_c (one sweep over those columns); returns ‖w‖² afterwards. */
export function basisSubtract(V: Float64Array, from: number, to: number, n: number, w: Float64Array, h: Float64Array): number {
  const k = kernelsOf(V);
  if (k !== undefined && simdOperands(V, to, n, w, h)) {
    const pool = poolInstanceOf(V);
    const split = pool === undefined ? undefined : splitSubtract(pool, V, from, to, n, w, h);
    return split ?? k.basisSubtract(V.byteOffset, from, to, n, n, w.byteOffset, h.byteOffset, ROWS);
  }
  let ww = 0;
  for (let r0 = 0; r0 < n; r0 += ROWS) {
    const r1 = Math.min(n, r0 + ROWS);
    const odd = (r1 - r0) % 2 === 1;
    const re = odd ? r1 - 1 : r1; // end of the block's pairs
    let c = from;
    for (; c + 4 <= to; c += 4) {
      const o0 = c * n, o1 = o0 + n, o2 = o1 + n, o3 = o2 + n;
      const h0 = h[c] as number, h1 = h[c + 1] as number, h2 = h[c + 2] as number, h3 = h[c + 3] as number;
      for (let r = r0; r < re; r++) {
        w[r] = (w[r] as number) - (h0 * (V[o0 + r] as number) + h1 * (V[o1 + r] as number) + h2 * (V[o2 + r] as number) + h3 * (V[o3 + r] as number));
      }
    }
    for (; c < to; c++) {
      const o = c * n;
      const hc = h[c] as number;
      for (let r = r0; r < re; r++) w[r] = (w[r] as number) - hc * (V[o + r] as number);
    }
    if (odd) for (c = from; c < to; c++) w[re] = (w[re] as number) - (h[c] as number) * (V[c * n + re] as number);
    let e = 0, d = 0;
    let r = r0;
    for (; r + 1 < r1; r += 2) {
      const a = w[r] as number, b = w[r + 1] as number;
      e += a * a;
      d += b * b;
    }
    let s = e + d;
    if (r < r1) s += (w[r] as number) * (w[r] as number);
    ww += s;
  }
  return ww;
}

/**
 * One classical Gram–Schmidt pass of w against columns [from, to) of V: g = Vᵀw (into `g`), then
 * w ← w − V·g, in two sweeps. When `h` is given, g is added into it. Returns ‖w‖ afterwards.
 */
export function cgsPass(V: Float64Array, from: number, to: number, n: number, w: Float64Array, g: Float64Array, h?: Float64Array): number {
  if (to <= from) return Math.sqrt(squaredNorm(w, n));
  basisDots(V, from, to, n, w, g);
  if (h !== undefined) for (let c = from; c < to; c++) h[c] = (h[c] as number) + (g[c] as number);
  return Math.sqrt(basisSubtract(V, from, to, n, w, g));
}

/** ‖x[0…n)‖² with two accumulators. */
export function squaredNorm(x: Float64Array, n: number): number {
  let s0 = 0, s1 = 0;
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const a = x[i] as number, b = x[i + 1] as number;
    s0 += a * a;
    s1 += b * b;
  }
  if (i < n) s0 += (x[i] as number) ** 2;
  return s0 + s1;
}

/**
 * Rows per block of `combineColumns`: the output blocks (8·256 bytes each) stay in the cache
 * while the input columns stream past. Measured with SIMD, 50 columns of 65,536 into 14: 64 rows
 * 12.2 ms, 128 10.4, 256 9.2, 512 8.8.
 */
export const COMBINE_ROWS = 256;

/**
 * Y[:, c] ← Σ_i V[:, i]·S[i, cols_c] for i < used: the Ritz vectors of a thick restart, written
 * through `put(c, r0, block)` a block of rows at a time (block = rows r0… of output column c, in
 * `scratch`, whose length must be ≥ COMBINE_ROWS·cols.length + used·cols.length; `put` may
 * overwrite columns of V). V is read once; `S` is row-major with `ld` columns.
 *
 * Each entry is summed over i in order from 0, on both backends. The SIMD export goes input
 * column by input column (the output rows zeroed, then the inputs added four at a time), not
 * output by output as the JavaScript loop does: with n a power of two the columns are a
 * power-of-two stride apart, so the cache holds the blocks of only a few of them at once, and an
 * output-by-output pass reads each from further away (there it took 15 ms against 9).
 */
export function combineColumns(
  V: Float64Array, n: number, used: number, S: Float64Array, ld: number, cols: readonly number[],
  scratch: Float64Array, put: (c: number, r0: number, block: Float64Array) => void,
): void {
  const B = COMBINE_ROWS;
  const nc = cols.length;
  const St = nc * B; // S[:, cols_c] copied contiguous at St + c·used
  for (let c = 0; c < nc; c++) for (let i = 0; i < used; i++) scratch[St + c * used + i] = S[i * ld + (cols[c] as number)] as number;
  const k = scratch.buffer === V.buffer && used * n <= V.length && St + nc * used <= scratch.length ? kernelsOf(V) : undefined;
  // Split over the pool: the output columns in one part per thread (each entry is summed over the
  // inputs in the same order whatever the part), one job per block of rows, when a block has at
  // least half the sweeps' threshold of multiply-adds (used·COMBINE_ROWS·outputs ≥ 2¹⁷ by
  // default: ≈ 30–50 µs on one thread; the blocks come back to back, so the workers are awake
  // and a job costs a few µs).
  const pool = k !== undefined ? poolInstanceOf(V) : undefined;
  const parts = pool !== undefined && nc >= 2 && used * B * nc >= minSplitEntries / 2 ? Math.min(threads(), nc) : 1;
  for (let r0 = 0; r0 < n; r0 += B) {
    const nb = Math.min(B, n - r0);
    if (k !== undefined) {
      const even = nb - (nb % 2); // the export takes pairs of rows; an odd last row is summed here
      if (parts > 1) combineSplit(pool as SharedInstance, V, n, used, scratch, St, nc, r0, even, parts);
      else k.combineBlock(V.byteOffset, n, used, scratch.byteOffset + 8 * St, nc, r0, even, scratch.byteOffset, 8 * B);
      if (even < nb) combineRows(V, n, used, scratch, St, nc, r0 + even, 1, even);
    } else {
      combineRows(V, n, used, scratch, St, nc, r0, nb, 0);
    }
    // Only now, with every output block computed, may `put` overwrite columns of V.
    for (let c = 0; c < nc; c++) put(c, r0, scratch.subarray(c * B, c * B + nb));
  }
}

/** One block of `combineColumns` over the pool: outputs [c0, c1) of each part by the `combineBlock` export. */
function combineSplit(pool: SharedInstance, V: Float64Array, n: number, used: number, scratch: Float64Array, St: number, nc: number, r0: number, nb: number, parts: number): void {
  const step = Math.ceil(nc / parts);
  const args = jobArguments();
  let chunks = 0;
  for (let c0 = 0; c0 < nc; c0 += step, chunks++) {
    const a = 9 * chunks;
    args[a] = V.byteOffset;
    args[a + 1] = n;
    args[a + 2] = used;
    args[a + 3] = scratch.byteOffset + 8 * (St + c0 * used);
    args[a + 4] = Math.min(step, nc - c0);
    args[a + 5] = r0;
    args[a + 6] = nb;
    args[a + 7] = scratch.byteOffset + 8 * COMBINE_ROWS * c0;
    args[a + 8] = 8 * COMBINE_ROWS;
  }
  runJob(pool, COMBINE, 9, chunks);
}

/** Rows r0…r0+nb−1 of the outputs of `combineColumns` into scratch[c·COMBINE_ROWS + t + r], output by output (four rows at a time). */
function combineRows(V: Float64Array, n: number, used: number, scratch: Float64Array, St: number, nc: number, r0: number, nb: number, t: number): void {
  for (let c = 0; c < nc; c++) {
    const so = St + c * used;
    const to = c * COMBINE_ROWS + t;
    let r = 0;
    for (; r + 4 <= nb; r += 4) {
      let a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (let i = 0, o = r0 + r; i < used; i++, o += n) {
        const s = scratch[so + i] as number;
        a0 += s * (V[o] as number);
        a1 += s * (V[o + 1] as number);
        a2 += s * (V[o + 2] as number);
        a3 += s * (V[o + 3] as number);
      }
      scratch[to + r] = a0;
      scratch[to + r + 1] = a1;
      scratch[to + r + 2] = a2;
      scratch[to + r + 3] = a3;
    }
    for (; r < nb; r++) {
      let a = 0;
      for (let i = 0, o = r0 + r; i < used; i++, o += n) a += (scratch[so + i] as number) * (V[o] as number);
      scratch[to + r] = a;
    }
  }
}
