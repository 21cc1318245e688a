/**
 * Extreme eigenpairs of a symmetric operator: thick-restart Lanczos with locking.
 *
 * @module
 */
import { rng, vec, type LinearOperator, type Vec, type VecLike } from "@krylov-ts/operators";
import { checkInteger, checkNumber, type Stats } from "./stats.js";
import {
  columnView, eigenOperator, functionOf, norm, oneOf, optionsOf, restartBasis, signalOf, startVector,
} from "./lanczos-common.js";
import { basisDots, basisSubtract, cgsPass, COMBINE_ROWS } from "./lanczos-kernels.js";
import { smallSymmetricEigen } from "./small-symmetric-eigen.js";
import { chooseRitz, endsOf, type End, type Locked, type Which } from "./lanczos-select.js";

export type { Which } from "./lanczos-select.js";

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
  /** Basis size m (Lanczos vectors per cycle, besides the locked ones). Default max(2k + 1, 20), at most n. */
  maxBasis?: number;
  /** Budget of products with A. Default max(1000, 20·n). */
  maxMatvecs?: number;
  /** Budget of restart cycles. Default 10,000. */
  maxRestarts?: number;
  /** Start vector (never modified). Default: seeded standard normal. */
  v0?: VecLike;
  /** Seed of the start vector and of every later random vector. Default 0. */
  seed?: number;
  /**
   * `'full'` (default): each new vector is orthogonalized against the locked vectors and the
   * whole basis (Gram–Schmidt, a second pass when the first removed more than 1 − 1/√2 of its
   * norm). `'none'`: only against the locked vectors and by the Lanczos recurrence itself
   * (cheaper per step; spurious copies of eigenvalues may then appear).
   */
  reorthogonalization?: "full" | "none";
  /** Called after each restart cycle; returning `true` stops (status `'stopped'`). */
  callback?: (info: LanczosRestartInfo) => boolean | void;
  /** Cancels the run (status `'stopped'`). */
  signal?: AbortSignal;
  /** Refuse a non-symmetric A (two extra products on random probes, not counted). Default false. */
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
   * pairs); `'stopped'` by callback or signal. `iterations` counts Lanczos steps, `residualNorm`
   * is the largest of `residualNorms`.
   */
  stats: Stats;
}

/**
 * The k extreme eigenpairs of a symmetric operator A, each to ‖Av − λv‖ ≤ tol·‖A‖est, where
 * ‖A‖est is the largest |Ritz value| met (a lower bound of ‖A‖₂ that is sharp after a few steps).
 *
 * Thick-restart Lanczos (Wu & Simon 2000; Stathopoulos, Saad & Wu 1998): each cycle extends the
 * basis to m vectors by the Lanczos recurrence, computes the Ritz pairs of the projected matrix
 * (tridiagonal plus an arrowhead after a restart), locks the wanted pairs whose residual
 * estimate β_m·|s_{m,i}| meets the tolerance (they are removed from the basis and every later
 * vector is orthogonalized against them), and restarts from the best unconverged Ritz vectors
 * plus the residual direction. Memory: (m + 1 + locked)·n numbers.
 *
 * Repeated eigenvalues: one Krylov space holds a single direction of each eigenspace, so once
 * the wanted set is all locked, the method restarts from a fresh random vector orthogonal to
 * the locked vectors (a deflated restart) and continues until a cycle started that way locks
 * nothing new and its best Ritz value has converged without entering the wanted set. Every
 * copy of a repeated eigenvalue in the wanted set is thus found, up to a probability-zero
 * event for the random vectors.
 *
 * @param A - a symmetric n×n operator
 * @returns `values` ascending, `vectors`, true `residualNorms`, `restarts`, `stats`
 * @example
 * const { values } = lanczos(A, { k: 6, which: "largest", tol: 1e-10 });
 */
