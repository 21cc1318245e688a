/**
 * A few eigenvalues of a general (non-symmetric) operator by the Krylov–Schur method.
 *
 * @module
 */
import { operator, rng, type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats, type Status } from "../stats.js";
import { checkFunction, checkSignal, oneOf, optionsObject, squareOperator } from "../solver-args.js";
import { columnView, restartBasis, startVector } from "../lanczos/common.js";
import { COMBINE_ROWS } from "../lanczos/kernels.js";
import { arnoldiOrthogonalize, basisColumns } from "../arnoldi.js";
import { axpyN, dotN, normN } from "../kernels.js";
import { workspaceArrays } from "../simd/backend.js";
import { eigenvector, eigenvectorWork, realSchur, reorderSchur, schurBlocks, type SchurBlock } from "./small-schur.js";

/** Which eigenvalues `eigs` computes (of (A − σI)⁻¹ with a shift σ, i.e. those of A nearest σ by default). */
export type EigsWhich = "largestMagnitude" | "smallestMagnitude" | "largestReal" | "smallestReal";

/** What the callback of `eigs` sees after each restart cycle. */
export interface EigsRestartInfo {
  /** Restart cycles done (1 after the first). */
  restart: number;
  /** Wanted Ritz pairs whose estimated residual meets the tolerance. */
  converged: number;
  /** Products with the operator so far (solves with a shift). */
  matvecs: number;
  /** The largest estimated residual ‖Ax − θx‖ of the wanted Ritz pairs. */
  residualNorm: number;
}

/** Options of `eigs`. */
export interface EigsOptions {
  /** How many eigenvalues. Default 6 (at most n). */
  k?: number;
  /** Which end of the spectrum. Default `'largestMagnitude'`. */
  which?: EigsWhich;
  /** Relative tolerance: a pair converges when ‖Ax − λx‖ ≤ max(tol·|λ|, ε·‖H‖_F). Default 1e-10. */
  tol?: number;
  /** m, the largest basis (SciPy's ncv). Default min(n, max(2k + 1, 20)). */
  maxBasis?: number;
  /** Budget of restart cycles. Default 1000. */
  maxRestarts?: number;
  /** Start vector (normalized internally, never modified). Default: seeded standard normal. */
  v0?: VecLike;
  /** Seed of the random start vector. Default 0. */
  seed?: number;
  /** A real shift σ for shift-and-invert: the run is on (A − σI)⁻¹ through `solve`, `which` refers to its eigenvalues ν = 1/(λ − σ). */
  sigma?: number;
  /** out ← (A − σI)⁻¹x, the user's solve (a factorization, an inner iterative solve); required with `sigma`. */
  solve?: (x: Vec, out: Vec) => void;
  /** Return the eigenvectors. Default true. */
  vectors?: boolean;
  /** Record the largest estimated residual of the wanted pairs after each cycle in `stats.residualHistory`. */
  history?: boolean;
  /** Called after every restart cycle; returning `true` stops the run (status `'stopped'`). */
  callback?: (info: EigsRestartInfo) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every product. */
  signal?: AbortSignal;
}

const EIGS_OPTIONS = {
  k: true,
  which: true,
  tol: true,
  maxBasis: true,
  maxRestarts: true,
  v0: true,
  seed: true,
  sigma: true,
  solve: true,
  vectors: true,
  history: true,
  callback: true,
  signal: true,
} as const satisfies OptionKeys<EigsOptions>;

const WHICH: readonly EigsWhich[] = ["largestMagnitude", "smallestMagnitude", "largestReal", "smallestReal"];

