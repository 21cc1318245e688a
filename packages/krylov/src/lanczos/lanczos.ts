/**
 * Extreme eigenpairs of a symmetric operator: thick-restart (band) Lanczos with locking.
 *
 * @module
 */
import { rng, type LinearOperator, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats } from "../stats.js";
import { columnView, norm, restartBasis, startVector } from "./common.js";
import { checkBoolean, checkFunction, checkSignal, LANCZOS_OPTIONS, oneOf, optionsObject, squareOperator, symmetryProbe } from "../solver-args.js";
import { basisDots, basisSubtract, cgsPass, COMBINE_ROWS } from "./kernels.js";
import { smallSymmetricEigen } from "./small-symmetric-eigen.js";
import { workspaceArrays } from "../simd/backend.js";
import { addGoodRitzVectors, goodRitzSet, stepsUntilGood } from "./selective.js";
import { orthonormalizeNewLocked, reorthonormalizeBasis } from "./restart-qr.js";
import { OmegaEstimates, orthonormalizeLocked } from "./partial.js";
import { answer, chooseRitz, endsOf, openCopies, wantedSet, type Locked, type Which } from "./select.js";

export type { Which } from "./select.js";

/** What the callback of `lanczos` sees after each restart cycle. */
export interface LanczosRestartInfo {
  /** Restart cycles done (1-based). */
  restart: number;
  /** Products with A so far. */
  matvecs: number;
  /** Converged (locked) pairs so far, including any not in the wanted set. */
  locked: number;
  /** The current estimates of the wanted eigenvalues, ascending. */
  values: Float64Array;
  /**
   * The largest residual estimate of the wanted pairs (this cycle's entry of
   * `stats.residualHistory`, see `LanczosOptions.history`).
   */
  residualNorm: number;
}