export function lanczos(A: LinearOperator, options?: LanczosOptions): LanczosResult {
  const fn = "lanczos";
  const o = optionsOf(fn, options);
  const n = eigenOperator(fn, A, o.checkSymmetric ?? false);
  if (n === 0) throw new RangeError(`${fn}: A is 0×0`);
  const k = checkInteger(fn, "options.k", o.k ?? Math.min(6, n), 1);
  if (k > n) throw new RangeError(`${fn}: options.k is ${k} but A is ${n}×${n}`);
  const which = oneOf<Which>(fn, "options.which", o.which, ["largest", "smallest", "both", "magnitude"], "largest");
  const tol = checkNumber(fn, "options.tol", o.tol ?? 1e-8, 0);
  const valueTol = checkNumber(fn, "options.valueTol", o.valueTol ?? 0, 0);
  const m = Math.min(checkInteger(fn, "options.maxBasis", o.maxBasis ?? Math.max(2 * k + 1, 20), 2), n);
  const maxMatvecs = checkInteger(fn, "options.maxMatvecs", o.maxMatvecs ?? Math.max(1000, 20 * n), 1);
  const maxRestarts = checkInteger(fn, "options.maxRestarts", o.maxRestarts ?? 10000, 1);
  const reorth = oneOf(fn, "options.reorthogonalization", o.reorthogonalization, ["full", "none"] as const, "full");
  const seed = checkNumber(fn, "options.seed", o.seed ?? 0, -Infinity);
  const callback = functionOf(fn, "options.callback", o.callback);
  const signal = signalOf(fn, o.signal);
  const start = performance.now();
  const ends = endsOf(which, k);
  const random = rng(seed + 1);
  const checkEvery = Math.max(1, Math.ceil(m / 10));

  const V = new Float64Array((m + 1) * n); // basis v_0…v_m, column c at c·n
  const T = new Float64Array(m * m); // projected matrix VᵀAV
  const h = new Float64Array(m + 1); // coefficients of the current vector on the basis
  const g = new Float64Array(m + 1); // Gram–Schmidt workspace
  const w = new Float64Array(n);
  const wVec = columnView(w, 0, n);
  const locked: Locked[] = [];
  let L = new Float64Array(Math.min(k + 4, n) * n); // locked vectors, one after another
  let gL = new Float64Array(Math.min(k + 4, n)); // Gram–Schmidt workspace for L
  let scratch = new Float64Array(COMBINE_ROWS * (m + k + 4)); // restart workspace
  startVector(fn, o.v0, seed, n, V);

  let matvecs = 0;
  let steps = 0;
  let restarts = 0;
  let normEst = 0;
  let p = 0; // kept Ritz vectors at the front of the basis
  let lockedSinceFresh = false;
  let status: Stats["status"] | undefined;
  let message: string | undefined;
  if (!deflateStart()) status = "converged";

  // w ⟂ locked vectors and v_0…v_{cols−1}; the coefficients on V are added into h. Returns ‖w‖.
  function orthogonalizeAll(cols: number, full: boolean, before: number): number {
    let after = before;
    for (let pass = 0; pass < 2; pass++) {
      after = cgsPass(L, 0, locked.length, n, w, gL);
      if (full) after = cgsPass(V, 0, cols, n, w, g, h);
      if (after >= before * Math.SQRT1_2) return after;
      before = after;
    }
    return after;
  }

  // A random unit vector ⟂ locked and v_0…v_{cols−1} into column `col`; false when the space is exhausted.
  function randomColumn(col: number, cols: number): boolean {
    for (let attempt = 0; attempt < 3; attempt++) {
      for (let i = 0; i < n; i++) w[i] = random.normal();
      const before = norm(w, n);
      h.fill(0);
      const after = orthogonalizeAll(cols, true, before);
      if (after > 1e-8 * before) {
        for (let i = 0; i < n; i++) V[col * n + i] = (w[i] as number) / after;
        return true;
      }
    }
    return false;
  }

  // Column 0 ← (current column 0, or a fresh random vector) ⟂ locked; false when nothing is left.
  function deflateStart(): boolean {
    for (let i = 0; i < n; i++) w[i] = V[i] as number;
    const before = norm(w, n);
    h.fill(0);
    const after = orthogonalizeAll(0, false, before);
    if (after > 1e-8 * before) {
      for (let i = 0; i < n; i++) V[i] = (w[i] as number) / after;
      return true;
    }
    return randomColumn(0, 0);
  }

  // Ritz pairs of the leading `used` columns: T = S Θ Sᵀ; residual estimate of pair i: |β·s_{used,i}|.
  function rayleighRitz(used: number, beta: number): { theta: Float64Array; S: Float64Array; res: Float64Array; ok: Uint8Array } {
    const Tu = new Float64Array(used * used);
    for (let i = 0; i < used; i++) for (let j = 0; j < used; j++) Tu[i * used + j] = T[i * m + j] as number;
    const { values: theta, vectors: S } = smallSymmetricEigen(Tu, used);
    const res = new Float64Array(used);
    for (let i = 0; i < used; i++) {
      res[i] = Math.abs(beta * (S[(used - 1) * used + i] as number));
      normEst = Math.max(normEst, Math.abs(theta[i] as number));
    }
    // Accepted: ‖r‖ ≤ tol·‖A‖est, or ‖r‖²/gap ≤ valueTol·|θ| (gap: to the nearest other Ritz value).
    const ok = new Uint8Array(used);
    for (let i = 0; i < used; i++) {
      const r = res[i] as number;
      const t = theta[i] as number;
      const gap = Math.min(i > 0 ? t - (theta[i - 1] as number) : Infinity, i + 1 < used ? (theta[i + 1] as number) - t : Infinity);
      ok[i] = r <= tol * normEst || (valueTol > 0 && gap > 0 && (r * r) / gap <= valueTol * Math.abs(t)) ? 1 : 0;
    }
    return { theta, S, res, ok };
  }

  while (status === undefined) {
    // Extend the basis from column p to mCycle columns (v_{mCycle} is the residual direction).
    const mCycle = Math.min(m, n - locked.length, p + (maxMatvecs - matvecs));
    let betaLast = 0;
    let used = mCycle;
    for (let j = p; j < mCycle; j++) {
      A.apply(columnView(V, j * n, n), wVec); // w ← A v_j
      matvecs++;
      steps++;
      h.fill(0);
      // The local step, one sweep: w ← w − α_j v_j − Σ_{i<j} T_ij v_i with α_j = v_jᵀw, the sum being
      // β_{j−1}v_{j−1}, or the arrowhead couplings to the kept Ritz vectors right after a restart.
      basisDots(V, j, j + 1, n, w, h);
      const lo = j === p ? 0 : j - 1;
      for (let i = lo; i < j; i++) g[i] = T[i * m + j] as number;
      g[j] = h[j] as number;
      const local = Math.sqrt(basisSubtract(V, lo, j + 1, n, w, g));
      // Full: w ⟂ locked and v_0…v_j (the corrections are rounding-sized; the one on v_j refines α_j).
      let b = orthogonalizeAll(reorth === "full" ? j + 1 : 0, reorth === "full", local);
      const a = h[j] as number; // α_j = v_jᵀ A v_j
      T[j * m + j] = a;
      normEst = Math.max(normEst, Math.abs(a));
      if (b > 1e-12 * Math.max(normEst, Math.abs(a), 1e-300) && Number.isFinite(b)) {
        for (let i = 0; i < n; i++) V[(j + 1) * n + i] = (w[i] as number) / b; // v_{j+1} ← w/β_j
      } else if (randomColumn(j + 1, j + 1)) {
        b = 0; // invariant subspace: continue with a random vector ⟂ everything (T decouples)
      } else {
        b = 0; // the basis and the locked vectors span the whole space
        used = j + 1;
        betaLast = 0;
        break;
      }
      if (j + 1 < mCycle) {
        T[j * m + j + 1] = b;
        T[(j + 1) * m + j] = b;
      }
      betaLast = b;
      // Between restarts, end the cycle as soon as the wanted set would be complete (every wanted
      // pair converged, to be locked now or confirmed by a fresh start); tested every ⌈m/10⌉ steps.
      if (j + 1 < mCycle && j + 1 > p && (j + 1 - p) % checkEvery === 0) {
        const q = rayleighRitz(j + 1, b);
        const c = chooseRitz(ends, locked, q.theta, q.res, q.ok, 0);
        if (c.allLocked && (c.lock.length > 0 || lockedSinceFresh || c.frontierConverged)) {
          used = j + 1;
          break;
        }
      }
    }
    if (used === 0) {
      status = "converged";
      break;
    }
    restarts++;
    const { theta, S, res, ok } = rayleighRitz(used, betaLast);
    const choice = chooseRitz(ends, locked, theta, res, ok, Math.max(used - 2, 0));
    if (choice.lock.length > 0) lockedSinceFresh = true;
    // All wanted pairs locked: confirm with a fresh start unless this space was already fresh.
    let restartFresh = false;
    if (choice.allLocked) {
      if (lockedSinceFresh) restartFresh = true;
      else if (choice.frontierConverged) status = "converged";
    }
    if (status === undefined && signal?.aborted) {
      status = "stopped";
      message = "aborted by the signal";
    }
    if (status === undefined && callback !== undefined) {
      const current = wantedValues(ends, locked, theta, [...choice.lock, ...choice.pendingWanted]);
      if (callback({ restart: restarts, matvecs, locked: locked.length + choice.lock.length, values: current }) === true) {
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
    const keepIdx = status === undefined && !restartFresh ? choice.keep : [];
    if ((locked.length + lockIdx.length) * n > L.length) {
      const bigger = new Float64Array(Math.max(2 * L.length, (locked.length + lockIdx.length) * n));
      bigger.set(L);
      L = bigger;
      gL = new Float64Array(L.length / n);
    }
    if (scratch.length < COMBINE_ROWS * (keepIdx.length + lockIdx.length)) scratch = new Float64Array(COMBINE_ROWS * (keepIdx.length + lockIdx.length));
    restartBasis(V, n, used, S, keepIdx, lockIdx, L, locked.length, scratch);
    for (const i of lockIdx) {
      locked.push({ value: theta[i] as number, end: choice.endOf[i] as number, converged: ok[i] === 1 });
    }
    if (status !== undefined) break;
    // T ← diag(θ_keep) bordered by the couplings s_c = β·S[used−1, keep_c] (the arrowhead).
    p = keepIdx.length;
    T.fill(0);
    for (let c = 0; c < p; c++) {
      const i = keepIdx[c] as number;
      T[c * m + c] = theta[i] as number;
      const s = betaLast * (S[(used - 1) * used + i] as number);
      T[c * m + p] = s;
      T[p * m + c] = s;
    }
    if (restartFresh) {
      lockedSinceFresh = false;
      p = 0;
      if (!randomColumn(0, 0)) status = "converged";
    } else if (betaLast === 0 && !randomColumn(p, p)) {
      status = "converged";
    }
  }

  // The answer: for each end, its best `count` locked pairs; true residuals.
  const picked: number[] = [];
  for (let e = 0; e < ends.length; e++) {
    const end = ends[e] as End;
    const mine = locked.map((l, i) => ({ l, i })).filter((x) => x.l.end === e);
    mine.sort((x, y) => end.score(y.l.value) - end.score(x.l.value));
    for (const x of mine.slice(0, end.count)) picked.push(x.i);
  }
  picked.sort((x, y) => (locked[x] as Locked).value - (locked[y] as Locked).value);
  const values = new Float64Array(picked.length);
  const vectors: Vec[] = [];
  const residualNorms = new Float64Array(picked.length);
  const Av = vec(n);
  picked.forEach((i, c) => {
    const lambda = (locked[i] as Locked).value;
    const y = vec(n);
    y.data.set(L.subarray(i * n, (i + 1) * n));
    A.apply(y, Av);
    matvecs++;
    let r = 0;
    for (let t = 0; t < n; t++) r += ((Av.data[t] as number) - lambda * (y.data[t] as number)) ** 2;
    values[c] = lambda;
    vectors.push(y);
    residualNorms[c] = Math.sqrt(r);
  });
  const allConverged = picked.length === k && picked.every((i) => (locked[i] as Locked).converged);
  const finalStatus = status === "converged" && !allConverged ? "maxIterations" : (status ?? "maxIterations");
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
      residualNorm: residualNorms.reduce((a, b) => Math.max(a, b), 0),
      timeMs: performance.now() - start,
      ...(message !== undefined ? { message } : {}),
    },
  };
}

function wantedValues(ends: readonly End[], locked: readonly Locked[], theta: Float64Array, pending: readonly number[]): Float64Array {
  const out: number[] = [];
  for (let e = 0; e < ends.length; e++) {
    const end = ends[e] as End;
    const mine = locked.filter((l) => l.end === e).map((l) => l.value);
    mine.sort((x, y) => end.score(y) - end.score(x));
    out.push(...mine.slice(0, end.count));
  }
  for (const i of pending) out.push(theta[i] as number);
  return Float64Array.from(out.sort((a, b) => a - b));
}