/** The result of `eigs`. */
export interface EigsResult {
  /** Real parts of the eigenvalues, in the order of `which` (a complex pair: +im first, then its conjugate). */
  re: Float64Array;
  /** Imaginary parts (0 for a real eigenvalue; a pair appears as im, −im in consecutive entries). */
  im: Float64Array;
  /** With `vectors` (the default): each eigenvector x = re + i·im, ‖x‖₂ = 1 (im = 0 for a real eigenvalue). */
  vectors?: { re: Vec; im: Vec }[];
  /** The true residual ‖Ax − λx‖₂ of each returned pair, measured with A (its products counted). */
  residualNorms: Float64Array;
  /** Restart cycles run. */
  restarts: number;
  /**
   * `converged` when every returned pair's measured residual meets the tolerance; `iterations`
   * counts Arnoldi steps, `matvecs` products with A (with a shift: solves, plus the products
   * with A of the final check), `residualNorm` the largest returned residual.
   */
  stats: Stats;
}

/**
 * The k eigenvalues of a general square operator at one end of its spectrum (`which`), and their
 * eigenvectors, by the Krylov–Schur method (Stewart 2002), ARPACK's implicitly restarted Arnoldi
 * in a form that restarts by reordering a Schur form rather than by implicit QR steps.
 *
 * Each cycle extends the Krylov–Schur decomposition A·V_p = V_p·S_p + v_{p+1}·bᵀ to an Arnoldi-like
 * A·V_m = V_m·H_m + β·v_{m+1}·e_mᵀ (Gram–Schmidt with a second pass when needed), computes the real
 * Schur form H_m = Z·T·Zᵀ (Hessenberg reduction and Francis QR), estimates the residual of each
 * Ritz pair (θ, V_m y) as β·|e_mᵀy| (y from inverse iteration on H_m), and, unless the k wanted pairs
 * have converged, reorders T so that the p kept Ritz values lead (Bai & Demmel's swaps) and
 * restarts with V_p ← V_m·Z[:, 1:p], S_p = T[1:p, 1:p], bᵀ = β·Z[m, 1:p]. It keeps
 * p = max(k, c + ⌊(m − c)/2⌋) values, c the converged wanted ones (SLEPc's default of keeping half
 * the open space; ARPACK's p = k + min(c, (m − k)/2) took 6,740 products against 3,013 on
 * convection–diffusion 256² at Péclet 10, k = 6, m = 20), never splitting a conjugate pair.
 * Complex eigenvalues come in conjugate pairs; when the k-th and (k+1)-th wanted values are a
 * pair, both are returned (k + 1 values).
 *
 * Multiple eigenvalues: a single Krylov sequence holds one vector of each eigenspace, so a
 * double eigenvalue may come back once, with the next value in place of its copy, every returned
 * pair meeting the stopping rule (rounding brings the copy in only slowly; ARPACK shares the
 * limit). On 2-D convection–diffusion, whose λᵢⱼ = λⱼᵢ are double, from v0 = 1 (symmetric in
 * i ↔ j) this happens at 64² and 256², Péclet 10. Know your multiplicities, or compare runs from
 * different start vectors.
 *
 * Stopping rule: ‖Ax − λx‖₂ ≤ max(tol·|λ|, ε·‖H_m‖_F) for every returned pair (ARPACK's relative
 * test, with a floor for λ ≈ 0), checked on the estimates, then verified on the TRUE residuals
 * with A (one product per real pair, two per complex pair, counted); when a verified residual
 * misses, the cycles go on with a tolerance lowered by the ratio. `converged` is only set from the
 * measured residuals. A Schur form that fails to converge ends the run with status `'breakdown'`.
 *
 * Shift-and-invert: with `sigma` and `solve` (out ← (A − σI)⁻¹x), the run is on (A − σI)⁻¹, whose
 * largest eigenvalues ν are those of A nearest σ (λ = σ + 1/ν); the residuals are still measured
 * with A.
 *
 * Only `A.apply` is used. The basis lives in one workspace allocated once.
 *
 * @param A - n×n operator
 * @returns `{ re, im, vectors?, residualNorms, restarts, stats }`
 * @example
 * const { re, im, residualNorms } = eigs(A, { k: 6, which: "largestReal" });
 * // shift-and-invert around σ = 0.5 with a dense LU solve:
 * eigs(A, { k: 4, sigma: 0.5, solve: (x, out) => luSolve(x, out) });
 */