/** Options of `lanczos`. */
export interface LanczosOptions {
  /** Number of eigenpairs wanted. Default 6 (or n when n < 6). */
  k?: number;
  /**
   * Which end of the spectrum: `'largest'` (algebraic, default), `'smallest'`, `'both'`
   * (⌈k/2⌉ largest and ⌊k/2⌋ smallest) or `'magnitude'` (largest |λ|).
   */
  which?: Which;
  /**
   * Residual tolerance: a pair is accepted when ‖Av − λv‖ ≤ tol·‖A‖est (a bound on the
   * eigenvector's quality, and on the eigenvalue error through |λ̂ − λ| ≤ ‖r‖). Default 1e-8.
   */
  tol?: number;
  /**
   * Eigenvalue tolerance (off by default): a pair is also accepted when its eigenvalue error
   * estimate ‖r‖²/gap ≤ valueTol·|θ|, gap being the distance from θ to the nearest other Ritz
   * value (the Kato–Temple bound with the Ritz gap standing for the true one, as in ARPACK and
   * Parlett 1998, §11.7). Because the eigenvalue error is quadratic in ‖r‖, `valueTol: 1e-10`
   * is met with a residual near √(1e-10·gap·|θ|), far fewer products than `tol: 1e-10` when
   * only the eigenvalues matter. Either tolerance accepts a pair.
   */
  valueTol?: number;
  /**
   * Basis size m (Lanczos vectors per cycle, besides the locked ones and the open columns). Default
   * max(4k, 50), at most n: more vectors, fewer products (and more work per product, ≈ 4·m·n flops).
   */
  maxBasis?: number;
  /** Budget of products with A. Default max(1000, 20·n). */
  maxMatvecs?: number;
  /** Budget of restart cycles. Default 10,000. */
  maxRestarts?: number;
  /** Start vector (never modified). Default: seeded standard normal. */
  v0?: VecLike;
  /**
   * The largest multiplicity to look for (default ∞). A value found this many times needs no
   * further search for copies, which saves the confirming phase (see `lanczos`) when the
   * multiplicities are known to be bounded, as by a symmetry (2 for the square 2-D Poisson grid).
   */
  maxMultiplicity?: number;
  /** Seed of the start vector and of every later random vector. Default 0. */
  seed?: number;
  /**
   * `'full'` (default): each new vector is orthogonalized against the locked vectors and the
   * whole basis (Gram–Schmidt, a second pass when the first removed more than 1 − 1/√2 of its
   * norm). `'partial'`: Simon's (1984) partial reorthogonalization, carried over to the band
   * and thick-restart form: the inner products Ω = VᵀV of the basis are estimated by the
   * recurrence β·ω_{new,k} = Σ_l H_lk ω_{l,j} − Σ_i g_i ω_{i,k} + ϑ (from A·v_k = Σ_l H_lk v_l
   * for a closed column k, g the coefficients the step subtracted, ϑ = ±0.3·ε·(β + ‖A‖est) the
   * rounding), and only when max |ω_{new,k}| > min(√ε, tol) are that vector and the next
   * orthogonalized against the basis (the vector is always orthogonalized against the locked ones).
   * Semi-orthogonality (√ε) is enough for the Ritz values to be exact to working precision; the
   * Ritz vectors' residuals keep an error of about the loss allowed times ‖A‖ (the coefficients a
   * reorthogonalization removes are not in H), hence the bound tol when it is smaller. At a thick restart
   * the estimates of the new basis (kept Ritz vectors and open columns) are reset to their
   * measured inner products, and newly locked vectors are orthonormalized against the locked
   * ones. Fewer sweeps over the basis than `'full'`, no ghosts.
   *
   * `'selective'`: Parlett & Scott's (1979) selective orthogonalization. By Paige's theorem a new
   * Lanczos vector loses orthogonality only towards the Ritz vectors that have converged: its
   * component on y_i = V·s_i is about ε·‖A‖/‖E·s_i‖, ‖E·s_i‖ being the pair's residual estimate.
   * So the Ritz pairs of the cycle are monitored: every ⌈m/10⌉ steps, and sooner when the smallest
   * residual outside the good set, extrapolated geometrically (at the rate it fell since the last
   * check, or tenfold a step when faster or unknown), will reach the threshold. A pair caught late has
   * lost more than ω already, and the large component then removed, not in H, breaks the Lanczos
   * relation (seen with checks every ⌈m/10⌉ steps alone on a space-filling basis); a check costs
   * O(c³) for c closed columns, small beside a step's O(c·n) when n ≫ c². A pair with ‖E·s_i‖ ≤ ε·‖A‖est/ω, ω = min(√ε, tol) the loss allowed, is "good":
   * y_i is formed once (c·n flops) and every later vector of the cycle is orthogonalized against the good vectors (one classical
   * Gram–Schmidt pass, two when it removed more than 1 − 1/√2 of the norm) besides the locked ones.
   * Paige's analysis assumes β not small: a step whose β is below ε·‖A‖est/ω (near an invariant
   * subspace, as when a basis nearly fills the space) magnifies its rounding in every direction, so
   * it and the next step are orthogonalized against the whole basis, as `'full'` does. The set is
   * dropped at each thick restart, where the restarted basis (kept Ritz vectors and open columns,
   * which carry the loss allowed) is re-orthonormalized with H rewritten to match (no product;
   * ≈ 2·(p + b)·(p + b + l)·n flops a Gram–Schmidt pass for p kept vectors, b open columns, l vectors
   * just locked), and newly locked vectors are orthonormalized against the locked ones. The
   * coefficients removed on the good vectors are not in H, which leaves an error of about ω·‖A‖ in the Ritz residuals (a floor of √ε·‖A‖, hence ω = tol when tol is smaller). Cheaper
   * than `'full'` when few pairs converge within a cycle: a step sweeps the good vectors, usually a
   * handful, instead of the whole basis, and no Ω estimates are kept as `'partial'` does; no ghosts.
   * Measured on 2-D Poisson 256², top 6 (valueTol 1e-10, maxMultiplicity 2; bench/krylov-eigs): the
   * same 1,986 products as `'full'` and `'partial'`, in 4.2 s against 5.3 s and 3.0 s (its Ritz checks
   * cost what the sweeps save).
   *
   * `'none'`: only against the locked vectors and by the Lanczos recurrence itself (cheapest per
   * step, no sweep over the basis). Orthogonality is lost within a cycle once a pair converges, and
   * spurious copies of eigenvalues (ghosts) may appear; the loss is not carried across cycles: each
   * thick restart re-orthonormalizes the restarted basis as `'selective'` does, and newly locked
   * vectors are orthonormalized against the locked ones (a Ritz vector with ‖V·s‖ < ½, or that
   * loses half of its norm to them, a ghost's, is not locked), so the Ritz values stay within the
   * spectrum. A returned pair whose true residual exceeds 100 times what the tolerance accepts
   * turns a `'converged'` status to `'breakdown'` (see `LanczosResult.stats`). For studying the loss
   * of orthogonality; not for results.
   */
  reorthogonalization?: "full" | "partial" | "selective" | "none";
  /**
   * Record, after every restart cycle, the largest residual norm of the wanted pairs in
   * `stats.residualHistory` (entry c − 1 after cycle c; as many entries as `restarts`). The wanted
   * pairs are each end's best locked pairs and its current Ritz pairs in the wanted set; the norm of
   * a Ritz pair (θ, y = V·s) is its estimate ‖E·s‖ from the projected matrix, which equals the true
   * ‖Ay − θy‖ up to rounding under full reorthogonalization and costs no product; a locked pair
   * keeps the estimate it had when locked. The final true residuals are `residualNorms`. Default false.
   */
  history?: boolean;
  /**
   * Called after each restart cycle, the last one included, with the history's entry as
   * `residualNorm`; returning `true` stops the run (status `'stopped'`) unless it has converged.
   */
  callback?: (info: LanczosRestartInfo) => boolean | void;
  /**
   * Cancels the run (status `'stopped'`), tested before every product with A; the pairs locked so
   * far and the best current Ritz pairs are returned.
   */
  signal?: AbortSignal;
  /** Refuse a non-symmetric A (two extra products on random probes, counted in `stats.matvecs`). Default false. */
  checkSymmetric?: boolean;
}

