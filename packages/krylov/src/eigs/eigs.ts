/**
 * A few eigenvalues of a general (non-symmetric) operator by the Krylov–Schur method.
 *
 * @module
 */
import { operator, rng, type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats, type Status } from "../stats.js";
import { checkFunction, checkSignal, oneOf, optionsObject, squareOperator } from "../solver-args.js";
import { columnView, orthogonalize, PowerOfTwoScaled, restartBasis, startVector } from "../lanczos/common.js";
import { COMBINE_ROWS } from "../lanczos/kernels.js";
import { axpyN, dotN, normN } from "../kernels.js";
import { workspaceArrays } from "../simd/backend.js";
import { eigenvector, eigenvectorWork, realSchur, reorderSchur, schurBlocks, type SchurBlock } from "./small-schur.js";
import { eigenvectors, isConjugate, projectedMatrix, rotateColumns, type Complex } from "./locked.js";

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
  /** Restart cycles run (those of the deflated searches included). */
  restarts: number;
  /**
   * The deflated searches run after the first run's values were locked: how many, the products
   * they took (their Arnoldi steps and the products of the vectors they merged), and how many
   * values they brought into the wanted set (missed copies of multiple eigenvalues, or values the
   * first run passed over). The last search of a converged run found nothing better.
   */
  search: { searches: number; matvecs: number; found: number };
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
 * Multiple eigenvalues: a single Krylov sequence holds one vector of each eigenspace, so the first
 * run may return a double eigenvalue once, the next value in place of its copy (on 2-D
 * convection–diffusion, whose λᵢⱼ = λⱼᵢ are double, from v0 = 1 it does at 64² and 256²). So once
 * the k wanted pairs have converged, their Schur vectors L are locked (OP·L from products, the Ritz
 * pairs of Lᵀ·OP·L checked on them) and a deflated search runs: Krylov–Schur on (I − LLᵀ)·OP in
 * L⊥ from a random vector, for its best value (Stewart 2002, §deflation; ARPACK and SLEPc lock
 * alike). A value that beats the k-th wanted one by more than its tolerance is locked too, its
 * Schur vectors joining L, and the same search goes on with the rest of its decomposition (which
 * stays a Krylov–Schur decomposition of the new deflated operator), where the next copies are
 * already forming; the wanted k are the best eigenvalues of Lᵀ·OP·L (Rayleigh–Ritz on the locked
 * block). The run ends when the search's best value has converged without beating the k-th wanted
 * one. Copies of a value get independent eigenvectors. `result.search` reports the searches, their
 * products and the values they brought in. A search is a random probe, not a proof: a value whose
 * eigenvector is nearly orthogonal to its random start can still be missed, as by any Krylov method.
 *
 * Stopping rule: ‖Ax − λx‖₂ ≤ max(tol·|λ|, ε·‖H_m‖_F) for every returned pair (ARPACK's relative
 * test, with a floor for λ ≈ 0), checked on the estimates, then verified on the TRUE residuals
 * with A (one product per real pair, two per complex pair, counted); when a verified residual
 * misses, the cycles go on with a tolerance lowered by the ratio (when the final check of the
 * locked block misses, the whole run again, from v0). `converged` is only set from the measured
 * residuals, after the last search. A Schur form that fails to converge ends the run with status `'breakdown'`.
 *
 * Shift-and-invert: with `sigma` and `solve` (out ← (A − σI)⁻¹x), the run is on (A − σI)⁻¹, whose
 * largest eigenvalues ν are those of A nearest σ (λ = σ + 1/ν); the residuals are still measured
 * with A.
 *
 * Only `A.apply` is used. The basis lives in one workspace allocated once. Scale: the run is on
 * OP·2^−e and the residuals on A·2^−e, e fixed on the first product (as in `lanczos`), so A of norm
 * 1e±300 gives scale·(the results on A/scale) exactly.
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
  // The run is on OP·2^−e and the residuals are measured on A·2^−e (each e fixed on its first
  // product so that the operator has a norm near 1 when A's lies outside 2^±64): the norms, Gram–
  // Schmidt coefficients and small Schur forms neither overflow nor underflow for A of norm 1e±300,
  // and the results scale back exactly (a power of two).
  const As = new PowerOfTwoScaled(A);
  const OP = solve === undefined ? As : new PowerOfTwoScaled(operator([n, n], (x: Vec, out: Vec) => solve(x, out)));

  // Workspace, allocated once: `lmax` slots for the locked Schur vectors L (the k (+1) wanted, the
  // values the searches locked, and room for a search's ≤ 2 more), then the Krylov basis V (m + 1 columns),
  // so that one Gram–Schmidt sweep over slots [base − l, base + j] makes a new vector ⟂ L and V;
  // the products OP·L in the same slots of AL; the Gram–Schmidt coefficients; the rotation scratch.
  const lmax = Math.min(n, 2 * k + 2) + 2;
  const base = lmax;
  const width = base + m + 1;
  const [V, h, g, scratch, AL, tmp] = workspaceArrays(n, [width * n, width, width, (COMBINE_ROWS + m) * m, base * n, base * n]) as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  const Vk = V.subarray(base * n); // the Krylov basis, column j at j·n
  const cols: Vec[] = [];
  for (let c = 0; c < width; c++) cols.push(columnView(V, c * n, n));
  const B = new Float64Array((m + 1) * m); // rows 0…mm−1: H = VᵀOP·V; row mm: β·e_mmᵀ (row-major, ld mm)
  const T = new Float64Array(m * m);
  const Z = new Float64Array(m * m);
  const small = Math.max(m, lmax);
  const work = new Float64Array(small);
  const yr = new Float64Array(m);
  const yi = new Float64Array(m);
  const eigWork = eigenvectorWork(small);
  const random = rng(seed + 1);
  const keepIdx = Array.from({ length: m }, (_, i) => i);

  let matvecs = 0;
  let steps = 0;
  let restarts = 0;
  let status: Status = "maxIterations";
  let message: string | undefined;
  let innerTol = tol;
  let normH = 0; // ‖H‖_F of the last cycle of the first run (the floor of the stopping rule)
  // The Krylov–Schur decomposition OP·V_p = V_p·S_p + v_{p+1}·bᵀ of the current run, on L⊥.
  let kk = 0; // its order p
  let mm = m; // the basis size of the current run: min(m, n − l)
  let values: (Complex & { start: number })[] = []; // the Ritz values of the last cycle, sorted by `which`
  let nWanted = 0;
  let lastConverged = 0;
  // The locked block: l orthonormal Schur vectors in slots [base − l, base) with OP·L in AL.
  let l = 0;
  let G: Float64Array = new Float64Array(0); // Lᵀ·OP·L (l×l)
  let lockedValues: Complex[] = []; // the eigenvalues of G, sorted by `which`
  let searches = 0;
  let searchMatvecs = 0;
  let found = 0;
  let finalResiduals: number[] | undefined;
  let finalVectors: { re: Vec; im: Vec }[] | undefined;
  let ritzWork: Float64Array[] | undefined; // the Ritz vectors' scratch, made at the first check

  run: while (true) {
    // 1. The k wanted Ritz pairs of OP, locked and verified on their explicit products.
    l = 0;
    openBasis(true);
    let out = cycles(k);
    while (out === "wanted") {
      lockRitz(true);
      const ratio = lockedRatio();
      if (ratio <= 1) break;
      if (!lowerTolerance(ratio)) break run;
      l = 0;
      restart();
      out = cycles(k);
    }
    if (out !== "wanted") {
      status = out;
      if (out === "maxIterations") lockRitz(false);
      break;
    }

    // 2. Deflated searches: Krylov–Schur on (I − LLᵀ)·OP on L⊥ from a random vector, for its best
    //    value. One that beats the k-th wanted (a missed copy of a multiple eigenvalue, or a value
    //    the first run passed over) is locked, its Schur vectors W joining L, and the same run goes
    //    on with the rest of its decomposition (exact for the new L: (I − WWᵀ)(I − LLᵀ)·OP·V_r =
    //    V_r·S₂₂ + v·b₂ᵀ), where the next copies are already forming; until the search's best value
    //    is resolved without beating the k-th wanted one.
    let fresh = true;
    while (l < n) {
      const before = matvecs;
      if (fresh) {
        openBasis(false);
        searches++;
        fresh = false;
      }
      out = cycles(1);
      searchMatvecs += matvecs - before;
      if (out !== "wanted") {
        status = out;
        message = `${message ?? ""} (in deflated search ${searches} for values the first run missed)`;
        break run;
      }
      const kth = wantedOf(lockedValues).at(-1) as Complex;
      if (!beats(values[0] as Complex, kth)) break;
      const w = lockSearch();
      searchMatvecs += w;
      found += w;
      const ratio = lockedRatio();
      if (ratio > 1 && !lowerTolerance(ratio)) break run;
      if (l + 2 > lmax) {
        merge(l); // no room for another: keep the wanted Schur vectors of L only, and search afresh
        fresh = true;
      }
    }

    // 3. The answer: the Ritz pairs of the block, converged only on their measured ‖Ax − λx‖.
    const pairs = ritzPairs(wantVectors);
    finalResiduals = pairs.residuals;
    finalVectors = pairs.vectors;
    const ratio = Math.max(...pairs.residuals.map((r, i) => (r === 0 ? 0 : r / trueTolerance(lambdaOf(i)))));
    if (ratio <= 1) {
      status = "converged";
      break;
    }
    if (!lowerTolerance(ratio)) break; // else the whole run again, from v0, to the lower tolerance
    finalResiduals = undefined;
    finalVectors = undefined;
  }

  // The result: the wanted Ritz pairs of the block with their measured residuals.
  const wanted = l > 0 ? wantedOf(lockedValues) : values.slice(0, nWanted);
  const count = wanted.length;
  const re = new Float64Array(count);
  const im = new Float64Array(count);
  wanted.forEach((v, i) => {
    const lambda = eigenvalueOf(v);
    re[i] = lambda.re;
    im[i] = lambda.im;
  });
  let residualNorms = new Float64Array(count).fill(NaN);
  let vectors = finalVectors;
  if (finalResiduals !== undefined) residualNorms = Float64Array.from(finalResiduals, (r) => r * As.scale);
  else if (l > 0 && status !== "stopped") {
    const pairs = ritzPairs(wantVectors);
    residualNorms = Float64Array.from(pairs.residuals, (r) => r * As.scale);
    vectors = pairs.vectors;
  }
  const worstTrue = count === 0 ? NaN : Math.max(...residualNorms);
  const stats: Stats = { iterations: steps, matvecs, converged: status === "converged", status, residualNorm: worstTrue, timeMs: 0 };
  if (history !== undefined) stats.residualHistory = history;
  if (message !== undefined) stats.message = message;
  stats.timeMs = performance.now() - t0;
  const result: EigsResult = { re, im, residualNorms, restarts, search: { searches, matvecs: searchMatvecs, found }, stats };
  if (wantVectors && vectors !== undefined) result.vectors = vectors;
  return result;

  /** Krylov column 0 ← a unit vector ⟂ L: v0 (or the seeded random vector) for the first run, random for a search. */
  function openBasis(first: boolean): void {
    const w = Vk.subarray(0, n);
    if (first) startVector(fn, o.v0, seed, A, w);
    else {
      for (let i = 0; i < n; i++) w[i] = random.normal();
      const nrm = orthogonalize(V, base - l, base, n, w, g);
      for (let i = 0; i < n; i++) w[i] = (w[i] as number) / nrm;
    }
    B.fill(0);
    kk = 0;
    mm = Math.min(m, n - l);
  }

  /**
   * Krylov–Schur cycles on (I − LLᵀ)·OP restricted to L⊥ (OP itself when l = 0) until the
   * estimates of the `want` wanted Ritz pairs meet the tolerance: `'wanted'`, or the status that
   * ended the run (with `message`).
   */
  function cycles(want: number): "wanted" | Status {
    while (true) {
      // Extend OP·V_p = V_p·S_p + v_{p+1}·bᵀ to mm columns by Arnoldi steps, each vector ⟂ L.
      for (let j = kk; j < mm; j++) {
        if (signal?.aborted) {
          message = "aborted by the signal";
          return "stopped";
        }
        const w = Vk.subarray((j + 1) * n, (j + 2) * n);
        OP.apply(cols[base + j] as Vec, cols[base + j + 1] as Vec); // w ← OP v_j
        matvecs++;
        steps++;
        const normAv = normN(w, n);
        h.fill(0);
        const beta = orthogonalize(V, base - l, base + j + 1, n, w, g, h); // w ← w − Σ (lᵢᵀw)·lᵢ − Σ h_{ij} vᵢ
        for (let i = 0; i <= j; i++) B[i * mm + j] = h[base + i] as number;
        if (!Number.isFinite(beta)) {
          message = `a coefficient of the Arnoldi step ${steps} is not finite`;
          return "breakdown";
        }
        if (beta > 1e-12 * normAv) {
          B[(j + 1) * mm + j] = beta; // h_{j+1,j} = ‖w‖
          for (let i = 0; i < n; i++) w[i] = (w[i] as number) / beta; // v_{j+1} = w / h_{j+1,j}
        } else {
          // K is invariant: the coupling is 0; go on from a random vector orthogonal to L and V.
          B[(j + 1) * mm + j] = 0;
          if (l + j + 1 < n) {
            for (let i = 0; i < n; i++) w[i] = random.normal();
            const nrm = orthogonalize(V, base - l, base + j + 1, n, w, g);
            for (let i = 0; i < n; i++) w[i] = (w[i] as number) / nrm;
          } else {
            w.fill(0);
          }
        }
      }
      const beta = B[mm * mm + mm - 1] as number;

      // The real Schur form of H and the wanted Ritz values.
      T.set(B.subarray(0, mm * mm));
      let normSq = 0;
      for (let i = 0; i < mm * mm; i++) normSq += (T[i] as number) ** 2;
      if (l === 0) normH = Math.sqrt(normSq);
      if (!realSchur(T, Z, mm, work)) {
        message = `the QR algorithm on the ${mm}×${mm} projected matrix did not converge`;
        return "breakdown";
      }
      values = sortedValues(T, mm, which);
      nWanted = Math.min(want, values.length);
      if (nWanted < values.length && isPairStart(values, nWanted - 1)) nWanted++; // do not split a conjugate pair
      const wanted = values.slice(0, nWanted);
      let estimates = wanted.map((v, i) => {
        if (isConjugate(wanted, i)) return NaN; // the conjugate's, filled below
        eigenvector(B, mm, v.re, v.im, yr, yi, eigWork); // H y = θ y (B's first mm rows are H)
        return Math.abs(beta) * Math.hypot(yr[mm - 1] as number, yi[mm - 1] as number); // ‖OP V y − θ V y‖ = β|e_mmᵀy|
      });
      estimates = estimates.map((r, i) => (Number.isNaN(r) ? (estimates[i - 1] as number) : r));
      const converged = estimates.filter((r, i) => r <= estimateTolerance(wanted[i] as Complex, innerTol)).length;
      lastConverged = converged;
      const worst = Math.max(...estimates) * OP.scale; // in the units of OP
      restarts++;
      history?.push(worst);
      if (callback !== undefined && callback({ restart: restarts, converged, matvecs, residualNorm: worst }) === true) {
        message = "stopped by the callback";
        return "stopped";
      }
      if (converged >= nWanted) return "wanted";
      if (restarts >= maxRestarts) {
        message = `the budget of ${maxRestarts} restart cycles ran out with ${converged} of ${nWanted} pairs converged`;
        return "maxIterations";
      }
      restart();
    }
  }

  /** Keep p Ritz values (the wanted first): reorder T, rotate the basis, S_p = T[1:p, 1:p], bᵀ = β·Z[mm, 1:p]. */
  function restart(): void {
    const beta = B[mm * mm + mm - 1] as number;
    const c = lastConverged;
    let p = Math.min(Math.max(nWanted, c + Math.floor((mm - c) / 2)), mm - 1); // keep half the open space (SLEPc's default)
    if (p > 0 && p < values.length && isPairStart(values, p - 1)) p = p + 1 < mm ? p + 1 : p - 1;
    if (p <= 0) p = 1;
    p = leadWanted(p);
    restartBasis(Vk, n, mm, Z, keepIdx.slice(0, p), [], Vk, 0, scratch, 1); // V_p ← V·Z[:, 1:p], v_{p+1} ← v_{mm+1}
    B.fill(0);
    for (let i = 0; i < p; i++) for (let j = 0; j < p; j++) B[i * mm + j] = T[i * mm + j] as number;
    for (let j = 0; j < p; j++) B[p * mm + j] = beta * (Z[(mm - 1) * mm + j] as number);
    kk = p;
  }

  /** Reorders the Schur form so that the blocks of the first `count` sorted values lead; returns their order. */
  function leadWanted(count: number): number {
    const starts = new Set(values.slice(0, count).map((v) => v.start));
    const p = reorderSchur(T, Z, mm, (b: SchurBlock) => starts.has(b.start));
    values = sortedValues(T, mm, which); // the blocks moved
    return p;
  }

  /** L ← the Schur vectors of the wanted Ritz values of the run (l = 0 before), G = T₁₁; with `explicit`, OP·L and G = Lᵀ·OP·L from products. */
  function lockRitz(explicit: boolean): void {
    const p = leadWanted(nWanted);
    restartBasis(Vk, n, mm, Z, [], keepIdx.slice(0, p), V, base - p, scratch, 0);
    l = p;
    if (explicit) {
      for (let c = base - l; c < base; c++) productInto(c);
      G = projectedMatrix(V, AL, base - l, l, n);
    } else {
      G = new Float64Array(l * l);
      for (let i = 0; i < l; i++) for (let j = 0; j < l; j++) G[i * l + j] = T[i * mm + j] as number;
    }
    lockedValues = eigenvaluesOf(G, l, which);
  }

  /**
   * Locks the search's wanted Schur vectors W (slots before L; OP·W from products) and leaves the
   * rest of its decomposition, the next p values kept as at a restart, as the run to go on with
   * (kk = 0 when nothing is left to keep). Returns the number w of vectors locked.
   */
  function lockSearch(): number {
    const beta = B[mm * mm + mm - 1] as number;
    const w = leadWanted(nWanted);
    const mNew = Math.min(m, n - l - w);
    const c = lastConverged;
    let p = Math.min(Math.max(w + 1, c + Math.floor((mm - c) / 2)), mm - 1);
    if (p < values.length && isPairStart(values, p - 1)) p = p + 1 < mm ? p + 1 : p - 1;
    p = Math.min(p, w + mNew - 1);
    if (p > w) p = leadWanted(p); // W stays in front: the selected blocks keep their order
    const q = Math.max(0, p - w);
    restartBasis(Vk, n, mm, Z, keepIdx.slice(w, w + q), keepIdx.slice(0, w), V, base - l - w, scratch, 1);
    B.fill(0);
    for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) B[i * mNew + j] = T[(w + i) * mm + w + j] as number; // S₂₂
    for (let j = 0; j < q; j++) B[q * mNew + j] = beta * (Z[(mm - 1) * mm + w + j] as number); // b₂ᵀ
    mm = mNew;
    kk = q;
    for (let c2 = base - l - w; c2 < base - l; c2++) productInto(c2);
    l += w;
    G = projectedMatrix(V, AL, base - l, l, n);
    lockedValues = eigenvaluesOf(G, l, which);
    return w;
  }

  /** AL[:, c] ← OP·V[:, c] (counted). */
  function productInto(c: number): void {
    OP.apply(cols[c] as Vec, columnView(AL, c * n, n));
    matvecs++;
  }

  /**
   * Rayleigh–Ritz of OP on U = [W L] (slots [base − u, base), OP·U explicit): the real Schur form
   * G_U = Y·T_U·Yᵀ, the wanted values' blocks reordered to lead, L ← U·Y[:, 1:l], OP·L ← OP·U·Y[:, 1:l].
   */
  function merge(u: number): void {
    const s0 = base - u;
    const Tu = projectedMatrix(V, AL, s0, u, n);
    const Y = new Float64Array(u * u);
    if (!realSchur(Tu, Y, u, work)) return; // (a u×u QR that fails keeps L as it was)
    const starts = new Set(wantedOf(sortedValues(Tu, u, which)).map((v) => v.start));
    const p = reorderSchur(Tu, Y, u, (b: SchurBlock) => starts.has(b.start));
    rotateColumns(V, s0, u, n, Y, p, tmp, base - p);
    rotateColumns(AL, s0, u, n, Y, p, tmp, base - p);
    l = p;
    G = projectedMatrix(V, AL, base - l, l, n);
    lockedValues = eigenvaluesOf(G, l, which);
  }

  /** The largest ratio of a wanted locked pair's residual ‖OP·L·y − θ·L·y‖ (from the explicit OP·L) to its tolerance. */
  function lockedRatio(): number {
    const wanted = wantedOf(lockedValues);
    const ys = eigenvectors(G, l, wanted, clusterOf(G, l), eigWork);
    ritzWork ??= [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const [xr, xi, ar, ai] = ritzWork as [Float64Array, Float64Array, Float64Array, Float64Array];
    let ratio = 0;
    wanted.forEach((v, i) => {
      if (isConjugate(wanted, i)) return;
      const y = ys[i] as { re: Float64Array; im: Float64Array };
      combine(V, y, xr, xi);
      combine(AL, y, ar, ai);
      const r = residual(v, xr, xi, ar, ai) / Math.sqrt(dotN(xr, xr, n) + dotN(xi, xi, n));
      ratio = Math.max(ratio, r === 0 ? 0 : r / estimateTolerance(v, tol));
    });
    return ratio;
  }

  /** x = L·y (real and imaginary parts) from the slots of X (V or AL). */
  function combine(X: Float64Array, y: { re: Float64Array; im: Float64Array }, xr: Float64Array, xi: Float64Array): void {
    xr.fill(0);
    xi.fill(0);
    for (let c = 0; c < l; c++) {
      const col = X.subarray((base - l + c) * n, (base - l + c + 1) * n);
      axpyN(y.re[c] as number, col, xr, n);
      axpyN(y.im[c] as number, col, xi, n);
    }
  }

  /** ‖Ax − λx‖ from x = xr + i·xi and Ax = ar + i·ai. */
  function residual(lambda: Complex, xr: Float64Array, xi: Float64Array, ar: Float64Array, ai: Float64Array): number {
    let s = 0;
    for (let t = 0; t < n; t++) {
      const rr = (ar[t] as number) - lambda.re * (xr[t] as number) + lambda.im * (xi[t] as number); // Re(Ax − λx)
      const ri = (ai[t] as number) - lambda.re * (xi[t] as number) - lambda.im * (xr[t] as number); // Im(Ax − λx)
      s += rr * rr + ri * ri;
    }
    return Math.sqrt(s);
  }

  /** The wanted values of a sorted list: the first k, and the conjugate of the k-th when it is a pair's first. */
  function wantedOf<V extends Complex>(list: readonly V[]): V[] {
    let c = Math.min(k, list.length);
    if (c < list.length && isPairStart(list, c - 1)) c++;
    return list.slice(0, c);
  }

  /** Whether the Ritz value θ ranks before the k-th wanted value by more than θ's tolerance. */
  function beats(theta: Complex, kth: Complex): boolean {
    const margin = estimateTolerance(theta, innerTol);
    const key = keyOf(which);
    return key(theta) < key(kth) - margin;
  }

  /** Lowers the inner tolerance by a measured miss `ratio`; false (status 'breakdown') when it would pass below rounding. */
  function lowerTolerance(ratio: number): boolean {
    innerTol = innerTol / Math.max(2, 2 * ratio);
    if (innerTol > Number.EPSILON * 1e-3) return true;
    status = "breakdown";
    message = `the estimated residuals met the tolerance but the measured ones stay ${ratio.toExponential(2)} times above it`;
    return false;
  }

  /** The i-th wanted eigenvalue of A. */
  function lambdaOf(i: number): Complex {
    return eigenvalueOf(wantedOf(lockedValues)[i] as Complex);
  }

  /** λ of A from a Ritz value θ of the scaled OP (scale·θ itself, or σ + 1/(scale·θ)). */
  function eigenvalueOf(theta: Complex): Complex {
    return toEigenvalue({ re: theta.re * OP.scale, im: theta.im * OP.scale }, sigma);
  }

  /**
   * The tolerance of a residual estimate of the Ritz value θ of the scaled OP: max(tol·|θ|, ε·‖H‖_F);
   * with a shift, ‖(A − σI)⁻¹x − νx‖ ≈ |ν|²·‖Ax − λx‖ carries the relative test on λ to ν = scale·θ.
   */
  function estimateTolerance(theta: Complex, t: number): number {
    const absTheta = Math.hypot(theta.re, theta.im);
    if (sigma === undefined) return Math.max(t * absTheta, Number.EPSILON * normH);
    const lambda = eigenvalueOf(theta);
    return Math.max(t * Math.hypot(lambda.re, lambda.im) * absTheta * absTheta * OP.scale, Number.EPSILON * normH);
  }

  /** The tolerance of the stopping rule for eigenvalue λ of A, in the units of the scaled A (A = scale·As). */
  function trueTolerance(lambda: Complex): number {
    const absLambda = Math.hypot(lambda.re, lambda.im) / As.scale;
    return Math.max(tol * absLambda, Number.EPSILON * (sigma === undefined ? normH : absLambda));
  }

  /**
   * The Ritz vectors x = L·y of the wanted values (y eigenvectors of G, independent ones for the
   * copies of a multiple value) and their measured residuals ‖Ax − λx‖ (one product with A per
   * real value, two per pair, counted).
   */
  function ritzPairs(keep: boolean): { residuals: number[]; vectors?: { re: Vec; im: Vec }[] } {
    const wanted = wantedOf(lockedValues);
    const ys = eigenvectors(G, l, wanted, clusterOf(G, l), eigWork);
    const residuals: number[] = [];
    const out: { re: Vec; im: Vec }[] = [];
    ritzWork ??= [new Float64Array(n), new Float64Array(n), new Float64Array(n), new Float64Array(n)];
    const [xr, xi, ar, ai] = ritzWork as [Float64Array, Float64Array, Float64Array, Float64Array];
    for (let i = 0; i < wanted.length; i++) {
      const lambda = lambdaOf(i);
      if (isConjugate(wanted, i)) {
        residuals.push(residuals[i - 1] as number); // the conjugate pair x̄ has the same residual
        if (keep) {
          const prev = out[i - 1] as { re: Vec; im: Vec };
          out.push({ re: columnView(Float64Array.from(prev.re.data), 0, n), im: columnView(Float64Array.from(prev.im.data, (x) => -x), 0, n) });
        }
        continue;
      }
      combine(V, ys[i] as { re: Float64Array; im: Float64Array }, xr, xi);
      let nrm = Math.sqrt(dotN(xr, xr, n) + dotN(xi, xi, n));
      if (!(nrm > 0)) nrm = 1;
      for (let t = 0; t < n; t++) {
        xr[t] = (xr[t] as number) / nrm;
        xi[t] = (xi[t] as number) / nrm;
      }
      As.apply(columnView(xr, 0, n), columnView(ar, 0, n));
      matvecs++;
      if (lambda.im !== 0) {
        As.apply(columnView(xi, 0, n), columnView(ai, 0, n));
        matvecs++;
      } else ai.fill(0);
      residuals.push(residual({ re: lambda.re / As.scale, im: lambda.im / As.scale }, xr, xi, ar, ai)); // in the units of As
      if (keep) out.push({ re: columnView(Float64Array.from(xr), 0, n), im: columnView(Float64Array.from(xi), 0, n) });
    }
    return keep ? { residuals, vectors: out } : { residuals };
  }
}