export function eigs(A: LinearOperator, options?: EigsOptions): EigsResult {
  const fn = "eigs";
  const t0 = performance.now();
  const n = squareOperator(fn, "A", A);
  const o = optionsObject(fn, options, EIGS_OPTIONS);
  const k = checkInteger(fn, "options.k", o.k ?? Math.min(6, n), 1);
  if (k > n) throw new RangeError(`${fn}: options.k is ${k} but A is ${n}×${n} (k ≤ n)`);
  const which = oneOf(fn, "options.which", o.which, WHICH, "largestMagnitude");
  const tol = checkNumber(fn, "options.tol", o.tol ?? 1e-10);
  const m = Math.min(n, checkInteger(fn, "options.maxBasis", o.maxBasis ?? Math.min(n, Math.max(2 * k + 1, 20)), 1));
  if (m < n && m < k + 2) throw new RangeError(`${fn}: options.maxBasis is ${m} but needs at least k + 2 = ${k + 2} (or n = ${n})`);
  const maxRestarts = checkInteger(fn, "options.maxRestarts", o.maxRestarts ?? 1000, 1);
  const seed = checkInteger(fn, "options.seed", o.seed ?? 0, 0);
  const sigma = o.sigma === undefined ? undefined : checkNumber(fn, "options.sigma", o.sigma, -Infinity);
  const solve = checkFunction(fn, "options.solve", o.solve);
  if ((sigma === undefined) !== (solve === undefined)) throw new TypeError(`${fn}: options.sigma and options.solve go together (shift-and-invert)`);
  const wantVectors = o.vectors ?? true;
  if (typeof wantVectors !== "boolean") throw new TypeError(`${fn}: options.vectors must be a boolean, got ${typeof wantVectors}`);
  const history: number[] | undefined = o.history === true ? [] : undefined;
  const callback = checkFunction(fn, "options.callback", o.callback);
  const signal = checkSignal(fn, o.signal);
  const OP: LinearOperator = solve === undefined ? A : operator([n, n], (x: Vec, out: Vec) => solve(x, out));

  // Workspace, allocated once: the basis V (m + 1 columns), the Gram–Schmidt coefficients, the
  // scratch of the basis rotation; the projected matrices are small.
  const [V, h, g, scratch] = workspaceArrays(n, [(m + 1) * n, m + 1, m + 1, (COMBINE_ROWS + m) * m]) as [Float64Array, Float64Array, Float64Array, Float64Array];
  startVector(fn, o.v0, seed, A, V.subarray(0, n));
  const cols: Vec[] = [];
  for (let c = 0; c <= m; c++) cols.push(columnView(V, c * n, n));
  const arrays = basisColumns(V, n, m + 1); // views and arrays made once, outside the loop
  const B = new Float64Array((m + 1) * m); // rows 0…m−1: H_m = V_mᵀAV_m; row m: β·e_mᵀ (row-major, ld m)
  const T = new Float64Array(m * m);
  const Z = new Float64Array(m * m);
  const work = new Float64Array(m);
  const yr = new Float64Array(m);
  const yi = new Float64Array(m);
  const eigWork = eigenvectorWork(m);
  const random = rng(seed + 1);
  const keepIdx = Array.from({ length: m }, (_, i) => i);

  let matvecs = 0;
  let steps = 0;
  let restarts = 0;
  let kk = 0; // the order p of the current Krylov–Schur decomposition
  let status: Status = "maxIterations";
  let message: string | undefined;
  let innerTol = tol;
  let normH = 0;
  let wanted: { re: number; im: number }[] = [];
  let estimates: number[] = [];
  let lambdas: { re: number; im: number }[] = []; // the wanted eigenvalues of A
  let ritzWork: Float64Array[] | undefined; // the Ritz vectors' scratch, made at the first verification

  cycles: while (true) {
    // Extend A·V_p = V_p·S_p + v_{p+1}·bᵀ to m columns by Arnoldi steps.
    for (let j = kk; j < m; j++) {
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
        break cycles;
      }
      const w = arrays[j + 1] as Float64Array;
      OP.apply(cols[j] as Vec, cols[j + 1] as Vec); // w ← A v_j
      matvecs++;
      steps++;
      const normAv = normN(w, n);
      h.fill(0);
      const beta = arnoldiOrthogonalize(V, arrays, j + 1, n, w, h, g, "cgs2"); // w ← w − Σ h_{ij} vᵢ
      for (let i = 0; i <= j; i++) B[i * m + j] = h[i] as number;
      if (!Number.isFinite(beta)) {
        status = "breakdown";
        message = `a coefficient of the Arnoldi step ${steps} is not finite`;
        break cycles;
      }
      if (beta > 1e-12 * normAv) {
        B[(j + 1) * m + j] = beta; // h_{j+1,j} = ‖w‖
        for (let i = 0; i < n; i++) w[i] = (w[i] as number) / beta; // v_{j+1} = w / h_{j+1,j}
      } else {
        // K is invariant under A: the coupling is 0; go on from a random vector orthogonal to V.
        B[(j + 1) * m + j] = 0;
        if (j + 1 < n) {
          for (let i = 0; i < n; i++) w[i] = random.normal();
          h.fill(0);
          const nrm = arnoldiOrthogonalize(V, arrays, j + 1, n, w, h, g, "cgs2");
          for (let i = 0; i < n; i++) w[i] = (w[i] as number) / nrm;
        } else {
          w.fill(0);
        }
      }
    }
    const beta = B[m * m + m - 1] as number;

    // The real Schur form of H_m and the wanted Ritz values.
    T.set(B.subarray(0, m * m));
    normH = 0;
    for (let i = 0; i < m * m; i++) normH += (T[i] as number) ** 2;
    normH = Math.sqrt(normH);
    if (!realSchur(T, Z, m, work)) {
      status = "breakdown";
      message = `the QR algorithm on the ${m}×${m} projected matrix did not converge`;
      break;
    }
    const values = schurBlocks(T, m).flatMap((b) => (b.im > 0 ? [{ re: b.re, im: b.im }, { re: b.re, im: -b.im }] : [{ re: b.re, im: b.im }]));
    values.sort(order(which));
    let nWanted = Math.min(k, values.length);
    if (nWanted < values.length && isPairStart(values, nWanted - 1)) nWanted++; // do not split a conjugate pair
    wanted = values.slice(0, nWanted);
    estimates = wanted.map((v, i) => {
      if (i > 0 && v.im < 0 && (wanted[i - 1] as { im: number }).im === -v.im) return NaN; // the conjugate's, filled below
      eigenvector(B, m, v.re, v.im, yr, yi, eigWork); // H_m y = θ y (B's first m rows are H_m)
      return Math.abs(beta) * Math.hypot(yr[m - 1] as number, yi[m - 1] as number); // ‖A V y − θ V y‖ = β|e_mᵀy|
    });
    estimates = estimates.map((r, i) => (Number.isNaN(r) ? (estimates[i - 1] as number) : r));
    lambdas = wanted.map((v) => toEigenvalue(v, sigma));
    const converged = estimates.filter((r, i) => r <= tolerance(lambdas[i] as { re: number; im: number }, innerTol, normH, sigma, wanted[i] as { re: number; im: number })).length;
    const worst = Math.max(...estimates);
    restarts++;
    history?.push(worst);
    if (callback !== undefined && callback({ restart: restarts, converged, matvecs, residualNorm: worst }) === true) {
      status = "stopped";
      message = "stopped by the callback";
      break;
    }
    if (converged >= nWanted) {
      // Verify on the true residuals with A; on a miss, lower the tolerance and go on.
      const { residuals } = ritzPairs(false);
      const ratio = Math.max(...residuals.map((r, i) => (r === 0 ? 0 : r / trueTolerance(lambdas[i] as { re: number; im: number }))));
      if (ratio <= 1) {
        status = "converged";
        break;
      }
      innerTol = innerTol / Math.max(2, 2 * ratio);
      if (!(innerTol > Number.EPSILON * 1e-3)) {
        status = "breakdown";
        message = `the estimated residuals met the tolerance but the measured ones stay ${ratio.toExponential(2)} times above it`;
        break;
      }
    }
    if (restarts >= maxRestarts) {
      message = `the budget of ${maxRestarts} restart cycles ran out with ${converged} of ${nWanted} pairs converged`;
      break;
    }

    // Restart: keep p Ritz values (the wanted first), reorder T, rotate the basis.
    let p = Math.min(Math.max(nWanted, converged + Math.floor((m - converged) / 2)), m - 1); // keep half the open space (SLEPc's default)
    if (p > 0 && p < values.length && isPairStart(values, p - 1)) p = p + 1 < m ? p + 1 : p - 1;
    if (p <= 0) p = 1;
    const keepSet = values.slice(0, p);
    const placed = reorderSchur(T, Z, m, (b: SchurBlock) => keepSet.some((v) => v.re === b.re && Math.abs(v.im) === Math.abs(b.im)));
    p = placed;
    restartBasis(V, n, m, Z, keepIdx.slice(0, p), [], V, 0, scratch, 1); // V_p ← V_m·Z[:, 1:p], v_{p+1} ← v_{m+1}
    B.fill(0);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) B[i * m + j] = T[i * m + j] as number; // S_p = T[1:p, 1:p]
    for (let j = 0; j < p; j++) B[p * m + j] = beta * (Z[(m - 1) * m + j] as number); // bᵀ = β·e_mᵀZ[:, 1:p]
    kk = p;
  }

  // The result: Ritz pairs of the last cycle with their measured residuals.
  const count = wanted.length;
  const re = new Float64Array(count);
  const im = new Float64Array(count);
  lambdas.forEach((l, i) => {
    re[i] = l.re;
    im[i] = l.im;
  });
  let residualNorms = new Float64Array(count).fill(NaN);
  let vectors: { re: Vec; im: Vec }[] | undefined;
  if (count > 0 && status !== "stopped" && (status !== "breakdown" || message?.startsWith("the estimated") === true)) {
    const pairs = ritzPairs(wantVectors);
    residualNorms = Float64Array.from(pairs.residuals);
    vectors = pairs.vectors;
  }
  const worstTrue = count === 0 ? NaN : Math.max(...residualNorms);
  const stats: Stats = { iterations: steps, matvecs, converged: status === "converged", status, residualNorm: worstTrue, timeMs: 0 };
  if (history !== undefined) stats.residualHistory = history;
  if (message !== undefined) stats.message = message;
  stats.timeMs = performance.now() - t0;
  const result: EigsResult = { re, im, residualNorms, restarts, stats };
  if (wantVectors && vectors !== undefined) result.vectors = vectors;
  return result;

  /** The tolerance of the stopping rule for eigenvalue λ of A. */
  function trueTolerance(l: { re: number; im: number }): number {
    return Math.max(tol * Math.hypot(l.re, l.im), Number.EPSILON * (sigma === undefined ? normH : Math.hypot(l.re, l.im)));
  }

  /**
   * The Ritz vectors x = V_m y of the wanted values (y = eigenvector of H_m) and their measured
   * residuals ‖Ax − λx‖ (one product with A per real value, two per pair, counted).
   */
  function ritzPairs(keep: boolean): { residuals: number[]; vectors?: { re: Vec; im: Vec }[] } {
    const residuals: number[] = [];
    const out: { re: Vec; im: Vec }[] = [];
    ritzWork ??= [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)]; // once per run
    const [xr, xi, ar, ai] = ritzWork as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < wanted.length; i++) {
      const v = wanted[i] as { re: number; im: number };
      const l = lambdas[i] as { re: number; im: number };
      const conjugate = i > 0 && v.im < 0 && (wanted[i - 1] as { im: number }).im === -v.im;
      if (!conjugate) {
        eigenvector(B, m, v.re, v.im, yr, yi, eigWork);
        xr.fill(0);
        xi.fill(0);
        for (let c = 0; c < m; c++) {
          const vc = V.subarray(c * n, (c + 1) * n);
          axpyN(yr[c] as number, vc, xr, n); // x = V_m y
          if (v.im !== 0) axpyN(yi[c] as number, vc, xi, n);
        }
        let nrm = Math.sqrt(dotN(xr, xr, n) + dotN(xi, xi, n));
        if (!(nrm > 0)) nrm = 1;
        for (let t = 0; t < n; t++) {
          xr[t] = (xr[t] as number) / nrm;
          xi[t] = (xi[t] as number) / nrm;
        }
        A.apply(columnView(xr, 0, n), columnView(ar, 0, n));
        matvecs++;
        if (l.im !== 0) {
          A.apply(columnView(xi, 0, n), columnView(ai, 0, n));
          matvecs++;
        }
        let s = 0;
        for (let t = 0; t < n; t++) {
          const rr = (ar[t] as number) - l.re * (xr[t] as number) + l.im * (xi[t] as number); // Re(Ax − λx)
          const ri = l.im === 0 ? 0 : (ai[t] as number) - l.re * (xi[t] as number) - l.im * (xr[t] as number); // Im(Ax − λx)
          s += rr * rr + ri * ri;
        }
        residuals.push(Math.sqrt(s));
        if (keep) out.push({ re: columnView(Float64Array.from(xr), 0, n), im: columnView(Float64Array.from(xi), 0, n) });
      } else {
        residuals.push(residuals[i - 1] as number); // the conjugate pair x̄ has the same residual
        if (keep) {
          const prev = out[i - 1] as { re: Vec; im: Vec };
          out.push({ re: columnView(Float64Array.from(prev.re.data), 0, n), im: columnView(Float64Array.from(prev.im.data, (x) => -x), 0, n) });
        }
      }
    }
    return keep ? { residuals, vectors: out } : { residuals };
  }
}

