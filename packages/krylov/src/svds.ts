/**
 * A few singular triplets of a rectangular operator by the implicitly restarted (thick restart)
 * Golub–Kahan–Lanczos bidiagonalization of Baglama & Reichel (IRLBA, 2005).
 *
 * @module
 */
import { asVec, checkOperator, len, rng, shapeText, type LinearOperator, type OptionKeys, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats, type Status } from "./stats.js";
import { checkFunction, checkSignal, oneOf, optionsObject, view } from "./solver-args.js";
import { axpyN, normN, scaleN } from "./kernels.js";
import { MIN_SHARED_LENGTH, workspaceArrays } from "./simd/backend.js";
import { cgsPass, combineColumns, COMBINE_ROWS } from "./lanczos/kernels.js";
import { smallSvd, smallSvdWorkspace, type SmallSvd } from "./small-svd.js";
import { harmonicRestart, harmonicWorkspace } from "./svds-harmonic.js";

/** What the callback of `svds` sees after each restart cycle. */
export interface SvdsRestartInfo {
  /** Restart cycles done (1-based). */
  restart: number;
  /** Products with A and Aᵀ so far. */
  matvecs: number;
  /** The current estimates of the wanted singular values (in the order of the result). */
  values: Float64Array;
  /** The largest residual estimate of the wanted triplets, relative to ‖A‖est. */
  residualNorm: number;
}

/** Options of `svds`. */
export interface SvdsOptions {
  /** Number of singular triplets wanted, 1 ≤ k ≤ min(m, n). Default min(6, min(m, n)) (SciPy's 6). */
  k?: number;
  /** `'largest'` (default) or `'smallest'` singular values. */
  which?: "largest" | "smallest";
  /**
   * The vectors kept at a thick restart: `'ritz'` (default) or, with `which: 'smallest'` only,
   * `'harmonic'`: harmonic Ritz vectors (Baglama & Reichel 2005, §3.2), which approximate singular
   * vectors near zero from the other side. Measured (bench/svds.bench.ts) they take about as many
   * products as Ritz vectors (±5 %) and cost one SVD of order l + 1 more per restart, hence not the default.
   */
  restart?: "ritz" | "harmonic";
  /**
   * Residual tolerance: a triplet (σ, u, v) is accepted when
   * max(‖Av − σu‖, ‖Aᵀu − σv‖) ≤ tol·‖A‖est (‖A‖est the largest Ritz value met). Default 1e-8.
   */
  tol?: number;
  /**
   * Bidiagonalization steps per cycle (the basis size). Default min(max(2k + 10, 20), min(m, n)) for
   * `'largest'`, min(max(2k + 40, 50), min(m, n)) for `'smallest'`: the smallest singular values
   * are usually clustered relative to ‖A‖ and converge slowly.
   */
  maxBasis?: number;
  /** Budget of products with A and Aᵀ together. Default max(2,000, 40·min(m, n)). */
  maxMatvecs?: number;
  /** Budget of restart cycles. Default 10,000. */
  maxRestarts?: number;
  /** Start vector of length min(m, n)'s side: n when m ≥ n, else m (never modified). Default seeded normal. */
  v0?: VecLike;
  /** Seed of the start vector and of any vector drawn after a breakdown. Default 0. */
  seed?: number;
  /** Called after every restart cycle; returning `true` stops the run with status `'stopped'`. */
  callback?: (info: SvdsRestartInfo) => boolean | void;
  /** Cancels the run (status `'stopped'`), tested before every product. */
  signal?: AbortSignal;
}

const SVDS_OPTIONS = {
  k: true,
  which: true,
  restart: true,
  tol: true,
  maxBasis: true,
  maxMatvecs: true,
  maxRestarts: true,
  v0: true,
  seed: true,
  callback: true,
  signal: true,
} as const satisfies OptionKeys<SvdsOptions>;

/** ‖x − s·y[offset…offset+n)‖, summed in a scaled form (no overflow or underflow of the squares at 1e±300). */
function residualNorm(x: Float64Array, s: number, y: Float64Array, offset: number, n: number): number {
  let big = 0;
  for (let t = 0; t < n; t++) big = Math.max(big, Math.abs((x[t] as number) - s * (y[offset + t] as number)));
  if (!(big > 0) || !Number.isFinite(big)) return big;
  let sum = 0;
  for (let t = 0; t < n; t++) sum += (((x[t] as number) - s * (y[offset + t] as number)) / big) ** 2;
  return big * Math.sqrt(sum);
}

