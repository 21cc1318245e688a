/**
 * Stochastic trace estimation: Hutchinson's estimator and Hutch++.
 *
 * @module
 */
import { rng, type LinearOperator, type OptionKeys } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats, type Status } from "./stats.js";
import { checkFunction, checkSignal, optionsObject, squareOperator, view } from "./solver-args.js";
import { axpyN, dotN, normN, workspace } from "./kernels.js";

/** What the callback of `hutchinson` sees after each product with A (one object, updated in place). */
export interface HutchinsonProbe {
  /** Products with A done so far, out of `options.probes` (a Hutch++ sketch or Q product counts as one). */
  probes: number;
  /**
   * The estimate of tr(A) from the probes done so far: their mean (plus tr(QᵀAQ) for Hutch++);
   * NaN while Hutch++ is still building Q.
   */
  trace: number;
  /** Its standard error so far (NaN before two Hutchinson probes). */
  standardError: number;
}

/** Options of `hutchinson`. */
export interface HutchinsonOptions {
  /**
   * Products with A to spend. Hutchinson: that many Rademacher probes (≥ 2). Hutch++: split
   * in s = ⌊probes/3⌋ sketch columns, s products on Q and probes − 2s residual probes (≥ 4 in
   * all). Default 100.
   */
  probes?: number;
  /** Seed of the probe stream. Default 0. */
  seed?: number;
  /** `'hutchinson'` (default) or `'hutch++'`. */
  method?: "hutchinson" | "hutch++";
  /**
   * Called after each product with A, with the estimate so far; returning `true` before the last
   * one stops the run (status `'stopped'`; the estimate uses the probes done so far).
   */
  callback?: (info: HutchinsonProbe) => boolean | void;
  /** Cancels the run (status `'stopped'`; the estimate uses the probes done so far). */
  signal?: AbortSignal;
}

const HUTCHINSON_OPTIONS = {
  probes: true,
  seed: true,
  method: true,
  callback: true,
  signal: true,
} as const satisfies OptionKeys<HutchinsonOptions>;

/** The result of `hutchinson`. */
export interface HutchinsonResult {
  /** The estimate of tr(A). */
  trace: number;
  /**
   * Its standard error: the sample standard deviation of the probe values over √(probes).
   * For Hutch++, that of the residual part only (tr(QᵀAQ) is exact given Q), so it is 0 when
   * A is symmetric of rank ≤ s.
   */
  standardError: number;
  /**
   * `iterations` = `matvecs` = products with A used, `residualNorm` = `standardError`; `status`
   * `'converged'` when every product was spent, `'breakdown'` when a product gave a non-finite
   * value (the estimate then uses the probes before it), `'stopped'` by the callback or signal.
   */
  stats: Stats;
}

/**
 * An unbiased estimate of tr(A) from products with A only.
 *
 * Hutchinson (1989): tr(A) ≈ (1/m) Σ zᵢᵀAzᵢ with Rademacher zᵢ (variance 2‖A‖²_F − 2Σaᵢᵢ²
 * per probe). Hutch++ (Meyer, Musco, Musco & Woodruff 2021, Algorithm 1): Q = orth(AS) for a
 * Rademacher n×s sketch S, then tr(A) ≈ tr(QᵀAQ) + (1/g) Σ gᵢᵀ(I − QQᵀ)A(I − QQᵀ)gᵢ, with error
 * O(1/m) instead of O(1/√m) for matrices with decaying spectra, and exact for a symmetric A of
 * rank ≤ s. Q is orthonormalized by two passes of modified Gram–Schmidt, dropping columns
 * whose norm falls under 1e-12 of the largest (rank-deficient sketches spend fewer products).
 *
 * Deterministic for a given seed. Hutch++ holds s vectors of length n. The vector passes run
 * as SIMD kernels over a workspace in WebAssembly memory where available (see kernels.ts).
 *
 * @param A - n×n operator (need not be symmetric for Hutchinson)
 * @returns `{ trace, standardError, stats }`
 * @example
 * hutchinson(diagonal([1, 2, 3]), { probes: 50, seed: 1 }).trace; // 6 (± standardError)
 */