/** The Ritz value's tolerance for the estimate (in the space of the operator run: A, or (A − σI)⁻¹). */
function tolerance(l: { re: number; im: number }, tol: number, normH: number, sigma: number | undefined, nu: { re: number; im: number }): number {
  if (sigma === undefined) return Math.max(tol * Math.hypot(l.re, l.im), Number.EPSILON * normH);
  // ‖(A − σI)⁻¹x − νx‖ ≈ |ν|·‖Ax − λx‖/|λ − σ|: the relative test on λ carried to ν.
  const absNu = Math.hypot(nu.re, nu.im);
  return Math.max(tol * Math.hypot(l.re, l.im) * absNu * absNu, Number.EPSILON * normH);
}

/** λ of A from the Ritz value θ of the operator run (θ itself, or σ + 1/ν). */
function toEigenvalue(v: { re: number; im: number }, sigma: number | undefined): { re: number; im: number } {
  if (sigma === undefined) return v;
  const d = v.re * v.re + v.im * v.im; // 1/ν = ν̄/|ν|²
  return { re: sigma + v.re / d, im: -v.im / d };
}

/** Whether values[i] and values[i + 1] are a conjugate pair (im > 0 then −im). */
function isPairStart(values: readonly { re: number; im: number }[], i: number): boolean {
  const a = values[i];
  const b = values[i + 1];
  return a !== undefined && b !== undefined && a.im > 0 && b.im === -a.im && b.re === a.re;
}

/** The comparison that sorts Ritz values by `which`, a pair's +im before its −im. */
function order(which: EigsWhich): (a: { re: number; im: number }, b: { re: number; im: number }) => number {
  const key = (v: { re: number; im: number }): number => {
    switch (which) {
      case "largestMagnitude":
        return -Math.hypot(v.re, v.im);
      case "smallestMagnitude":
        return Math.hypot(v.re, v.im);
      case "largestReal":
        return -v.re;
      case "smallestReal":
        return v.re;
    }
  };
  return (a, b) => {
    const d = key(a) - key(b);
    if (d !== 0) return d;
    if (a.re !== b.re) return b.re - a.re;
    return Math.abs(b.im) - Math.abs(a.im) || b.im - a.im;
  };
}