/** Below this σₗ(B)/σ₁(B) (√ε) both bases are reorthogonalized (Baglama & Reichel's switch). */
const TWO_SIDED_COND = Math.sqrt(Number.EPSILON);

/** The result of `svds`. */
export interface SvdsResult {
  /** The singular values found: descending for `'largest'`, ascending for `'smallest'`. */
  values: Float64Array;
  /** Left singular vectors uᵢ (length m), in the order of `values`. */
  U: Vec[];
  /** Right singular vectors vᵢ (length n), in the order of `values`. */
  V: Vec[];
  /** The true residuals max(‖Avᵢ − σᵢuᵢ‖, ‖Aᵀuᵢ − σᵢvᵢ‖), measured (two products each, counted). */
  residuals: Float64Array;
  /** `iterations`: bidiagonalization steps; `matvecs`: products with A and Aᵀ; `residualNorm`: the largest true residual over ‖A‖est. */
  stats: Stats;
  /** Restart cycles and the largest Ritz value met (‖A‖est, a lower bound on ‖A‖₂). */
  estimates: { restarts: number; normA: number };
}

/**
 * The k largest (or smallest) singular values σ and vectors u, v of an m×n operator, with
 * A v = σ u and Aᵀ u = σ v, by IRLBA (Baglama & Reichel, SIAM J. Sci. Comput. 27(1), 2005,
 * Algorithms 2.1 and 3.1, thick restart by Ritz vectors). Needs only `apply` and
 * `applyTranspose`; when m < n it works on Aᵀ (so that its basis vectors have the shorter
 * length) and swaps the roles of u and v.
 *
 * One cycle extends the bidiagonalization A Pₗ = Qₗ Bₗ, Aᵀ Qₗ = Pₗ Bₗᵀ + f eₗᵀ to l = maxBasis
 * columns, with full reorthogonalization of both bases (classical Gram–Schmidt, a second pass
 * when needed). The SVD Bₗ = U_B Σ V_Bᵀ gives Ritz triplets (σᵢ, Qₗ U_B eᵢ, Pₗ V_B eᵢ) whose
 * residual is exactly ‖f‖·|eₗᵀ U_B eᵢ| (A v − σ u = 0 by construction). A thick restart keeps
 * the p = k + ⌊(l − k)/2⌋ best Ritz vectors and f/‖f‖: B becomes diag(σ₁…σₚ) with the column
 * ‖f‖·(eₗᵀ U_B eᵢ)ᵢ beside it (eq. 3.9), and the process continues from there.
 *
 * When every wanted estimate is ≤ tol·‖A‖est, the residuals of the Ritz vectors are measured
 * (two products each, counted). `'converged'` is returned only when they all meet the tolerance;
 * otherwise the run goes on.
 *
 * @param A - m×n operator with `applyTranspose`
 * @returns `{ values, U, V, residuals, stats, estimates }`
 * @example
 * const { values, U, V } = svds(csr(rows, cols, vals, [m, n]), { k: 10 });
 */