/** The eigenvalues of the row-major u×u G, sorted by `which` (a pair's +im first). */
function eigenvaluesOf(G: Float64Array, u: number, which: EigsWhich): Complex[] {
  const Tg = Float64Array.from(G);
  if (!realSchur(Tg, new Float64Array(u * u), u, new Float64Array(u))) return [];
  return sortedValues(Tg, u, which).map((v) => ({ re: v.re, im: v.im }));
}

/** The eigenvalues of the quasi-triangular T (order u), each with its block's start, sorted by `which`. */
function sortedValues(T: Float64Array, u: number, which: EigsWhich): (Complex & { start: number })[] {
  const values = schurBlocks(T, u).flatMap((b) => (b.im > 0 ? [{ re: b.re, im: b.im, start: b.start }, { re: b.re, im: -b.im, start: b.start }] : [{ re: b.re, im: b.im, start: b.start }]));
  return values.sort(order(which));
}

/** How close two eigenvalues of G must be to count as copies of one: rounding's reach, 1000·ε·‖G‖_F. */
function clusterOf(G: Float64Array, u: number): number {
  let s = 0;
  for (let i = 0; i < u * u; i++) s += (G[i] as number) ** 2;
  return 1000 * Number.EPSILON * Math.sqrt(s);
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
  const key = keyOf(which);
  return (a, b) => {
    const d = key(a) - key(b);
    if (d !== 0) return d;
    if (a.re !== b.re) return b.re - a.re;
    return Math.abs(b.im) - Math.abs(a.im) || b.im - a.im;
  };
}

/** The key `which` sorts by, smallest first. */
function keyOf(which: EigsWhich): (v: { re: number; im: number }) => number {
  return (v) => {
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
}