/** Result of `lanczos`. */
export interface LanczosResult {
  /** The k eigenvalues found, ascending. */
  values: Float64Array;
  /** Unit eigenvectors, `vectors[j]` belonging to `values[j]`. */
  vectors: Vec[];
  /** The true residual norms ‖A·vⱼ − λⱼ·vⱼ‖ (computed at the end with k products, counted in stats). */
  residualNorms: Float64Array;
  /** Restart cycles run. */
  restarts: number;
  /**
   * `status` `'converged'` when all k pairs met the tolerance; `'maxIterations'` when
   * `maxMatvecs` or `maxRestarts` ran out (then unconverged pairs are the best current Ritz
   * pairs); `'breakdown'` when a product with A was not finite (then only the pairs locked
   * before it are returned); `'stopped'` by callback or signal. A returned pair whose true residual exceeds its bound 100-fold
   * (100·max(tol·‖A‖est, √(2·valueTol·|λ|·‖A‖est), ε√n·‖A‖est), the most either tolerance accepts, or rounding; only a basis that lost
   * orthogonality or a non-symmetric A can do that) makes a `'converged'` run `'breakdown'`,
   * with a message naming the pair. `iterations` counts Lanczos steps, `residualNorm`
   * is the largest of `residualNorms`; `residualHistory` (with `history: true`) one entry a cycle.
   */
  stats: Stats;
}

/**
 * The k extreme eigenpairs of a symmetric operator A, each to ‖Av − λv‖ ≤ tol·‖A‖est, where
 * ‖A‖est is the largest |Ritz value| met (a lower bound of ‖A‖₂ that is sharp after a few steps),
 * or, with `valueTol`, to an eigenvalue error estimate ‖r‖²/gap ≤ valueTol·|λ|.
 *
 * Thick-restart Lanczos (Wu & Simon 2000; Stathopoulos, Saad & Wu 1998) in its band form (Ruhe
 * 1979): the basis holds closed columns, whose products with A lie in the basis, and one or more
 * open ones; each step multiplies the oldest open column by A, orthogonalizes the result against
 * the locked vectors and the basis (the known couplings in one sweep, then one classical
 * Gram–Schmidt pass over everything, repeated when it removed more than 1 − 1/√2 of the norm;
 * its subtraction is skipped when the coefficients Vᵀw are below 1e-12·‖w‖, so that a step
 * usually sweeps the basis once; with `reorthogonalization: 'partial'` the pass over the basis is made only
 * when Simon's estimates of the loss of orthogonality ask for it, with `'selective'` it is a pass over the
 * converged ("good") Ritz vectors of the cycle) and appends it as a new open column. The projected matrix H = VᵀAV is kept in full. A cycle ends
 * at m closed columns: the Ritz pairs of H's closed block, with residual ‖E·s‖ (E: the couplings
 * to the open columns), are computed; the wanted pairs that are accepted are locked (removed
 * from the basis, every later vector is orthogonalized against them) and the basis restarts from
 * the best unconverged Ritz vectors (a quarter of m, at least one more than the wanted ones
 * pending) plus the open columns. Memory: (m + b + locked)·n numbers for b open columns.
 *
 * Repeated eigenvalues: a Krylov space from b start vectors holds at most b directions of each
 * eigenspace. The run goes in phases, each from an empty basis opened by b vectors (the first by
 * v0 alone; later ones by random vectors orthogonal to the locked ones). Once a phase has the
 * wanted set all locked, if it found some value c ≥ b times (and fewer than `maxMultiplicity`
 * times in all) there may be copies left: a new phase starts, from one random vector (c = 1:
 * cheaper than a block of two when the copies are few, as measured on 2-D Poisson and an MLP
 * Hessian) or from c + 1 of them (c > 1, e.g. after an invariant subspace). Otherwise
 * the run ends when the phase's best unlocked Ritz value is resolved without entering the
 * wanted set (residual below a thousandth of its distance to it). Every copy of a repeated
 * eigenvalue in the wanted set is thus found, up to a probability-zero event for the random
 * vectors; `maxMultiplicity` spares the last, confirming phase when multiplicities are bounded.
 *
 * @param A - a symmetric n×n operator
 * @returns `values` ascending, `vectors`, true `residualNorms`, `restarts`, `stats`
 * @example
 * const { values } = lanczos(A, { k: 6, which: "largest", tol: 1e-10 });
 */