export function svds(A: LinearOperator, options?: SvdsOptions): SvdsResult {
  const fn = "svds";
  const t0 = performance.now();
  checkOperator(fn, "A", A);
  const applyT = A.applyTranspose;
  if (typeof applyT !== "function") throw new TypeError(`${fn}: A (${shapeText(A)}) must have applyTranspose (Aᵀ products are needed)`);
  const o = optionsObject(fn, options, SVDS_OPTIONS);
  const [m, n] = A.shape;
  const small = Math.min(m, n);
  if (small === 0) throw new RangeError(`${fn}: A is ${shapeText(A)}: it has no singular values`);
  const k = checkInteger(fn, "options.k", o.k ?? Math.min(6, small), 1);
  if (k > small) throw new RangeError(`${fn}: options.k is ${k} but A (${shapeText(A)}) has ${small} singular values`);
  const which = oneOf(fn, "options.which", o.which, ["largest", "smallest"] as const, "largest");
  const restartKind = oneOf(fn, "options.restart", o.restart, ["ritz", "harmonic"] as const, "ritz");
  if (restartKind === "harmonic" && which === "largest") throw new RangeError(`${fn}: options.restart 'harmonic' targets the smallest singular values; it needs which: 'smallest'`);
  const tol = checkNumber(fn, "options.tol", o.tol ?? 1e-8);
  // The small end converges far more slowly (relative gaps are small there): a larger basis by default.
  const defaultBasis = which === "largest" ? Math.max(2 * k + 10, 20) : Math.max(2 * k + 40, 50);
  const l = checkInteger(fn, "options.maxBasis", o.maxBasis ?? Math.min(defaultBasis, small), 1);
  if (l > small || l < Math.min(k + 1, small)) {
    throw new RangeError(`${fn}: options.maxBasis is ${l} but must lie in [${Math.min(k + 1, small)}, ${small}] (k = ${k}, A is ${shapeText(A)})`);
  }
  const maxMatvecs = checkInteger(fn, "options.maxMatvecs", o.maxMatvecs ?? Math.max(2000, 40 * small), 1);
  const maxRestarts = checkInteger(fn, "options.maxRestarts", o.maxRestarts ?? 10000, 0);
  const seed = checkNumber(fn, "options.seed", o.seed ?? 0, -Infinity);
  const callback = checkFunction(fn, "options.callback", o.callback);
  const signal = checkSignal(fn, o.signal);
  // Work on the tall orientation: Op is M×N with M ≥ N (A, or Aᵀ when m < n).
  const flip = m < n;
  const N = flip ? m : n;
  const M = flip ? n : m;
  // The process runs on A/ν, ν a power of two (exact) chosen at the first product when its
  // entries lie outside [1e-100, 1e100]: the sums of squares of the basis kernels would overflow
  // or underflow on an operator at 1e±300. Values, residuals and ‖A‖est are multiplied back by ν.
  let nu = 0; // 0: not chosen yet
  const rescale = (out: Vec): Vec => {
    const d = out.data as Float64Array;
    const size = len(out);
    if (nu === 0) {
      let big = 0;
      for (let i = 0; i < size; i++) big = Math.max(big, Math.abs(d[i] as number));
      nu = big > 0 && Number.isFinite(big) && (big < 1e-100 || big > 1e100) ? 2 ** Math.round(Math.log2(big)) : 1;
    }
    if (nu !== 1) for (let i = 0; i < size; i++) d[i] = (d[i] as number) / nu;
    return out;
  };
  const Op = (x: Vec, out: Vec): Vec => rescale(flip ? applyT.call(A, x, out) : A.apply(x, out));
  const OpT = (x: Vec, out: Vec): Vec => rescale(flip ? A.apply(x, out) : applyT.call(A, x, out));
  let v0: Float64Array | undefined;
  if (o.v0 !== undefined) {
    const v = asVec(o.v0, fn, "options.v0");
    if (len(v) !== N) throw new RangeError(`${fn}: options.v0 has length ${len(v)} but A is ${shapeText(A)} (it needs ${N})`);
    v0 = Float64Array.from({ length: N }, (_, i) => v.get(i));
  }
  const random = rng(seed);

  // Workspace, allocated once: P (N × (l+1): the basis and f), Q (M × l), Gram–Schmidt
  // coefficients, the scratch of the restart's combinations, and two vectors for the checks.
  // The longer vectors decide the SIMD kernels (with N = 500 < 512 and M = 2,000 the sweeps and
  // restart combinations ran in JavaScript: 2.5 s CPU against 1.6 s for the 3 smallest of a
  // 2,000×500 matrix); the worker pool is not used (shared memory is asked only below its
  // threshold): on the top 10 of a 20,000×5,000 matrix the split sweeps cost 99–112 ms CPU a solve
  // against 80–98 unsplit, for no measurable gain in wall time on this 2-core machine.
  const keep = Math.min(l - 1, k + Math.floor((l - k) / 2)); // p: Ritz vectors kept at a restart
  const scratchLength = (COMBINE_ROWS + l + 1) * (Math.max(keep, k) + 1);
  const [P, Q, g, scratch, tN, tM] = workspaceArrays(Math.min(M, MIN_SHARED_LENGTH - 1), [N * (l + 1), M * l, l + 1, scratchLength, N, M]) as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  const pCol = Array.from({ length: l + 1 }, (_, j) => view(P.subarray(j * N, (j + 1) * N)));
  const qCol = Array.from({ length: l }, (_, j) => view(Q.subarray(j * M, (j + 1) * M)));
  const B = new Float64Array(l * l); // the projected matrix Qₗᵀ A Pₗ, row-major
  const tNV = view(tN), tMV = view(tM);
  const svdWork = smallSvdWorkspace(l + 1); // the SVDs of B and of [B, ‖f‖eₗ]
  const harmonic = restartKind === "harmonic" ? harmonicWorkspace(l) : undefined;
  const wantedCols: number[] = Array.from({ length: k }, (_, i) => i); // column indices, rewritten in place
  const keptCols: number[] = Array.from({ length: keep }, (_, i) => i);
  const firstCols: number[] = Array.from({ length: keep + 1 }, (_, i) => i); // 0, 1, …, keep

  let matvecs = 0;
  let steps = 0;
  let restarts = 0;
  let normA = 0; // the largest Ritz value met
  let status: Status = "maxIterations";
  let message: string | undefined;
  let start = 0; // columns already in the basis (kept Ritz vectors) at the start of a cycle
  let fNorm = 0; // ‖f‖ after the last step
  let ritz: SmallSvd | undefined; // the SVD of B of the last cycle (held in svdWork)
  let built = 0; // columns j with A P[:, 0…j) = Q[:, 0…j) B[0…j, 0…j) at the current point
  const wanted = new Int32Array(k);
  const estimates = new Float64Array(k);
  const history: number[] = [];
  let checkFactor = 1; // lowers the trigger of the true-residual check after a failed one
  let measured: number[] | undefined; // the true residuals of the converged check
  let formed = false; // whether columns 0…k−1 of P and Q hold the wanted Ritz vectors of `ritz`

  /** A random unit vector orthogonal to the first `cols` columns of `basis` (length len), into `out`. */
  const randomOrthogonal = (basis: Float64Array, cols: number, size: number, out: Float64Array): void => {
    for (let attempt = 0; attempt < 5; attempt++) {
      for (let i = 0; i < size; i++) out[i] = random.normal();
      cgsPass(basis, 0, cols, size, out, g);
      const nrm = cgsPass(basis, 0, cols, size, out, g);
      if (nrm > 1e-8) {
        scaleN(1 / nrm, out, out, size);
        return;
      }
    }
    out.fill(0); // the basis fills the space: the zero vector keeps the relations exact
  };

  /** w ← w minus its components on the first `cols` columns of `basis` (CGS, a second pass when the first removed much); returns ‖w‖. */
  let before = 0; // ‖w‖ before the last orthogonalization
  const orthogonalize = (basis: Float64Array, cols: number, size: number, w: Float64Array, norm0?: number): number => {
    before = norm0 ?? normN(w, size);
    let nrm = cgsPass(basis, 0, cols, size, w, g);
    if (nrm < 0.7071 * before) nrm = cgsPass(basis, 0, cols, size, w, g);
    return nrm;
  };

  // The start vector p₁.
  if (v0 !== undefined) P.set(v0);
  const p0Norm = v0 === undefined ? 0 : normN(P, N);
  if (p0Norm > 0) scaleN(1 / p0Norm, P, P, N);
  else randomOrthogonal(P, 0, N, P);

  let twoSided = M < 2 * N; // both bases reorthogonalized; one-sided only where Q is much the longer
  /** w ← w − c·prev, returning ‖w‖ (and ‖A p‖ before it in `before`). */
  const recurrence = (w: Float64Array, prev: Float64Array, c: number, size: number): number => {
    before = normN(w, size);
    axpyN(-c, prev, w, size);
    return normN(w, size);
  };
  let converged = false;
  cycles: for (;;) {
    // Extend the bidiagonalization from column `start` to l (Baglama & Reichel, Algorithm 2.1).
    for (let j = start; j < l; j++) {
      if (matvecs + 2 > maxMatvecs) { status = "maxIterations"; message = `the budget of ${maxMatvecs} products ran out`; break cycles; }
      if (signal?.aborted) { status = "stopped"; message = "aborted by the signal"; break cycles; }
      // q_j ← A p_j − β_{j−1} q_{j−1} (after a restart: − Σᵢ ρᵢ qᵢ), done by orthogonalizing against Q.
      const q = Q.subarray(j * M, (j + 1) * M);
      Op(pCol[j] as Vec, qCol[j] as Vec);
      matvecs++;
      // One-sided reorthogonalization (Simon & Zha 2000): while A is well conditioned, keeping the
      // short basis P orthonormal keeps Q orthonormal to about ε·cond(A), and the long vectors need
      // only the recurrence q_j ← A p_j − β_{j−1} q_{j−1} (after a restart, the first step still
      // removes every kept column: the coupling ρ).
      // The recurrence's term goes first, so that the Gram–Schmidt pass after it removes only
      // rounding and a second pass is seldom needed.
      let alpha = j === start || j === 0
        ? orthogonalize(Q, j, M, q)
        : recurrence(q, Q.subarray((j - 1) * M, j * M), B[(j - 1) * l + j] as number, M);
      if (twoSided && j !== start && j !== 0) alpha = orthogonalize(Q, j, M, q, before);
      if (!(alpha > 1e-13 * Math.max(normA, before))) {
        // A p_j lies in span(Q): α = 0 and a fresh direction continues the process.
        alpha = 0;
        randomOrthogonal(Q, j, M, q);
      } else {
        scaleN(1 / alpha, q, q, M);
      }
      B[j * l + j] = alpha; // α_j
      // f ← Aᵀ q_j − α_j p_j, orthogonalized against P (full reorthogonalization).
      const p = P.subarray((j + 1) * N, (j + 2) * N);
      OpT(qCol[j] as Vec, pCol[j + 1] as Vec);
      matvecs++;
      steps++;
      let beta = recurrence(p, P.subarray(j * N, (j + 1) * N), alpha, N); // f ← Aᵀq_j − α_j p_j
      beta = orthogonalize(P, j + 1, N, p, before);
      if (!Number.isFinite(alpha) || !Number.isFinite(beta)) {
        status = "breakdown";
        message = `α = ${alpha}, β = ${beta}: a product with A or Aᵀ overflowed or gave NaN`;
        break cycles;
      }
      built = j + 1;
      if (!(beta > 1e-13 * Math.max(normA, before))) {
        beta = 0;
        if (j + 1 < l) randomOrthogonal(P, j + 1, N, p);
        else p.fill(0);
      } else {
        scaleN(1 / beta, p, p, N);
      }
      if (j + 1 < l) B[j * l + j + 1] = beta; // β_j
      fNorm = beta;
    }

    // Ritz triplets from the SVD of B, and their residual estimates ‖f‖·|e_lᵀ U_B eᵢ|.
    ritz = smallSvd(B, l, l, svdWork);
    formed = false;
    normA = Math.max(normA, ritz.sigma[0] as number);
    // cond(A) ≥ σ₁(B)/σₗ(B); from 1/√ε on, Q is reorthogonalized too (as irlba does).
    if (!twoSided && !((ritz.sigma[l - 1] as number) > TWO_SIDED_COND * normA)) twoSided = true;
    let worst = 0;
    for (let i = 0; i < k; i++) {
      const idx = which === "largest" ? i : l - 1 - i;
      wanted[i] = idx;
      wantedCols[i] = idx;
      estimates[i] = fNorm * Math.abs(ritz.U[(l - 1) * l + idx] as number);
      worst = Math.max(worst, estimates[i] as number);
    }
    restarts++;
    history.push(worst / normA);
    if (callback !== undefined) {
      const values = Float64Array.from(wanted, (idx) => ((ritz as SmallSvd).sigma[idx] as number) * nu);
      if (callback({ restart: restarts, matvecs, values, residualNorm: worst / normA }) === true) {
        status = "stopped";
        message = "stopped by the callback";
        break;
      }
    }
    if (worst <= checkFactor * tol * normA) {
      // Verify on the true residuals of the Ritz vectors (formed in place of the first k columns).
      formVectors(ritz, wantedCols, l);
      measured = measure();
      const worstTrue = Math.max(...measured);
      if (worstTrue <= tol * normA) {
        status = "converged";
        converged = true;
        break;
      }
      // The estimates were optimistic (rounding): go on from these k vectors, checking again
      // once the estimates have fallen by the measured excess.
      checkFactor /= Math.max(2, worstTrue / (tol * normA));
      measured = undefined;
      if (k >= l) { status = "breakdown"; message = "the basis holds only the wanted vectors and their residuals are not small"; break; }
      restartFrom(ritz, wantedCols);
    } else {
      if (restarts > maxRestarts) { status = "maxIterations"; message = `the budget of ${maxRestarts} restarts ran out`; break; }
      // Harmonic Ritz values are reciprocals of those of (AᵀA)⁻¹: not defined at a (numerically)
      // zero singular value, where the Ritz vectors are the right ones to keep.
      const zero = (ritz.sigma[l - 1] as number) <= 1e-8 * normA;
      if (harmonic !== undefined && !zero && harmonicRestart(B, l, fNorm, keep, svdWork, harmonic)) {
        // P ← P_{l+1}·pCoef (keep + 1 columns, the last replacing f), Q ← Qₗ·qCoef (keep columns).
        combineColumns(P, N, l + 1, harmonic.pCoef, l + 1, firstCols, scratch, (c, r0, block) => P.set(block, c * N + r0));
        firstCols.length = keep;
        combineColumns(Q, M, l, harmonic.qCoef, l + 1, firstCols, scratch, (c, r0, block) => Q.set(block, c * M + r0));
        firstCols.push(keep);
        start = keep;
        built = keep;
        ritz = undefined; // svdWork now holds the SVD of [B, ‖f‖eₗ]
      } else {
        for (let i = 0; i < keep; i++) keptCols[i] = which === "largest" ? i : l - 1 - i;
        formVectors(ritz, keptCols, l);
        restartFrom(ritz, keptCols);
      }
    }
  }

  /** P[:, i] ← P[:, 0…used) V_B[:, cols_i], Q[:, i] ← Q[:, 0…used) U_B[:, cols_i] (in place; V is read before it is overwritten). */
  function formVectors(r: SmallSvd, cols: readonly number[], used: number): void {
    formed = true; // cols starts with the wanted indices, in their order
    combineColumns(P, N, used, r.V, r.p, cols, scratch, (c, r0, block) => P.set(block, c * N + r0));
    combineColumns(Q, M, used, r.U, r.p, cols, scratch, (c, r0, block) => Q.set(block, c * M + r0));
  }

  /** The thick restart (eq. 3.9): B ← [diag(σ) ρ; 0 …] with ρᵢ = ‖f‖·(e_lᵀ U_B eᵢ), and f/‖f‖ moved to column p. */
  function restartFrom(r: SmallSvd, cols: readonly number[]): void {
    const p = cols.length;
    B.fill(0);
    for (let i = 0; i < p; i++) {
      B[i * l + i] = r.sigma[cols[i] as number] as number;
      B[i * l + p] = fNorm * (r.U[(l - 1) * l + (cols[i] as number)] as number);
    }
    if (fNorm > 0) P.copyWithin(p * N, l * N, (l + 1) * N); // p_{p+1} = f/‖f‖
    else randomOrthogonal(P, p, N, P.subarray(p * N, (p + 1) * N)); // f = 0: the kept space is invariant
    start = p;
    built = p;
  }

  /** The true residuals of the first k columns of P, Q as triplets with the wanted σ (two products each). */
  function measure(): number[] {
    const out: number[] = [];
    const r = ritz as SmallSvd;
    for (let i = 0; i < k; i++) {
      const s = r.sigma[wanted[i] as number] as number;
      Op(pCol[i] as Vec, tMV); // A v − σ u
      const a = residualNorm(tM, s, Q, i * M, M);
      OpT(qCol[i] as Vec, tNV); // Aᵀ u − σ v
      const b = residualNorm(tN, s, P, i * N, N);
      matvecs += 2;
      out.push(Math.max(a, b));
    }
    return out;
  }

  if (nu === 0) nu = 1; // no product was taken
  // Results: the wanted triplets (formed and measured now unless the convergence check did).
  // When the run stopped inside a cycle, they are the Ritz triplets of the columns built so far.
  if (!formed && built >= k) {
    ritz = smallSvd(B, built, l, svdWork);
    for (let i = 0; i < k; i++) {
      wanted[i] = which === "largest" ? i : built - 1 - i;
      wantedCols[i] = wanted[i] as number;
    }
    formVectors(ritz, wantedCols, built);
  }
  const values = new Float64Array(k).fill(NaN); // NaN when the run ended before k columns were built
  let residuals = new Float64Array(k).fill(NaN);
  const Uout: Vec[] = [];
  const Vout: Vec[] = [];
  if (formed && ritz !== undefined) {
    const r = ritz;
    residuals = Float64Array.from(measured ?? measure(), (x) => x * nu);
    for (let i = 0; i < k; i++) {
      values[i] = (r.sigma[wanted[i] as number] as number) * nu;
      const pv = view(P.slice(i * N, (i + 1) * N));
      const qv = view(Q.slice(i * M, (i + 1) * M));
      Uout.push(flip ? pv : qv);
      Vout.push(flip ? qv : pv);
    }
  }
  const worst = residuals.length > 0 ? Math.max(...residuals) : NaN;
  const stats: Stats = {
    iterations: steps,
    matvecs,
    converged,
    status,
    residualNorm: normA > 0 ? worst / (normA * nu) : worst,
    residualHistory: history,
    timeMs: performance.now() - t0,
  };
  if (message !== undefined) stats.message = message;
  return { values, U: Uout, V: Vout, residuals, stats, estimates: { restarts, normA: normA * nu } };
}
