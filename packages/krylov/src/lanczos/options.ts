/**
 * The options and the result of `lanczos` (lanczos.ts), with the documentation of each option.
 *
 * @module
 */
import type { Vec, VecLike } from "@krylov-ts/operators";
import type { Stats } from "../stats.js";
import type { Which } from "./select.js";

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
   * for a closed column k, g the coefficients the step subtracted, ϑ = ±ε√n·(β + ‖A‖est) the
   * rounding), and only when max |ω_{new,k}| > min(√ε, tol) are that vector and the next
   * orthogonalized against the basis (the vector is always orthogonalized against the locked ones).
   * Semi-orthogonality (√ε) is enough for the Ritz values to be exact to working precision; the
   * Ritz vectors' residuals keep an error of about the loss allowed times ‖A‖ (the coefficients a
   * reorthogonalization removes are not in H), hence the bound tol when it is smaller. At a thick restart
   * the estimates of the new basis (kept Ritz vectors and open columns) are reset to their
   * measured inner products, and newly locked vectors are orthonormalized against the locked
   * ones. Fewer sweeps over the basis than `'full'`. The estimates can miss a loss (near-dependent blocks in
   * tight clusters), so it is also measured: at each check of a cycle (every ⌈m/10⌉ steps) the newest
   * vector's inner products with the basis and the locked vectors (one sweep); past 10 times the loss
   * allowed, nothing is locked from that cycle and the run goes on as `'full'` with the restarts of
   * `'none'`, said in `stats.message`. So no ghosts.
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
   * handful, instead of the whole basis, and no Ω estimates are kept as `'partial'` does. The loss is
   * measured as with `'partial'` (and repaired the same way when it passes 10 times the loss allowed);
   * no ghosts.
   *
   * `'none'`: only against the locked vectors and by the Lanczos recurrence itself (cheapest per
   * step, no sweep over the basis). Orthogonality is lost within a cycle once a pair converges, and
   * spurious copies of eigenvalues (ghosts) may appear; the loss is not carried across cycles: each
   * thick restart re-orthonormalizes the restarted basis as `'selective'` does, and newly locked
   * vectors are orthonormalized against the locked ones (a Ritz vector with ‖V·s‖ < ½, or that
   * loses half of its norm to them, a ghost's, is not locked). Within a cycle the Ritz values may still
   * leave the spectrum; the answer is checked on its true residuals as with every option, with the
   * largest ‖A·v‖ of a unit column or |λ| returned as ‖A‖est (see `LanczosResult.stats`), and a run that
   * ends short of the contract may return ghosts. For studying the loss of orthogonality; not for results.
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
   * before it are returned); `'stopped'` by callback or signal.
   * `'converged'` is a promise on the true residuals of the returned pairs, computed at the end: each meets
   * ‖A·v − λ·v‖ ≤ max(tol, 100ε√n)·‖A‖est (the floor is the rounding of a computed residual), or, with `valueTol`,
   * ‖A·v − λ·v‖²/gap ≤ valueTol·|λ| with the gap it had when accepted. Where a pair misses it (a basis that lost
   * orthogonality leaves residuals its estimates do not show), up to three Rayleigh–Ritz steps on the span of the
   * pairs and their residuals (one block Davidson step each, k products) refine all of them; a pair that still
   * misses it (or a non-symmetric A) makes the run `'breakdown'`,
   * with a message naming the pair. A `tol` below the floor cannot be met in float64: when every pair reached the
   * floor but one stays above tol·‖A‖est (and its `valueTol` test), the status is `'stagnated'` (not converged, as
   * CG's), the message giving the floor. `iterations` counts Lanczos steps, `residualNorm`
   * is the largest of `residualNorms` (NaN after a non-finite product, or when a true residual is NaN); `residualHistory` (with `history: true`) one entry a cycle.
   */
  stats: Stats;
}