export function hutchinson(A: LinearOperator, options?: HutchinsonOptions): HutchinsonResult {
  const fn = "hutchinson";
  const t0 = performance.now();
  const n = squareOperator(fn, "A", A);
  const o = optionsObject(fn, options, HUTCHINSON_OPTIONS);
  const method = o.method ?? "hutchinson";
  if (method !== "hutchinson" && method !== "hutch++") {
    throw new RangeError(`${fn}: options.method must be 'hutchinson' or 'hutch++', got ${String(method)}`);
  }
  const probes = checkInteger(fn, "options.probes", o.probes ?? 100, method === "hutch++" ? 4 : 2);
  const seed = checkNumber(fn, "options.seed", o.seed ?? 0, -Infinity);
  const callback = checkFunction(fn, "options.callback", o.callback);
  const signal = checkSignal(fn, o.signal);

  const random = rng(seed);
  // Workspace: z, Az and Hutch++'s s columns of Q (in WebAssembly memory with the SIMD
  // kernels, see kernels.ts).
  const ws = workspace(n, 2 + (method === "hutch++" ? Math.floor(probes / 3) : 0));
  const [z, Az] = ws as [Float64Array, Float64Array];
  const zV = view(z);
  const AzV = view(Az);
  let matvecs = 0;
  let status: Status = "converged";
  let message: string | undefined;
  const info: HutchinsonProbe = { probes: 0, trace: NaN, standardError: NaN };
  /** Tells the callback (after a product); true when it asks to stop before the `last` product. */
  const report = (trace: number, standardError: number, last = false): boolean => {
    if (callback === undefined) return false;
    info.probes = matvecs;
    info.trace = trace;
    info.standardError = standardError;
    if (callback(info) !== true || last) return false;
    status = "stopped";
    message = "stopped by the callback";
    return true;
  };

  // Part 1 (Hutch++ only): Q = orth(AS) and tr(QᵀAQ).
  const Q: Float64Array[] = [];
  let exact = 0;
  let residualProbes = probes;
  if (method === "hutch++") {
    const s = Math.floor(probes / 3);
    residualProbes = probes - 2 * s;
    let largest = 0;
    for (let j = 0; j < s && status === "converged"; j++) {
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
        break;
      }
      random.rademacherVec(n, zV);
      A.apply(zV, AzV); // y ← A s
      matvecs++;
      const y = ws[2 + Q.length] as Float64Array; // the next free column
      y.set(Az);
      const before = normN(y, n);
      if (!Number.isFinite(before)) {
        status = "breakdown";
        message = `sketch column ${j + 1}: ‖AS‖ = ${before} is not finite`;
        break;
      }
      largest = Math.max(largest, before);
      project(y, Q, n);
      const after = normN(y, n);
      if (after > 1e-12 * largest && after > 0) {
        for (let i = 0; i < n; i++) y[i] = (y[i] as number) / after;
        Q.push(y);
      }
      if (report(NaN, NaN)) break;
    }
    for (const q of Q) {
      if (status !== "converged") break;
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
        break;
      }
      zV.data.set(q);
      A.apply(zV, AzV); // qᵀAq
      matvecs++;
      const qAq = dotN(q, Az, n);
      if (!Number.isFinite(qAq)) {
        status = "breakdown";
        message = `qᵀAq = ${qAq} is not finite`;
        break;
      }
      exact += qAq;
      report(NaN, NaN);
    }
  }

  // Part 2: the Hutchinson mean over the (deflated) probes, with Welford's running variance, of the
  // values times c, a power of two near 1/|first nonzero value| (exact), so that the squares in m2
  // neither overflow nor underflow at any scale of A (1e±300).
  let mean = 0;
  let m2 = 0;
  let used = 0;
  let c = 1;
  let scaled = false;
  for (let j = 0; j < residualProbes && status === "converged"; j++) {
    if (signal?.aborted) {
      status = "stopped";
      message = "aborted by the signal";
      break;
    }
    random.rademacherVec(n, zV);
    project(z, Q, n); // g ← (I − QQᵀ)g
    A.apply(zV, AzV);
    matvecs++;
    const value = dotN(z, Az, n); // gᵀAg
    if (!Number.isFinite(value)) {
      status = "breakdown";
      message = `probe ${j + 1}: gᵀAg = ${value} is not finite`;
      break;
    }
    used++;
    if (!scaled && value !== 0) {
      c = 2 ** Math.min(1023, -Math.round(Math.log2(Math.abs(value)))); // the zeros before are unchanged by it
      scaled = true;
    }
    const cv = c * value;
    const d = cv - mean;
    mean += d / used;
    m2 += d * (cv - mean);
    if (report(exact + mean / c, used > 1 ? Math.sqrt(m2 / (used - 1) / used) / c : NaN, j === residualProbes - 1)) break;
  }

  const trace = exact + (used > 0 ? mean / c : 0);
  const standardError = used > 1 ? Math.sqrt(m2 / (used - 1) / used) / c : NaN;
  const stats: Stats = {
    iterations: matvecs,
    matvecs,
    converged: status === "converged",
    status,
    residualNorm: standardError,
    timeMs: performance.now() - t0,
  };
  if (message !== undefined) stats.message = message;
  return { trace, standardError, stats };
}

/** x ← (I − QQᵀ)x for orthonormal columns Q, two passes of modified Gram–Schmidt. */
function project(x: Float64Array, Q: readonly Float64Array[], n: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (const q of Q) {
      axpyN(-dotN(q, x, n), q, x, n); // x ← x − (qᵀx)q
    }
  }
}