export function lanczos(A: LinearOperator, options?: LanczosOptions): LanczosResult {
  const fn = "lanczos";
  const o = optionsObject(fn, options, LANCZOS_OPTIONS);
  const n = squareOperator(fn, "A", A);
  const probeProducts = symmetryProbe(fn, A, o.checkSymmetric);
  if (n === 0) throw new RangeError(`${fn}: A is 0×0`);
  const k = checkInteger(fn, "options.k", o.k ?? Math.min(6, n), 1);
  if (k > n) throw new RangeError(`${fn}: options.k is ${k} but A is ${n}×${n}`);
  const which = oneOf<Which>(fn, "options.which", o.which, ["largest", "smallest", "both", "magnitude"], "largest");
  const tol = checkNumber(fn, "options.tol", o.tol ?? 1e-8, 0);
  const valueTol = checkNumber(fn, "options.valueTol", o.valueTol ?? 0, 0);
  const m = Math.min(checkInteger(fn, "options.maxBasis", o.maxBasis ?? Math.max(4 * k, 50), 2), n);
  const maxMatvecs = checkInteger(fn, "options.maxMatvecs", o.maxMatvecs ?? Math.max(1000, 20 * n), 1);
  const maxRestarts = checkInteger(fn, "options.maxRestarts", o.maxRestarts ?? 10000, 1);
  const reorth = oneOf(fn, "options.reorthogonalization", o.reorthogonalization, ["full", "partial", "selective", "none"] as const, "full");
  const seed = checkNumber(fn, "options.seed", o.seed ?? 0, -Infinity);
  const maxMult = o.maxMultiplicity === undefined ? Infinity : checkInteger(fn, "options.maxMultiplicity", o.maxMultiplicity, 1);
  const history: number[] | undefined = checkBoolean(fn, "options.history", o.history, false) ? [] : undefined;
  const callback = checkFunction(fn, "options.callback", o.callback);
  const signal = checkSignal(fn, o.signal);
  const start = performance.now();
  const ends = endsOf(which, k);
  const random = rng(seed + 1);
  const checkEvery = Math.max(1, Math.ceil(m / 10));
  const full = reorth === "full";
  const partial = reorth === "partial";
  // 'partial': the loss of orthogonality allowed. The coefficients a reorthogonalization removes are left out of H, which
  // leaves an error of about that loss times ‖A‖ in the Ritz vectors' residuals: hence at most tol, besides √ε.
  const omegaMax = Math.min(Math.sqrt(Number.EPSILON), Math.max(tol, Number.EPSILON));
  const psi = Number.EPSILON * Math.sqrt(n); // Simon's estimate of a freshly orthogonalized inner product
  const selective = reorth === "selective";
  // 'selective' and 'none': the restarted basis is re-orthonormalized at each thick restart, the locked vectors on locking.
  const restartQr = selective || reorth === "none";
  // 'selective': a Ritz pair is good when its loss ε‖A‖/‖E s‖ may exceed omegaMax: ‖E s‖ ≤ ε‖A‖est/omegaMax.
  const goodFactor = Number.EPSILON / omegaMax;

  const bCap = Math.min(k + 1, 8); // most start vectors a phase may have
  const cap = m + bCap; // columns: at most m closed plus the open ones
  const lockCap = Math.min(k + 4, n); // locked vectors L holds before it grows (then a plain array: JS kernels)
  // One workspace (WebAssembly memory with the SIMD backend, for the kernels of kernels.ts): the basis V
  // (column c at c·n: closed columns, then open ones), h (coefficients of the current vector on the basis), g
  // (Gram–Schmidt workspace), w, the locked block L with its workspace gL, and the restart scratch.
  const [V, h, g, w, L0, gL0, scratch0] = workspaceArrays(n, [cap * n, cap, cap, n, lockCap * n, lockCap, (COMBINE_ROWS + m) * (m + k + 4)]) as [
    Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array,
  ];
  const H = new Float64Array(cap * cap); // projected matrix H_ij = v_iᵀ A v_j (j closed, or i closed)
  const omega = partial ? new OmegaEstimates(cap, psi, omegaMax) : undefined; // 'partial': Simon's estimates of VᵀV
  const wVec = columnView(w, 0, n);
  const locked: Locked[] = [];
  let L = L0; // locked vectors, one after another
  let gL = gL0; // Gram–Schmidt workspace for L
  let scratch = scratch0; // restart workspace
  const good = goodRitzSet(selective ? n : 0, selective ? cap : 0); // 'selective': the good Ritz vectors of the cycle
  let nextCheck = 0; // 'selective': the closed count at which to check the Ritz pairs next
  let lastNearest = Infinity; // 'selective': the smallest residual outside the good set at the last check
  let lastCheck = 0; // 'selective': the closed count then
  let fullNext = false; // 'selective': the step after a small β sweeps the basis too
  const qrWork = restartQr
    ? { R: new Float64Array(cap * cap), M: new Float64Array(cap * cap), g: new Float64Array(cap) }
    : undefined;
  startVector(fn, o.v0, seed, A, V);

  let matvecs = probeProducts; // the symmetry probe's, then the method's own
  let steps = 0;
  let restarts = 0;
  let normEst = 0;
  let closed = 0; // columns whose product with A is in the basis: A·V_closed = V_cols·H[:cols, :closed]
  let cols = 0; // closed + open columns
  let phaseB = 1; // start vectors of the current phase
  let phaseLocked: Locked[] = []; // pairs locked since the phase began
  let status: Stats["status"] | undefined;
  let message: string | undefined;
  if (!startPhase(1)) status = "converged";

  // w ⟂ locked vectors and (when `withBasis`) v_0…v_{c−1}; coefficients on V added into h. Returns ‖w‖.
  function orthogonalizeAll(c: number, withBasis: boolean, before: number): number {
    let after = before;
    for (let pass = 0; pass < 2; pass++) {
      after = cgsPass(L, 0, locked.length, n, w, gL);
      if (good.count > 0) after = cgsPass(good.Y, 0, good.count, n, w, good.g); // 'selective': w ⟂ good Ritz vectors
      if (withBasis && c > 0) {
        // g = Vᵀw; w ← w − V·g, skipped (saving a sweep) when ‖g‖ ≤ 1e-12·‖w‖: w is then orthogonal already.
        basisDots(V, 0, c, n, w, g);
        let gg = 0;
        for (let i = 0; i < c; i++) gg += (g[i] as number) ** 2;
        if (Math.sqrt(gg) > 1e-12 * after) {
          for (let i = 0; i < c; i++) h[i] = (h[i] as number) + (g[i] as number);
          after = Math.sqrt(basisSubtract(V, 0, c, n, w, g));
        }
      }
      if (after >= before * Math.SQRT1_2) return after;
      before = after;
    }
    return after;
  }

  // Appends w (or, when `fresh`, a random vector) ⟂ locked and the basis as a new open column.
  function appendColumn(fresh: boolean): boolean {
    for (let attempt = 0; attempt < (fresh ? 3 : 1); attempt++) {
      if (fresh) for (let i = 0; i < n; i++) w[i] = random.normal();
      const before = norm(w, n);
      h.fill(0);
      const after = orthogonalizeAll(cols, true, before);
      if (after > 1e-8 * before) {
        for (let i = 0; i < n; i++) V[cols * n + i] = (w[i] as number) / after;
        omega?.setRow(cols, true);
        cols++;
        return true;
      }
    }
    return false;
  }

  // A phase: an empty basis opened by b start vectors (the given or seeded v0 first, then random).
  function startPhase(b: number): boolean {
    const first = locked.length === 0 && restarts === 0;
    closed = 0;
    cols = 0;
    H.fill(0);
    phaseB = b;
    phaseLocked = [];
    omega?.reset();
    if (first) {
      for (let i = 0; i < n; i++) w[i] = V[i] as number;
      appendColumn(false);
    }
    while (cols < b && appendColumn(true));
    return cols > 0;
  }

  // Ritz pairs of the closed columns: H_c = S Θ Sᵀ; residual of pair i: ‖E·s_i‖, E = H[open, closed].
  function rayleighRitz(): { theta: Float64Array; S: Float64Array; ES: Float64Array; res: Float64Array; ok: Uint8Array } {
    const c = closed;
    const open = cols - closed;
    const Hc = new Float64Array(c * c);
    for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) Hc[i * c + j] = H[i * cap + j] as number;
    const { values: theta, vectors: S } = smallSymmetricEigen(Hc, c);
    const ES = new Float64Array(open * c); // couplings of the Ritz vectors to the open columns
    const res = new Float64Array(c);
    for (let q = 0; q < open; q++) {
      const row = (closed + q) * cap;
      for (let l = 0; l < c; l++) {
        const e = H[row + l] as number;
        if (e !== 0) for (let i = 0; i < c; i++) ES[q * c + i] = (ES[q * c + i] as number) + e * (S[l * c + i] as number);
      }
    }
    for (let i = 0; i < c; i++) {
      let r = 0;
      for (let q = 0; q < open; q++) r += (ES[q * c + i] as number) ** 2;
      res[i] = Math.sqrt(r);
      normEst = Math.max(normEst, Math.abs(theta[i] as number));
    }
    // Accepted: ‖r‖ ≤ tol·‖A‖est, or ‖r‖²/gap ≤ valueTol·|θ| (gap: to the nearest other Ritz value).
    const ok = new Uint8Array(c);
    for (let i = 0; i < c; i++) {
      const r = res[i] as number;
      const t = theta[i] as number;
      const gap = Math.min(i > 0 ? t - (theta[i - 1] as number) : Infinity, i + 1 < c ? (theta[i + 1] as number) - t : Infinity);
      ok[i] = r <= tol * normEst || (valueTol > 0 && gap > 0 && (r * r) / gap <= valueTol * Math.abs(t)) ? 1 : 0;
    }
    return { theta, S, ES, res, ok };
  }

  while (status === undefined) {
    // Expand the oldest open column until m columns are closed (or the budget or the space runs out).
    const closedMax = Math.min(m, closed + (maxMatvecs - matvecs));
    let exhausted = false;
    while (closed < closedMax) {
      if (signal?.aborted) break; // tested before every product; the cycle ends and the run stops below
      if (cols === closed && !appendColumn(true)) {
        exhausted = true; // the basis and the locked vectors span the whole space
        break;
      }
      const j = closed;
      A.apply(columnView(V, j * n, n), wVec); // w ← A v_j
      matvecs++;
      steps++;
      // The local step, one sweep: w ← w − Σ_{i<j} H_ji v_i − Σ_{i≥j open} (v_iᵀw) v_i. The known couplings
      // H_ji are β_{j−1} (plain Lanczos), the band of a block, or the arrowhead to the kept Ritz vectors.
      basisDots(V, j, cols, n, w, h);
      let lo = 0;
      while (lo < j && H[j * cap + lo] === 0) lo++;
      for (let i = lo; i < j; i++) g[i] = H[j * cap + i] as number;
      for (let i = j; i < cols; i++) g[i] = h[i] as number;
      for (let i = j; i < cols; i++) H[i * cap + j] = h[i] as number;
      const local = Math.sqrt(basisSubtract(V, lo, cols, n, w, g));
      // 'partial': Simon's estimates of the new vector's inner products with the closed columns; those with
      // the open ones are ψ (the sweep above subtracted their exact coefficients).
      let withBasis = full;
      if (omega !== undefined && local > 0 && omega.step(j, cols, lo, H, g, local, normEst)) withBasis = true;
      // 'selective': a small β (near an invariant subspace) magnifies the rounding of w, ε‖A‖/β on every direction, not only
      // on the good ones: past the loss allowed, this step and the next are orthogonalized against the whole basis.
      if (selective && (fullNext || local < goodFactor * normEst)) {
        withBasis = true;
        fullNext = !fullNext;
      }
      // Full (or 'partial' past √ε): w ⟂ locked and the basis (rounding-sized corrections; those on open columns refine H).
      h.fill(0);
      const b = orthogonalizeAll(cols, withBasis, local);
      for (let i = j; i < cols; i++) {
        const v = (H[i * cap + j] as number) + (withBasis ? (h[i] as number) : 0);
        H[i * cap + j] = v;
        H[j * cap + i] = v;
      }
      const a = H[j * cap + j] as number; // α_j = v_jᵀ A v_j
      if (!Number.isFinite(a) || !Number.isFinite(b)) {
        status = "breakdown";
        message = `non-finite coefficient at step ${steps} (α = ${a}, β = ${b}): A·v is not finite`;
        break;
      }
      normEst = Math.max(normEst, Math.abs(a));
      closed++;
      if (b > 1e-12 * Math.max(normEst, 1e-300) && Number.isFinite(b)) {
        for (let i = 0; i < n; i++) V[cols * n + i] = (w[i] as number) / b; // new open column w/β
        omega?.setRow(cols, withBasis);
        H[cols * cap + j] = b;
        H[j * cap + cols] = b;
        cols++;
      } // else A v_j lies in the basis: the block loses a direction (a fresh one is opened when none is left)
      // End the cycle as soon as the wanted set would be complete (every wanted pair converged, to be
      // locked now or confirmed by a fresh phase); tested every ⌈m/10⌉ steps.
      // 'selective': the Ritz pairs are also checked when the smallest residual outside the good set is predicted to reach
      // the threshold (at most ⌈m/10⌉ steps on; see stepsUntilGood).
      const due = closed < closedMax && closed % checkEvery === 0;
      if (due || (selective && closed >= nextCheck && closed < closedMax)) {
        const q = rayleighRitz();
        if (selective) {
          const threshold = goodFactor * normEst;
          const nearest = addGoodRitzVectors(good, V, n, closed, cap, q.S, q.res, threshold);
          nextCheck = closed + stepsUntilGood(nearest, lastNearest, closed - lastCheck, threshold, checkEvery);
          lastNearest = nearest;
          lastCheck = closed;
        }
        if (due) {
          const c = chooseRitz(ends, locked, q.theta, q.res, q.ok, 0);
          if (c.allLocked && (c.lock.length > 0 || phaseLocked.length > 0 || c.frontierConverged)) break;
        }
      }
    }
    if (status !== undefined) break; // a non-finite product: the locked pairs so far are the answer
    if (closed === 0) {
      if (signal?.aborted) {
        status = "stopped";
        message = "aborted by the signal";
      } else status = "converged";
      break;
    }
    restarts++;
    const { theta, S, ES, res, ok } = rayleighRitz();
    const choice = chooseRitz(ends, locked, theta, res, ok, Math.max(closed - 2, 0));
    // All wanted pairs locked: done when this phase found every value fewer times than it had start
    // vectors (so no copy is left; or the value has maxMultiplicity copies in all) and its best unlocked
    // pair is resolved; else a new phase: one start vector, or one more than the most copies of a value
    // it found when that is more than one (a block phase finds every copy it can hold at once).
    let nextPhase = 0;
    if (choice.allLocked) {
      const now = choice.lock.map((i) => ({ value: theta[i] as number, res: res[i] as number }));
      const copies = openCopies([...phaseLocked, ...now], [...locked, ...now], phaseB, maxMult, normEst);
      if (copies > 0) nextPhase = copies > 1 ? Math.max(1, Math.min(copies + 1, bCap, maxMult - 1)) : 1;
      else if (choice.frontierConverged || exhausted) status = "converged";
    } else if (exhausted) {
      status = "converged";
    }
    if (status === undefined && signal?.aborted) {
      status = "stopped";
      message = "aborted by the signal";
    }
    const current = wantedSet(ends, locked, theta, res, [...choice.lock, ...choice.pendingWanted]);
    history?.push(current.residual);
    if (status !== "stopped" && callback !== undefined) {
      const info = { restart: restarts, matvecs, locked: locked.length + choice.lock.length, values: current.values, residualNorm: current.residual };
      if (callback(info) === true && status === undefined) {
        status = "stopped";
        message = "stopped by the callback";
      }
    }
    if (status === undefined && (matvecs >= maxMatvecs || restarts >= maxRestarts)) {
      status = "maxIterations";
      message = `budget ran out after ${matvecs} products and ${restarts} cycles`;
    }
    // Lock the converged wanted pairs (when stopping short, the best unconverged ones too); keep the rest.
    const lockIdx = status === undefined || status === "converged" ? choice.lock : [...choice.lock, ...choice.pendingWanted];
    const keepIdx = status === undefined && nextPhase === 0 ? choice.keep : [];
    if ((locked.length + lockIdx.length) * n > L.length) {
      const bigger = new Float64Array(Math.max(2 * L.length, (locked.length + lockIdx.length) * n));
      bigger.set(L);
      L = bigger;
      gL = new Float64Array(L.length / n);
    }
    const need = (COMBINE_ROWS + closed) * (keepIdx.length + lockIdx.length);
    if (scratch.length < need) scratch = new Float64Array(need);
    const open = cols - closed;
    restartBasis(V, n, closed, S, keepIdx, lockIdx, L, locked.length, scratch, open);
    if (partial) orthonormalizeLocked(L, n, locked.length, lockIdx.length, gL);
    // 'selective', 'none': orthonormalized too, and a copy of a locked vector (a ghost) is not locked.
    const lockedBefore = locked.length;
    const lockKept = restartQr ? orthonormalizeNewLocked(L, n, locked.length, lockIdx.length, gL) : lockIdx.map(() => true);
    good.count = 0; // 'selective': the good vectors were in the old basis
    nextCheck = 0;
    lastNearest = Infinity;
    fullNext = false;
    for (const [c, i] of lockIdx.entries()) {
      if (!lockKept[c]) continue;
      const l = { value: theta[i] as number, end: choice.endOf[i] as number, converged: ok[i] === 1, res: res[i] as number };
      locked.push(l);
      phaseLocked.push(l);
    }
    if (status !== undefined) break;
    if (nextPhase > 0) {
      if (!startPhase(nextPhase)) status = "converged";
      continue;
    }
    // H ← diag(θ_keep) bordered by the couplings (E·S)[q, keep_c] to the open columns (the arrowhead).
    const p = keepIdx.length;
    H.fill(0);
    for (let c = 0; c < p; c++) {
      const i = keepIdx[c] as number;
      H[c * cap + c] = theta[i] as number;
      for (let q = 0; q < open; q++) {
        const e = ES[q * closed + i] as number;
        H[(p + q) * cap + c] = e;
        H[c * cap + p + q] = e;
      }
    }
    closed = p;
    cols = p + open;
    // 'selective', 'none': the kept Ritz vectors V·s are orthonormal only as far as V was; restore it, H rewritten to match.
    if (qrWork !== undefined) ({ closed, cols } = reorthonormalizeBasis(V, n, closed, cols, H, cap, L, lockedBefore, locked.length, qrWork));
    omega?.measure(V, n, cols, g);
  }

  const { values, vectors, residualNorms, allConverged } = answer(A, n, ends, locked, L, k);
  matvecs += values.length;
  let finalStatus = status === "converged" && !allConverged ? "maxIterations" : (status ?? "maxIterations");
  // The estimates are trusted only as far as the true residuals confirm them: a returned pair 100 times over its
  // bound (tol·‖A‖est, or what valueTol accepts: r ≤ √(valueTol·|λ|·gap), gap ≤ 2‖A‖est) means a basis that lost
  // orthogonality or a non-symmetric A, never a converged run. The bound is at least ψ·‖A‖est = ε√n·‖A‖est: a true
  // residual is only computed to rounding, so a tol near or below ε (tol 0 included) must not turn rounding into a breakdown.
  if (finalStatus === "converged") {
    const c = residualNorms.findIndex((r, i) => !(r <= 100 * Math.max(tol * normEst, psi * normEst, Math.sqrt(2 * valueTol * Math.abs(values[i] as number) * normEst))));
    if (c >= 0) {
      finalStatus = "breakdown";
      message = `the true residual of λ = ${values[c]} is ${residualNorms[c]}, over 100 times its tolerance: the estimates were not borne out (a basis that lost orthogonality, or a non-symmetric A)`;
    }
  }
  return {
    values,
    vectors,
    residualNorms,
    restarts,
    stats: {
      iterations: steps,
      matvecs,
      converged: finalStatus === "converged",
      status: finalStatus,
      residualNorm: residualNorms.reduce((x, y) => Math.max(x, y), 0),
      ...(history !== undefined ? { residualHistory: history } : {}),
      timeMs: performance.now() - start,
      ...(message !== undefined ? { message } : {}),
    },
  };
}
